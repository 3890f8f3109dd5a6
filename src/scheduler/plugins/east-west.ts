/**
 * Score: 东数西算 — work with no latency need belongs in the west, where power
 * is green and cheap; an eastern site costs 1, a western one 0. Work with a
 * latency SLA is indifferent (0 everywhere).
 */
import type { ScorePlugin } from './types.js';

export const eastWestScore: ScorePlugin = {
  name: 'eastWest',
  describe: 'prefer western sites for work without a latency need',
  timing: 'fixed',
  prepare(plan, table) {
    const col = new Float64Array(plan.n);
    if (plan.shape.latencySlaMs === null) for (let c = 0; c < plan.n; c++) col[c] = table.east[plan.site[c]!]!;
    plan.cols.eastWest = col;
  },
  affine: { a: 'eastWest' },
  part(env, c) {
    return env.plan.cols.eastWest![c]!;
  },
  low(plan) {
    return plan.cols.eastWest;
  },
};
