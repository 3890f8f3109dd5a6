/**
 * The national comparison: one generated workload, run once per policy,
 * side by side. Each run rebuilds the workload from the seed, so the policies
 * see the very same tasks at the very same times.
 */
import { DomainError } from '../../domain/errors.js';
import { POLICY_NAMES, type PolicyName } from '../../scheduler/profiles/index.js';
import type { AppliedAddition } from './add-capacity.js';
import { type NationalRun, type NationalRunOptions, runNational, type SolverStats } from './driver.js';
import type { Flow, NationalSeries, NationalSummary } from './metrics.js';
import type { NationalScenario } from './scenario.js';

export interface ScenarioSummary {
  name: 'national';
  days: number;
  seed: number;
  startS: number;
  /** Base tasks per day (before growth). */
  tasksPerDay: number;
  gpuLoad: number;
  growth: number;
  annualGrowth: number;
  cycleS: number;
  sampleS: number;
  maxTasks: number | null;
  slaWaitLimitS: number;
  additions: AppliedAddition[];
  sites: number;
  totalGpus: number;
  demandCities: number;
  /** The job-kind mix: kind → share of tasks. */
  mix: Record<string, number>;
}

/** A flow group (an origin or destination of work): a hub, or the non-hub cities of a side. */
export interface GroupInfo {
  name: string;
  nameZh: string;
  side: 'east' | 'west';
}

export interface PolicyRun {
  policy: PolicyName;
  series: NationalSeries;
  flows: Flow[];
  events: number;
  cycles: number;
  endS: number;
  /** Wall-clock seconds of the run: measurement only, not part of the deterministic results. */
  wallS: number;
  solver?: SolverStats;
}

export interface NationalComparison {
  scenario: ScenarioSummary;
  groups: Record<string, GroupInfo>;
  /** One row per policy, in the order asked for. */
  rows: NationalSummary[];
  runs: PolicyRun[];
}

/** Parses a comma-separated policy list; errors name the field. */
export function parsePolicies(v: string | readonly string[], field = 'policies'): PolicyName[] {
  const names = (typeof v === 'string' ? v.split(',') : [...v]).map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new DomainError('validation', `${field}: name at least one policy`, field);
  const out: PolicyName[] = [];
  for (const n of names) {
    if (!(POLICY_NAMES as readonly string[]).includes(n)) {
      throw new DomainError('validation', `${field}: unknown policy '${n}' (known: ${POLICY_NAMES.join(', ')})`, field);
    }
    if (out.includes(n as PolicyName)) throw new DomainError('validation', `${field}: '${n}' is named twice`, field);
    out.push(n as PolicyName);
  }
  return out;
}

export function scenarioSummary(s: NationalScenario): ScenarioSummary {
  const o = s.options;
  return {
    name: 'national',
    days: o.days,
    seed: o.seed,
    startS: o.startS,
    tasksPerDay: Math.round(o.tasksPerDay),
    gpuLoad: o.gpuLoad,
    growth: o.growth,
    annualGrowth: o.annualGrowth,
    cycleS: o.cycleS,
    sampleS: o.sampleS,
    maxTasks: Number.isFinite(o.maxTasks) ? o.maxTasks : null,
    slaWaitLimitS: o.slaWaitLimitS,
    additions: s.additions,
    sites: s.world.sites.length,
    totalGpus: s.totalGpus,
    demandCities: s.demand.length,
    mix: Object.fromEntries(s.mix.map((k) => [k.kind, k.share])),
  };
}

/** "Guangdong-Hong Kong-Macao Greater Bay Area" → "Greater Bay Area": labels must fit a chart. */
function shortHubName(name: string): string {
  const m = /(Greater Bay Area)$/.exec(name);
  return m ? m[1]! : name;
}

export function flowGroups(s: NationalScenario): Record<string, GroupInfo> {
  const groups: Record<string, GroupInfo> = {};
  for (const h of s.topology.hubs) groups[h.id] = { name: shortHubName(h.name), nameZh: h.nameZh, side: h.side };
  groups['other-east'] = { name: 'Other eastern cities', nameZh: '其他东部城市', side: 'east' };
  groups['other-west'] = { name: 'Other western cities', nameZh: '其他西部城市', side: 'west' };
  return groups;
}

export interface ComparisonOptions {
  /** Progress of each policy's run. */
  onProgress?: NationalRunOptions['onProgress'];
  solver?: NationalRunOptions['solver'];
  /** Called after each policy's run. */
  onRun?: (run: NationalRun, wallS: number) => void;
}

/** Runs the scenario under each policy, one after the other (runs share nothing but the scenario). */
export async function runComparison(
  scenario: NationalScenario,
  policies: readonly PolicyName[],
  opts: ComparisonOptions = {},
): Promise<NationalComparison> {
  const rows: NationalSummary[] = [];
  const runs: PolicyRun[] = [];
  for (const policy of parsePolicies(policies)) {
    const t0 = performance.now(); // measurement only
    const run = await runNational(scenario, policy, { onProgress: opts.onProgress, solver: opts.solver });
    const wallS = (performance.now() - t0) / 1000;
    opts.onRun?.(run, wallS);
    rows.push(run.summary);
    runs.push({
      policy,
      series: run.series,
      flows: run.flows,
      events: run.events,
      cycles: run.cycles,
      endS: run.endS,
      wallS,
      ...(run.solver ? { solver: run.solver } : {}),
    });
  }
  return { scenario: scenarioSummary(scenario), groups: flowGroups(scenario), rows, runs };
}
