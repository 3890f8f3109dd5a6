/**
 * The batch assignment problem the optimal policy hands to HiGHS, as flat
 * typed arrays (the scheduler builds them from tasks, sites and score plugins),
 * and the result it gets back. Validation names the offending field.
 */
import { invalid } from '../../domain/errors.js';

export interface CandidateList {
  /** Site indices (0 ≤ site < siteCount), no duplicates. */
  site: Int32Array;
  /** Cost of running the task at `site[i]` (lower is better), finite. */
  cost: Float64Array;
}

export interface AssignmentProblem {
  taskCount: number;
  siteCount: number;
  /** Resources considered, e.g. ['cpuCores','gpus','hpcNodes','memoryGb']. */
  resources: string[];
  /** demand[t*R + r], finite and ≥ 0. */
  demand: Float64Array;
  /** capacity[s*R + r], ≥ 0; +Infinity means "not limited". */
  capacity: Float64Array;
  /** Candidate sites per task (already filtered by the scheduler's rules) with the cost of each. */
  candidates: CandidateList[];
  /** Cost of leaving a task unassigned (a large penalty), so infeasible batches still solve. */
  unassignedCost: number;
}

/**
 * 'optimal': the model was solved to optimality — the MIP within `mipGap` (for
 *   the model in `lowerBoundScope`), or with relaxOnly the LP, whose repair is
 *   the assignment (`mipGap` says how far from optimal it may be).
 * 'time-limit': stopped by the time limit (or the memory guard); best found so far.
 * 'infeasible': HiGHS claimed infeasibility — numerically impossible here (leaving
 *   every task out is feasible); the assignment is the best found before.
 * 'error': HiGHS failed; `message` says how. The assignment is the best found
 *   before (at worst greedy). In every case the assignment is feasible.
 */
export type AssignmentStatus = 'optimal' | 'time-limit' | 'infeasible' | 'error';

/**
 * Which problem `lowerBound` bounds. 'full': the problem as given (nothing was
 * pruned, or the bound ignores pruning). 'pruned': only the k-best problem —
 * a solution using a pruned candidate could in principle be cheaper.
 */
export type BoundScope = 'full' | 'pruned';

/**
 * Where the bound comes from: HiGHS's MIP dual bound, an LP optimum, the
 * Lagrangian bound from LP capacity prices, or Σ cheapest candidate per task.
 */
export type BoundSource = 'mip-dual-bound' | 'lp-relaxation' | 'lagrangian' | 'cheapest-candidate';

export interface AssignmentResult {
  status: AssignmentStatus;
  /** Site index per task, -1 = unassigned. Always capacity-feasible. */
  assignment: Int32Array;
  /** Objective of `assignment`: Σ cost + unassignedCost · unassigned. */
  objective: number;
  /** No assignment of the problem in `lowerBoundScope` can cost less. */
  lowerBound: number;
  lowerBoundScope: BoundScope;
  lowerBoundSource: BoundSource;
  /**
   * A bound valid for the full (unpruned) problem: the cheapest-candidate sum,
   * raised by the Lagrangian bound from the LP's capacity prices when an LP was solved.
   */
  fullLowerBound: number;
  /** (objective − lowerBound) / max(|objective|, 1). */
  mipGap: number;
  /** Wall time of the whole call (validation, pruning, build, solve, repair). */
  seconds: number;
  /** Columns in the HiGHS model (0 when no model was needed). */
  variables: number;
  /** Rows in the HiGHS model. */
  constraints: number;
  unassigned: number;
  /** Candidates that can never help: the task alone exceeds the site's capacity, or cost ≥ unassignedCost. */
  droppedUseless: number;
  /** Useful candidates never in the model: pruned by k-best and not priced back in. */
  droppedByK: number;
  /** Rounds of pricing pruned candidates back in (column generation). */
  pricingRounds: number;
  /** No pruned candidate had a negative reduced cost: the LP was exact for the full problem. */
  pricingConverged: boolean;
  /**
   * Shadow price of capacity per (site, resource), index s*R + r, in cost units
   * per unit of resource: what one more unit would save. From the last LP; pass
   * it back as `capacityPrices` to warm-start the next, similar batch.
   */
  capacityPrices?: Float64Array;
  /** Only with relaxOnly: the LP values per task (sites with value > 0). */
  relaxation?: FractionalAssignment;
  /** Set when status is 'error' (the assignment is then the greedy fallback) or a repair was needed. */
  message?: string;
}

