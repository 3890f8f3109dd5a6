/**
 * The greedy decision for one task: walk the class plan's candidates in order
 * of their score's lower bound, read each site's load once (it is the same
 * for every start), score each exactly (every start time under
 * consideration), check capacity over a run only where the load says it may
 * not fit and the score could still win, and stop once the bound of the next
 * candidate is above the 4th best found. The
 * result equals scoring every site — tests hold it to that — at a fraction
 * of the cost.
 */
import type { Rejection } from '../domain/placement.js';
import { type CapacityView, fitsShare } from './capacity.js';
import { fixedSum, weightedTotal } from './objective.js';
import type { Weighting } from './plan.js';
import { nextInOrder, SAMPLES_PER_FILTER } from './plan.js';
import { capacityFilter } from './plugins/capacity.js';
import { siteHealthFilter } from './plugins/site-health.js';
import type { ScorePlugin, TaskEnv } from './plugins/types.js';
import { type SiteTable, STATUS_UP } from './site-table.js';

/** The winner and three runners-up. */
export const TOP_K = 4;
/** Bounds are computed in a different order than exact scores: float noise must not prune a tie. */
const BOUND_SLACK = 1e-12;

export interface Choice {
  /** Index into the class plan's candidates. */
  cand: number;
  site: number;
  pool: number;
  startS: number;
  /** Weighted total (lower is better). */
  total: number;
  /** Weighted sum of the static parts (everything but load balance). */
  staticTotal: number;
  /** The site's load share with the task, from the earliest start on (`CapacityView.loadShare`). */
  share: number;
}

export interface WalkResult {
  /** Best first, distinct sites, at most TOP_K. */
  top: Choice[];
  /** When nothing fits: distinct sites removed by each dynamic filter (static ones are in the plan). */
  removedByFilter: Record<string, number>;
  samples: Rejection[];
  /** Candidates examined, their sites' loads read, (candidate, start) pairs scored, and runs checked for room. */
  visited: number;
  loads: number;
  tries: number;
  checks: number;
}

/** (total, site, pool, start) ascending: the one order every path agrees on. */
export function better(a: Choice, b: Choice): boolean {
  return beats(a.total, a.site, a.pool, a.startS, b);
}

/**
 * Insert into a best-first list of distinct sites, keeping at most TOP_K. Elements are moved one by
 * one: `findIndex` and `splice` cost ~4k instructions a decision (callgrind) on a list of four.
 */
export function offer(top: Choice[], c: Choice): void {
  let n = top.length;
  // a choice at a site already listed replaces it only when better
  for (let i = 0; i < n; i++) {
    if (top[i]!.site !== c.site) continue;
    if (!better(c, top[i]!)) return;
    for (let j = i + 1; j < n; j++) top[j - 1] = top[j]!;
    top.pop();
    n--;
    break;
  }
  let at = n;
  while (at > 0 && better(c, top[at - 1]!)) at--;
  if (at >= TOP_K) return;
  // shift the worse ones back; a full list drops its last
  for (let j = n < TOP_K ? n : TOP_K - 1; j > at; j--) top[j] = top[j - 1]!;
  top[at] = c;
}

/** Would a choice with these keys change `top` (the same test `offer` makes, without allocating)? */
function entersTop(top: Choice[], total: number, site: number, pool: number, startS: number): boolean {
  for (let i = 0; i < top.length; i++) {
    const x = top[i]!;
    if (x.site === site) return beats(total, site, pool, startS, x);
  }
  return top.length < TOP_K || beats(total, site, pool, startS, top[top.length - 1]!);
}

function beats(total: number, site: number, pool: number, startS: number, b: Choice): boolean {
  if (total !== b.total) return total < b.total;
  if (site !== b.site) return site < b.site;
  if (pool !== b.pool) return pool < b.pool;
  return startS < b.startS;
}

export class Walker {
  private stamp = 0;
  private readonly seen: Int32Array;
  /** The timed plugins that only grow with the start, and their weights (fixed per profile). */
  private readonly mono: ScorePlugin[];
  private readonly monoW: Float64Array;
  /** Per timed plugin: is it the same for every candidate (then read from `perStart`)? */
  private readonly timedShared: Uint8Array;
  /** Per monotone plugin: its index among the timed ones when it is the same for every candidate, else -1. */
  private readonly monoSlot: Int32Array;
  /** Weighted timed parts that are the same for every candidate, per start time: [k·T + j]. */
  private perStart = new Float64Array(64);

