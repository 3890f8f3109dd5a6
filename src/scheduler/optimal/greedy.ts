/**
 * Greedy assignment: the baseline the optimiser must beat, the MIP start that
 * guarantees HiGHS always holds an incumbent, and the fill step of repair.
 * Works on the useful-candidate lists (cheapest first); `entryOf[t]` is the
 * chosen entry index into them, or -1.
 */

import { type CandidateLists, smallestK, usefulCandidates } from './candidates.js';
import { CapacityLedger } from './capacity.js';
import { improveByMoves } from './local-search.js';
import { type AssignmentProblem, validateProblem } from './problem.js';

/** Put each still-unassigned task, in `order`, on its cheapest entry with room that beats the penalty. */
export function greedyFill(
  p: AssignmentProblem,
  lists: CandidateLists,
  ledger: CapacityLedger,
  entryOf: Int32Array,
  order: ArrayLike<number>,
): void {
  for (let i = 0; i < order.length; i++) {
    const t = order[i]!;
    if (entryOf[t]! >= 0) continue;
    for (let e = lists.start[t]!; e < lists.start[t + 1]!; e++) {
      if (lists.cost[e]! >= p.unassignedCost) break; // sorted: nothing further beats leaving it out
      const s = lists.site[e]!;
      if (ledger.hasRoom(t, s)) {
        ledger.add(t, s);
        entryOf[t] = e;
        break;
      }
    }
  }
}

/** Most constrained first: tasks that lose the most if they miss their cheapest site. */
export function regretOrder(p: AssignmentProblem, lists: CandidateLists): Int32Array {
  const regret = new Float64Array(p.taskCount);
  for (let t = 0; t < p.taskCount; t++) {
    const a = lists.start[t]!;
    const b = lists.start[t + 1]!;
    if (a === b) continue;
    const second = b - a > 1 ? Math.min(lists.cost[a + 1]!, p.unassignedCost) : p.unassignedCost;
    regret[t] = second - lists.cost[a]!;
  }
  const order = Int32Array.from({ length: p.taskCount }, (_, t) => t);
  return order.sort((x, y) => regret[y]! - regret[x]! || x - y);
}

/**
 * Greedy on priced costs (cost + capacity prices): tasks with the most to lose
 * first, each on its best-priced entry (of its k best) with room; the rest by
 * plain greedy; then improving moves on the true cost. Good prices steer tasks
 * away from sites others need more (e.g. CPU work off the scarce GPU sites).
 */
export function pricedGreedy(p: AssignmentProblem, lists: CandidateLists, priced: Float64Array, k: number): Int32Array {
  const top: number[][] = [];
  const regret = new Float64Array(p.taskCount);
  for (let t = 0; t < p.taskCount; t++) {
    const best = smallestK(priced, lists.start[t]!, lists.start[t + 1]!, k);
    top.push(best);
    if (best.length === 0) continue;
    const second = best.length > 1 ? priced[best[1]!]! : p.unassignedCost;
    regret[t] = Math.min(second, p.unassignedCost) - priced[best[0]!]!;
  }
  const order = Int32Array.from({ length: p.taskCount }, (_, t) => t).sort((x, y) => regret[y]! - regret[x]! || x - y);
  const ledger = new CapacityLedger(p);
  const entryOf = new Int32Array(p.taskCount).fill(-1);
  for (const t of order) {
    for (const e of top[t]!) {
      if (priced[e]! >= p.unassignedCost) break;
      if (ledger.hasRoom(t, lists.site[e]!)) {
        ledger.add(t, lists.site[e]!);
        entryOf[t] = e;
        break;
      }
    }
  }
  greedyFill(p, lists, ledger, entryOf, order);
  improveByMoves(p, lists, ledger, entryOf);
  return entryOf;
}

export function entriesToSites(lists: CandidateLists, entryOf: Int32Array): Int32Array {
  const out = new Int32Array(entryOf.length);
  for (let t = 0; t < entryOf.length; t++) out[t] = entryOf[t]! >= 0 ? lists.site[entryOf[t]!]! : -1;
  return out;
}

/**
 * The baseline: tasks in the given order (0, 1, 2, …), each to its cheapest
 * candidate with room left — when that beats leaving it unassigned.
 */
export function greedyAssign(p: AssignmentProblem): Int32Array {
  validateProblem(p);
  const lists = usefulCandidates(p);
  const entryOf = new Int32Array(p.taskCount).fill(-1);
  const order = Int32Array.from({ length: p.taskCount }, (_, t) => t);
  greedyFill(p, lists, new CapacityLedger(p), entryOf, order);
  return entriesToSites(lists, entryOf);
}
