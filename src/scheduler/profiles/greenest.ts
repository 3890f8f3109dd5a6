/** Lowest emissions, deferring flexible work up to a day to a greener hour. */
import { DEFAULT_FILTERS } from '../plugins/index.js';
import type { Profile } from './profile.js';

export const greenestProfile: Profile = {
  name: 'greenest',
  description: 'lowest carbon, deferring flexible work to greener hours',
  filters: DEFAULT_FILTERS,
  weights: { carbon: 1, delay: 0.02, loadBalance: 0.001 },
  maxDeferS: 24 * 3600,
  deferStepS: 3600,
  mode: 'greedy',
  // measured: within ~1% of the exact walk's objective (bench/scheduler.ts), several times faster
  searchBudget: 16,
};
