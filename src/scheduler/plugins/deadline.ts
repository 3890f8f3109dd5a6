/** Filter: the run must be able to finish by the task's deadline (start + duration ≤ deadline). */
import { formatTime } from '../time-format.js';
import type { FilterPlugin } from './types.js';

export const deadlineFilter: FilterPlugin = {
  name: 'deadline',
  stage: 'dynamic',
  describe: 'finishes by the deadline',
  check(task, _site, _i, ctx) {
    if (task.deadlineS === null) return null;
    const start = ctx.startsS?.[0] ?? Math.max(ctx.nowS, task.earliestStartS);
    const end = start + task.durationS;
    if (end <= task.deadlineS) return null;
    return `earliest finish ${formatTime(end)} is after the deadline ${formatTime(task.deadlineS)}`;
  },
};
