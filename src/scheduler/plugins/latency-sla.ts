/** Filter: the round trip from the task's origin must be within its latency SLA. */
import type { Task } from '../../domain/task.js';
import type { FilterPlugin } from './types.js';

const withinSla = (task: Task, rttMs: number): boolean => task.latencySlaMs === null || rttMs <= task.latencySlaMs;

export const latencySlaFilter: FilterPlugin = {
  name: 'latency-sla',
  stage: 'static',
  describe: 'round trip from the origin within the SLA',
  key: (task, origin) => (task.latencySlaMs === null ? 'none' : `${origin.id}|${task.latencySlaMs}`),
  passes: (task, _site, i, ctx) => withinSla(task, ctx.rtt[i]!),
  // a task no site is near enough for learns how near the nearest are
  miss: (_task, i, ctx) => ctx.rtt[i]!,
  check(task, _site, i, ctx) {
    if (withinSla(task, ctx.rtt[i]!)) return null;
    return `RTT ${ctx.rtt[i]!.toFixed(1)} ms from ${task.originCity} exceeds the SLA of ${task.latencySlaMs} ms`;
  },
};
