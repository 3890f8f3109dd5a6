/**
 * Dispatch: placed tasks become jobs on their sites' backends (the embedded
 * local executor, Slurm), and their states, accounting and output come back.
 * See README.md in this folder.
 */
export * from './backend.js';
export {
  type DispatchHooks,
  type DispatchLogger,
  DispatchLoop,
  type DispatchLoopOptions,
  type TaskLogs,
  type TickReport,
} from './dispatch-loop.js';
export { FailureDetector, type SiteHealth } from './failure-detector.js';
export { type JobRow, type JobRowState, jobRowsOfTask, usageOfTask } from './job-rows.js';
export { LocalBackend, type LocalBackendOptions } from './local/local-backend.js';
export { BackendRegistry, type BackendRegistryOptions, type BackendSource } from './registry.js';
export { SUPPORTED_API_VERSIONS } from './slurm/rest-client.js';
export { SlurmBackend, type SlurmBackendOptions } from './slurm/slurm-backend.js';
export { gpuPowerW, type UsageRecord, usageOf } from './usage.js';
