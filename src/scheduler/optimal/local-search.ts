/**
 * Local search on an integral assignment: cheap moves that only ever lower the
 * objective and never break capacity. Rounding and greedy leave tasks out
 * where a little reshuffling makes room; with the unassigned penalty
 * dominating the objective, every task placed counts.
 */

import type { CandidateLists } from './candidates.js';
import { CapacityLedger } from './capacity.js';
import type { AssignmentProblem } from './problem.js';

/**
 * Move single tasks to a cheaper entry with room (or onto one, if unassigned)
 * until no move helps or `maxPasses` is spent. Each move strictly lowers the
 * objective, so it terminates; the pass cap bounds the time on huge batches.
 */
export function improveByMoves(
  p: AssignmentProblem,
  lists: CandidateLists,
  ledger: CapacityLedger,
  entryOf: Int32Array,
  maxPasses = 4,
): void {
  for (let pass = 0; pass < maxPasses; pass++) {
    let moved = 0;
    for (let t = 0; t < p.taskCount; t++) {
      const cur = entryOf[t]!;
      const curCost = cur >= 0 ? lists.cost[cur]! : p.unassignedCost;
      for (let e = lists.start[t]!; e < lists.start[t + 1]!; e++) {
        if (lists.cost[e]! >= curCost || e === cur) break; // sorted by cost: only cheaper ones come first
        const s = lists.site[e]!;
        if (ledger.hasRoom(t, s)) {
          if (cur >= 0) ledger.remove(t, lists.site[cur]!);
          ledger.add(t, s);
          entryOf[t] = e;
          moved++;
          break;
        }
      }
    }
    if (moved === 0) return;
  }
}

/**
 * Place unassigned tasks by ejection: task t takes site s after one task u at
 * s moves to another site with room. Applied when Δ = c(t,s) + c(u,s') −
 * c(u,s) − penalty < 0, the best Δ over u and s' for the first s that has one
 * (entries cheapest first). `maxChecks` caps the work (~0.3 s) on huge
 * batches, where hundreds of tasks left out would mean a full scan each.
 */
export function placeByEjection(
  p: AssignmentProblem,
  lists: CandidateLists,
  ledger: CapacityLedger,
  entryOf: Int32Array,
  maxChecks = 3_000_000,
): number {
  const R = p.resources.length;
  const { used } = ledger;
  const bySite: number[][] = Array.from({ length: p.siteCount }, () => []);
  let unassigned = 0;
  for (let t = 0; t < p.taskCount; t++) {
    if (entryOf[t]! >= 0) bySite[lists.site[entryOf[t]!]!]!.push(t);
    else if (lists.start[t + 1]! > lists.start[t]!) unassigned++;
  }
  if (unassigned === 0) return 0;
  let checks = 0;
  let placed = 0;
  for (let t = 0; t < p.taskCount && checks < maxChecks; t++) {
    if (entryOf[t]! >= 0) continue;
    for (let e = lists.start[t]!; e < lists.start[t + 1]!; e++) {
      const s = lists.site[e]!;
      if (ledger.hasRoom(t, s)) {
        // room appeared since greedy ran (earlier ejections): just take it
        ledger.add(t, s);
        entryOf[t] = e;
        bySite[s]!.push(t);
        placed++;
        break;
      }
      let bestDelta = 0;
      let bestU = -1;
      let bestE = -1;
      for (const u of bySite[s]!) {
        checks++;
        // does t fit at s once u has left?
        let fitsAfter = true;
        for (let r = 0; r < R && fitsAfter; r++) {
          const i = s * R + r;
          const after = used[i]! - p.demand[u * R + r]! + p.demand[t * R + r]!;
          fitsAfter = after <= p.capacity[i]! + 1e-9 * Math.max(1, p.capacity[i]!);
        }
        if (!fitsAfter) continue;
        const base = lists.cost[e]! - lists.cost[entryOf[u]!]! - p.unassignedCost;
        for (let f = lists.start[u]!; f < lists.start[u + 1]!; f++) {
          checks++;
          const delta = base + lists.cost[f]!;
          if (delta >= bestDelta) break; // cheapest first: nothing further improves
          const s2 = lists.site[f]!;
          if (s2 === s || !ledger.hasRoom(u, s2)) continue;
          bestDelta = delta;
          bestU = u;
          bestE = f;
          break;
        }
      }
      if (bestU < 0) continue;
      const s2 = lists.site[bestE]!;
      ledger.remove(bestU, s);
      ledger.add(bestU, s2);
      const list = bySite[s]!;
      list.splice(list.indexOf(bestU), 1);
      bySite[s2]!.push(bestU);
      entryOf[bestU] = bestE;
      ledger.add(t, s);
      entryOf[t] = e;
      list.push(t);
      placed++;
      break;
    }
  }
  return placed;
}

/**
 * The finishing pass on an answer (once: ejection is the expensive move):
 * moves, then — unless the caller is out of time — ejections and moves again
 * if anything was placed. In place.
 */
export function polishAssignment(
  p: AssignmentProblem,
  lists: CandidateLists,
  entryOf: Int32Array,
  withEjection = true,
): void {
  const ledger = new CapacityLedger(p);
  for (let t = 0; t < p.taskCount; t++) if (entryOf[t]! >= 0) ledger.add(t, lists.site[entryOf[t]!]!);
  improveByMoves(p, lists, ledger, entryOf);
  if (withEjection && placeByEjection(p, lists, ledger, entryOf) > 0) improveByMoves(p, lists, ledger, entryOf);
}
