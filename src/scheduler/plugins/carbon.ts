/**
 * Score: emissions of the run — IT power × PUE × duration × grid factor ×
 * (1 − green share), hour by hour over [start, end) — against a reference run
 * (1 kW GPUs, PUE 1.5, 1000 g/kWh, no green power) of the same task.
 * The duration cancels out, so the part compares sites and hours, not task sizes.
 */
import { itPowerKw } from '../../domain/energy.js';
import { f64Column } from '../column-arena.js';
import { GPU_REF_POWER_W, INTENSITY_REF_G_PER_KWH, PUE_REF } from '../references.js';
import type { ScorePlugin } from './types.js';

export const carbonScore: ScorePlugin = {
  name: 'carbon',
  describe: 'grid carbon of the run (PUE, grid factor, green share, hour)',
  timing: 'start',
  prepare(plan, table) {
    const refKw = itPowerKw(plan.shape.resources, GPU_REF_POWER_W);
    const k = f64Column(plan.n);
    const low = f64Column(plan.n);
    const minimum = table.intensity.minimums(plan.horizonStartS, plan.horizonEndS);
    for (let c = 0; c < plan.n; c++) {
      const site = plan.site[c]!;
      k[c] = refKw > 0 ? ((plan.itKw[c]! / refKw) * (table.pue[site]! / PUE_REF)) / INTENSITY_REF_G_PER_KWH : 0;
      low[c] = Math.min(1, k[c]! * minimum[site]!);
    }
    plan.cols.carbonK = k;
    plan.cols.carbonLow = low;
  },
  part(env, c, startS) {
    const k = env.plan.cols.carbonK![c]!;
    return Math.min(1, k * env.table.intensity.mean(env.plan.site[c]!, startS, startS + env.durationS));
  },
  low(plan) {
    return plan.cols.carbonLow;
  },
};
