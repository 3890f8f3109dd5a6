/**
 * The readers of a 'fixed' score that is one static column per task class
 * (filled by the plugin's `prepare`): the walk sums it as the affine form's
 * `a`, breakdowns read it per candidate, and it is its own lower bound.
 */

import { f64Column } from '../column-arena.js';
import type { SiteTable } from '../site-table.js';
import type { ScorePlugin } from './types.js';

export function staticColumn(col: string): Pick<ScorePlugin, 'affine' | 'part' | 'low'> {
  return {
    affine: { a: col },
    part: (env, c) => env.plan.cols[col]![c]!,
    low: (plan) => plan.cols[col],
  };
}

/**
 * A 'fixed' score that charges work without a latency SLA a per-site figure in [0,1] and work with
 * one nothing: the shape of the east→west and near-scarcity scores.
 */
export function noSlaSiteScore(
  name: string,
  describe: string,
  perSite: (table: SiteTable) => ArrayLike<number>,
): ScorePlugin {
  return {
    name,
    describe,
    timing: 'fixed',
    prepare(plan, table) {
      const col = f64Column(plan.n);
      if (plan.shape.latencySlaMs === null) {
        const v = perSite(table);
        for (let c = 0; c < plan.n; c++) col[c] = v[plan.site[c]!]!;
      }
      plan.cols[name] = col;
    },
    ...staticColumn(name),
  };
}
