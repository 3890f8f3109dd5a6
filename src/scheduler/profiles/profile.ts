/**
 * A profile configures the one scheduler core: which filters run (in order),
 * how the score parts are weighted, whether tasks may be deferred to a better
 * hour, and whether a cycle is solved greedily or as one HiGHS batch.
 */
import { invalid } from '../../domain/errors.js';
import { DEFAULT_FILTERS, FILTER_PLUGINS, MANDATORY_FILTERS, SCORE_PLUGINS } from '../plugins/index.js';

export type PolicyName = 'nearest' | 'cheapest' | 'greenest' | 'balanced' | 'optimal';
export const POLICY_NAMES: readonly PolicyName[] = ['nearest', 'cheapest', 'greenest', 'balanced', 'optimal'];

export interface Profile {
  name: string;
  description: string;
  /** Filter plugin names, in order; static ones are evaluated first in any case. */
  filters: readonly string[];
  /** Score plugin name → weight ≥ 0 (absent = 0). Lower weighted total is better. */
  weights: Readonly<Record<string, number>>;
  /** How far past its earliest start a flexible task may be deferred (0 = never). */
  maxDeferS: number;
  /** Deferred starts are tried on this grid (the grid profiles are hourly). */
  deferStepS: number;
  /** 'greedy': one task at a time in queue order; 'highs': each cycle's batch solved by HiGHS. */
  mode: 'greedy' | 'highs';
  /**
   * How many candidates a decision examines, at most, once it has a feasible
   * one (like kube-scheduler's percentageOfNodesToScore). Candidates come in
   * order of their score's lower bound, so the best ones come first; the walk
   * also stops earlier whenever the bound proves nothing further can win.
   * Infinity (the default): always the exact best. `gapToOptimal` measures the cost.
   */
  searchBudget?: number;
}

/** Throws a validation error naming the bad field; returns a frozen copy with filters in pipeline order. */
export function validateProfile(p: Profile): Profile {
  if (p === null || typeof p !== 'object') throw invalid('profile', 'must be an object');
  if (typeof p.name !== 'string' || p.name === '') throw invalid('profile.name', 'must be a non-empty string');
  if (!Array.isArray(p.filters)) throw invalid('profile.filters', 'must be an array of filter names');
  p.filters.forEach((f, i) => {
    if (!(f in FILTER_PLUGINS)) {
      throw invalid(`profile.filters[${i}]`, `unknown filter '${f}' (known: ${DEFAULT_FILTERS.join(', ')})`);
    }
  });
  for (const m of MANDATORY_FILTERS) {
    if (!p.filters.includes(m))
      throw invalid('profile.filters', `must include '${m}': profiles rank, they do not drop rules`);
  }
  if (p.weights === null || typeof p.weights !== 'object') throw invalid('profile.weights', 'must be an object');
  let sum = 0;
  for (const [k, w] of Object.entries(p.weights)) {
    if (!(k in SCORE_PLUGINS)) {
      throw invalid(`profile.weights.${k}`, `unknown score '${k}' (known: ${Object.keys(SCORE_PLUGINS).join(', ')})`);
    }
    if (!(typeof w === 'number' && w >= 0 && Number.isFinite(w))) {
      throw invalid(`profile.weights.${k}`, `must be a finite number ≥ 0, got ${w}`);
    }
    sum += w;
  }
  if (!(sum > 0)) throw invalid('profile.weights', 'at least one weight must be > 0');
  if (!(typeof p.maxDeferS === 'number' && p.maxDeferS >= 0 && p.maxDeferS <= 7 * 86400)) {
    throw invalid('profile.maxDeferS', `must be between 0 and 7 days in seconds, got ${p.maxDeferS}`);
  }
  if (!(typeof p.deferStepS === 'number' && p.deferStepS >= 60)) {
    throw invalid('profile.deferStepS', `must be ≥ 60 s, got ${p.deferStepS}`);
  }
  if (p.maxDeferS / p.deferStepS > 1000) {
    throw invalid(
      'profile.deferStepS',
      `too fine: ${Math.ceil(p.maxDeferS / p.deferStepS)} start times per task (max 1000)`,
    );
  }
  if (p.mode !== 'greedy' && p.mode !== 'highs') throw invalid('profile.mode', `must be 'greedy' or 'highs'`);
  const budget = p.searchBudget ?? Number.POSITIVE_INFINITY;
  if (!(budget === Number.POSITIVE_INFINITY || (Number.isInteger(budget) && budget >= 1))) {
    throw invalid('profile.searchBudget', `must be an integer ≥ 1 or Infinity, got ${p.searchBudget}`);
  }
  const order = DEFAULT_FILTERS.filter((f) => p.filters.includes(f));
  return Object.freeze({
    ...p,
    searchBudget: budget,
    filters: Object.freeze(order),
    weights: Object.freeze({ ...p.weights }),
  });
}
