/** Tasks: submit, read (with placement and history), list, cancel; a task's placements. */
import type { Static } from '@sinclair/typebox';
import type { TaskState } from '../../domain/task.js';
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

export const taskRoutes: RouteModule = (app, { services: { tasks } }) => {
  const tags = ['tasks'];
  app.route<{ Body: TaskSubmission }>({
    method: 'POST',
    url: '/tasks',
    config: { roles: ['operator', 'tenant'] },
    schema: {
      tags,
      summary: 'Submit a task; it is stored as queued before the answer (201)',
      body: TaskSubmissionSchema,
      response: { 201: TaskRecordSchema, ...errorResponses },
    },
    handler: async (req, reply) => {
      const task = await tasks.submit(req.body);
      return reply
        .status(201)
        .header('location', `/tasks/${encodeURIComponent(task.id)}`)
        .send(task);
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
      const { limit = 50, cursor, state, tenantId, siteId, kind } = req.query;
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
    config: { roles: ['operator', 'tenant', 'regulator'] },
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
    config: { roles: ['operator', 'tenant'] },
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
    config: { roles: ['operator', 'tenant', 'regulator'] },
    schema: {
      tags: ['tasks', 'placements'],
      summary: 'Every placement of a task, oldest first (earlier ones superseded)',
      params: IdParams,
      response: { 200: PlacementList, ...errorResponses },
    },
    handler: async (req) => ({ items: await tasks.placementsOf(req.params.id) }),
  });
};
