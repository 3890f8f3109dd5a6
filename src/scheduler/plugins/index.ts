/** Every built-in plugin by name. A profile names the ones it uses. */
import { capacityFilter } from './capacity.js';
import { carbonScore } from './carbon.js';
import { complianceFilter } from './compliance.js';
import { dataClassFilter } from './data-class.js';
import { deadlineFilter } from './deadline.js';
import { delayScore } from './delay.js';
import { eastWestScore } from './east-west.js';
import { latencyScore } from './latency.js';
import { latencySlaFilter } from './latency-sla.js';
import { loadBalanceScore } from './load-balance.js';
import { nearScarcityScore } from './near-scarcity.js';
import { priceScore } from './price.js';
import { regionsFilter } from './regions.js';
import { resourceFitFilter } from './resource-fit.js';
import { siteHealthFilter } from './site-health.js';
import type { FilterPlugin, ScorePlugin } from './types.js';

export const FILTER_PLUGINS: Readonly<Record<string, FilterPlugin>> = Object.freeze({
  regions: regionsFilter,
  'data-class': dataClassFilter,
  compliance: complianceFilter,
  'latency-sla': latencySlaFilter,
  'resource-fit': resourceFitFilter,
  'site-health': siteHealthFilter,
  deadline: deadlineFilter,
  capacity: capacityFilter,
});

/** Static filters first (evaluated once per task class), then the dynamic ones. */
export const DEFAULT_FILTERS: readonly string[] = Object.freeze(Object.keys(FILTER_PLUGINS));

/**
 * Filters no profile may drop: the task's own rules (regions, data, SLA,
 * deadline) and physics (kind, health, capacity). Profiles change the ranking, never the rules.
 */
export const MANDATORY_FILTERS: readonly string[] = DEFAULT_FILTERS;

/** The score parts, in the order they are summed; the dynamic one (load balance) always comes last. */
export const SCORE_PLUGINS: Readonly<Record<string, ScorePlugin>> = Object.freeze({
  carbon: carbonScore,
  price: priceScore,
  latency: latencyScore,
  eastWest: eastWestScore,
  nearScarcity: nearScarcityScore,
  delay: delayScore,
  loadBalance: loadBalanceScore,
});

export const SCORE_NAMES: readonly string[] = Object.freeze(Object.keys(SCORE_PLUGINS));
/** Parts that depend on capacity already booked, known only after the capacity check. */
export const DYNAMIC_SCORES: ReadonlySet<string> = new Set(
  Object.values(SCORE_PLUGINS)
    .filter((p) => p.timing === 'capacity')
    .map((p) => p.name),
);

export type { ClassPlan, FilterContext, FilterPlugin, ScorePlugin, TaskEnv } from './types.js';
