/**
 * Score: spread the load — the highest share of any resource the task uses
 * that is committed at the site from the task's earliest start on, with the
 * task added (kube's LeastAllocated, over time). One figure for every start:
 * the book reads it from its suffix maxima without a search (a question per
 * start over each run's own interval cost twice the decision's capacity work),
 * and when it is within capacity the task fits at every start. The only part
 * that depends on what others booked; its bound is the task's own share of an
 * empty site.
 */

import type { TaskResources } from '../../domain/task.js';
import { f64Column } from '../column-arena.js';
import type { SiteTable } from '../site-table.js';
import type { ScorePlugin } from './types.js';

/** The task's own share of site s (GPU pool `pool`) with nothing else booked, at most 1. */
export function emptySiteShare(need: TaskResources, table: SiteTable, s: number, pool: number): number {
  let share = 0;
  // the same quotients the reservation book forms (need / capacity), on an empty site
  if (need.cpuCores > 0) share = Math.max(share, need.cpuCores / table.capCpu[s]!);
  if (need.memoryGb > 0) share = Math.max(share, need.memoryGb / table.capMem[s]!);
  if (need.hpcNodes > 0) share = Math.max(share, need.hpcNodes / table.capHpc[s]!);
  if (need.storageTb > 0) share = Math.max(share, need.storageTb / table.capStorage[s]!);
  if (need.gpus > 0 && pool >= 0) share = Math.max(share, need.gpus / table.gpuCount[s]![pool]!);
  return Math.min(1, share);
}

export const loadBalanceScore: ScorePlugin = {
  name: 'loadBalance',
  describe: 'share of the site committed from the start on, with this task',
  timing: 'capacity',
  prepare(plan, table) {
    const need = plan.shape.resources;
    const col = f64Column(plan.n);
    for (let c = 0; c < plan.n; c++) col[c] = emptySiteShare(need, table, plan.site[c]!, plan.pool[c]!);
    plan.cols.loadBalanceEmpty = col;
  },
  part(_env, _c, _startS, share) {
    return Math.min(1, share);
  },
  low(plan) {
    return plan.cols.loadBalanceEmpty;
  },
};
