/**
 * What every trace reader produces: jobs with the times and sizes a
 * simulator needs, whatever the source format (SWF, Batsim JSON, cloud CSV).
 */
import type { TaskResources } from '../../domain/task.js';

export type TraceFormat = 'swf' | 'batsim' | 'alibaba-gpu';

export interface TraceJob {
  /** The job's id in the trace (SWF job number, Batsim id, pod name). */
  id: string;
  /** 0-based position among the jobs kept after cleaning, in file order. */
  index: number;
  /** Submission time, seconds, on the trace's own time axis (SWF: since its UnixStartTime). */
  submitS: number;
  /** Run time the job actually had (> 0). */
  runS: number;
  /** The user's wall-time request: the estimate batch schedulers plan with and the kill limit. null = unknown. */
  requestedS: number | null;
  /** Allocation units on the trace's machine: nodes (or processors) for HPC traces, 1 for a cloud pod. */
  nodes: number;
  /** The same demand in the platform's resource terms, for scenarios that place jobs across sites. */
  resources: TaskResources;
  /** Wait the job had on the original system, when the trace records it. */
  recordedWaitS: number | null;
  userId: string | null;
  /** SWF: the completion status (1 completed, 0 failed, 5 cancelled, -1 unknown). */
  status?: number;
  /** SWF: queue number; Alibaba: QoS class (LS, BE, Burstable, Guaranteed). */
  queue?: string;
  /** Alibaba: the pod's phase when the trace was taken (Running, Succeeded, Failed). */
  phase?: string;
  /** Alibaba: share of each GPU used, in thousandths (1000 = a whole GPU). */
  gpuMilli?: number;
  /** Alibaba: required GPU model, if the trace names one. */
  gpuSpec?: string;
}

export interface Workload {
  format: TraceFormat;
  /** Where it was read from (a path, or a label for in-memory text). */
  source: string;
  jobs: TraceJob[];
  /**
   * Size of the machine the trace was recorded on, in the same units as `TraceJob.nodes`
   * (SWF: from MaxNodes/MaxProcs; Batsim: nb_res), or null when the trace does not say.
   */
  machineNodes: number | null;
  /** Records (data lines / jobs / rows) read before cleaning. */
  recordsRead: number;
  /** Records dropped by cleaning, per reason. */
  dropped: Record<string, number>;
  /** Header key/values (SWF `; Key: value` lines, continuation lines joined by '\n'). */
  header: Record<string, string>;
  /** The header comment lines verbatim, so copies keep their copyright notices. */
  headerLines: string[];
}

/** Largest job in a workload, in allocation units (0 when empty). */
export function maxJobNodes(jobs: readonly TraceJob[]): number {
  let m = 0;
  for (const j of jobs) if (j.nodes > m) m = j.nodes;
  return m;
}
