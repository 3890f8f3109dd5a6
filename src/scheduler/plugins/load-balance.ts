/**
 * Score: spread the load — the highest share of any resource the task uses
 * that would be in use at the site over the run once it is placed (kube's
 * LeastAllocated). The only part that depends on what others booked.
 */
import type { ScorePlugin } from './types.js';

export const loadBalanceScore: ScorePlugin = {
  name: 'loadBalance',
  describe: 'share of the site in use after placing',
  part(_env, _c, _startS, share) {
    return Math.min(1, share);
  },
  bound() {
    return 0;
  },
};
