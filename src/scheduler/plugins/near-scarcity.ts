/**
 * Score: leave scarce low-latency capacity to the work that needs it. For a
 * task with no latency SLA, a site costs its scarcity as a near site — 1 when
 * it is the only site in some city's nearest latency circle (赤峰 for 长春 and
 * 哈尔滨 at 10 ms), 1/k when it is one of k — so batch and training work fill
 * the sites that interactive users elsewhere cannot do without last. Work with
 * an SLA is indifferent (0 everywhere): it may use whatever is near.
 */
import type { ScorePlugin } from './types.js';

export const nearScarcityScore: ScorePlugin = {
  name: 'nearScarcity',
  describe: 'keep the only near sites of some cities for interactive work',
  timing: 'fixed',
  prepare(plan, table) {
    const col = new Float64Array(plan.n);
    if (plan.shape.latencySlaMs === null) {
      const scarcity = table.nearScarcity();
      for (let c = 0; c < plan.n; c++) col[c] = scarcity[plan.site[c]!]!;
    }
    plan.cols.nearScarcity = col;
  },
  affine: { a: 'nearScarcity' },
  part(env, c) {
    return env.plan.cols.nearScarcity![c]!;
  },
  low(plan) {
    return plan.cols.nearScarcity;
  },
};
