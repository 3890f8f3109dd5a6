/**
 * The simulator: a discrete-event engine with a virtual clock, trace readers
 * (SWF, Batsim JSON, Alibaba GPU pods), node-level batch queues (FCFS, SJF,
 * EASY) and replay metrics. Scenarios build on these.
 */
export {
  type BatchJob,
  BatchSite,
  type BatchSiteOptions,
  type JobRecord,
  type Reservation,
} from './batch/batch-site.js';
export { BATCH_POLICIES, type BatchPolicy, parseBatchPolicy } from './batch/policy.js';
export { type ReplayOptions, type ReplayResult, replayTrace } from './batch/replay.js';
export { VirtualClock } from './clock.js';
export { Engine, EventPriority, type RunOptions } from './engine.js';
export type { EventHandler, EventId } from './event-queue.js';
export {
  BOUNDED_SLOWDOWN_TAU_S,
  boundedSlowdown,
  type FinishedJob,
  responseS,
  type SiteMetrics,
  siteMetrics,
  slowdown,
  waitS,
} from './metrics.js';
export { type AlibabaGpuWorkload, parseAlibabaGpuPods, readAlibabaGpuPodFile } from './traces/alibaba-gpu.js';
export { type BatsimWorkload, parseBatsim, readBatsimFile } from './traces/batsim.js';
export { maxJobNodes, type TraceFormat, type TraceJob, type Workload } from './traces/job.js';
export { parseTraceFormat, readTraceFile, TRACE_FORMATS } from './traces/read-trace.js';
export { parseSwf, readSwfFile, SWF_FIELDS, type SwfHeader, SwfParser, type SwfWorkload } from './traces/swf.js';
export { type TraceToTaskOptions, traceJobKind, traceJobToTask } from './traces/to-task.js';
