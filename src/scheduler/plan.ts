/**
 * Task classes and their plans. Tasks that share origin, rules and resource
 * shape face the same static filters and the same static score columns, so
 * those are computed once per class: the surviving (site, GPU pool)
 * candidates, their columns, and a lower bound of their score by which they
 * are sorted. A decision then walks the sorted list and stops as soon as the
 * bound says nothing further can win — exact, but only a few sites deep.
 */
import { DEFAULT_GPU_POWER_W, itPowerKw } from '../domain/energy.js';
import { invalid } from '../domain/errors.js';
import type { Task } from '../domain/task.js';
import { FILTER_PLUGINS, SCORE_PLUGINS } from './plugins/index.js';
import { computeShare } from './plugins/price.js';
import { matchingPools } from './plugins/resource-fit.js';
import type { ClassPlan, FilterContext, ScorePlugin, TaskEnv } from './plugins/types.js';
import type { Profile } from './profiles/profile.js';
import { CARBON_HORIZON_S, PLAN_EPOCH_S } from './references.js';
import type { SiteTable } from './site-table.js';

/** Examples of rejected sites kept per filter (explanations stay cheap). */
export const SAMPLES_PER_FILTER = 3;

/** Everything a static filter or a static score column depends on. */
export function classKey(task: Task): string {
  const r = task.resources;
  return [
    task.originCity,
    task.dataClass,
    task.latencySlaMs ?? '-',
    r.cpuCores,
    r.memoryGb,
    r.gpus,
    r.gpuModel ?? '-',
    r.minGpuFp16Tflops ?? '-',
    r.hpcNodes,
    r.storageTb,
    task.allowedHubs.join(','),
    task.pairedOnly ? 1 : 0,
    task.dataGb > 0 ? 1 : 0,
  ].join('|');
}

/** The weighted score plugins of a profile, in summing order: static ones, then dynamic. */
export interface Weighting {
  staticPlugins: ScorePlugin[];
  staticWeights: Float64Array;
  dynamicPlugins: ScorePlugin[];
  dynamicWeights: Float64Array;
}

export function weightingOf(profile: Profile, dynamicNames: ReadonlySet<string>): Weighting {
  const staticPlugins: ScorePlugin[] = [];
  const sw: number[] = [];
  const dynamicPlugins: ScorePlugin[] = [];
  const dw: number[] = [];
  for (const [name, plugin] of Object.entries(SCORE_PLUGINS)) {
    const w = profile.weights[name] ?? 0;
    if (w <= 0) continue;
    if (dynamicNames.has(name)) {
      dynamicPlugins.push(plugin);
      dw.push(w);
    } else {
      staticPlugins.push(plugin);
      sw.push(w);
    }
  }
  return {
    staticPlugins,
    staticWeights: Float64Array.from(sw),
    dynamicPlugins,
    dynamicWeights: Float64Array.from(dw),
  };
}

function originOf(task: Task, table: SiteTable) {
  const origin = table.index.origin(task.originCity);
  if (!origin) throw invalid('originCity', `unknown place '${task.originCity}' (not a city or site of the topology)`);
  return origin;
}

function emptyPlan(task: Task, table: SiteTable, nowS: number, n: number): ClassPlan {
  const horizonStartS = Math.floor(nowS / PLAN_EPOCH_S) * PLAN_EPOCH_S;
  const origin = originOf(task, table);
  return {
    key: classKey(task),
    shape: task,
    origin,
    rtt: table.rttFrom(origin.id),
    n,
    site: new Int32Array(n),
    pool: new Int16Array(n),
    itKw: new Float64Array(n),
    cols: {},
    lb: new Float64Array(n),
    removedByFilter: {},
    samples: [],
    siteCount: 0,
    horizonStartS,
    horizonEndS: horizonStartS + CARBON_HORIZON_S,
  };
}

