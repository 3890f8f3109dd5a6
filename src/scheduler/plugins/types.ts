/**
 * The plugin contracts of the scheduler pipeline (kube-scheduler style):
 * filters remove sites, scores rank what is left. Each plugin is one file in
 * this folder; a profile says which filters run and how scores are weighted.
 */
import type { Site } from '../../domain/site.js';
import type { Task } from '../../domain/task.js';
import type { CapacityView } from '../capacity.js';
import type { SiteTable } from '../site-table.js';
import type { OriginInfo } from '../world.js';

export interface FilterContext {
  table: SiteTable;
  origin: OriginInfo;
  /** Round trip from the task's origin to each site, ms. */
  rtt: Float64Array;
  nowS: number;
  /** Dynamic filters only: the capacity view and the start times under consideration. */
  capacity?: CapacityView;
  startsS?: readonly number[];
}

export interface FilterPlugin {
  name: string;
  /**
   * 'static': depends only on the task's class and the site's fixed facts, so it
   * is evaluated once per task class; 'dynamic': site status, time or capacity.
   */
  stage: 'static' | 'dynamic';
  describe: string;
  /**
   * Static filters: the task fields (and origin) the verdict depends on, as a
   * cache key — tasks of many classes share one pass/fail mask over the sites.
   */
  key?(task: Task, origin: OriginInfo): string;
  /** null when the site passes; otherwise a short reason with the figures. */
  check(task: Task, site: Site, siteIndex: number, ctx: FilterContext): string | null;
  /**
   * Static filters: the verdict alone (`check` is null exactly when this is true), for the masks over
   * every site — where a reason string for each site that fails cost ~200 ns a site.
   */
  passes?(task: Task, site: Site, siteIndex: number, ctx: FilterContext): boolean;
  /**
   * Static filters that remove by a measure: how far a removed site is from passing (lower: closer).
   * When a class's rules leave no site, its examples from this filter are the closest misses (the
   * nearest sites, the largest), not the first sites in the list.
   */
  miss?(task: Task, siteIndex: number, ctx: FilterContext): number;
}

/**
 * A task class: tasks that share origin, rules and resource shape see the same
 * candidate sites and the same static score columns. Candidates are (site, GPU
 * pool) pairs sorted by a lower bound of their score, best first.
 */
export interface ClassPlan {
  key: string;
  /** The first task seen of this class: its shape and rules. */
  shape: Task;
  origin: OriginInfo;
  rtt: Float64Array;
  n: number;
  site: Int32Array;
  /**
   * GPU pool index per candidate, -1 when the task needs no GPU. Candidates are numbered by rank for
   * the first ones a walk reaches, then in (site, pool) order (plan.ts, bringBestForward).
   */
  pool: Int16Array;
  /** IT power of one run at each candidate, kW (the pool's board power counts). */
  itKw: Float64Array;
  /** Per-candidate columns filled by score plugins (static numbers of the class). */
  cols: Record<string, Float64Array>;
  /** Weighted lower bound of each candidate's score. */
  lb: Float64Array;
  /** Weighted lower bound of the start-dependent parts alone (added to the exact fixed parts per task). */
  timedLb: Float64Array;
  /** The same without the parts that are monotone in the start (those are added exactly, start by start). */
  timedLbFlat: Float64Array;
  /** Weighted lower bound of the dynamic parts (load balance on an empty site): the least a capacity answer adds. */
  dynLb: Float64Array;
  /** Σ weight × a of the affine fixed parts, and the weighted b columns (one per task scalar). */
  fixedA: Float64Array;
  fixedB: Float64Array[];
  /** The candidates by ascending bound (shared by every class with the same candidates and columns). */
  ranking: Ranking;
  /** Sites removed by each static filter, and a few examples. */
  removedByFilter: Record<string, number>;
  samples: { siteId: string; filter: string; reason: string }[];
  /** Distinct sites among the candidates. */
  siteCount: number;
  /** The bounds hold for runs inside [horizonStartS, horizonEndS) (the carbon minimum's window). */
  horizonStartS: number;
  horizonEndS: number;
}

/**
 * Candidates by ascending (lb, candidate), sorted lazily: `order[0..sorted)`
 * is final, the rest wait in a binary heap (walks rarely go deep).
 */
export interface Ranking {
  order: Int32Array;
  sorted: number;
  heap: Int32Array;
  heapSize: number;
  /** Positions below this hold their own number (order[p] = p): the best candidates, renumbered to the front. */
  front: number;
}

/** What a score plugin sees for one task. */
export interface TaskEnv {
  task: Task;
  plan: ClassPlan;
  table: SiteTable;
  /** Earliest possible start: max(now, earliestStartS). */
  readyS: number;
  durationS: number;
  /** Share of the reference cost that is compute (vs data movement), 0..1. */
  computeShare: number;
  /** The task scalars of the affine fixed parts, in the order of plan.fixedB. */
  fixedScalars: number[];
}

export interface ScorePlugin {
  name: string;
  describe: string;
  /**
   * What the part depends on besides the class: 'fixed' — the task only;
   * 'start' — also the start time (carbon, delay); 'capacity' — also what is
   * booked (load balance; known only after the capacity check).
   */
  timing: 'fixed' | 'start' | 'capacity';
  /**
   * 'start' parts only: the part is cheap and never decreases with the start
   * time (delay), so the walk uses it exactly to stop trying later starts.
   */
  monotoneInStart?: boolean;
  /**
   * 'start' parts only: the part depends on the start time alone, not on the candidate (delay; part()
   * must not read c), so a walk computes it once per start time instead of once per candidate.
   */
  sameForEveryCandidate?: boolean;
  /** Fill this plugin's static per-candidate columns of a new class plan. */
  prepare?(plan: ClassPlan, table: SiteTable): void;
  /**
   * 'fixed' parts as an affine form the walk sums without calling the plugin:
   * part(env, c) = cols[a][c] + scalar(env) × cols[b][c] — and part() must
   * compute exactly that.
   */
  affine?: { a: string; b?: string; scalar?: (env: TaskEnv) => number };
  /** Normalised part in [0,1], lower is better, of candidate c starting at startS; share = the site's load share with the task (`CapacityView.loadShare`). */
  part(env: TaskEnv, c: number, startS: number, share: number): number;
  /**
   * Per candidate, a value ≤ part() for every task of the class and every run
   * inside the plan's horizon (a column filled by prepare); undefined = 0.
   */
  low(plan: ClassPlan): Float64Array | undefined;
}
