/**
 * Schemas of the topology as stored (data/topology.json) and of one `Site`,
 * written once with TypeBox: they give structural validation with field paths
 * here, and the API can reuse `SiteSchema` for requests and OpenAPI.
 * Derived fields (Hub.clusterIds/pairedWith, Cluster.siteIds, City.hubId)
 * are not stored; the loader computes them.
 */
import { type Static, Type } from '@sinclair/typebox';

/** Everything we ship lies in this box; it also catches swapped lat/lon. */
export const CHINA_BBOX = { minLat: 18, maxLat: 54, minLon: 73, maxLon: 135 } as const;

const Id = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 64 });
const NonEmpty = Type.String({ minLength: 1, maxLength: 200 });
const Lat = Type.Number({ minimum: CHINA_BBOX.minLat, maximum: CHINA_BBOX.maxLat });
const Lon = Type.Number({ minimum: CHINA_BBOX.minLon, maximum: CHINA_BBOX.maxLon });
const Count = Type.Integer({ minimum: 0 });
const Fen = Type.Integer({ minimum: 0 });
const Share = Type.Number({ minimum: 0, maximum: 1 });
const Side = Type.Union([Type.Literal('east'), Type.Literal('west')]);
export const GridRegionSchema = Type.Union([
  Type.Literal('华北'),
  Type.Literal('东北'),
  Type.Literal('华东'),
  Type.Literal('华中'),
  Type.Literal('西北'),
  Type.Literal('南方'),
  Type.Literal('西南'),
]);
const strict = { additionalProperties: false } as const;

export const GpuPoolSchema = Type.Object(
  {
    model: NonEmpty,
    count: Type.Integer({ minimum: 1 }),
    fp16Tflops: Type.Number({ exclusiveMinimum: 0, maximum: 100000 }),
    memoryGb: Type.Number({ exclusiveMinimum: 0 }),
    powerW: Type.Number({ exclusiveMinimum: 0, maximum: 10000 }),
  },
  strict,
);

export const SiteCapacitySchema = Type.Object(
  {
    cpuCores: Count,
    memoryGb: Count,
    gpus: Type.Array(GpuPoolSchema),
    hpcNodes: Count,
    hpcCoresPerNode: Count,
    storageTb: Count,
    storageSsdShare: Share,
    racks: Count,
  },
  strict,
);

export const SitePricesSchema = Type.Object(
  {
    priceFenPerCoreHour: Fen,
    priceFenPerGpuHour: Fen,
    priceFenPerHpcNodeHour: Fen,
    priceFenPerTbMonth: Fen,
    priceFenPerGbMoved: Fen,
  },
  strict,
);

const OptionalString = Type.Optional(Type.String({ maxLength: 2000 }));
export const SiteBackendSchema = Type.Union([
  Type.Object({ kind: Type.Literal('local'), maxConcurrent: Type.Optional(Type.Integer({ minimum: 1 })) }, strict),
  Type.Object(
    {
      kind: Type.Literal('slurm'),
      restUrl: OptionalString,
      token: OptionalString,
      userName: OptionalString,
      slurmConf: OptionalString,
      partition: OptionalString,
      account: OptionalString,
      workDir: OptionalString,
      clusterName: OptionalString,
    },
    strict,
  ),
]);

/** One site, exactly the domain `Site` (src/domain/site.ts). */
export const SiteSchema = Type.Object(
  {
    id: Id,
    name: NonEmpty,
    nameZh: NonEmpty,
    tier: Type.Union([Type.Literal('cluster'), Type.Literal('city'), Type.Literal('edge')]),
    hubId: Type.Union([Id, Type.Null()]),
    clusterId: Type.Union([Id, Type.Null()]),
    city: Id,
    province: NonEmpty,
    side: Side,
    gridRegion: GridRegionSchema,
    lat: Lat,
    lon: Lon,
    pue: Type.Number({ minimum: 1, maximum: 3 }),
    greenShare: Share,
    gridCarbonGPerKwh: Type.Number({ minimum: 0, maximum: 2000 }),
    capacity: SiteCapacitySchema,
    prices: SitePricesSchema,
    status: Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('draining')]),
    compliant: Type.Boolean(),
    backend: Type.Optional(SiteBackendSchema),
  },
  strict,
);

export const StoredHubSchema = Type.Object(
  {
    id: Id,
    name: NonEmpty,
    nameZh: NonEmpty,
    side: Side,
    provinces: Type.Array(NonEmpty, { minItems: 1 }),
    gridRegion: GridRegionSchema,
    anchorCityId: Id,
    lat: Lat,
    lon: Lon,
  },
  strict,
);

export const StoredClusterSchema = Type.Object(
  {
    id: Id,
    name: NonEmpty,
    nameZh: NonEmpty,
    hubId: Id,
    provinces: Type.Array(NonEmpty, { minItems: 1 }),
    cityId: Id,
    lat: Lat,
    lon: Lon,
    startZones: Type.Array(NonEmpty),
    note: Type.String({ maxLength: 2000 }),
    primarySiteId: Id,
  },
  strict,
);

export const PairingSchema = Type.Object(
  {
    eastHubId: Id,
    westHubId: Id,
    basis: Type.Union([
      Type.Literal('approval'),
      Type.Literal('provincial-plan'),
      Type.Literal('reported'),
      Type.Literal('assumed'),
    ]),
    note: Type.String({ maxLength: 2000 }),
  },
  strict,
);

export const StoredCitySchema = Type.Object(
  {
    id: Id,
    name: NonEmpty,
    nameZh: NonEmpty,
    province: NonEmpty,
    gridRegion: Type.Union([GridRegionSchema, Type.Null()]),
    side: Side,
    lat: Lat,
    lon: Lon,
    demand: Type.Boolean(),
    coordSource: Type.Union([Type.Literal('pyecharts'), Type.Literal('public-knowledge')]),
  },
  strict,
);

export const StoredTopologySchema = Type.Object(
  {
    _meta: Type.Optional(Type.Unknown()),
    hubs: Type.Array(StoredHubSchema, { minItems: 1 }),
    clusters: Type.Array(StoredClusterSchema),
    pairings: Type.Array(PairingSchema),
    cities: Type.Array(StoredCitySchema, { minItems: 1 }),
    sites: Type.Array(SiteSchema),
  },
  strict,
);

export type StoredTopology = Static<typeof StoredTopologySchema>;
