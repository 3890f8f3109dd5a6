/**
 * The `suanwang` package. The shared domain types at the top level; the
 * foundation (store, API server) by name; every capability as a namespace.
 * The HTTP client is `suanwang/client`.
 */

export { type BuildAppOptions, buildApp, ROUTES } from './api/app.js';
export * as api from './api/index.js';
export type { Access, Role } from './api/roles.js';
export type { RouteDeps, RouteModule } from './api/routes/types.js';
export { type RunningServer, type StartServerOptions, startServer } from './api/server.js';
export {
  modelNetworkService,
  type NetworkService,
  type Services,
  type SupplyService,
  storeServices,
  type TaskService,
} from './api/services/index.js';
export * from './domain/index.js';
export * as network from './network/index.js';
export * as scheduler from './scheduler/index.js';
export * as sim from './sim/index.js';
export * as store from './store/index.js';
export { type OpenStoreOptions, openStore, type Sql, type Store, seedNationalTopology } from './store/index.js';
export * as topology from './topology/index.js';
