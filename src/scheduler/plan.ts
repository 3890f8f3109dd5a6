/**
 * Task classes and their plans. Tasks that share origin, rules and resource
 * shape face the same static filters and the same static score columns, so
 * those are computed once per class: the surviving (site, GPU pool)
 * candidates, their columns, and a lower bound of their score. A decision
 * then walks the candidates by ascending bound and stops as soon as the bound
 * says nothing further can win — exact, but only a few sites deep.
 *
 * Building a plan is O(sites): each static filter's verdicts come from masks
 * shared by every class with the same relevant fields (the filter's `key`),
 * and the order is materialised lazily from a heap, as deep as walks go.
 */
import { DEFAULT_GPU_POWER_W, itPowerKw } from '../domain/energy.js';
import { invalid } from '../domain/errors.js';
import type { Task } from '../domain/task.js';
import { mix } from './class-index.js';
import { f64Column, i16Column, i32Column } from './column-arena.js';
import { FILTER_PLUGINS, SCORE_PLUGINS } from './plugins/index.js';
import { computeShare } from './plugins/price.js';
import { matchingPools, shapeKey } from './plugins/resource-fit.js';
import type { ClassPlan, FilterContext, FilterPlugin, ScorePlugin, TaskEnv } from './plugins/types.js';
import type { Profile } from './profiles/profile.js';
import { CARBON_HORIZON_S, PLAN_EPOCH_S } from './references.js';
import type { SiteTable } from './site-table.js';
import type { OriginInfo } from './world.js';

/** Examples of rejected sites kept per filter (explanations stay cheap). */
export const SAMPLES_PER_FILTER = 3;

/** Everything a static filter or a static score column depends on. */
export function classKey(task: Task): string {
  const hubs = task.allowedHubs.length === 0 ? '' : task.allowedHubs.join(',');
  return `${task.originCity}|${task.dataClass}|${task.latencySlaMs ?? '-'}|${shapeKey(task.resources)}|${hubs}|${task.pairedOnly ? 1 : 0}|${task.dataGb > 0 ? 1 : 0}`;
}

/** The weighted score plugins of a profile, by timing, in summing order. */
export interface Weighting {
  fixedPlugins: ScorePlugin[];
  fixedWeights: Float64Array;
  timedPlugins: ScorePlugin[];
  timedWeights: Float64Array;
  dynamicPlugins: ScorePlugin[];
  dynamicWeights: Float64Array;
  /** Σ of all weights. */
  weightSum: number;
}

export function weightingOf(profile: Profile): Weighting {
  for (const p of Object.values(SCORE_PLUGINS)) {
    if (p.timing === 'fixed' && !p.affine)
      throw new Error(`fixed score plugin '${p.name}' must declare its affine form`);
  }
  const by = { fixed: [] as ScorePlugin[], start: [] as ScorePlugin[], capacity: [] as ScorePlugin[] };
  const ws = { fixed: [] as number[], start: [] as number[], capacity: [] as number[] };
  let weightSum = 0;
  for (const [name, plugin] of Object.entries(SCORE_PLUGINS)) {
    const w = profile.weights[name] ?? 0;
    if (w <= 0) continue;
    by[plugin.timing].push(plugin);
    ws[plugin.timing].push(w);
    weightSum += w;
  }
  return {
    fixedPlugins: by.fixed,
    fixedWeights: Float64Array.from(ws.fixed),
    timedPlugins: by.start,
    timedWeights: Float64Array.from(ws.start),
    dynamicPlugins: by.capacity,
    dynamicWeights: Float64Array.from(ws.capacity),
    weightSum,
  };
}

function originOf(task: Task, table: SiteTable): OriginInfo {
  const origin = table.index.origin(task.originCity);
  if (!origin) throw invalid('originCity', `unknown place '${task.originCity}' (not a city or site of the topology)`);
  return origin;
}

/** A built plan, with its candidates in (site, pool) order (the plan's own are in rank order at the front). */
interface SharedCore {
  plan: ClassPlan;
  site: Int32Array;
  pool: Int16Array;
}

/**
 * `items.map(f)` as an array that is always packed. `map` made a packed array in V8's builtin and a
 * holey one once inlined into optimised code, so arrays from one call site changed their hidden class
 * as the code warmed up: `buildPlan`'s optimised code, made for one, was thrown away on meeting the other
 * (a "wrong map" deoptimisation in the scheduler benchmark's first tenth, then running in baseline code
 * until optimised again).
 */
