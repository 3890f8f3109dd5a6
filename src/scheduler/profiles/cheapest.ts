/** Lowest cost (compute and data movement); load spreads only between equally cheap sites. */
import { DEFAULT_FILTERS } from '../plugins/index.js';
import type { Profile } from './profile.js';

export const cheapestProfile: Profile = {
  name: 'cheapest',
  description: 'lowest price, compute plus data movement',
  filters: DEFAULT_FILTERS,
  weights: { price: 1, loadBalance: 0.001 },
  maxDeferS: 0,
  deferStepS: 3600,
  mode: 'greedy',
  // measured: within ~1% of the exact walk's objective (bench/scheduler.ts), several times faster
  searchBudget: 16,
};