/** LP values per task: parallel arrays of sites and their fractional x in (0, 1]. */
export type FractionalAssignment = { site: Int32Array; value: Float64Array }[];

export interface SolveOptions {
  /** Wall-clock budget for the whole call, seconds (default 10); the MIP is stopped at it (highs-thread.ts). */
  timeLimitS?: number;
  /** Relative MIP gap at which HiGHS may stop (default 1e-4, HiGHS's own default). */
  mipGap?: number;
  /** Keep only the k cheapest useful candidates per task in the first model (default 10). */
  kBest?: number;
  /**
   * When capacity prices are known (given, or learned from a sample for big
   * batches), keep the k best by cost + prices instead (default 3): good prices
   * make a few candidates enough, and HiGHS's time per iteration grows with columns.
   */
  kPriced?: number;
  /** Capacity prices from an earlier result (`result.capacityPrices`), length siteCount × resources. */
  capacityPrices?: Float64Array;
  /** Solve the LP relaxation only, then round it with `repairToIntegral`. */
  relaxOnly?: boolean;
  /**
   * Rounds of pricing pruned candidates back in from the LP duals (default 50;
   * 0 = plain k-best pruning). Needed when the k cheapest sites are the same for
   * everyone and fill up.
   */
  pricingRounds?: number;
}

const isNonNegInt = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

/** Throws a DomainError('validation') naming the first bad field. O(size of the problem). */
export function validateProblem(p: AssignmentProblem): void {
  if (p === null || typeof p !== 'object') throw invalid('problem', 'must be an object');
  if (!isNonNegInt(p.taskCount)) throw invalid('taskCount', `must be a non-negative integer, got ${p.taskCount}`);
  if (!isNonNegInt(p.siteCount)) throw invalid('siteCount', `must be a non-negative integer, got ${p.siteCount}`);
  if (!Array.isArray(p.resources)) throw invalid('resources', 'must be an array of resource names');
  const seen = new Set<string>();
  p.resources.forEach((name, i) => {
    if (typeof name !== 'string' || name === '') throw invalid(`resources[${i}]`, 'must be a non-empty string');
    if (seen.has(name)) throw invalid(`resources[${i}]`, `duplicate resource '${name}'`);
    seen.add(name);
  });
  const R = p.resources.length;
  if (!(p.demand instanceof Float64Array)) throw invalid('demand', 'must be a Float64Array');
  if (p.demand.length !== p.taskCount * R) {
    throw invalid('demand', `length must be taskCount × resources = ${p.taskCount * R}, got ${p.demand.length}`);
  }
  for (let i = 0; i < p.demand.length; i++) {
    const d = p.demand[i]!;
    if (!(d >= 0 && d < Number.POSITIVE_INFINITY)) throw invalid(`demand[${i}]`, `must be finite and ≥ 0, got ${d}`);
  }
  if (!(p.capacity instanceof Float64Array)) throw invalid('capacity', 'must be a Float64Array');
  if (p.capacity.length !== p.siteCount * R) {
    throw invalid('capacity', `length must be siteCount × resources = ${p.siteCount * R}, got ${p.capacity.length}`);
  }
  for (let i = 0; i < p.capacity.length; i++) {
    const c = p.capacity[i]!;
    if (!(c >= 0)) throw invalid(`capacity[${i}]`, `must be ≥ 0 (Infinity = unlimited), got ${c}`);
  }
  if (typeof p.unassignedCost !== 'number' || !Number.isFinite(p.unassignedCost)) {
    throw invalid('unassignedCost', `must be a finite number, got ${p.unassignedCost}`);
  }
  if (!Array.isArray(p.candidates) || p.candidates.length !== p.taskCount) {
    throw invalid('candidates', `must be an array with one entry per task (${p.taskCount})`);
  }
  const lastSeen = new Int32Array(p.siteCount).fill(-1);
  for (let t = 0; t < p.taskCount; t++) {
    const c = p.candidates[t];
    const f = `candidates[${t}]`;
    if (!c || !(c.site instanceof Int32Array)) throw invalid(`${f}.site`, 'must be an Int32Array');
    if (!(c.cost instanceof Float64Array)) throw invalid(`${f}.cost`, 'must be a Float64Array');
    if (c.site.length !== c.cost.length) {
      throw invalid(`${f}.cost`, `length ${c.cost.length} differs from site length ${c.site.length}`);
    }
    for (let i = 0; i < c.site.length; i++) {
      const s = c.site[i]!;
      if (s < 0 || s >= p.siteCount) throw invalid(`${f}.site[${i}]`, `site index ${s} outside 0..${p.siteCount - 1}`);
      if (lastSeen[s] === t) throw invalid(`${f}.site[${i}]`, `site ${s} listed twice`);
      lastSeen[s] = t;
      const cost = c.cost[i]!;
      if (!Number.isFinite(cost)) throw invalid(`${f}.cost[${i}]`, `must be finite, got ${cost}`);
    }
  }
}

