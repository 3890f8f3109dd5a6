/**
 * The objective: what running a task at a site from a start time scores,
 * part by part, weighted by a profile. One definition for everyone — the
 * greedy walk, the HiGHS batch, the benchmark's gap and the API's previews
 * all call these functions, so "better" means the same thing to each.
 */
import { facilityEnergyKwh } from '../domain/energy.js';
import { invalid, notFound } from '../domain/errors.js';
import { roundFen } from '../domain/money.js';
import type { ScoreBreakdown } from '../domain/placement.js';
import type { Site } from '../domain/site.js';
import type { Task } from '../domain/task.js';
import type { CapacityView } from './capacity.js';
import { candidatePlan, taskEnv, type Weighting, weightingOf } from './plan.js';
import { DYNAMIC_SCORES } from './plugins/index.js';
import { computeRateFenPerHour } from './plugins/price.js';
import { matchingPools } from './plugins/resource-fit.js';
import type { TaskEnv } from './plugins/types.js';
import { profileFor } from './profiles/index.js';
import type { PolicyName, Profile } from './profiles/profile.js';
import { SiteTable } from './site-table.js';
import type { SchedulerWorld } from './world.js';

/** Weighted sum of the parts that do not depend on the start time (price, latency, east→west). */
export function fixedSum(env: TaskEnv, c: number, _w: Weighting): number {
  const plan = env.plan;
  let sum = plan.fixedA[c]!;
  for (let j = 0; j < plan.fixedB.length; j++) sum += env.fixedScalars[j]! * plan.fixedB[j]![c]!;
  return sum;
}

/** `fixed` plus the weighted parts that depend on the start (carbon, delay). */
export function timedSum(env: TaskEnv, c: number, startS: number, fixed: number, w: Weighting): number {
  let sum = fixed;
  for (let k = 0; k < w.timedPlugins.length; k++)
    sum += w.timedWeights[k]! * w.timedPlugins[k]!.part(env, c, startS, 0);
  return sum;
}

/** Weighted sum of the static parts of candidate c from startS: every part but load balance. */
export function weightedStatic(env: TaskEnv, c: number, startS: number, w: Weighting): number {
  return timedSum(env, c, startS, fixedSum(env, c, w), w);
}

/** The full total: the static sum plus the dynamic parts, always added last and in this order. */
export function weightedTotal(
  env: TaskEnv,
  c: number,
  startS: number,
  staticTotal: number,
  share: number,
  w: Weighting,
) {
  let sum = staticTotal;
  for (let k = 0; k < w.dynamicPlugins.length; k++) {
    sum += w.dynamicWeights[k]! * w.dynamicPlugins[k]!.part(env, c, startS, share);
  }
  return sum;
}

/**
 * The raw figures and the parts of one candidate, with its total. `total`
 * may be passed when already known (the walk computed it with these very
 * functions); otherwise it is computed.
 */
export function breakdown(
  env: TaskEnv,
  c: number,
  startS: number,
  share: number,
  w: Weighting,
  total?: number,
): ScoreBreakdown {
  const plan = env.plan;
  const table = env.table;
  const s = plan.site[c]!;
  const site = table.sites[s]!;
  const parts: Record<string, number> = {};
  for (const p of w.fixedPlugins) parts[p.name] = p.part(env, c, startS, share);
  for (const p of w.timedPlugins) parts[p.name] = p.part(env, c, startS, share);
  for (const p of w.dynamicPlugins) parts[p.name] = p.part(env, c, startS, share);
  const energyKwh = facilityEnergyKwh(plan.itKw[c]!, site.pue, env.durationS);
  const task = env.task;
  const cost =
    computeRateFenPerHour(task.resources, site) * (env.durationS / 3600) + task.dataGb * site.prices.priceFenPerGbMoved;
  return {
    total: total ?? weightedTotal(env, c, startS, weightedStatic(env, c, startS, w), share, w),
    parts,
    carbonG: energyKwh * table.intensity.mean(s, startS, startS + env.durationS),
    costFen: roundFen(cost),
    latencyMs: plan.rtt[s]!,
    energyKwh,
  };
}

/** The weighted total without the dynamic parts: the per-(task, site, start) objective HiGHS optimises. */
export const staticObjective = (b: ScoreBreakdown, profile: Profile): number =>
  b.total -
  Object.entries(b.parts).reduce(
    (sum, [k, v]) => (DYNAMIC_SCORES.has(k) ? sum + (profile.weights[k] ?? 0) * v : sum),
    0,
  );

const tables = new WeakMap<SchedulerWorld, SiteTable>();

/** One SiteTable per world object (its caches are shared by every evaluate call). */
export function tableFor(world: SchedulerWorld): SiteTable {
  let t = tables.get(world);
  if (!t) {
    t = new SiteTable(world);
    tables.set(world, t);
  }
  return t;
}

export interface EvaluateOptions {
  /** Profile whose weights apply (default 'balanced'). */
  profile?: Profile | PolicyName;
  /** The decision time: waiting counts from max(nowS, earliestStartS). Default: the task's submit time. */
  nowS?: number;
  /** GPU pool at the site; default the matching pool that scores best. */
  gpuPool?: number;
  /**
   * Load-balance input: the site's load share with the task, from its earliest start on
   * (`CapacityView.loadShare`); read from `capacity` when given, else 0.
   */
  share?: number;
  capacity?: CapacityView;
}

/**
 * Score running `task` at `site` from `startS` — no filtering: a site the rules
 * forbid still gets its number (the filters say whether it may be used).
 */
export function evaluate(
  task: Task,
  site: Site | string,
  startS: number,
  world: SchedulerWorld,
  opts: EvaluateOptions = {},
): ScoreBreakdown {
  const table = tableFor(world);
  const siteId = typeof site === 'string' ? site : site.id;
  const s = table.index.siteIndex.get(siteId);
  if (s === undefined) throw notFound('site', siteId);
  if (!Number.isFinite(startS)) throw invalid('startS', `must be a finite time, got ${startS}`);
  const profile = typeof opts.profile === 'object' ? opts.profile : profileFor(opts.profile ?? 'balanced');
  const w = weightingOf(profile);
  const nowS = opts.nowS ?? task.submittedAtS;
  const pools =
    opts.gpuPool !== undefined
      ? [opts.gpuPool]
      : task.resources.gpus > 0
        ? matchingPools(task.resources, table.sites[s]!)
        : [-1];
  if (pools.length === 0) pools.push(-1);
  let best: ScoreBreakdown | null = null;
  for (const pool of pools) {
    if (pool >= table.sites[s]!.capacity.gpus.length || pool < -1) {
      throw invalid('gpuPool', `site '${siteId}' has no GPU pool ${pool}`);
    }
    const plan = candidatePlan(task, table, s, pool, w, nowS);
    const env = taskEnv(task, plan, table, nowS, w);
    let share = opts.share ?? 0;
    if (opts.capacity) {
      const ci = opts.capacity.siteIndex(siteId);
      if (ci < 0) throw notFound('site in capacity view', siteId);
      share = opts.capacity.loadShare(ci, task.resources, pool, Math.max(nowS, task.earliestStartS));
    }
    const b = breakdown(env, 0, startS, share, w);
    if (best === null || b.total < best.total) best = b;
  }
  return best!;
}
