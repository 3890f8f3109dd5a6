/**
 * Score: the price of waiting — a deferred start (for a greener hour) costs
 * its delay, a day = 1, so a deferral must buy more carbon than it costs time.
 */
import { DELAY_REF_S } from '../references.js';
import type { ScorePlugin } from './types.js';

export const delayScore: ScorePlugin = {
  name: 'delay',
  describe: 'waiting past the earliest possible start',
  timing: 'start',
  monotoneInStart: true,
  sameForEveryCandidate: true,
  part(env, _c, startS) {
    return Math.min(1, Math.max(0, startS - env.readyS) / DELAY_REF_S);
  },
  low() {
    return undefined;
  },
};
