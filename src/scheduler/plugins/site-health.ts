/** Filter: only sites that are up take new work (draining sites finish what they hold). */
import { STATUS_NAME, STATUS_UP } from '../site-table.js';
import type { FilterPlugin } from './types.js';

export const siteHealthFilter: FilterPlugin = {
  name: 'site-health',
  stage: 'dynamic',
  describe: 'site is up',
  check(_task, _site, i, ctx) {
    const code = ctx.table.status[i]!;
    return code === STATUS_UP ? null : `site is ${STATUS_NAME[code]}`;
  },
};
