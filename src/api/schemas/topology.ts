/** Hubs, clusters, cities and pairings as the API returns them (the topology's own schemas plus derived links). */
import { Type } from '@sinclair/typebox';
import { PairingSchema, StoredCitySchema, StoredClusterSchema, StoredHubSchema } from '../../topology/schema.js';
import { strict } from './common.js';

export const HubSchema = Type.Object(
  {
    ...StoredHubSchema.properties,
    clusterIds: Type.Array(Type.String(), { description: 'The hub’s national data-center clusters' }),
    pairedWith: Type.Array(Type.String(), { description: 'Partner hubs on the other side (结对子)' }),
  },
  { ...strict, title: 'Hub' },
);

export const ClusterSchema = Type.Object(
  { ...StoredClusterSchema.properties, siteIds: Type.Array(Type.String(), { description: 'Sites of the cluster' }) },
  { ...strict, title: 'Cluster' },
);

export const CitySchema = Type.Object(
  {
    ...StoredCitySchema.properties,
    hubId: Type.Union([Type.String(), Type.Null()], { description: 'Hub whose provinces include the city' }),
  },
  { ...strict, title: 'City' },
);

export { PairingSchema };

export const HubList = Type.Object({ items: Type.Array(HubSchema) }, strict);
export const ClusterList = Type.Object({ items: Type.Array(ClusterSchema) }, strict);
export const CityList = Type.Object({ items: Type.Array(CitySchema) }, strict);
export const PairingList = Type.Object({ items: Type.Array(PairingSchema) }, strict);

export const ClusterQuery = Type.Object({ hubId: Type.Optional(Type.String({ maxLength: 64 })) }, strict);
export const CityQuery = Type.Object(
  {
    hubId: Type.Optional(Type.String({ maxLength: 64 })),
    demand: Type.Optional(Type.Boolean({ description: 'Only cities that generate demand (true) or not (false)' })),
  },
  strict,
);

export const SummarySchema = Type.Object(
  {
    hubs: Type.Integer(),
    clusters: Type.Integer(),
    cities: Type.Integer(),
    sites: Type.Integer(),
    sitesByStatus: Type.Record(Type.String(), Type.Integer()),
    tasks: Type.Integer(),
    tasksByState: Type.Record(Type.String(), Type.Integer()),
  },
  { ...strict, title: 'Summary' },
);