function packedOf<T, U>(items: readonly T[], f: (item: T) => U): U[] {
  const out: U[] = [];
  for (let i = 0; i < items.length; i++) out.push(f(items[i]!));
  return out;
}

/**
 * Per-world caches shared by every plan: a pass mask per (static filter, key)
 * and the usable GPU pools per (resource shape, site). Dropped with the plans.
 */
export class PlanCache {
  private readonly masks = new Map<string, Uint8Array>();
  private readonly pools = new Map<string, (readonly number[])[]>();
  /** Built plans by what their candidates and columns depend on (see `shared`). */
  private readonly cores = new Map<string, SharedCore[]>();
  /** Class plans that took another class's columns, bounds and ranking (for stats). */
  sharedCount = 0;
  /** Candidate scratch: a site has at most one candidate per GPU pool. */
  readonly siteScratch: Int32Array;
  readonly poolScratch: Int16Array;

  constructor(readonly table: SiteTable) {
    const most = table.sites.reduce((m, s) => m + Math.max(1, s.capacity.gpus.length), 0);
    this.siteScratch = new Int32Array(most);
    this.poolScratch = new Int16Array(most);
  }

  mask(f: FilterPlugin, task: Task, ctx: FilterContext): Uint8Array {
    const key = f.key ? `${f.name}#${f.key(task, ctx.origin)}` : undefined;
    const hit = key === undefined ? undefined : this.masks.get(key);
    if (hit) return hit;
    const n = this.table.n;
    // padded to whole 32-bit words (buildPlan reads four sites at a time); the padding passes
    const out = new Uint8Array(wordsOf(n) * 4).fill(1, n);
    const sites = this.table.sites;
    // the verdict alone where the filter has one: no reason string for each site that fails
    if (f.passes) for (let i = 0; i < n; i++) out[i] = f.passes(task, sites[i]!, i, ctx) ? 1 : 0;
    else for (let i = 0; i < n; i++) out[i] = f.check(task, sites[i]!, i, ctx) === null ? 1 : 0;
    if (key !== undefined) this.masks.set(key, out);
    return out;
  }

  poolsOf(task: Task): (readonly number[])[] {
    const key = shapeKey(task.resources);
    let p = this.pools.get(key);
    if (!p) {
      // pushed, not mapped: see packedOf
      p = packedOf(this.table.sites, (s) => matchingPools(task.resources, s));
      this.pools.set(key, p);
    }
    return p;
  }

  /**
   * A plan already built with exactly these candidates and the same column inputs (origin, SLA,
   * resource shape, data or not, horizon): classes that differ only in rules that removed no site
   * here — data class, pairing, allowed hubs — share its columns, bounds and ranking.
   */
  shared(task: Task, origin: OriginInfo, horizonStartS: number, sites: Int32Array, pools: Int16Array, n: number) {
    let h = 0x811c9dc5;
    for (let c = 0; c < n; c++) h = mix(h, sites[c]! * 64 + pools[c]! + 1);
    const key = `${origin.id}|${task.latencySlaMs ?? '-'}|${shapeKey(task.resources)}|${task.dataGb > 0 ? 1 : 0}|${horizonStartS}|${n}|${h >>> 0}`;
    let list = this.cores.get(key);
    if (!list) {
      list = [];
      this.cores.set(key, list);
    }
    for (const p of list) {
      let same = true;
      for (let c = 0; c < n && same; c++) same = p.site[c] === sites[c] && p.pool[c] === pools[c];
      if (same) return { plan: p.plan, list };
    }
    return { plan: undefined, list };
  }

  clear(): void {
    this.masks.clear();
    this.pools.clear();
    this.cores.clear();
  }
}

function newPlan(task: Task, origin: OriginInfo, table: SiteTable, nowS: number, n: number): ClassPlan {
  const horizonStartS = Math.floor(nowS / PLAN_EPOCH_S) * PLAN_EPOCH_S;
  return {
    key: classKey(task),
    shape: task,
    origin,
    rtt: table.rttFrom(origin.id),
    n,
    site: i32Column(n),
    pool: i16Column(n),
    itKw: f64Column(n),
    cols: {},
    lb: f64Column(n),
    timedLb: f64Column(n),
    timedLbFlat: f64Column(n),
    dynLb: f64Column(n),
    fixedA: f64Column(n),
    fixedB: [],
    ranking: { order: i32Column(n), sorted: 0, heap: i32Column(n), heapSize: 0, front: 0 },
    removedByFilter: {},
    samples: [],
    siteCount: 0,
    horizonStartS,
    horizonEndS: horizonStartS + CARBON_HORIZON_S,
  };
}

