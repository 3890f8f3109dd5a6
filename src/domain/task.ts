/**
 * The demand side: a task is one piece of work a tenant wants run somewhere
 * on the network, with its rules (latency SLA, data class, regions, deadline).
 */
export type WorkKind = 'training' | 'inference' | 'rendering' | 'data-processing' | 'backup' | 'hpc';

/** Data classification (数据分类分级): core data stays in its home region unless allowed. */
export type DataClass = 'core' | 'important' | 'general';

export type TaskState =
  | 'queued' // waiting for a placement
  | 'placed' // the scheduler chose a site and a start time
  | 'dispatched' // handed to the site's backend, not yet running
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'timed-out';

export const TERMINAL_STATES: readonly TaskState[] = ['succeeded', 'failed', 'cancelled', 'timed-out'];

export interface TaskResources {
  cpuCores: number;
  memoryGb: number;
  gpus: number;
  /** Required GPU model, if any (exact match). */
  gpuModel?: string;
  /** Minimum FP16 TFLOPS per GPU. */
  minGpuFp16Tflops?: number;
  /** HPC nodes (super compute). */
  hpcNodes: number;
  storageTb: number;
}

export interface Task {
  id: string;
  tenantId: string;
  kind: WorkKind;
  resources: TaskResources;
  /** Expected run time (what the scheduler plans with). */
  durationS: number;
  /** The user's estimate / wall-time limit; jobs are killed past it. */
  estimatedDurationS: number;
  submittedAtS: number;
  /** Not before this time. */
  earliestStartS: number;
  /** Must finish by this time, or null. */
  deadlineS: number | null;
  /** City of the user or of the data (a place id from the topology). */
  originCity: string;
  /** Round-trip latency bound from the origin, for interactive work; null = none. */
  latencySlaMs: number | null;
  dataGb: number;
  dataClass: DataClass;
  /** Hub ids the task may run in; empty = anywhere its rules allow. */
  allowedHubs: string[];
  /** Only the origin's own hub and its western partners (结对子). */
  pairedOnly: boolean;
  /** Higher runs first within a tenant's queue. */
  priority: number;
  /** Shell command for dispatch backends (local / Slurm). */
  command?: string;
}

/** How long a job of the task may run before its backend kills it: the user's estimate (else the expected run time). */
export function timeLimitS(task: Pick<Task, 'estimatedDurationS' | 'durationS'>): number {
  return task.estimatedDurationS || task.durationS;
}
