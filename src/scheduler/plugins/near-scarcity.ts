/**
 * Score: leave scarce low-latency capacity to the work that needs it. For a
 * task with no latency SLA, a site costs its scarcity as a near site — 1 when
 * it is the only site in some city's nearest latency circle (赤峰 for 长春 and
 * 哈尔滨 at 10 ms), 1/k when it is one of k — so batch and training work fill
 * the sites that interactive users elsewhere cannot do without last. Work with
 * an SLA is indifferent (0 everywhere): it may use whatever is near.
 */
import { noSlaSiteScore } from './static-column.js';

export const nearScarcityScore = noSlaSiteScore(
  'nearScarcity',
  'keep the only near sites of some cities for interactive work',
  (table) => table.nearScarcity(),
);
