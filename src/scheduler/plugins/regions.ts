/**
 * Filter: where the task's owner allows it to run — its allowedHubs, and with
 * pairedOnly only its origin's hub and that hub's pairing partners (结对子).
 */
import type { FilterPlugin } from './types.js';

export const regionsFilter: FilterPlugin = {
  name: 'regions',
  stage: 'static',
  describe: 'allowed hubs and 结对子 pairing',
  key: (task, origin) => `${task.allowedHubs.join(',')}|${task.pairedOnly ? origin.id : '-'}`,
  passes(task, site, _i, ctx) {
    const hub = ctx.table.index.regionHubOfSite(site);
    if (task.allowedHubs.length > 0 && (hub === null || !task.allowedHubs.includes(hub))) return false;
    return !task.pairedOnly || (hub !== null && ctx.origin.pairedHubs.includes(hub));
  },
  check(task, site, _i, ctx) {
    const hub = ctx.table.index.regionHubOfSite(site);
    if (task.allowedHubs.length > 0 && (hub === null || !task.allowedHubs.includes(hub))) {
      return `hub ${hub ?? '(none)'} is not in allowedHubs [${task.allowedHubs.join(', ')}]`;
    }
    if (task.pairedOnly && (hub === null || !ctx.origin.pairedHubs.includes(hub))) {
      const paired = ctx.origin.pairedHubs.length > 0 ? ctx.origin.pairedHubs.join(', ') : 'none';
      return `pairedOnly: hub ${hub ?? '(none)'} is not paired with ${task.originCity} (paired: ${paired})`;
    }
    return null;
  },
};
