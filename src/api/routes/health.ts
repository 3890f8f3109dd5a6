/** Liveness (the process answers) and readiness (the store answers too). */
import { Type } from '@sinclair/typebox';
import { PUBLIC } from '../roles.js';
import { ErrorSchema } from '../schemas/common.js';
import type { RouteModule } from './types.js';

const Ok = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false });

export const healthRoutes: RouteModule = (app, { services }) => {
  app.route({
    method: 'GET',
    url: '/healthz',
    config: { roles: PUBLIC },
    schema: { tags: ['health'], summary: 'The process is alive', response: { 200: Ok } },
    handler: async () => ({ status: 'ok' as const }),
  });
  app.route({
    method: 'GET',
    url: '/readyz',
    config: { roles: PUBLIC },
    schema: {
      tags: ['health'],
      summary: 'The platform can serve (its store answers)',
      response: { 200: Ok, 503: ErrorSchema },
    },
    handler: async (req, reply) => {
      try {
        await services.ready();
        return { status: 'ok' as const };
      } catch (err) {
        req.log.warn({ err }, 'not ready');
        return reply.status(503).send({ error: 'unavailable', message: `not ready: ${(err as Error).message}` });
      }
    },
  });
};
