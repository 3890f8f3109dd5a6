/** Sites: the supply ledger (CRUD, and a site registering itself). */
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { Site } from '../../domain/site.js';
import { ALL_ROLES } from '../roles.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import {
  ExpectedVersionQuery,
  SitePage,
  SitePatchSchema,
  SiteQuery,
  SiteRecordSchema,
  SiteSchema,
} from '../schemas/sites.js';
import type { RouteModule } from './types.js';

type Id = Static<typeof IdParams>;
type Version = Static<typeof ExpectedVersionQuery>;

export const siteRoutes: RouteModule = (app, { services: { supply } }) => {
  const tags = ['sites'];
  app.route<{ Querystring: Static<typeof SiteQuery> }>({
    method: 'GET',
    url: '/sites',
    config: { roles: ALL_ROLES },
    schema: {
      tags,
      summary: 'Sites by id, filtered, one page at a time',
      querystring: SiteQuery,
      response: { 200: SitePage, ...errorResponses },
    },
    handler: (req) => {
      const { limit = 50, cursor, ...filter } = req.query;
      return supply.listSites(filter, { limit, ...(cursor !== undefined && { cursor }) });
    },
  });
  app.route<{ Params: Id }>({
    method: 'GET',
    url: '/sites/:id',
    config: { roles: ALL_ROLES },
    schema: { tags, summary: 'One site', params: IdParams, response: { 200: SiteRecordSchema, ...errorResponses } },
    handler: (req) => supply.getSite(req.params.id),
  });
  app.route<{ Body: Site }>({
    method: 'POST',
    url: '/sites',
    config: { roles: ['operator'] },
    schema: {
      tags,
      summary: 'Add a site (409 if the id is taken)',
      body: SiteSchema,
      response: { 201: SiteRecordSchema, ...errorResponses },
    },
    handler: async (req, reply) => {
      const site = await supply.createSite(req.body);
      return reply
        .status(201)
        .header('location', `/sites/${encodeURIComponent(site.id)}`)
        .send(site);
    },
  });
  app.route<{ Body: Site }>({
    method: 'POST',
    url: '/sites/register',
    config: { roles: ['operator', 'site'], scope: 'site-body' },
    schema: {
      tags,
      summary: 'A site registers itself: created (201) or replaced (200), by id',
      body: SiteSchema,
      response: { 200: SiteRecordSchema, 201: SiteRecordSchema, ...errorResponses },
    },
    handler: async (req, reply) => {
      const { site, created } = await supply.registerSite(req.body);
      if (created) reply.header('location', `/sites/${encodeURIComponent(site.id)}`);
      return reply.status(created ? 201 : 200).send(site);
    },
  });
  app.route<{ Params: Id; Querystring: Version; Body: Site }>({
    method: 'PUT',
    url: '/sites/:id',
    config: { roles: ['operator'] },
    schema: {
      tags,
      summary: 'Replace a site',
      params: IdParams,
      querystring: ExpectedVersionQuery,
      body: SiteSchema,
      response: { 200: SiteRecordSchema, ...errorResponses },
    },
    handler: (req) => supply.replaceSite(req.params.id, req.body, req.query.expectedVersion),
  });
  app.route<{ Params: Id; Querystring: Version; Body: Static<typeof SitePatchSchema> }>({
    method: 'PATCH',
    url: '/sites/:id',
    config: { roles: ['operator', 'site'], scope: 'site' },
    schema: {
      tags,
      summary: 'Change some fields of a site (e.g. status: draining)',
      params: IdParams,
      querystring: ExpectedVersionQuery,
      body: SitePatchSchema,
      response: { 200: SiteRecordSchema, ...errorResponses },
    },
    handler: (req) => supply.patchSite(req.params.id, req.body, req.query.expectedVersion),
  });
  app.route<{ Params: Id }>({
    method: 'DELETE',
    url: '/sites/:id',
    config: { roles: ['operator'] },
    schema: {
      tags,
      summary: 'Remove a site (409 while tasks are placed on or running at it)',
      params: IdParams,
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (req, reply) => {
      await supply.deleteSite(req.params.id);
      return reply.status(204).send();
    },
  });
};