function fillColumns(plan: ClassPlan, table: SiteTable, w: Weighting): void {
  for (const p of [...w.staticPlugins, ...w.dynamicPlugins]) p.prepare?.(plan, table);
  for (let c = 0; c < plan.n; c++) {
    let lb = 0;
    for (let k = 0; k < w.staticPlugins.length; k++)
      lb += w.staticWeights[k]! * w.staticPlugins[k]!.bound(plan, c, table);
    for (let k = 0; k < w.dynamicPlugins.length; k++) {
      lb += w.dynamicWeights[k]! * w.dynamicPlugins[k]!.bound(plan, c, table);
    }
    plan.lb[c] = lb;
  }
}

function itKwAt(task: Task, table: SiteTable, site: number, pool: number): number {
  const gpu = pool >= 0 ? table.sites[site]!.capacity.gpus[pool]!.powerW : DEFAULT_GPU_POWER_W;
  return itPowerKw(task.resources, gpu);
}

/** Build the plan of a task's class: static filters over every site, columns, bounds, sorted. */
export function buildPlan(task: Task, table: SiteTable, profile: Profile, w: Weighting, nowS: number): ClassPlan {
  const probe = emptyPlan(task, table, nowS, 0);
  const ctx: FilterContext = { table, origin: probe.origin, rtt: probe.rtt, nowS };
  const statics = profile.filters.map((f) => FILTER_PLUGINS[f]!).filter((f) => f.stage === 'static');
  const sites: number[] = [];
  const pools: number[] = [];
  let siteCount = 0;
  for (let i = 0; i < table.n; i++) {
    const site = table.sites[i]!;
    let removed = false;
    for (const f of statics) {
      const reason = f.check(task, site, i, ctx);
      if (reason === null) continue;
      probe.removedByFilter[f.name] = (probe.removedByFilter[f.name] ?? 0) + 1;
      if (probe.removedByFilter[f.name]! <= SAMPLES_PER_FILTER)
        probe.samples.push({ siteId: site.id, filter: f.name, reason });
      removed = true;
      break;
    }
    if (removed) continue;
    siteCount++;
    for (const pool of matchingPools(task.resources, site)) {
      sites.push(i);
      pools.push(pool);
    }
  }
  const n = sites.length;
  const raw = emptyPlan(task, table, nowS, n);
  raw.removedByFilter = probe.removedByFilter;
  raw.samples = probe.samples;
  raw.siteCount = siteCount;
  for (let c = 0; c < n; c++) {
    raw.site[c] = sites[c]!;
    raw.pool[c] = pools[c]!;
    raw.itKw[c] = itKwAt(task, table, sites[c]!, pools[c]!);
  }
  fillColumns(raw, table, w);
  // best bound first; ties by site then pool so the walk order is a pure function of the input
  const order = Array.from({ length: n }, (_, c) => c).sort(
    (a, b) => raw.lb[a]! - raw.lb[b]! || raw.site[a]! - raw.site[b]! || raw.pool[a]! - raw.pool[b]!,
  );
  const sorted = emptyPlan(task, table, nowS, n);
  sorted.removedByFilter = raw.removedByFilter;
  sorted.samples = raw.samples;
  sorted.siteCount = siteCount;
  for (let j = 0; j < n; j++) {
    const c = order[j]!;
    sorted.site[j] = raw.site[c]!;
    sorted.pool[j] = raw.pool[c]!;
    sorted.itKw[j] = raw.itKw[c]!;
    sorted.lb[j] = raw.lb[c]!;
  }
  for (const [name, col] of Object.entries(raw.cols)) {
    const out = new Float64Array(n);
    for (let j = 0; j < n; j++) out[j] = col[order[j]!]!;
    sorted.cols[name] = out;
  }
  return sorted;
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
  const plan = emptyPlan(task, table, nowS, 1);
  plan.site[0] = site;
  plan.pool[0] = pool;
  plan.itKw[0] = itKwAt(task, table, site, pool);
  plan.siteCount = 1;
  fillColumns(plan, table, w);
  return plan;
}

export function taskEnv(task: Task, plan: ClassPlan, table: SiteTable, nowS: number): TaskEnv {
  return {
    task,
    plan,
    table,
    readyS: Math.max(nowS, task.earliestStartS),
    durationS: task.durationS,
    computeShare: computeShare(task.resources, task.durationS, task.dataGb, table),
  };
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
