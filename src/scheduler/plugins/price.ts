/**
 * Score: what the run costs — compute by the hour (cores, GPUs, HPC nodes,
 * storage pro rata of a month) plus moving the task's data in — against the
 * same run at the dearest rates of the network. The part is a mix of two site
 * ratios (compute, data) weighted by the task's own compute/data split.
 */

import type { Site } from '../../domain/site.js';
import type { TaskResources } from '../../domain/task.js';
import { f64Column } from '../column-arena.js';
import { HOURS_PER_MONTH } from '../references.js';
import type { ReferencePrices, SiteTable } from '../site-table.js';
import type { ScorePlugin } from './types.js';

/** Fen per hour of running `need` at a site's rates. */
export function computeRateFenPerHour(need: TaskResources, site: Site): number {
  const p = site.prices;
  return (
    need.cpuCores * p.priceFenPerCoreHour +
    need.gpus * p.priceFenPerGpuHour +
    need.hpcNodes * p.priceFenPerHpcNodeHour +
    (need.storageTb * p.priceFenPerTbMonth) / HOURS_PER_MONTH
  );
}

/** Fen per hour of running `need` at the reference (dearest) rates. */
export function referenceRateFenPerHour(need: TaskResources, ref: ReferencePrices): number {
  return (
    need.cpuCores * ref.fenPerCoreHour +
    need.gpus * ref.fenPerGpuHour +
    need.hpcNodes * ref.fenPerHpcNodeHour +
    (need.storageTb * ref.fenPerTbMonth) / HOURS_PER_MONTH
  );
}

/** Share of the task's reference cost that is compute (the rest is data movement). */
export function computeShare(need: TaskResources, durationS: number, dataGb: number, table: SiteTable): number {
  const compute = referenceRateFenPerHour(need, table.refPrices) * (durationS / 3600);
  const moved = dataGb * table.refPrices.fenPerGbMoved;
  return compute + moved > 0 ? compute / (compute + moved) : 1;
}

export const priceScore: ScorePlugin = {
  name: 'price',
  describe: 'compute and data-movement cost',
  timing: 'fixed',
  prepare(plan, table) {
    const need = plan.shape.resources;
    const refRate = referenceRateFenPerHour(need, table.refPrices);
    const refMoved = table.refPrices.fenPerGbMoved;
    const rc = f64Column(plan.n);
    const rm = f64Column(plan.n);
    const rate = table.computeRates(need);
    for (let c = 0; c < plan.n; c++) {
      const s = plan.site[c]!;
      rc[c] = refRate > 0 ? rate[s]! / refRate : 0;
      rm[c] = refMoved > 0 ? table.priceMoved[s]! / refMoved : 0;
    }
    plan.cols.priceCompute = rc;
    plan.cols.priceMoved = rm;
    // part = moved + share × (compute − moved): the compute/data mix of the task's own reference cost
    const spread = f64Column(plan.n);
    const low = plan.shape.dataGb > 0 ? f64Column(plan.n) : rc;
    for (let c = 0; c < plan.n; c++) {
      spread[c] = rc[c]! - rm[c]!;
      // a mix of the two ratios is never below the smaller; without data it is the compute ratio itself
      if (low !== rc) low[c] = Math.min(rc[c]!, rm[c]!);
    }
    plan.cols.priceSpread = spread;
    plan.cols.priceLow = low;
  },
  affine: { a: 'priceMoved', b: 'priceSpread', scalar: (env) => env.computeShare },
  part(env, c) {
    return env.plan.cols.priceMoved![c]! + env.computeShare * env.plan.cols.priceSpread![c]!;
  },
  low(plan) {
    return plan.cols.priceLow;
  },
};
