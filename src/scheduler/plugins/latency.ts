/**
 * Score: round trip from the task's origin. With a latency SLA the part is the
 * share of that budget the round trip uses (interactive work stays well inside
 * it, not just inside it); without one, 100 ms = 1. The `nearest` policy's
 * only criterion.
 */

import { f64Column } from '../column-arena.js';
import { LATENCY_REF_MS } from '../references.js';
import { staticColumn } from './static-column.js';
import type { ScorePlugin } from './types.js';

export const latencyScore: ScorePlugin = {
  name: 'latency',
  describe: 'round trip from the origin (share of the SLA, or of 100 ms)',
  timing: 'fixed',
  prepare(plan) {
    const ref = plan.shape.latencySlaMs ?? LATENCY_REF_MS;
    const col = f64Column(plan.n);
    for (let c = 0; c < plan.n; c++) col[c] = Math.min(1, plan.rtt[plan.site[c]!]! / ref);
    plan.cols.latency = col;
  },
  ...staticColumn('latency'),
};
