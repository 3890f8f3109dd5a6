/**
 * From solver output to an assignment that is integral and capacity-feasible,
 * whatever HiGHS returned: LP values are rounded most-confident-first, MIP
 * values get their float noise checked, and anything left is filled greedily.
 */
import { invalid } from '../../domain/errors.js';
import { type CandidateLists, usefulCandidates } from './candidates.js';
import { CapacityLedger } from './capacity.js';
import { entriesToSites, greedyFill, regretOrder } from './greedy.js';
import { improveByMoves, polishAssignment } from './local-search.js';
import { type AssignmentProblem, type FractionalAssignment, validateProblem } from './problem.js';

/** Values below this are solver noise, not a vote for the site. */
const MIN_VALUE = 1e-9;

/**
 * Round LP values (one per candidate entry): place (task, site) pairs in order of
 * decreasing value — then cost, task, site, so ties are deterministic — when the
 * task is still free and the site has room; greedy-fill the rest by regret; then
 * improve with single-task moves. Returns entry indices per task (-1 = unassigned).
 */
export function roundEntries(p: AssignmentProblem, lists: CandidateLists, value: Float64Array): Int32Array {
  const n = lists.site.length;
  const { taskOf } = lists;
  const picks: number[] = [];
  for (let e = 0; e < n; e++) if (value[e]! > MIN_VALUE && lists.cost[e]! < p.unassignedCost) picks.push(e);
  picks.sort((a, b) => value[b]! - value[a]! || lists.cost[a]! - lists.cost[b]! || taskOf[a]! - taskOf[b]! || a - b);
  const ledger = new CapacityLedger(p);
  const entryOf = new Int32Array(p.taskCount).fill(-1);
  for (const e of picks) {
    const t = taskOf[e]!;
    if (entryOf[t]! >= 0) continue;
    const s = lists.site[e]!;
    if (ledger.hasRoom(t, s)) {
      ledger.add(t, s);
      entryOf[t] = e;
    }
  }
  greedyFill(p, lists, ledger, entryOf, regretOrder(p, lists));
  improveByMoves(p, lists, ledger, entryOf);
  return entryOf;
}

/**
 * Accept an integral assignment (entry per task) but never return one over
 * capacity: HiGHS checks rows to a 1e-7-ish tolerance, we check tighter. Evict
 * the most expensive task from an overloaded site until it fits, refill, improve.
 * Returns how many tasks had to be evicted (0 in the normal case).
 */
export function enforceCapacity(p: AssignmentProblem, lists: CandidateLists, entryOf: Int32Array): number {
  const ledger = new CapacityLedger(p);
  const bySite: number[][] = Array.from({ length: p.siteCount }, () => []);
  for (let t = 0; t < p.taskCount; t++) {
    const e = entryOf[t]!;
    if (e < 0) continue;
    ledger.add(t, lists.site[e]!);
    bySite[lists.site[e]!]!.push(t);
  }
  let evicted = 0;
  for (let s = 0; s < p.siteCount; s++) {
    if (!ledger.overloaded(s)) continue;
    const tasks = bySite[s]!.sort((a, b) => lists.cost[entryOf[b]!]! - lists.cost[entryOf[a]!]! || b - a);
    for (const t of tasks) {
      if (!ledger.overloaded(s)) break;
      ledger.remove(t, s);
      entryOf[t] = -1;
      evicted++;
    }
  }
  if (evicted > 0) greedyFill(p, lists, ledger, entryOf, regretOrder(p, lists));
  // a time-limited MIP incumbent often has easy improvements left
  improveByMoves(p, lists, ledger, entryOf);
  return evicted;
}

/**
 * Public repair for callers holding fractional values (an LP relaxation, a
 * learned policy, …): returns a capacity-feasible integral assignment, site per
 * task or -1. `fractional[t]` lists sites of task t with values in [0, 1];
 * sites that are not among the task's candidates are rejected.
 */
export function repairToIntegral(p: AssignmentProblem, fractional: FractionalAssignment): Int32Array {
  validateProblem(p);
  if (!Array.isArray(fractional) || fractional.length !== p.taskCount) {
    throw invalid('fractional', `must be an array with one entry per task (${p.taskCount})`);
  }
  const lists = usefulCandidates(p);
  const value = new Float64Array(lists.site.length);
  for (let t = 0; t < p.taskCount; t++) {
    const f = fractional[t];
    const field = `fractional[${t}]`;
    if (!f || !(f.site instanceof Int32Array) || !(f.value instanceof Float64Array)) {
      throw invalid(field, 'must be { site: Int32Array, value: Float64Array }');
    }
    if (f.site.length !== f.value.length) throw invalid(`${field}.value`, 'length differs from site length');
    for (let i = 0; i < f.site.length; i++) {
      const v = f.value[i]!;
      if (!(v >= 0 && v <= 1 + 1e-6)) throw invalid(`${field}.value[${i}]`, `must be in [0, 1], got ${v}`);
      let e = lists.start[t]!;
      while (e < lists.start[t + 1]! && lists.site[e] !== f.site[i]) e++;
      if (e === lists.start[t + 1]) {
        // a useless candidate (over capacity alone, or ≥ penalty) gets no vote, but is no error
        const isCandidate = p.candidates[t]!.site.includes(f.site[i]!);
        if (!isCandidate) throw invalid(`${field}.site[${i}]`, `site ${f.site[i]} is not a candidate of task ${t}`);
        continue;
      }
      value[e] = v;
    }
  }
  const entryOf = roundEntries(p, lists, value);
  polishAssignment(p, lists, entryOf);
  return entriesToSites(lists, entryOf);
}
