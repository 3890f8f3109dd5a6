/** The national topology, read-only: hubs, clusters, cities, pairings; and the summary counts. */
import type { Static } from '@sinclair/typebox';
import { ALL_ROLES } from '../roles.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import {
  CityList,
  CityQuery,
  CitySchema,
  ClusterList,
  ClusterQuery,
  ClusterSchema,
  HubList,
  HubSchema,
  PairingList,
  SummarySchema,
} from '../schemas/topology.js';
import type { RouteModule } from './types.js';

type Id = { Params: Static<typeof IdParams> };

export const topologyRoutes: RouteModule = (app, { services: { supply, summary } }) => {
  const tags = ['topology'];
  app.route({
    method: 'GET',
    url: '/hubs',
    config: { roles: ALL_ROLES },
    schema: { tags, summary: 'The 8 national hubs', response: { 200: HubList, ...errorResponses } },
    handler: async () => ({ items: await supply.listHubs() }),
  });
  app.route<Id>({
    method: 'GET',
    url: '/hubs/:id',
    config: { roles: ALL_ROLES },
    schema: { tags, summary: 'One hub', params: IdParams, response: { 200: HubSchema, ...errorResponses } },
    handler: (req) => supply.getHub(req.params.id),
  });
  app.route<{ Querystring: Static<typeof ClusterQuery> }>({
    method: 'GET',
    url: '/clusters',
    config: { roles: ALL_ROLES },
    schema: {
      tags,
      summary: 'The national data-center clusters',
      querystring: ClusterQuery,
      response: { 200: ClusterList, ...errorResponses },
    },
    handler: async (req) => ({ items: await supply.listClusters(req.query) }),
  });
  app.route<Id>({
    method: 'GET',
    url: '/clusters/:id',
    config: { roles: ALL_ROLES },
    schema: { tags, summary: 'One cluster', params: IdParams, response: { 200: ClusterSchema, ...errorResponses } },
    handler: (req) => supply.getCluster(req.params.id),
  });
  app.route<{ Querystring: Static<typeof CityQuery> }>({
    method: 'GET',
    url: '/cities',
    config: { roles: ALL_ROLES },
    schema: {
      tags,
      summary: 'Cities: where demand comes from and sites stand',
      querystring: CityQuery,
      response: { 200: CityList, ...errorResponses },
    },
    handler: async (req) => ({ items: await supply.listCities(req.query) }),
  });
  app.route<Id>({
    method: 'GET',
    url: '/cities/:id',
    config: { roles: ALL_ROLES },
    schema: { tags, summary: 'One city', params: IdParams, response: { 200: CitySchema, ...errorResponses } },
    handler: (req) => supply.getCity(req.params.id),
  });
  app.route({
    method: 'GET',
    url: '/pairings',
    config: { roles: ALL_ROLES },
    schema: { tags, summary: 'East–west hub pairings (结对子)', response: { 200: PairingList, ...errorResponses } },
    handler: async () => ({ items: await supply.listPairings() }),
  });
  app.route({
    method: 'GET',
    url: '/summary',
    config: { roles: ALL_ROLES },
    schema: {
      tags: ['dashboard'],
      summary: 'Counts of hubs, clusters, cities, sites by status and tasks by state',
      response: { 200: SummarySchema, ...errorResponses },
    },
    handler: () => summary(),
  });
};