  constructor(
    private readonly table: SiteTable,
    private readonly capacity: CapacityView,
    private readonly w: Weighting,
    /** Capacity-view index of each table site. */
    private readonly capIndex: Int32Array,
    /** Candidates examined at most once one fits (Infinity: prove the best). */
    private readonly budget = Number.POSITIVE_INFINITY,
  ) {
    this.seen = new Int32Array(table.n);
    this.mono = w.timedPlugins.filter((p) => p.monotoneInStart);
    this.monoW = Float64Array.from(w.timedPlugins.flatMap((p, k) => (p.monotoneInStart ? [w.timedWeights[k]!] : [])));
    this.timedShared = Uint8Array.from(w.timedPlugins, (p) => (p.sameForEveryCandidate ? 1 : 0));
    this.monoSlot = Int32Array.from(this.mono, (p) => (p.sameForEveryCandidate ? w.timedPlugins.indexOf(p) : -1));
  }

  /**
   * The weighted parts that do not depend on the candidate, for every start: the same products the
   * per-candidate sums would form (a monotone plugin's weight in monoW is its timed weight), so totals
   * and bounds stay bit for bit those of `timedSum` and of the per-candidate loop.
   */
  private fillPerStart(env: TaskEnv, starts: readonly number[]): void {
    const T = this.w.timedPlugins.length;
    if (this.perStart.length < starts.length * T) this.perStart = new Float64Array(2 * starts.length * T);
    for (let k = 0; k < starts.length; k++) {
      const st = starts[k]!;
      for (let j = 0; j < T; j++) {
        if (this.timedShared[j] === 1)
          this.perStart[k * T + j] = this.w.timedWeights[j]! * this.w.timedPlugins[j]!.part(env, 0, st, 0);
      }
    }
  }

  walk(env: TaskEnv, starts: readonly number[]): WalkResult {
    const plan = env.plan;
    const table = this.table;
    const cap = this.capacity;
    const need = env.task.resources;
    const dur = env.durationS;
    const status = table.status;
    const top: Choice[] = [];
    const lastEnd = starts[starts.length - 1]! + dur;
    const prune = lastEnd <= plan.horizonEndS && starts[0]! >= plan.horizonStartS;
    const stamp = ++this.stamp;
    let unhealthy = 0;
    let visited = 0;
    let loads = 0;
    let tries = 0;
    let checks = 0;
    const single = starts.length === 1;
    const mono = this.mono;
    const monoW = this.monoW;
    const M = mono.length;
    const timed = this.w.timedPlugins;
    const timedW = this.w.timedWeights;
    const T = timed.length;
    this.fillPerStart(env, starts);
    const perStart = this.perStart;
    const timedShared = this.timedShared;
    const monoSlot = this.monoSlot;
    // the front is numbered in rank order: its positions are its candidates (no read of the ranking)
    const front = plan.ranking.front;
    for (let pos = 0; pos < plan.n; pos++) {
      const c = pos < front ? pos : nextInOrder(plan, pos);
      const worst = top.length === TOP_K ? top[TOP_K - 1]!.total : Number.POSITIVE_INFINITY;
      if (prune && plan.lb[c]! > worst + BOUND_SLACK) break;
      if (visited >= this.budget && top.length > 0) break;
      visited++;
      const s = plan.site[c]!;
      if (status[s] !== STATUS_UP) {
        if (this.seen[s] !== stamp) {
          this.seen[s] = stamp;
          unhealthy++;
        }
        continue;
      }
      const pool = plan.pool[c]!;
      const ci = this.capIndex[s]!;
      const fixed = fixedSum(env, c, this.w);
      // exact fixed parts + the class bound of the timed ones: a cheap per-task bound before carbon and capacity
      if (fixed + plan.timedLb[c]! > worst + BOUND_SLACK) continue;
      let bestTotal = Number.POSITIVE_INFINITY;
      let bestStatic = 0;
      let bestStart = 0;
      // the site's load from the earliest start on: one answer for every start
      const share = cap.loadShare(ci, need, pool, starts[0]!);
      loads++;
      if (share === Number.POSITIVE_INFINITY) continue;
      // within capacity at its highest from the earliest start on: every start fits, no question per start
      const roomy = fitsShare(share);
      const flat = fixed + plan.timedLbFlat[c]!;
      for (let k = 0; k < starts.length; k++) {
        const st = starts[k]!;
        if (!single) {
          // the parts that only grow with the start, exactly, plus bounds of the rest: past this, later starts only lose
          let low = flat;
          for (let m = 0; m < M; m++) {
            const j = monoSlot[m]!;
            low += j >= 0 ? perStart[k * T + j]! : monoW[m]! * mono[m]!.part(env, c, st, 0);
          }
          if (low > worst + BOUND_SLACK || low > bestTotal + BOUND_SLACK) break;
        }
        // timedSum's sum, in its order, with the candidate-independent products read from perStart
        let partial = fixed;
        for (let j = 0; j < T; j++)
          partial += timedShared[j] === 1 ? perStart[k * T + j]! : timedW[j]! * timed[j]!.part(env, c, st, 0);
        tries++;
        const total = weightedTotal(env, c, st, partial, share, this.w);
        // only a start that could enter the list is checked for room over its run
        if (total > worst || total >= bestTotal) continue;
        if (!roomy) {
          checks++;
          if (!cap.fits(ci, need, pool, st, st + dur)) continue;
        }
        bestTotal = total;
        bestStatic = partial;
        bestStart = st;
      }
      // only a choice that enters the list is allocated
      if (bestTotal !== Number.POSITIVE_INFINITY && entersTop(top, bestTotal, s, pool, bestStart)) {
        offer(top, {
          cand: c,
          site: s,
          pool,
          startS: bestStart,
          total: bestTotal,
          staticTotal: bestStatic,
          share,
        });
      }
    }
    if (top.length > 0) return { top, removedByFilter: {}, samples: [], visited, loads, tries, checks };
    return { top, ...this.whyNone(env, starts, unhealthy), visited, loads, tries, checks };
  }

