/**
 * The default: carbon and price first, then latency and the east→west
 * preference, work without an SLA kept off the sites some city cannot do
 * without (nearScarcity: in the national simulation it took 长春/哈尔滨's SLA
 * violations from 331 to 0 in 3 days at +0.1% cost), a little load spreading,
 * and deferral to a greener hour when the task's deadline leaves room.
 */
import { DEFAULT_FILTERS } from '../plugins/index.js';
import type { Profile } from './profile.js';

export const balancedProfile: Profile = {
  name: 'balanced',
  description: 'weighs carbon, price, latency, east→west, near scarcity, load and delay',
  filters: DEFAULT_FILTERS,
  weights: {
    carbon: 0.3,
    price: 0.3,
    latency: 0.15,
    eastWest: 0.15,
    nearScarcity: 0.1,
    loadBalance: 0.05,
    delay: 0.05,
  },
  maxDeferS: 24 * 3600,
  deferStepS: 3600,
  mode: 'greedy',
  // measured: within ~1% of the exact walk's objective (bench/scheduler.ts), several times faster
  searchBudget: 16,
};