/**
 * A shared plan as this class's own: same arrays, its own rules' story. Built with the very literal
 * of newPlan (not a spread), so that every plan has one hidden class and the walk's reads stay monomorphic.
 */
function ofClass(
  p: ClassPlan,
  task: Task,
  removedByFilter: ClassPlan['removedByFilter'],
  samples: ClassPlan['samples'],
  siteCount: number,
): ClassPlan {
  return {
    key: classKey(task),
    shape: task,
    origin: p.origin,
    rtt: p.rtt,
    n: p.n,
    site: p.site,
    pool: p.pool,
    itKw: p.itKw,
    cols: p.cols,
    lb: p.lb,
    timedLb: p.timedLb,
    timedLbFlat: p.timedLbFlat,
    dynLb: p.dynLb,
    fixedA: p.fixedA,
    fixedB: p.fixedB,
    ranking: p.ranking,
    removedByFilter,
    samples,
    siteCount,
    horizonStartS: p.horizonStartS,
    horizonEndS: p.horizonEndS,
  };
}

function itKwAt(task: Task, table: SiteTable, site: number, pool: number): number {
  return itPowerKw(task.resources, pool >= 0 ? table.gpuPowerW[site]![pool]! : DEFAULT_GPU_POWER_W);
}

let boundScratch = new Float64Array(0);
let aliveScratch = new Uint32Array(0);

/** 32-bit words that hold n bytes. */
const wordsOf = (n: number): number => (n + 3) >>> 2;

/** Columns and bounds of every candidate, then the heap the walk draws the order from. */
function finish(plan: ClassPlan, table: SiteTable, w: Weighting): ClassPlan {
  const groups: [ScorePlugin[], Float64Array][] = [
    [w.fixedPlugins, w.fixedWeights],
    [w.timedPlugins, w.timedWeights],
    [w.dynamicPlugins, w.dynamicWeights],
  ];
  for (const [plugins] of groups) for (const p of plugins) p.prepare?.(plan, table);
  // the affine fixed parts, pre-weighted: the walk reads two columns instead of calling plugins
  for (let k = 0; k < w.fixedPlugins.length; k++) {
    const p = w.fixedPlugins[k]!;
    const wk = w.fixedWeights[k]!;
    const a = plan.cols[p.affine!.a]!;
    for (let c = 0; c < plan.n; c++) plan.fixedA[c] = plan.fixedA[c]! + wk * a[c]!;
    if (p.affine!.b !== undefined) {
      const b = plan.cols[p.affine!.b]!;
      const wb = f64Column(plan.n);
      for (let c = 0; c < plan.n; c++) wb[c] = wk * b[c]!;
      plan.fixedB.push(wb);
    }
  }
  // bounds, column by column: fixed parts, then the timed ones (all, and those not monotone in the start), then dynamic
  const add = (into: Float64Array, col: Float64Array | undefined, wk: number) => {
    if (col) for (let c = 0; c < plan.n; c++) into[c] = into[c]! + wk * col[c]!;
  };
  // build-time sums in shared scratch (zeroed here), not three fresh arrays per class; the dynamic
  // bound is a column of the plan (the walk reads it), summed into it directly
  if (boundScratch.length < 3 * plan.n) boundScratch = new Float64Array(3 * plan.n);
  boundScratch.fill(0, 0, 3 * plan.n);
  const fixedLb = boundScratch.subarray(0, plan.n);
  for (let k = 0; k < w.fixedPlugins.length; k++) add(fixedLb, w.fixedPlugins[k]!.low(plan), w.fixedWeights[k]!);
  const dynLb = plan.dynLb;
  for (let k = 0; k < w.dynamicPlugins.length; k++) add(dynLb, w.dynamicPlugins[k]!.low(plan), w.dynamicWeights[k]!);
  const timed = boundScratch.subarray(plan.n, 2 * plan.n);
  const flat = boundScratch.subarray(2 * plan.n, 3 * plan.n);
  for (let k = 0; k < w.timedPlugins.length; k++) {
    const p = w.timedPlugins[k]!;
    add(timed, p.low(plan), w.timedWeights[k]!);
    if (!p.monotoneInStart) add(flat, p.low(plan), w.timedWeights[k]!);
  }
  for (let c = 0; c < plan.n; c++) {
    plan.timedLb[c] = timed[c]! + dynLb[c]!;
    plan.timedLbFlat[c] = flat[c]! + dynLb[c]!;
    plan.lb[c] = fixedLb[c]! + timed[c]! + dynLb[c]!;
  }
  // every candidate in a heap; nextInOrder moves them to `order` as walks reach them
  const r = plan.ranking;
  for (let c = 0; c < plan.n; c++) r.heap[c] = c;
  r.heapSize = plan.n;
  for (let i = (plan.n >> 1) - 1; i >= 0; i--) siftDown(plan, plan.n, i);
  bringBestForward(plan);
  return plan;
}

