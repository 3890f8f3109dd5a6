/**
 * What an assignment costs and whether it respects candidates and capacity:
 * the check the tests and the scheduler's policy run on any answer.
 */
import { CapacityLedger } from './capacity.js';
import type { AssignmentProblem } from './problem.js';

export interface CapacityViolation {
  site: number;
  resource: string;
  used: number;
  capacity: number;
}

export interface AssignmentCheck {
  /** Σ cost of the chosen candidates + unassignedCost · unassigned. NaN when a task names a non-candidate. */
  objective: number;
  unassigned: number;
  /** Every task unassigned or on one of its candidates, and no site over capacity. */
  feasible: boolean;
  violations: CapacityViolation[];
  /** Tasks assigned to a site that is not among their candidates. */
  notCandidate: number[];
}

/** Cost of task t at site s, or undefined when s is not one of its candidates. O(candidates of t). */
export function candidateCost(p: AssignmentProblem, t: number, s: number): number | undefined {
  const c = p.candidates[t]!;
  for (let i = 0; i < c.site.length; i++) if (c.site[i] === s) return c.cost[i]!;
  return undefined;
}

export function evaluateAssignment(p: AssignmentProblem, assignment: Int32Array): AssignmentCheck {
  if (assignment.length !== p.taskCount) {
    throw new RangeError(`assignment has ${assignment.length} entries for ${p.taskCount} tasks`);
  }
  const ledger = new CapacityLedger(p);
  let objective = 0;
  let unassigned = 0;
  const notCandidate: number[] = [];
  for (let t = 0; t < p.taskCount; t++) {
    const s = assignment[t]!;
    if (s < 0) {
      unassigned++;
      objective += p.unassignedCost;
      continue;
    }
    const cost = s < p.siteCount ? candidateCost(p, t, s) : undefined;
    if (cost === undefined) {
      notCandidate.push(t);
      objective = Number.NaN;
      continue;
    }
    objective += cost;
    ledger.add(t, s);
  }
  const violations: CapacityViolation[] = [];
  const R = p.resources.length;
  for (let s = 0; s < p.siteCount; s++) {
    if (!ledger.overloaded(s)) continue;
    for (let r = 0; r < R; r++) {
      const used = ledger.used[s * R + r]!;
      const capacity = p.capacity[s * R + r]!;
      if (used > capacity) violations.push({ site: s, resource: p.resources[r]!, used, capacity });
    }
  }
  return {
    objective,
    unassigned,
    feasible: violations.length === 0 && notCandidate.length === 0,
    violations,
    notCandidate,
  };
}
