/**
 * Filter: a site with an open compliance case (compliant = false) may not hold
 * important or core data.
 */
import type { Site } from '../../domain/site.js';
import type { Task } from '../../domain/task.js';
import type { FilterPlugin } from './types.js';

const mayHold = (task: Task, site: Site): boolean => task.dataClass === 'general' || site.compliant;

export const complianceFilter: FilterPlugin = {
  name: 'compliance',
  stage: 'static',
  describe: 'important and core data only at compliant sites',
  key: (task) => (task.dataClass === 'general' ? 'general' : 'protected'),
  passes: (task, site) => mayHold(task, site),
  check(task, site) {
    if (mayHold(task, site)) return null;
    return `site has an open compliance case; ${task.dataClass} data is barred`;
  },
};
