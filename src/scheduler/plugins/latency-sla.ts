/** Filter: the round trip from the task's origin must be within its latency SLA. */
import type { FilterPlugin } from './types.js';

export const latencySlaFilter: FilterPlugin = {
  name: 'latency-sla',
  stage: 'static',
  describe: 'round trip from the origin within the SLA',
  key: (task, origin) => (task.latencySlaMs === null ? 'none' : `${origin.id}|${task.latencySlaMs}`),
  check(task, _site, i, ctx) {
    const sla = task.latencySlaMs;
    if (sla === null) return null;
    const rtt = ctx.rtt[i]!;
    if (rtt <= sla) return null;
    return `RTT ${rtt.toFixed(1)} ms from ${task.originCity} exceeds the SLA of ${sla} ms`;
  },
};