export function validateOptions(
  opts: SolveOptions,
  p: AssignmentProblem,
): Required<Omit<SolveOptions, 'capacityPrices'>> & { capacityPrices: Float64Array | undefined } {
  const o = {
    timeLimitS: opts.timeLimitS ?? 10,
    mipGap: opts.mipGap ?? 1e-4,
    kBest: opts.kBest ?? 10,
    kPriced: opts.kPriced ?? 3,
    capacityPrices: opts.capacityPrices,
    relaxOnly: opts.relaxOnly ?? false,
    pricingRounds: opts.pricingRounds ?? 50,
  };
  if (!(typeof o.timeLimitS === 'number' && o.timeLimitS > 0)) {
    throw invalid('timeLimitS', `must be a number > 0, got ${o.timeLimitS}`);
  }
  if (!(typeof o.mipGap === 'number' && o.mipGap >= 0 && Number.isFinite(o.mipGap))) {
    throw invalid('mipGap', `must be a finite number ≥ 0, got ${o.mipGap}`);
  }
  if (!(Number.isInteger(o.kBest) && o.kBest >= 1)) throw invalid('kBest', `must be an integer ≥ 1, got ${o.kBest}`);
  if (!(Number.isInteger(o.kPriced) && o.kPriced >= 1)) {
    throw invalid('kPriced', `must be an integer ≥ 1, got ${o.kPriced}`);
  }
  if (o.capacityPrices !== undefined) {
    const prices = o.capacityPrices;
    if (!(prices instanceof Float64Array) || prices.length !== p.capacity.length) {
      throw invalid('capacityPrices', `must be a Float64Array of siteCount × resources = ${p.capacity.length}`);
    }
    for (let i = 0; i < prices.length; i++) {
      if (!(prices[i]! >= 0 && prices[i]! < Number.POSITIVE_INFINITY)) {
        throw invalid(`capacityPrices[${i}]`, `must be finite and ≥ 0, got ${prices[i]}`);
      }
    }
  }
  if (typeof o.relaxOnly !== 'boolean') throw invalid('relaxOnly', 'must be a boolean');
  if (!(Number.isInteger(o.pricingRounds) && o.pricingRounds >= 0)) {
    throw invalid('pricingRounds', `must be an integer ≥ 0, got ${o.pricingRounds}`);
  }
  return o;
}
