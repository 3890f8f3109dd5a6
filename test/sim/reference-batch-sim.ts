/**
 * An independent reference for the batch queues, used only by the tests: a
 * plain list-based simulator with processor COUNTS (no node identities, no
 * event heap, no code shared with src/sim). Each step jumps to the next
 * arrival or completion, applies everything at that instant, then schedules.
 */
export interface RefJob {
  submit: number;
  run: number;
  /** requested time; ≤ 0 means unknown (the estimate is then the run time) */
  req: number;
  procs: number;
}

export type RefPolicy = 'fcfs' | 'sjf' | 'easy';

/** Start time of every job (same order as `jobs`), on `machine` processors. */
export function referenceStarts(jobs: readonly RefJob[], machine: number, policy: RefPolicy): number[] {
  const order = jobs.map((_, i) => i).sort((a, b) => jobs[a]!.submit - jobs[b]!.submit || a - b);
  const est = (i: number) => (jobs[i]!.req > 0 ? jobs[i]!.req : jobs[i]!.run);
  const starts: number[] = new Array(jobs.length).fill(-1);
  let running: { end: number; estEnd: number; procs: number }[] = [];
  let queue: number[] = [];
  let free = machine;
  let next = 0;
  let arrivalSeq = 0;
  const arrival = new Map<number, number>();

  const startJob = (i: number, t: number) => {
    const j = jobs[i]!;
    const actual = j.req > 0 ? Math.min(j.run, j.req) : j.run;
    starts[i] = t;
    free -= j.procs;
    running.push({ end: t + actual, estEnd: t + est(i), procs: j.procs });
  };

  while (next < order.length || queue.length > 0 || running.length > 0) {
    let t = Number.POSITIVE_INFINITY;
    if (next < order.length) t = jobs[order[next]!]!.submit;
    for (const r of running) if (r.end < t) t = r.end;
    // everything that happens at t
    running = running.filter((r) => {
      if (r.end === t) {
        free += r.procs;
        return false;
      }
      return true;
    });
    while (next < order.length && jobs[order[next]!]!.submit === t) {
      arrival.set(order[next]!, arrivalSeq++);
      queue.push(order[next]!);
      next++;
    }
    if (policy === 'sjf') queue.sort((a, b) => est(a) - est(b) || arrival.get(a)! - arrival.get(b)!);
    // start from the front while the front fits
    while (queue.length > 0 && jobs[queue[0]!]!.procs <= free) startJob(queue.shift()!, t);
    if (policy !== 'easy' || queue.length === 0) continue;
    // EASY: the head's shadow time and extra processors, then backfill in arrival order
    const head = jobs[queue[0]!]!;
    const byEnd = [...running].sort((a, b) => a.estEnd - b.estEnd);
    let avail = free;
    let shadow = Number.POSITIVE_INFINITY;
    let extra = 0;
    for (const r of byEnd) {
      avail += r.procs;
      if (avail >= head.procs) {
        shadow = r.estEnd;
        break;
      }
    }
    // extra = processors free at the shadow time (every job estimated to end by then) minus the head's
    let atShadow = free;
    for (const r of running) if (r.estEnd <= shadow) atShadow += r.procs;
    extra = atShadow - head.procs;
    const rest: number[] = [queue[0]!];
    for (const i of queue.slice(1)) {
      const p = jobs[i]!.procs;
      if (p <= free && t + est(i) <= shadow) {
        startJob(i, t);
      } else if (p <= free && p <= extra) {
        startJob(i, t);
        extra -= p;
      } else {
        rest.push(i);
      }
    }
    queue = rest;
  }
  return starts;
}
