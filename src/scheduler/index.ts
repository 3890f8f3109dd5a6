/**
 * The scheduler: one core for the live platform and the simulator.
 *
 *   const sched = new Scheduler({ world, profile: profileFor('balanced'), clock, capacity: new ReservationBook(world.sites) });
 *   sched.submit(task); const { placed, waiting } = sched.cycle();
 */
export { type Batch, type BatchItem, buildBatch, unassignedCostOf } from './batch.js';
export type { CapacityView, FreeCapacity, Reservation } from './capacity.js';
export { fitsShare } from './capacity.js';
export { CarbonIntensity } from './carbon-intensity.js';
export { placedExplanation, unplacedReason } from './explain.js';
export { nationalWorld, worldFromTopology } from './national-world.js';
export {
  breakdown,
  type EvaluateOptions,
  evaluate,
  staticObjective,
  tableFor,
  weightedStatic,
  weightedTotal,
} from './objective.js';
export { buildPlan, classKey, startTimes, taskEnv, type Weighting, weightingOf } from './plan.js';
export {
  DEFAULT_FILTERS,
  DYNAMIC_SCORES,
  FILTER_PLUGINS,
  MANDATORY_FILTERS,
  SCORE_NAMES,
  SCORE_PLUGINS,
} from './plugins/index.js';
export type { ClassPlan, FilterContext, FilterPlugin, ScorePlugin, TaskEnv } from './plugins/types.js';
export { POLICY_NAMES, type PolicyName, type Profile, profileFor, validateProfile } from './profiles/index.js';
export { type FairShareOptions, TenantQueues } from './queues.js';
export { ReservationBook } from './reservation-book.js';
export {
  type BatchReport,
  type CycleResult,
  Scheduler,
  type SchedulerOptions,
  type SchedulerWork,
} from './scheduler.js';
export { SiteTable } from './site-table.js';
export { validateTask } from './validate-task.js';
export { type Choice, TOP_K, Walker } from './walk.js';
export type { CityInfo, GridProfileSource, HubInfo, LatencyModel, OriginInfo, SchedulerWorld } from './world.js';
export { WorldIndex } from './world.js';
