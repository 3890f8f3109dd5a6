/**
 * Filter: enough free capacity over the whole run [start, end), at some start
 * under consideration and in some matching GPU pool (time-aware: work booked
 * to start later counts too).
 */
import { matchingPools } from './resource-fit.js';
import type { FilterPlugin } from './types.js';

export const capacityFilter: FilterPlugin = {
  name: 'capacity',
  stage: 'dynamic',
  describe: 'free capacity over the whole run',
  check(task, site, i, ctx) {
    const cap = ctx.capacity;
    const starts = ctx.startsS;
    if (!cap || !starts || starts.length === 0) return null;
    const pools = matchingPools(task.resources, site);
    for (const st of starts) {
      for (const pool of pools) if (cap.fits(i, task.resources, pool, st, st + task.durationS)) return null;
    }
    const st = starts[0]!;
    const free = cap.freeOver(i, st, st + task.durationS);
    const need = task.resources;
    const short: string[] = [];
    if (need.cpuCores > free.cpuCores) short.push(`${free.cpuCores} of ${need.cpuCores} cores`);
    if (need.memoryGb > free.memoryGb) short.push(`${free.memoryGb} of ${need.memoryGb} GB memory`);
    if (need.hpcNodes > free.hpcNodes) short.push(`${free.hpcNodes} of ${need.hpcNodes} HPC nodes`);
    if (need.storageTb > free.storageTb) short.push(`${free.storageTb} of ${need.storageTb} TB storage`);
    if (need.gpus > 0) {
      const best = pools.reduce((m, p) => Math.max(m, p >= 0 ? (free.gpus[p] ?? 0) : 0), 0);
      if (need.gpus > best) short.push(`${best} of ${need.gpus} GPUs`);
    }
    const what = short.length > 0 ? short.join(', ') : 'not enough';
    const when = starts.length > 1 ? ` at any of ${starts.length} start times` : '';
    return `free over the run${when}: ${what}`;
  },
};
