/** Placements across tasks: by task, by site, current or superseded. */
import type { Static } from '@sinclair/typebox';
import { tenantScopeOf } from '../../auth/principal.js';
import { errorResponses } from '../schemas/common.js';
import { PlacementPage, PlacementQuery } from '../schemas/placements.js';
import type { RouteModule } from './types.js';

export const placementRoutes: RouteModule = (app, { services: { tasks } }) => {
  app.route<{ Querystring: Static<typeof PlacementQuery> }>({
    method: 'GET',
    url: '/placements',
    config: { roles: ['operator', 'tenant', 'regulator'] },
    schema: {
      tags: ['placements'],
      summary: 'Placements newest first, filtered by task, site, current',
      querystring: PlacementQuery,
      response: { 200: PlacementPage, ...errorResponses },
    },
    handler: (req) => {
      const { limit = 50, cursor, ...filter } = req.query;
      // A tenant sees the placements of its own tasks only.
      const own = tenantScopeOf(req.principal);
      return tasks.listPlacements(
        { ...filter, ...(own !== undefined && { tenantId: own }) },
        { limit, ...(cursor !== undefined && { cursor }) },
      );
    },
  });
};