/** Candidates a walk usually reaches: they are moved to the front, in rank order. */
const FRONT = 128;
let candAtScratch = new Int32Array(0);
let posOfScratch = new Int32Array(0);
const swapScratch = new Int32Array(2 * FRONT);

/**
 * Renumber the candidates so that the FRONT best (by bound) come first, in order: a walk then reads
 * every column from its start instead of here and there (a plan's columns are far larger than the few
 * entries a decision reads). Each of the front's candidates is swapped into its place, so a column
 * moves at most 2·FRONT entries, not all of them twice (a whole permutation was a tenth of a plan's
 * build). The rest stay in the heap, which orders ties by (site, pool), not by number, so a deep walk
 * still gets them in the one order.
 */
function bringBestForward(plan: ClassPlan): void {
  const n = plan.n;
  const front = Math.min(n, FRONT);
  if (n < 2) return;
  if (candAtScratch.length < n) {
    candAtScratch = new Int32Array(n);
    posOfScratch = new Int32Array(n);
  }
  const candAt = candAtScratch;
  const posOf = posOfScratch;
  const swaps = swapScratch;
  for (let q = 0; q < n; q++) {
    candAt[q] = q;
    posOf[q] = q;
  }
  // the front in order (drawn from the heap over the numbering as built), and the swaps that place it
  let ns = 0;
  for (let p = 0; p < front; p++) {
    const c = nextInOrder(plan, p);
    const q = posOf[c]!;
    if (q === p) continue;
    const d = candAt[p]!;
    candAt[p] = c;
    posOf[c] = p;
    candAt[q] = d;
    posOf[d] = q;
    swaps[2 * ns] = p;
    swaps[2 * ns + 1] = q;
    ns++;
  }
  // every per-candidate array once (a column may stand under two names)
  swapAll(plan.site, swaps, ns);
  swapAll(plan.pool, swaps, ns);
  const done: Float64Array[] = [];
  for (const a of [
    plan.itKw,
    plan.lb,
    plan.timedLb,
    plan.timedLbFlat,
    plan.dynLb,
    plan.fixedA,
    ...plan.fixedB,
    ...Object.values(plan.cols),
  ]) {
    if (done.includes(a)) continue;
    done.push(a);
    swapAll(a, swaps, ns);
  }
  // the ranking: the front is in order; the rest form the heap
  const r = plan.ranking;
  for (let p = 0; p < front; p++) r.order[p] = p;
  r.sorted = front;
  r.front = front;
  r.heapSize = n - front;
  for (let i = 0; i < r.heapSize; i++) r.heap[i] = front + i;
  for (let i = (r.heapSize >> 1) - 1; i >= 0; i--) siftDown(plan, r.heapSize, i);
}

/** Apply the swaps (pairs of positions, in order) to one column. */
function swapAll(a: Float64Array | Int32Array | Int16Array, swaps: Int32Array, ns: number): void {
  for (let k = 0; k < ns; k++) {
    const p = swaps[2 * k]!;
    const q = swaps[2 * k + 1]!;
    const t = a[p]!;
    a[p] = a[q]!;
    a[q] = t;
  }
}

/** The candidate at position pos of the ascending order; positions must be asked in turn (pos ≤ sorted). */
export function nextInOrder(plan: ClassPlan, pos: number): number {
  const r = plan.ranking;
  if (pos < r.sorted) return r.order[pos]!;
  const h = r.heap;
  const top = h[0]!;
  r.heapSize--;
  h[0] = h[r.heapSize]!;
  siftDown(plan, r.heapSize, 0);
  r.order[r.sorted++] = top;
  return top;
}

