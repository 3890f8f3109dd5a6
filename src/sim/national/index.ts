/**
 * The national scenario on the real scheduler:
 *
 *   const scenario = buildNationalScenario({ days: 7, seed: 1, growth: 0.2, addCapacity: ['helinger-1:intelligent:20000P'] });
 *   const comparison = await runComparison(scenario, ['nearest', 'cheapest', 'greenest', 'balanced', 'optimal']);
 */
export {
  type AppliedAddition,
  applyCapacityAddition,
  type CapacityAddition,
  parseCapacityAddition,
} from './add-capacity.js';
export {
  type ComparisonOptions,
  flowGroups,
  type GroupInfo,
  type NationalComparison,
  type PolicyRun,
  parsePolicies,
  runComparison,
  type ScenarioSummary,
  scenarioSummary,
} from './compare.js';
export { CITY_GDP_2023_100M_CNY, type DemandCity, demandCities } from './demand-cities.js';
export { type DemandPattern, HOURLY_SHAPE, hourUtc8, shapeAt, WEEKLY_SHAPE, weekdayUtc8 } from './demand-shape.js';
export {
  type NationalProgress,
  type NationalRun,
  type NationalRunOptions,
  type PlacedTask,
  runNational,
  type SolverStats,
} from './driver.js';
export { COMPARISON_COLUMNS, comparisonMarkdown, formatComparisonTable, formatDuration } from './format.js';
export { TENANTS_PER_CITY_KIND, WorkloadGenerator } from './generator.js';
export { GridIntegrals } from './grid-integrals.js';
export { JOB_MIX, type JobDraw, type JobKindSpec, type OriginFacts, SLA_TIERS_MS } from './job-kinds.js';
export { type Flow, type NationalSeries, type NationalSummary, WORK_KINDS } from './metrics.js';
export {
  buildNationalScenario,
  DEFAULT_START_S,
  growthAt,
  meanGpuHoursPerTask,
  type NationalScenario,
  type NationalScenarioOptions,
} from './scenario.js';