  /** Nothing fitted and every candidate was visited: attribute each candidate site to a dynamic filter. */
  private whyNone(env: TaskEnv, starts: readonly number[], unhealthy: number) {
    const plan = env.plan;
    const removedByFilter: Record<string, number> = {};
    const samples: Rejection[] = [];
    if (unhealthy > 0) removedByFilter[siteHealthFilter.name] = unhealthy;
    const full = plan.siteCount - unhealthy;
    if (full > 0) removedByFilter[capacityFilter.name] = full;
    const ctx = {
      table: this.table,
      origin: plan.origin,
      rtt: plan.rtt,
      nowS: env.readyS,
      capacity: new IndexedCapacity(this.capacity, this.capIndex),
      startsS: starts,
    };
    // a few examples per filter, each site once, from the best candidates down (the plan's front is in rank order)
    const shown = new Map<string, number>();
    const stamp = ++this.stamp;
    for (let c = 0; c < plan.n && samples.length < 2 * SAMPLES_PER_FILTER; c++) {
      const s = plan.site[c]!;
      if (this.seen[s] === stamp) continue;
      this.seen[s] = stamp;
      const filter = this.table.status[s] !== STATUS_UP ? siteHealthFilter : capacityFilter;
      const n = shown.get(filter.name) ?? 0;
      if (n >= SAMPLES_PER_FILTER) continue;
      shown.set(filter.name, n + 1);
      const site = this.table.sites[s]!;
      samples.push({
        siteId: site.id,
        filter: filter.name,
        reason: filter.check(env.task, site, s, ctx) ?? filter.describe,
      });
    }
    return { removedByFilter, samples };
  }
}

/** A capacity view addressed by table site index (the scheduler's), over one addressed by its own. */
export class IndexedCapacity implements CapacityView {
  constructor(
    private readonly inner: CapacityView,
    private readonly map: Int32Array,
  ) {}
  siteIndex(siteId: string): number {
    return this.inner.siteIndex(siteId);
  }
  loadShare(...a: Parameters<CapacityView['loadShare']>): number {
    return this.inner.loadShare(this.map[a[0]]!, a[1], a[2], a[3]);
  }
  peakShare(...a: Parameters<CapacityView['peakShare']>): number {
    return this.inner.peakShare(this.map[a[0]]!, a[1], a[2], a[3], a[4]);
  }
  fits(...a: Parameters<CapacityView['fits']>): boolean {
    return this.inner.fits(this.map[a[0]]!, a[1], a[2], a[3], a[4]);
  }
  reserve(...a: Parameters<CapacityView['reserve']>) {
    return this.inner.reserve(a[0], this.map[a[1]]!, a[2], a[3], a[4], a[5]);
  }
  release(taskId: string, atS?: number) {
    return this.inner.release(taskId, atS);
  }
  reservation(taskId: string) {
    return this.inner.reservation(taskId);
  }
  freeOver(site: number, startS: number, endS: number) {
    return this.inner.freeOver(this.map[site]!, startS, endS);
  }
}
