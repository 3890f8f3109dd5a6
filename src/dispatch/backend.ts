/**
 * The dispatch backend contract: how a placed task becomes a real job on a
 * site (the embedded local executor, a Slurm cluster, later Kubernetes) and how
 * its state and accounting come back. Backends do I/O; the loop above them
 * decides what to do with what they report.
 */
import type { TaskResources } from '../domain/task.js';

/** Where a job is in its life, as the platform sees it. */
export type JobState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'timed-out';

export const TERMINAL_JOB_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled', 'timed-out'];

export function isTerminalJobState(s: JobState): boolean {
  return TERMINAL_JOB_STATES.includes(s);
}

/** What to run: one attempt of one task. */
export interface JobSpec {
  taskId: string;
  /** 1 for the first submission; a retry or a re-placement gets the next number. */
  attempt: number;
  /** Shell command, run with `/bin/sh -c` (local) or as the batch script body (Slurm). */
  command: string;
  resources: TaskResources;
  /** Wall-time limit; the backend kills the job past it and reports `timed-out`. */
  timeLimitS: number;
  /** Extra environment for the job (names must be shell identifiers). */
  env?: Record<string, string>;
}

/**
 * A submitted job, keyed by (backend, cluster, jobId): Slurm job ids restart at
 * 1 in every cluster, so the id alone names nothing.
 */
export interface JobRef {
  backend: string;
  cluster: string;
  jobId: string;
  /** The deterministic job name (see jobName): how a job is found again after a crash. */
  name: string;
  /** Where the job writes its stdout+stderr, when the backend knows it. */
  outputPath: string | null;
}

/** The OS or the cluster's own figures for a job; nothing estimated here. */
export interface JobAccounting {
  submittedAtS: number | null;
  startedAtS: number | null;
  endedAtS: number | null;
  /** Wall time actually run (end − start), 0 when it never started. */
  wallS: number;
  /** CPUs allocated to the job. */
  cpus: number;
  /** Allocated core-seconds (cpus × wall): what Slurm calls CPUTime, what is billed. */
  cpuCoreS: number;
  /** CPU time actually consumed (user + system), when the backend measures it; null if unknown. */
  cpuUsedS: number | null;
  /** The command's exit code (0–255), null if it was killed by a signal or never ran. */
  exitCode: number | null;
  /** The signal that ended it, if any. */
  signal: number | null;
  /** Nodes or host it ran on. */
  nodes: string | null;
  outputPath: string | null;
}

export interface JobStatus {
  ref: JobRef;
  state: JobState;
  /** The backend's own words: Slurm's state and reason, a local cause. Null when there is nothing to say. */
  reason: string | null;
  /** For `failed`: whether a new attempt may succeed (node failure, launch failure, lost job). */
  retryable: boolean;
  /** Present once the job has started (partial while running), null before. */
  accounting: JobAccounting | null;
}

export interface OutputChunk {
  text: string;
  /** Bytes in the output so far. */
  sizeBytes: number;
  /** Offset of the first returned byte; the tail is returned when the output is larger than asked. */
  offset: number;
  truncated: boolean;
}

/**
 * A place that runs jobs. A Kubernetes batch/v1 backend fits the same shape:
 * submit = create a Job named `name`, status = read its conditions and pod,
 * find = get by name, cancel = delete with background propagation, readOutput = pod logs.
 */
export interface Backend {
  /** 'local' | 'slurm' | … */
  readonly kind: string;
  /** The cluster (or host) this backend talks to: the second half of a job key. */
  readonly cluster: string;
  /** Cheap liveness check; throws a retryable BackendError when the backend does not answer. */
  ping(): Promise<void>;
  /** Hands one job over; the job is then owned by the backend. Throws BackendError. */
  submit(spec: JobSpec): Promise<JobRef>;
  /** Current state of each job (one round trip where the backend allows). Missing refs are not in the map. */
  status(refs: readonly JobRef[]): Promise<Map<string, JobStatus>>;
  /** Looks a job up by its deterministic name (after a crash between submit and recording the id). */
  find(name: string): Promise<JobRef | null>;
  /** Cancels a job; a job that already ended is not an error. */
  cancel(ref: JobRef): Promise<void>;
  /** The job's output, up to `maxBytes` from `offset` (default: the last `maxBytes`). */
  readOutput(ref: JobRef, opts?: { offset?: number; maxBytes?: number }): Promise<OutputChunk>;
  /** Releases timers and connections (jobs keep running). */
  close(): Promise<void>;
}

export type BackendErrorCode =
  /** the backend did not answer (down, timeout, connection refused) */
  | 'unreachable'
  /** credentials refused */
  | 'unauthorized'
  /** the job was refused as asked (bad resources, infeasible request) */
  | 'rejected'
  /** the job or output does not exist */
  | 'not_found'
  /** the site's backend configuration is wrong */
  | 'config'
  /** anything else the backend reported */
  | 'backend';

/** Every backend failure is classified: retrying a `retryable` one may succeed, a final one will not. */
export class BackendError extends Error {
  constructor(
    readonly code: BackendErrorCode,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BackendError';
  }
}

export const unreachable = (what: string, cause?: unknown) =>
  new BackendError('unreachable', `${what} is not answering${cause ? `: ${errText(cause)}` : ''}`, true, { cause });

export function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const NAME_PREFIX = 'sw-';

/**
 * The job name of a task's attempt: `sw-<taskId>-<attempt>`. Deterministic so
 * that a platform that died between submitting and recording a job id finds
 * the job again instead of submitting it twice.
 */
export function jobName(taskId: string, attempt: number): string {
  if (!/^[A-Za-z0-9_.-]{1,200}$/.test(taskId)) {
    throw new BackendError('rejected', `taskId '${taskId}' is not usable in a job name ([A-Za-z0-9_.-], ≤ 200)`, false);
  }
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new BackendError('rejected', `attempt must be a positive integer, got ${attempt}`, false);
  }
  return `${NAME_PREFIX}${taskId}-${attempt}`;
}

/** Inverse of jobName; null for names the platform did not make. */
export function parseJobName(name: string): { taskId: string; attempt: number } | null {
  const m = /^sw-([A-Za-z0-9_.-]+)-([1-9][0-9]*)$/.exec(name);
  return m ? { taskId: m[1]!, attempt: Number(m[2]) } : null;
}

/** Key of a job in maps: the job id is unique only within its backend and cluster. */
export function jobKey(ref: Pick<JobRef, 'backend' | 'cluster' | 'jobId'>): string {
  return `${ref.backend}/${ref.cluster}/${ref.jobId}`;
}

/** Validates a spec once, before any backend sees it; errors name the field. */
export function checkJobSpec(spec: JobSpec): void {
  const bad = (field: string, msg: string) => new BackendError('rejected', `${field}: ${msg}`, false);
  if (typeof spec.command !== 'string' || spec.command.trim() === '') throw bad('command', 'the task has no command');
  if (spec.command.includes('\0')) throw bad('command', 'contains a NUL byte');
  if (!Number.isFinite(spec.timeLimitS) || spec.timeLimitS <= 0)
    throw bad('timeLimitS', `must be > 0, got ${spec.timeLimitS}`);
  const r = spec.resources;
  for (const k of ['cpuCores', 'memoryGb', 'gpus', 'hpcNodes', 'storageTb'] as const) {
    if (!Number.isFinite(r[k]) || r[k] < 0) throw bad(`resources.${k}`, `must be a number ≥ 0, got ${r[k]}`);
  }
  for (const k of Object.keys(spec.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw bad(`env.${k}`, 'is not a valid environment variable name');
  }
  jobName(spec.taskId, spec.attempt);
}
