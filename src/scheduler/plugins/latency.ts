/** Score: round trip from the task's origin, 100 ms = 1 (the `nearest` policy's only criterion). */
import { LATENCY_REF_MS } from '../references.js';
import type { ScorePlugin } from './types.js';

export const latencyScore: ScorePlugin = {
  name: 'latency',
  describe: 'round trip from the origin',
  timing: 'fixed',
  prepare(plan) {
    const col = new Float64Array(plan.n);
    for (let c = 0; c < plan.n; c++) col[c] = Math.min(1, plan.rtt[plan.site[c]!]! / LATENCY_REF_MS);
    plan.cols.latency = col;
  },
  affine: { a: 'latency' },
  part(env, c) {
    return env.plan.cols.latency![c]!;
  },
  bound(plan, c) {
    return plan.cols.latency![c]!;
  },
};
