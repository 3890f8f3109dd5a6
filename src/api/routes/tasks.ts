/** Tasks: submit, read (with placement and history), list, cancel; a task's placements. */
import type { Static } from '@sinclair/typebox';
import { claimFor, IdempotencyKeyTaken, idempotencyKeyOf } from '../../auth/idempotency.js';
import { tenantScopeOf } from '../../auth/principal.js';
import { DomainError } from '../../domain/errors.js';
import type { TaskState } from '../../domain/task.js';
import type { TaskRecord } from '../../store/repos/tasks.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import { PlacementList } from '../schemas/placements.js';
import {
  CancelBody,
  TaskDetailSchema,
  TaskPage,
  TaskQuery,
  TaskRecordSchema,
  type TaskSubmission,
  TaskSubmissionSchema,
} from '../schemas/tasks.js';
import type { RouteModule } from './types.js';

type Id = Static<typeof IdParams>;

export const taskRoutes: RouteModule = (app, { services: { tasks, idempotency } }) => {
  const tags = ['tasks'];
  app.route<{ Body: TaskSubmission }>({
    method: 'POST',
    url: '/tasks',
    config: { roles: ['operator', 'tenant'] },
    schema: {
      tags,
      summary: 'Submit a task; it is stored as queued before the answer (201)',
      description:
        'A tenant key submits for its own tenant (tenantId may be omitted; another tenant is refused). ' +
        'With an `Idempotency-Key` header, a retry gets the same answer (`idempotent-replayed: true`) and never ' +
        'a second task; the same key with a different body is a 409.',
      body: TaskSubmissionSchema,
      response: { 201: TaskRecordSchema, ...errorResponses },
    },
    // The tenant comes from a tenant key, not from the body.
    preValidation: async (req) => {
      const own = tenantScopeOf(req.principal);
      const body = req.body as Record<string, unknown> | null;
      if (own === undefined || !body || typeof body !== 'object' || Array.isArray(body)) return;
      if (body.tenantId === undefined) body.tenantId = own;
      else if (body.tenantId !== own) {
        throw new DomainError('forbidden', `this key submits for tenant '${own}' only`, 'tenantId');
      }
    },
    handler: async (req, reply) => {
      const answer = (task: TaskRecord, replayed: boolean) => {
        if (replayed) reply.header('idempotent-replayed', 'true');
        return reply
          .status(201)
          .header('location', `/tasks/${encodeURIComponent(task.id)}`)
          .send(task);
      };
      const key = idempotencyKeyOf(req.headers);
      if (key === undefined) return answer(await tasks.submit(req.body), false);
      const claim = claimFor(req.principal, key, 'POST', '/tasks', req.body);
      // Insert first (the key is claimed in the same statement): a new key costs no extra query.
      try {
        return answer(await tasks.submit(req.body, { idempotency: claim }), false);
      } catch (err) {
        // A used key — a retry, or a concurrent request that won — gets the answer given then (409 if it
        // was another request). A retry may also fail today's checks (its deadline passed): same answer.
        if (!(err instanceof IdempotencyKeyTaken || err instanceof DomainError)) throw err;
        const earlier = await idempotency.replay(claim);
        if (earlier) return answer(earlier, true);
        if (err instanceof IdempotencyKeyTaken) {
          throw new DomainError('conflict', 'this Idempotency-Key was just released; send the request again');
        }
        throw err;
      }
    },
  });
  app.route<{ Querystring: Static<typeof TaskQuery> }>({
    method: 'GET',
    url: '/tasks',
    config: { roles: ['operator', 'tenant', 'regulator'] },
    schema: {
      tags,
      summary: 'Tasks newest first, filtered, one page at a time',
      querystring: TaskQuery,
      response: { 200: TaskPage, ...errorResponses },
    },
    handler: (req) => {
      const { limit = 50, cursor, state, siteId, kind } = req.query;
      // A tenant lists its own tasks only.
      const own = tenantScopeOf(req.principal);
      if (own !== undefined && req.query.tenantId !== undefined && req.query.tenantId !== own) {
        throw new DomainError('forbidden', `this key sees tenant '${own}' only`, 'tenantId');
      }
      const tenantId = own ?? req.query.tenantId;
      const states = state?.split(',') as TaskState[] | undefined;
      return tasks.list(
        {
          ...(states && { states }),
          ...(tenantId !== undefined && { tenantId }),
          ...(siteId !== undefined && { siteId }),
          ...(kind !== undefined && { kind }),
        },
        { limit, ...(cursor !== undefined && { cursor }) },
      );
    },
  });
  app.route<{ Params: Id }>({
    method: 'GET',
    url: '/tasks/:id',
    config: { roles: ['operator', 'tenant', 'regulator'], scope: 'task' },
    schema: {
      tags,
      summary: 'A task with its current placement (score breakdown, explanation, runners-up) and state history',
      params: IdParams,
      response: { 200: TaskDetailSchema, ...errorResponses },
    },
    handler: (req) => tasks.get(req.params.id),
  });
  app.route<{ Params: Id; Body: Static<typeof CancelBody> | undefined }>({
    method: 'POST',
    url: '/tasks/:id/cancel',
    config: { roles: ['operator', 'tenant'], scope: 'task' },
    schema: {
      tags,
      summary: 'Cancel an unfinished task (409 if it already ended)',
      params: IdParams,
      body: CancelBody,
      response: { 200: TaskRecordSchema, ...errorResponses },
    },
    // A bodiless POST is a cancel without a reason.
    preValidation: async (req) => {
      if (req.body === undefined || req.body === null) req.body = {};
    },
    handler: (req) => tasks.cancel(req.params.id, req.body?.reason),
  });
  app.route<{ Params: Id }>({
    method: 'GET',
    url: '/tasks/:id/placements',
    config: { roles: ['operator', 'tenant', 'regulator'], scope: 'task' },
    schema: {
      tags: ['tasks', 'placements'],
      summary: 'Every placement of a task, oldest first (earlier ones superseded)',
      params: IdParams,
      response: { 200: PlacementList, ...errorResponses },
    },
    handler: async (req) => ({ items: await tasks.placementsOf(req.params.id) }),
  });
};