/** Heap order: (lb, site, pool) ascending — the walk's order whatever the candidates' numbering. */
function before(plan: ClassPlan, a: number, b: number): boolean {
  const lb = plan.lb;
  if (lb[a] !== lb[b]) return lb[a]! < lb[b]!;
  const sa = plan.site[a]!;
  const sb = plan.site[b]!;
  return sa !== sb ? sa < sb : plan.pool[a]! < plan.pool[b]!;
}

function siftDown(plan: ClassPlan, size: number, i: number): void {
  const h = plan.ranking.heap;
  for (;;) {
    const l = 2 * i + 1;
    const rr = l + 1;
    let m = i;
    if (l < size && before(plan, h[l]!, h[m]!)) m = l;
    if (rr < size && before(plan, h[rr]!, h[m]!)) m = rr;
    if (m === i) return;
    const t = h[i]!;
    h[i] = h[m]!;
    h[m] = t;
    i = m;
  }
}

/** A site a static filter removed, shown as an example: site, filter index, and the key it is listed by. */
type Example = { i: number; k: number; order: number };

/** Keep the SAMPLES_PER_FILTER removals of least `order` (then site), least first; allocates only what it keeps. */
function keepClosest(list: Example[], i: number, k: number, order: number): void {
  let at = list.length;
  while (at > 0 && (list[at - 1]!.order > order || (list[at - 1]!.order === order && list[at - 1]!.i > i))) at--;
  if (at >= SAMPLES_PER_FILTER) return;
  list.splice(at, 0, { i, k, order });
  if (list.length > SAMPLES_PER_FILTER) list.pop();
}

/**
 * The examples of a class that no site passes, with those of each filter that has a `miss` measure
 * replaced by its closest misses: the filters replayed site by site (only for such classes, which are
 * rare, so that other builds pay nothing for it).
 */
function closestMisses(
  task: Task,
  statics: FilterPlugin[],
  masks: Uint8Array[],
  ctx: FilterContext,
  shown: Example[],
): Example[] {
  const n = ctx.table.n;
  const removedBy = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < masks.length; k++) {
      if (masks[k]![i] === 0) {
        removedBy[i] = k;
        break;
      }
    }
  }
  const out = shown.filter((x) => statics[x.k]!.miss === undefined);
  for (let k = 0; k < statics.length; k++) {
    const miss = statics[k]!.miss;
    if (miss === undefined) continue;
    const closest: Example[] = [];
    for (let i = 0; i < n; i++) if (removedBy[i] === k) keepClosest(closest, i, k, miss(task, i, ctx));
    out.push(...closest);
  }
  return out;
}

