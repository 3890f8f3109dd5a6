/**
 * Score: 东数西算 — work with no latency need belongs in the west, where power
 * is green and cheap; an eastern site costs 1, a western one 0. Work with a
 * latency SLA is indifferent (0 everywhere).
 */
import { noSlaSiteScore } from './static-column.js';

export const eastWestScore = noSlaSiteScore(
  'eastWest',
  'prefer western sites for work without a latency need',
  (table) => table.east,
);
