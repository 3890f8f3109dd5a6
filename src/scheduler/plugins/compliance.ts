/**
 * Filter: a site with an open compliance case (compliant = false) may not hold
 * important or core data.
 */
import type { FilterPlugin } from './types.js';

export const complianceFilter: FilterPlugin = {
  name: 'compliance',
  stage: 'static',
  describe: 'important and core data only at compliant sites',
  key: (task) => (task.dataClass === 'general' ? 'general' : 'protected'),
  check(task, site) {
    if (task.dataClass === 'general' || site.compliant) return null;
    return `site has an open compliance case; ${task.dataClass} data is barred`;
  },
};
