/**
 * Sites in the API: the topology's SiteSchema (exactly the domain Site) for
 * requests; responses add the record fields and never carry a backend token.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { Site } from '../../domain/site.js';
import { SiteCapacitySchema, SitePricesSchema, SiteSchema as TopologySiteSchema } from '../../topology/schema.js';
import { PageOf, PageQuery, strict } from './common.js';

const OptionalString = Type.Optional(Type.String({ maxLength: 2000 }));

/** Every way a site runs work (the domain SiteBackend, all of it). */
export const SiteBackendSchema = Type.Union(
  [
    Type.Object(
      { kind: Type.Literal('local'), maxConcurrent: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })) },
      { ...strict, title: 'LocalBackend' },
    ),
    Type.Object(
      {
        kind: Type.Literal('slurm'),
        restUrl: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2000 })),
        restSocket: OptionalString,
        apiVersion: Type.Optional(Type.String({ pattern: '^v\\d+\\.\\d+\\.\\d+$', maxLength: 20 })),
        token: Type.Optional(
          Type.String({ maxLength: 8000, description: 'Write-only: never returned; omit to keep, "" to remove' }),
        ),
        userName: OptionalString,
        slurmConf: OptionalString,
        partition: OptionalString,
        account: OptionalString,
        workDir: OptionalString,
        clusterName: OptionalString,
      },
      { ...strict, title: 'SlurmBackend' },
    ),
  ],
  { description: 'How the site runs work; absent = the embedded local executor' },
);

/** One site, exactly the domain Site: the topology's schema with the complete backend. */
export const SiteSchema = Type.Object(
  { ...TopologySiteSchema.properties, backend: Type.Optional(SiteBackendSchema) },
  { ...strict, title: 'Site' },
);

export const SiteRecordSchema = Type.Object(
  {
    ...SiteSchema.properties,
    version: Type.Integer({ description: 'Bumped by every change; send it back as expectedVersion' }),
    createdAtS: Type.Number(),
    updatedAtS: Type.Number(),
  },
  { ...strict, title: 'SiteRecord', description: 'A site; backend.token is write-only and never returned' },
);

export const SitePage = PageOf(SiteRecordSchema, 'SitePage');

const tier = Type.Union([Type.Literal('cluster'), Type.Literal('city'), Type.Literal('edge')]);
const side = Type.Union([Type.Literal('east'), Type.Literal('west')]);
const status = Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('draining')]);

export const SiteQuery = Type.Object(
  {
    tier: Type.Optional(tier),
    hubId: Type.Optional(Type.String({ maxLength: 64 })),
    clusterId: Type.Optional(Type.String({ maxLength: 64 })),
    side: Type.Optional(side),
    status: Type.Optional(status),
    city: Type.Optional(Type.String({ maxLength: 64 })),
    ...PageQuery,
  },
  strict,
);

export const ExpectedVersionQuery = Type.Object(
  {
    expectedVersion: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Only if the site is still at this version (else 409)' }),
    ),
  },
  strict,
);

/** PATCH: any top-level field but the id; nested objects are replaced whole. */
export const SitePatchSchema = Type.Object(
  {
    name: Type.Optional(SiteSchema.properties.name),
    nameZh: Type.Optional(SiteSchema.properties.nameZh),
    tier: Type.Optional(SiteSchema.properties.tier),
    hubId: Type.Optional(SiteSchema.properties.hubId),
    clusterId: Type.Optional(SiteSchema.properties.clusterId),
    city: Type.Optional(SiteSchema.properties.city),
    province: Type.Optional(SiteSchema.properties.province),
    side: Type.Optional(SiteSchema.properties.side),
    gridRegion: Type.Optional(SiteSchema.properties.gridRegion),
    lat: Type.Optional(SiteSchema.properties.lat),
    lon: Type.Optional(SiteSchema.properties.lon),
    pue: Type.Optional(SiteSchema.properties.pue),
    greenShare: Type.Optional(SiteSchema.properties.greenShare),
    gridCarbonGPerKwh: Type.Optional(SiteSchema.properties.gridCarbonGPerKwh),
    capacity: Type.Optional(SiteCapacitySchema),
    prices: Type.Optional(SitePricesSchema),
    status: Type.Optional(status),
    compliant: Type.Optional(Type.Boolean()),
    backend: Type.Optional(Type.Union([SiteBackendSchema, Type.Null()], { description: 'null removes it' })),
  },
  { ...strict, minProperties: 1, title: 'SitePatch' },
);

export type SiteBody = Static<typeof SiteSchema>;
export type SiteRecordBody = Static<typeof SiteRecordSchema>;
export type SitePatch = Static<typeof SitePatchSchema>;
export type SiteQueryT = Static<typeof SiteQuery>;

// The schema and the domain type must agree (compile-time check); the schema is
// narrower only where the domain says `string` for a closed set (gridRegion).
const _siteFromSchema: Site = {} as SiteBody;
const _backendFromSite: SiteBody['backend'] = {} as Site['backend'];
void _siteFromSchema;
void _backendFromSite;
