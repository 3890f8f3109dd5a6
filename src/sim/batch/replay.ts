/**
 * Site-level replay of a trace: N consecutive jobs from index I, on one
 * machine that starts empty, under one batch policy. This is how the
 * classic HPC scheduling studies evaluate FCFS/SJF/EASY on real logs.
 */
import { DomainError } from '../../domain/errors.js';
import { Engine } from '../engine.js';
import { type SiteMetrics, siteMetrics } from '../metrics.js';
import { maxJobNodes, type TraceJob } from '../traces/job.js';
import { BatchSite, type JobRecord } from './batch-site.js';
import type { BatchPolicy } from './policy.js';

export interface ReplayOptions {
  policy: BatchPolicy;
  /** Machine size in nodes; default: the trace's own (header), else its largest job. */
  machineNodes?: number;
  /** 0-based index, among the trace's cleaned jobs, of the first job to replay. Default 0. */
  from?: number;
  /** How many consecutive jobs to replay. Default: all from `from` on. */
  jobs?: number;
  /** Called every ~1% of finished jobs and at the end. */
  onProgress?: (finishedJobs: number, totalJobs: number) => void;
}

export interface ReplayResult {
  policy: BatchPolicy;
  machineNodes: number;
  from: number;
  /** Jobs in the selected range that were replayed. */
  jobs: number;
  /** Jobs in the range larger than the machine (they could never run), left out. */
  skippedTooLarge: number;
  /** One record per replayed job, in trace order. */
  records: JobRecord[];
  metrics: SiteMetrics;
  /** Engine events executed. */
  events: number;
}

function positiveInt(v: number, field: string): number {
  if (!Number.isInteger(v) || v < 1)
    throw new DomainError('validation', `${field}: must be a positive integer, got ${v}`, field);
  return v;
}

export function replayTrace(
  workload: { jobs: readonly TraceJob[]; machineNodes: number | null },
  opts: ReplayOptions,
): ReplayResult {
  const all = workload.jobs;
  const from = opts.from ?? 0;
  if (!Number.isInteger(from) || from < 0)
    throw new DomainError('validation', `from: must be an integer ≥ 0, got ${from}`, 'from');
  if (from >= all.length) {
    throw new DomainError(
      'validation',
      `from: index ${from} is past the trace's last job (it has ${all.length})`,
      'from',
    );
  }
  const count = opts.jobs === undefined ? all.length - from : positiveInt(opts.jobs, 'jobs');
  const machineNodes =
    opts.machineNodes !== undefined
      ? positiveInt(opts.machineNodes, 'machineNodes')
      : (workload.machineNodes ?? maxJobNodes(all));
  if (machineNodes < 1)
    throw new DomainError('validation', 'machineNodes: the trace has no jobs to size a machine by', 'machineNodes');

  const selected = all.slice(from, from + count);
  const jobs = selected.filter((j) => j.nodes <= machineNodes);
  const skippedTooLarge = selected.length - jobs.length;
  // Arrival order: submit time, then trace order (stable sort).
  const arrivals = [...jobs].sort((a, b) => a.submitS - b.submitS || a.index - b.index);

  const first = arrivals[0];
  const engine = new Engine(first ? first.submitS : 0);
  const records: JobRecord[] = [];
  const total = arrivals.length;
  const step = Math.max(1, Math.floor(total / 100));
  const onProgress = opts.onProgress;
  const site = new BatchSite(engine, {
    nodes: machineNodes,
    policy: opts.policy,
    onEnd: (rec) => {
      records.push(rec);
      if (onProgress && records.length % step === 0) onProgress(records.length, total);
    },
  });
  // Arrivals are chained (each schedules the next) so the event list stays as small as the running set.
  const arrive = (i: number): void => {
    const j = arrivals[i] as TraceJob;
    site.submit({ id: j.id, runS: j.runS, requestedS: j.requestedS, nodes: j.nodes, index: j.index });
    const next = arrivals[i + 1];
    if (next) engine.at(next.submitS, arrive, i + 1);
  };
  if (first) engine.at(first.submitS, arrive, 0);
  engine.run();
  if (site.queuedJobs !== 0 || site.runningJobs !== 0) {
    throw new Error(`internal: replay ended with ${site.queuedJobs} queued and ${site.runningJobs} running jobs`);
  }
  onProgress?.(records.length, total);
  records.sort((a, b) => a.index - b.index);
  return {
    policy: opts.policy,
    machineNodes,
    from,
    jobs: records.length,
    skippedTooLarge,
    records,
    metrics: siteMetrics(records, machineNodes),
    events: engine.processed,
  };
}
