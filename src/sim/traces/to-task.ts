/**
 * Trace jobs as platform tasks, so a scenario can feed real workloads to the
 * same scheduler that places live submissions. Only what the trace knows is
 * taken from it; where a task must be placed from (origin) and under which
 * rules is the scenario's choice, passed in `opts`.
 */
import type { DataClass, Task, WorkKind } from '../../domain/task.js';
import type { TraceFormat, TraceJob } from './job.js';

export interface TraceToTaskOptions {
  /** City the work comes from (a place id of the topology). */
  originCity: string;
  /** Prefix that keeps ids unique when several traces feed one scenario. */
  idPrefix?: string;
  /** Added to trace times to put them on the scenario's time axis. */
  timeOffsetS?: number;
  /** Tenant for jobs without a user in the trace; with one, `${tenantPrefix}${userId}`. */
  tenantId?: string;
  tenantPrefix?: string;
  /** Overrides the kind derived from the trace. */
  kind?: WorkKind;
  dataClass?: DataClass;
  dataGb?: number;
}

/**
 * The kind of work a trace job is: HPC logs hold HPC jobs; in Alibaba's GPU
 * cluster, latency-sensitive (LS) pods are inference services and the rest
 * training or batch work, and CPU-only pods are data processing.
 */
export function traceJobKind(job: TraceJob, format: TraceFormat): WorkKind {
  if (format !== 'alibaba-gpu') return 'hpc';
  if (job.resources.gpus <= 0) return 'data-processing';
  return job.queue === 'LS' ? 'inference' : 'training';
}

export function traceJobToTask(job: TraceJob, format: TraceFormat, opts: TraceToTaskOptions): Task {
  const t = job.submitS + (opts.timeOffsetS ?? 0);
  const tenantId =
    job.userId !== null ? `${opts.tenantPrefix ?? 'user-'}${job.userId}` : (opts.tenantId ?? `trace-${format}`);
  return {
    id: `${opts.idPrefix ?? ''}${job.id}`,
    tenantId,
    kind: opts.kind ?? traceJobKind(job, format),
    resources: { ...job.resources },
    durationS: job.runS,
    // Without a request, the scheduler plans with the true run time (a perfect estimate).
    estimatedDurationS: job.requestedS ?? job.runS,
    submittedAtS: t,
    earliestStartS: t,
    deadlineS: null,
    originCity: opts.originCity,
    latencySlaMs: null,
    dataGb: opts.dataGb ?? 0,
    dataClass: opts.dataClass ?? 'general',
    allowedHubs: [],
    pairedOnly: false,
    priority: 0,
  };
}
