/**
 * Site-level replay metrics. Definitions (also in METRICS.md):
 *   wait      = start − submit
 *   response  = end − submit                     (turnaround)
 *   run       = end − start                      (what the job actually ran; a killed job ran its request)
 *   slowdown  = response / run
 *   bounded slowdown = max(1, response / max(run, τ)), τ = 10 s, so very short jobs do not dominate
 *   utilization = Σ nodes × run / (machine nodes × (last end − first submit))
 *   makespan  = last end − first submit
 */

export const BOUNDED_SLOWDOWN_TAU_S = 10;

/** What the metrics need of a finished job. */
export interface FinishedJob {
  submitS: number;
  startS: number;
  endS: number;
  nodes: number;
  killed?: boolean;
}

export function waitS(j: FinishedJob): number {
  return j.startS - j.submitS;
}

export function responseS(j: FinishedJob): number {
  return j.endS - j.submitS;
}

export function slowdown(j: FinishedJob): number {
  return (j.endS - j.submitS) / (j.endS - j.startS);
}

export function boundedSlowdown(j: FinishedJob, tauS = BOUNDED_SLOWDOWN_TAU_S): number {
  return Math.max(1, (j.endS - j.submitS) / Math.max(j.endS - j.startS, tauS));
}

export interface SiteMetrics {
  jobs: number;
  killedJobs: number;
  avgWaitS: number;
  medianWaitS: number;
  p95WaitS: number;
  maxWaitS: number;
  avgResponseS: number;
  avgSlowdown: number;
  avgBoundedSlowdown: number;
  maxBoundedSlowdown: number;
  /** Share of the machine's node-seconds between first submit and last end that ran jobs, 0..1. */
  utilization: number;
  makespanS: number;
  firstSubmitS: number;
  lastEndS: number;
  nodeSecondsUsed: number;
}

/** Nearest-rank percentile of sorted values (p in (0, 100]). */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** Metrics of a set of finished jobs on a machine of `machineNodes` nodes. All zero when there are no jobs. */
export function siteMetrics(
  jobs: readonly FinishedJob[],
  machineNodes: number,
  tauS = BOUNDED_SLOWDOWN_TAU_S,
): SiteMetrics {
  const n = jobs.length;
  let firstSubmitS = Number.POSITIVE_INFINITY;
  let lastEndS = Number.NEGATIVE_INFINITY;
  let sumWait = 0;
  let maxWait = 0;
  let sumResp = 0;
  let sumSd = 0;
  let sumBsd = 0;
  let maxBsd = 0;
  let nodeS = 0;
  let killed = 0;
  const waits = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = jobs[i] as FinishedJob;
    const w = j.startS - j.submitS;
    const run = j.endS - j.startS;
    const resp = j.endS - j.submitS;
    waits[i] = w;
    sumWait += w;
    if (w > maxWait) maxWait = w;
    sumResp += resp;
    sumSd += resp / run;
    const bsd = Math.max(1, resp / Math.max(run, tauS));
    sumBsd += bsd;
    if (bsd > maxBsd) maxBsd = bsd;
    nodeS += j.nodes * run;
    if (j.submitS < firstSubmitS) firstSubmitS = j.submitS;
    if (j.endS > lastEndS) lastEndS = j.endS;
    if (j.killed) killed++;
  }
  if (n === 0) {
    firstSubmitS = 0;
    lastEndS = 0;
  }
  waits.sort();
  const makespanS = lastEndS - firstSubmitS;
  return {
    jobs: n,
    killedJobs: killed,
    avgWaitS: n ? sumWait / n : 0,
    medianWaitS: percentile(waits, 50),
    p95WaitS: percentile(waits, 95),
    maxWaitS: maxWait,
    avgResponseS: n ? sumResp / n : 0,
    avgSlowdown: n ? sumSd / n : 0,
    avgBoundedSlowdown: n ? sumBsd / n : 0,
    maxBoundedSlowdown: maxBsd,
    utilization: makespanS > 0 ? nodeS / (machineNodes * makespanS) : 0,
    makespanS,
    firstSubmitS,
    lastEndS,
    nodeSecondsUsed: nodeS,
  };
}
