/**
 * Filter: core data (核心数据) stays in its home region — the hub of its
 * origin, or the origin's own province when the origin is in no hub — unless
 * the task's allowedHubs explicitly name the site's hub.
 */
import type { FilterPlugin } from './types.js';

export const dataClassFilter: FilterPlugin = {
  name: 'data-class',
  stage: 'static',
  describe: 'core data stays in its home region',
  key: (task, origin) => (task.dataClass === 'core' ? `${origin.id}|${task.allowedHubs.join(',')}` : 'any'),
  passes(task, site, _i, ctx) {
    if (task.dataClass !== 'core') return true;
    const hub = ctx.table.index.regionHubOfSite(site);
    if (hub !== null && task.allowedHubs.includes(hub)) return true;
    return ctx.origin.hubId !== null ? hub === ctx.origin.hubId : site.province === ctx.origin.province;
  },
  check(task, site, _i, ctx) {
    if (task.dataClass !== 'core') return null;
    const hub = ctx.table.index.regionHubOfSite(site);
    if (hub !== null && task.allowedHubs.includes(hub)) return null;
    const o = ctx.origin;
    if (o.hubId !== null) {
      if (hub === o.hubId) return null;
      return `core data from ${task.originCity} stays in hub ${o.hubId}; site is in ${hub ?? site.province}`;
    }
    if (site.province === o.province) return null;
    return `core data from ${task.originCity} stays in ${o.province}; site is in ${site.province}`;
  },
};
