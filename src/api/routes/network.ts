/** Latency between two places, and the places within a latency circle. */
import type { Static } from '@sinclair/typebox';
import { ALL_ROLES } from '../roles.js';
import { errorResponses } from '../schemas/common.js';
import { CircleQuery, CircleSchema, LatencyQuery, LatencySchema } from '../schemas/network.js';
import type { RouteModule } from './types.js';

export const networkRoutes: RouteModule = (app, { services: { network } }) => {
  app.route<{ Querystring: Static<typeof LatencyQuery> }>({
    method: 'GET',
    url: '/network/latency',
    config: { roles: ALL_ROLES },
    schema: {
      tags: ['network'],
      summary: 'One-way and round-trip latency between two places (measured, else modelled)',
      querystring: LatencyQuery,
      response: { 200: LatencySchema, ...errorResponses },
    },
    handler: async (req) => network.latency(req.query.from, req.query.to),
  });
  app.route<{ Querystring: Static<typeof CircleQuery> }>({
    method: 'GET',
    url: '/network/circle',
    config: { roles: ALL_ROLES },
    schema: {
      tags: ['network'],
      summary: 'Places within a one-way latency of a centre, nearest first',
      querystring: CircleQuery,
      response: { 200: CircleSchema, ...errorResponses },
    },
    handler: async (req) => network.circle(req.query.center, req.query.ms, req.query.kind),
  });
};
