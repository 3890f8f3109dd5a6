/**
 * Capacity bookkeeping shared by greedy, repair and the checks. One tolerance
 * everywhere, so "fits" means the same thing to every part of the module.
 */
import type { AssignmentProblem } from './problem.js';

/** Demands are sums of floats (memory in GB): allow rounding noise, nothing more. */
const REL_TOL = 1e-9;

export const fits = (usedPlusDemand: number, capacity: number): boolean =>
  usedPlusDemand <= capacity + REL_TOL * Math.max(1, Math.abs(capacity));

/** Does task t alone fit site s (on an empty site)? */
export function fitsEmpty(p: AssignmentProblem, t: number, s: number): boolean {
  const R = p.resources.length;
  for (let r = 0; r < R; r++) if (!fits(p.demand[t * R + r]!, p.capacity[s * R + r]!)) return false;
  return true;
}

/** Used capacity per site and resource, updated as tasks are placed and removed. */
export class CapacityLedger {
  readonly used: Float64Array;
  private readonly R: number;

  constructor(private readonly p: AssignmentProblem) {
    this.R = p.resources.length;
    this.used = new Float64Array(p.siteCount * this.R);
  }

  hasRoom(t: number, s: number): boolean {
    const { R, p } = this;
    for (let r = 0; r < R; r++) {
      if (!fits(this.used[s * R + r]! + p.demand[t * R + r]!, p.capacity[s * R + r]!)) return false;
    }
    return true;
  }

  add(t: number, s: number): void {
    const { R, p } = this;
    for (let r = 0; r < R; r++) this.used[s * R + r]! += p.demand[t * R + r]!;
  }

  remove(t: number, s: number): void {
    const { R, p } = this;
    for (let r = 0; r < R; r++) this.used[s * R + r]! -= p.demand[t * R + r]!;
  }

  overloaded(s: number): boolean {
    const { R, p } = this;
    for (let r = 0; r < R; r++) if (!fits(this.used[s * R + r]!, p.capacity[s * R + r]!)) return true;
    return false;
  }
}
