/**
 * The service layer the routes call: small interfaces over the store (and
 * the network model). The runtime may wrap or replace any of them, e.g. to
 * wake the scheduler on submit or stop a job on cancel, without touching routes.
 */
import { type IdempotencyService, storeIdempotencyService } from '../../auth/idempotency.js';
import type { Clock } from '../../domain/clock.js';
import { type StoreCounts, storeCounts } from '../../store/repos/topology.js';
import type { Store } from '../../store/sql.js';
import type { TaskWriter } from '../../store/task-writer.js';
import { modelNetworkService, type NetworkService } from './network.js';
import { PlaceIds } from './places.js';
import { type SupplyService, storeSupplyService } from './supply.js';
import { storeTaskService, type TaskService, type TaskServiceOptions } from './tasks.js';

export type { CircleAnswer, LatencyAnswer, NetworkService } from './network.js';
export { modelNetworkService } from './network.js';
export { PlaceIds } from './places.js';
export { publicSite, type SupplyService, storeSupplyService } from './supply.js';
export {
  type SubmitContext,
  storeTaskService,
  type TaskDetail,
  type TaskService,
  type TaskServiceOptions,
  taskFromSubmission,
} from './tasks.js';

export interface Services {
  supply: SupplyService;
  tasks: TaskService;
  network: NetworkService;
  /** Answers already given to Idempotency-Keys (src/auth/idempotency.ts). */
  idempotency: IdempotencyService;
  /** Counts for the dashboard. */
  summary(): Promise<StoreCounts>;
  /** Resolves when the platform can serve (the store answers); throws otherwise. */
  ready(): Promise<void>;
}

export interface StoreServicesOptions extends TaskServiceOptions {
  network?: NetworkService;
  writer?: TaskWriter;
}

export function storeServices(store: Store, clock: Clock, opts: StoreServicesOptions = {}): Services {
  const places = new PlaceIds(store);
  return {
    supply: storeSupplyService(store, clock, () => places.invalidate()),
    tasks: storeTaskService(store, clock, places, opts),
    network: opts.network ?? modelNetworkService(),
    idempotency: storeIdempotencyService(store),
    summary: () => storeCounts(store),
    ready: async () => {
      await store.query('SELECT 1');
    },
  };
}
