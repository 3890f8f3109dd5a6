/**
 * Pricing pruned candidates back in (column generation), and a bound for the
 * full problem, from one LP solution's duals.
 *
 * With capacity prices mu_sr = −(dual of the capacity row) ≥ 0 and task duals
 * pi_t, a candidate left out of the model has reduced cost
 *   rc = c_ts + Σ_r mu_sr·d_tr − pi_t.
 * If none is negative, the restricted LP optimum is the LP optimum of the full
 * problem. Whatever the duals, weak duality gives the Lagrangian bound
 *   Σ_t min(penalty, min_s c_ts + Σ_r mu_sr·d_tr) − Σ_sr mu_sr·capacity_sr
 * for the full problem; at convergence it equals the LP optimum.
 */
import type { CandidateLists } from './candidates.js';
import type { ModelLayout } from './model.js';
import type { AssignmentProblem } from './problem.js';

export interface PricingResult {
  /** Entries to add, at most `perTask` per task, most negative reduced cost first. */
  add: Int32Array;
  /** Valid lower bound for the full problem. */
  lagrangianBound: number;
  /** Capacity prices per (site, resource). */
  mu: Float64Array;
}

/** Below this a reduced cost is solver noise (HiGHS's dual tolerance is 1e-7, costs are O(1e3)). */
const rcTolerance = (cost: number) => 1e-7 * (1 + Math.abs(cost));

export function priceCandidates(
  p: AssignmentProblem,
  lists: CandidateLists,
  layout: ModelLayout,
  rowDual: Float64Array,
  inModel: Uint8Array,
  perTask: number,
): PricingResult {
  const R = p.resources.length;
  const mu = new Float64Array(layout.capacityRow.length);
  let bound = 0;
  for (let i = 0; i < mu.length; i++) {
    const row = layout.capacityRow[i]!;
    if (row < 0) continue;
    mu[i] = Math.max(0, -rowDual[row]!);
    bound -= mu[i]! * p.capacity[i]!; // capacity rows exist only where capacity is finite
  }
  const add: number[] = [];
  const bestE = new Int32Array(perTask);
  const bestRc = new Float64Array(perTask);
  for (let t = 0; t < p.taskCount; t++) {
    const a = lists.start[t]!;
    const b = lists.start[t + 1]!;
    let cheapest = p.unassignedCost;
    if (a === b) {
      bound += cheapest;
      continue;
    }
    const pi = rowDual[layout.taskRow[t]!]!;
    let found = 0;
    for (let e = a; e < b; e++) {
      const s = lists.site[e]!;
      let priced = lists.cost[e]!;
      for (let r = 0; r < R; r++) priced += mu[s * R + r]! * p.demand[t * R + r]!;
      if (priced < cheapest) cheapest = priced;
      if (inModel[e]) continue;
      const rc = priced - pi;
      if (rc >= -rcTolerance(lists.cost[e]!)) continue;
      // keep the perTask most negative, sorted ascending (ties: earlier entry)
      let j = found < perTask ? found++ : perTask;
      if (j === perTask && rc >= bestRc[perTask - 1]!) continue;
      if (j === perTask) j = perTask - 1;
      while (j > 0 && bestRc[j - 1]! > rc) {
        bestRc[j] = bestRc[j - 1]!;
        bestE[j] = bestE[j - 1]!;
        j--;
      }
      bestRc[j] = rc;
      bestE[j] = e;
    }
    for (let j = 0; j < found; j++) add.push(bestE[j]!);
    bound += cheapest;
  }
  return { add: Int32Array.from(add), lagrangianBound: bound, mu };
}

/** c_e + Σ_r mu_sr·d_tr per entry: the cost of a candidate once capacity carries its price. */
export function pricedCosts(p: AssignmentProblem, lists: CandidateLists, mu: Float64Array): Float64Array {
  const R = p.resources.length;
  const priced = new Float64Array(lists.site.length);
  for (let e = 0; e < priced.length; e++) {
    const s = lists.site[e]!;
    const t = lists.taskOf[e]!;
    let v = lists.cost[e]!;
    for (let r = 0; r < R; r++) v += mu[s * R + r]! * p.demand[t * R + r]!;
    priced[e] = v;
  }
  return priced;
}

/**
 * The Lagrangian bound for given prices (see the top of this file), valid for
 * the full problem whatever the prices — e.g. learned from a sample — as long
 * as unlimited capacity carries none (sanitisePrices).
 */
export function lagrangianBound(
  p: AssignmentProblem,
  lists: CandidateLists,
  priced: Float64Array,
  mu: Float64Array,
): number {
  let bound = 0;
  for (let i = 0; i < mu.length; i++) if (mu[i]! > 0) bound -= mu[i]! * p.capacity[i]!;
  for (let t = 0; t < p.taskCount; t++) {
    let best = p.unassignedCost;
    for (let e = lists.start[t]!; e < lists.start[t + 1]!; e++) if (priced[e]! < best) best = priced[e]!;
    bound += best;
  }
  return bound;
}

/** A copy with no price on unlimited capacity (it cannot be scarce, and would make the bound −∞). */
export function sanitisePrices(p: AssignmentProblem, mu: Float64Array): Float64Array {
  return mu.map((m, i) => (Number.isFinite(p.capacity[i]!) && m > 0 ? m : 0));
}