/** Build the plan of a task's class: static filters over every site (via shared masks), columns, bounds. */
export function buildPlan(task: Task, cache: PlanCache, profile: Profile, w: Weighting, nowS: number): ClassPlan {
  const table = cache.table;
  const origin = originOf(task, table);
  const rtt = table.rttFrom(origin.id);
  const ctx: FilterContext = { table, origin, rtt, nowS };
  const statics = packedOf(profile.filters, (f) => FILTER_PLUGINS[f]!).filter((f) => f.stage === 'static');
  const masks = packedOf(statics, (f) => cache.mask(f, task, ctx));
  const pools = cache.poolsOf(task);
  const removed = new Int32Array(statics.length);
  // which sites pass every static filter, and for the others the first filter that removes them:
  // one tight pass per filter (most sites fail the SLA of an interactive class)
  // a byte per site (1: still in), four sites a word; the padding past the last site starts out
  const words = wordsOf(table.n);
  if (aliveScratch.length < words) aliveScratch = new Uint32Array(words);
  const alive32 = aliveScratch;
  const alive = new Uint8Array(alive32.buffer, 0, words * 4);
  alive.fill(1, 0, table.n);
  alive.fill(0, table.n, words * 4);
  const shown: Example[] = [];
  for (let k = 0; k < masks.length; k++) {
    const m = masks[k]!;
    const m32 = new Uint32Array(m.buffer, m.byteOffset, words);
    let count = 0;
    for (let j = 0; j < words; j++) {
      const a = alive32[j]!;
      // a byte per site of this word still in that this filter removes (bytes are 0 or 1)
      const out = a & ~m32[j]! & 0x01010101;
      if (out === 0) continue;
      // the first few one by one, in site order (byte by byte: the words' byte order is the platform's);
      // past them only the number, the sum of the word's bytes
      if (count < SAMPLES_PER_FILTER) {
        for (let i = 4 * j; i < 4 * j + 4; i++)
          if (alive[i] === 1 && m[i] === 0 && ++count <= SAMPLES_PER_FILTER) shown.push({ i, k, order: i });
      } else count += Math.imul(out, 0x01010101) >>> 24;
      alive32[j] = a & m32[j]!;
    }
    removed[k] = count;
  }
  const sites = cache.siteScratch;
  const poolOf = cache.poolScratch;
  let n = 0;
  let siteCount = 0;
  for (let i = 0; i < table.n; i++) {
    if (alive[i] === 0) continue;
    siteCount++;
    const ps = pools[i]!;
    for (let j = 0; j < ps.length; j++) {
      sites[n] = i;
      poolOf[n++] = ps[j]!;
    }
  }
  // a class no site is left for: a filter that removes by a measure shows its closest misses instead
  const examples =
    siteCount === 0 && statics.some((f) => f.miss) ? closestMisses(task, statics, masks, ctx, shown) : shown;
  // examples filter by filter: each filter's in site order, or closest first
  examples.sort((a, b) => a.k - b.k || a.order - b.order || a.i - b.i);
  const samples: ClassPlan['samples'] = examples.map(({ i, k }) => {
    const f = statics[k]!;
    const site = table.sites[i]!;
    return { siteId: site.id, filter: f.name, reason: f.check(task, site, i, ctx) ?? f.describe };
  });
  const removedByFilter: Record<string, number> = {};
  statics.forEach((f, k) => {
    if (removed[k]! > 0) removedByFilter[f.name] = removed[k]!;
  });
  const horizonStartS = Math.floor(nowS / PLAN_EPOCH_S) * PLAN_EPOCH_S;
  const found = cache.shared(task, origin, horizonStartS, sites, poolOf, n);
  if (found.plan) {
    cache.sharedCount++;
    return ofClass(found.plan, task, removedByFilter, samples, siteCount);
  }
  const plan = newPlan(task, origin, table, nowS, n);
  plan.removedByFilter = removedByFilter;
  plan.samples = samples;
  plan.siteCount = siteCount;
  plan.site.set(sites.subarray(0, n));
  plan.pool.set(poolOf.subarray(0, n));
  for (let c = 0; c < n; c++) plan.itKw[c] = itKwAt(task, table, sites[c]!, poolOf[c]!);
  const coreSite = i32Column(n);
  coreSite.set(plan.site);
  const corePool = i16Column(n);
  corePool.set(plan.pool);
  found.list.push({ plan, site: coreSite, pool: corePool });
  return finish(plan, table, w);
}

/** A one-candidate plan for scoring a given (task, site, pool) with no filtering — the same arithmetic as the walk. */
export function candidatePlan(
  task: Task,
  table: SiteTable,
  site: number,
  pool: number,
  w: Weighting,
  nowS: number,
): ClassPlan {
  const plan = newPlan(task, originOf(task, table), table, nowS, 1);
  plan.site[0] = site;
  plan.pool[0] = pool;
  plan.itKw[0] = itKwAt(task, table, site, pool);
  plan.siteCount = 1;
  return finish(plan, table, w);
}

export function taskEnv(task: Task, plan: ClassPlan, table: SiteTable, nowS: number, w: Weighting): TaskEnv {
  const env: TaskEnv = {
    task,
    plan,
    table,
    readyS: Math.max(nowS, task.earliestStartS),
    durationS: task.durationS,
    computeShare: computeShare(task.resources, task.durationS, task.dataGb, table),
    fixedScalars: [],
  };
  for (const p of w.fixedPlugins) if (p.affine!.b !== undefined) env.fixedScalars.push(p.affine!.scalar!(env));
  return env;
}

/**
 * Start times to consider: as soon as possible, and for flexible work (a
 * deadline with slack and no latency SLA) every step up to the profile's
 * deferral limit, as long as the run still ends by the deadline.
 */
export function startTimes(task: Task, readyS: number, profile: Profile): number[] {
  const starts = [readyS];
  if (profile.maxDeferS <= 0 || task.latencySlaMs !== null || task.deadlineS === null) return starts;
  const latest = Math.min(readyS + profile.maxDeferS, task.deadlineS - task.durationS);
  const step = profile.deferStepS;
  let t = Math.ceil(readyS / step) * step;
  if (t === readyS) t += step;
  for (; t <= latest; t += step) starts.push(t);
  return starts;
}
