/**
 * Candidate lists in flat arrays, and the k-best pruning.
 *
 * Useless candidates are dropped exactly (never counted as pruning): one the
 * task alone cannot fit (demand > capacity) is in no feasible assignment, and
 * one costing no less than the penalty never beats leaving the task unassigned
 * (which frees capacity too).
 *
 * Why prune to k: the model has one binary per (task, candidate). For 10k tasks
 * × 100 sites the LP relaxation took ~5 s and the MIP did not finish in 60 s;
 * with the 10 cheapest feasible sites per task the LP took ~1.1 s with the same
 * optimum, and the MIP reached a 0.36% gap in 10 s (measured, FACTS.md).
 * But "cheapest" is the same few sites for everyone when prices are shared
 * (the cheap western hubs), so under load the k cheapest can all be full: on
 * bench/highs.ts (10k × 100, 80–95% load) plain k = 10 left HiGHS without even
 * an LP solution after 10 s. So the k best are ranked by cost + capacity prices
 * when those are known (sample.ts), and the LP duals price pruned candidates
 * back in (pricing.ts): 0.2% from the full problem's bound in ~6.5 s.
 */
import { fitsEmpty } from './capacity.js';
import type { AssignmentProblem } from './problem.js';

/** Task t owns entries start[t] .. start[t+1]-1, cheapest first (ties: lower site index). */
export interface CandidateLists {
  start: Int32Array;
  site: Int32Array;
  cost: Float64Array;
  taskOf: Int32Array;
  /** Over the site's capacity on their own, or costing ≥ unassignedCost. */
  droppedUseless: number;
}

export function usefulCandidates(p: AssignmentProblem): CandidateLists {
  const T = p.taskCount;
  const start = new Int32Array(T + 1);
  let total = 0;
  for (let t = 0; t < T; t++) total += p.candidates[t]!.site.length;
  const site = new Int32Array(total);
  const cost = new Float64Array(total);
  const taskOf = new Int32Array(total);
  let droppedUseless = 0;
  let n = 0;
  const order: number[] = [];
  for (let t = 0; t < T; t++) {
    start[t] = n;
    const c = p.candidates[t]!;
    order.length = 0;
    for (let i = 0; i < c.site.length; i++) {
      if (c.cost[i]! < p.unassignedCost && fitsEmpty(p, t, c.site[i]!)) order.push(i);
      else droppedUseless++;
    }
    // cost, then site index: the same input always gives the same model
    order.sort((a, b) => c.cost[a]! - c.cost[b]! || c.site[a]! - c.site[b]!);
    for (const i of order) {
      site[n] = c.site[i]!;
      cost[n] = c.cost[i]!;
      taskOf[n] = t;
      n++;
    }
  }
  start[T] = n;
  return { start, site: site.slice(0, n), cost: cost.slice(0, n), taskOf: taskOf.slice(0, n), droppedUseless };
}

/**
 * The entries the model starts with: per task the k cheapest — by `priced`
 * cost when capacity prices are known, else by cost — plus the entry the task
 * has in `incumbent` (so the incumbent is a solution of the model).
 * Returns them grouped by task, each group in rank order.
 */
export function initialColumns(
  lists: CandidateLists,
  k: number,
  incumbent: Int32Array,
  priced?: Float64Array,
): Int32Array {
  const out: number[] = [];
  for (let t = 0; t + 1 < lists.start.length; t++) {
    const a = lists.start[t]!;
    const b = lists.start[t + 1]!;
    const top = priced ? smallestK(priced, a, b, k) : range(a, Math.min(b, a + k));
    for (const e of top) out.push(e);
    const inc = incumbent[t]!;
    if (inc >= 0 && !top.includes(inc)) out.push(inc);
  }
  return Int32Array.from(out);
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

/** Entries a..b-1 with the k smallest values, ascending (ties: lower entry, i.e. cheaper). */
export function smallestK(value: Float64Array, a: number, b: number, k: number): number[] {
  const top: number[] = [];
  for (let e = a; e < b; e++) {
    if (top.length === k && value[e]! >= value[top[k - 1]!]!) continue;
    let j = top.length < k ? top.length : k - 1;
    top[j] = e;
    while (j > 0 && value[top[j - 1]!]! > value[e]!) {
      top[j] = top[j - 1]!;
      top[j - 1] = e;
      j--;
    }
  }
  return top;
}
