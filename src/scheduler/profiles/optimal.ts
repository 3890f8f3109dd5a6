/**
 * The balanced objective, solved for a whole cycle at once by HiGHS (MIP over
 * tasks × candidate sites with capacities) instead of one task at a time.
 * Load balance is left to the capacity constraints: it is not a per-task cost.
 */
import { balancedProfile } from './balanced.js';
import type { Profile } from './profile.js';

export const optimalProfile: Profile = {
  ...balancedProfile,
  name: 'optimal',
  description: 'the balanced objective, each cycle solved as one batch by HiGHS',
  mode: 'highs',
};
