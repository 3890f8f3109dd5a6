/**
 * The national scenario: the shipped 东数西算 topology (with any capacity
 * what-ifs applied), the network and grid profiles over it, and the demand
 * the generator draws from — cities weighted by GDP, the job-kind mix, a
 * daily and weekly shape, growth. Everything is fixed by the options and the
 * seed, so every policy sees the very same workload.
 */
import { DAY_S } from '../../domain/clock.js';
import { DomainError } from '../../domain/errors.js';
import { Rng } from '../../domain/rng.js';
import { worldFromTopology } from '../../scheduler/national-world.js';
import type { SchedulerWorld } from '../../scheduler/world.js';
import type { HourlyGridProfiles } from '../../topology/grid-profiles.js';
import { loadNationalTopology, nationalGridProfiles, type Topology } from '../../topology/index.js';
import {
  type AppliedAddition,
  applyCapacityAddition,
  type CapacityAddition,
  parseCapacityAddition,
} from './add-capacity.js';
import { type DemandCity, demandCities } from './demand-cities.js';
import { JOB_MIX, type JobKindSpec, type OriginFacts } from './job-kinds.js';

/** Monday 2026-01-05 00:00 Beijing time: scenarios start on a week boundary by default. */
export const DEFAULT_START_S = Date.UTC(2026, 0, 4, 16, 0, 0) / 1000;

export interface NationalScenarioOptions {
  /** Days of arrivals (the run continues until the last task ends). */
  days: number;
  seed: number;
  /** Start of the scenario, Unix seconds (default: Monday 2026-01-05 00:00 Beijing time). */
  startS?: number;
  /** Offered GPU load of the base demand: mean GPUs asked for / GPUs of the shipped network (default 0.6). */
  gpuLoad?: number;
  /** Base tasks per day instead of deriving it from gpuLoad. */
  tasksPerDay?: number;
  /** What-if: demand above the base, 0.2 = +20% (default 0). */
  growth?: number;
  /** Demand growth per year within the run, compounded continuously (default 0.3). */
  annualGrowth?: number;
  /** What-if: capacity added to sites, `site:kind:amount` or parsed. */
  addCapacity?: readonly (string | CapacityAddition)[];
  /** Scheduling interval: the scheduler runs a cycle this often (default 60 s). */
  cycleS?: number;
  /** Resolution of the time series (default 3600 s). */
  sampleS?: number;
  /** Stop arrivals after this many tasks (default: none). */
  maxTasks?: number;
  /** Interactive work (a latency SLA) not started within this time is abandoned (default 600 s). */
  slaWaitLimitS?: number;
}

export interface ResolvedOptions {
  days: number;
  seed: number;
  startS: number;
  gpuLoad: number;
  tasksPerDay: number;
  growth: number;
  annualGrowth: number;
  addCapacity: CapacityAddition[];
  cycleS: number;
  sampleS: number;
  maxTasks: number;
  slaWaitLimitS: number;
}

export interface NationalScenario {
  options: ResolvedOptions;
  topology: Topology;
  world: SchedulerWorld;
  grid: HourlyGridProfiles;
  demand: DemandCity[];
  mix: readonly JobKindSpec[];
  origins: ReadonlyMap<string, OriginFacts>;
  additions: AppliedAddition[];
  /** Arrivals stop here (startS + days). */
  arrivalsEndS: number;
  /** GPUs of the network the scenario runs on (after what-ifs). */
  totalGpus: number;
}

const DEFAULTS = { gpuLoad: 0.6, growth: 0, annualGrowth: 0.3, cycleS: 60, sampleS: 3600, slaWaitLimitS: 600 };

function num(v: unknown, field: string, ok: (n: number) => boolean, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
    throw new DomainError('validation', `${field}: must be ${what}, got ${String(v)}`, field);
  }
  return v;
}

/** Mean GPU-hours per task of a mix (a fixed-seed sample: the same number for every scenario seed). */
export function meanGpuHoursPerTask(mix: readonly JobKindSpec[], samples = 20_000): number {
  const rng = new Rng(0x5ca1ab1e);
  const origin: OriginFacts = { inHub: true, nearestGpuRttMs: 1 };
  let sum = 0;
  for (const spec of mix) {
    const n = Math.max(1, Math.round(samples * spec.share));
    let s = 0;
    for (let i = 0; i < n; i++) {
      const d = spec.draw(rng, origin);
      s += (d.resources.gpus * d.durationS) / 3600;
    }
    sum += spec.share * (s / n);
  }
  return sum;
}

const gpusOf = (sites: Topology['sites']) =>
  sites.reduce((n, s) => n + s.capacity.gpus.reduce((m, g) => m + g.count, 0), 0);

function validateMix(mix: readonly JobKindSpec[]): void {
  if (mix.length === 0) throw new DomainError('validation', 'mix: at least one job kind', 'mix');
  const total = mix.reduce((a, k) => a + k.share, 0);
  if (Math.abs(total - 1) > 1e-9) throw new DomainError('validation', `mix: shares must sum to 1, got ${total}`, 'mix');
}

/** Validates the options (errors name the field) and builds the scenario. */
export function buildNationalScenario(
  opts: NationalScenarioOptions,
  mix: readonly JobKindSpec[] = JOB_MIX,
): NationalScenario {
  if (opts === null || typeof opts !== 'object') throw new DomainError('validation', 'options: must be an object');
  validateMix(mix);
  const days = num(opts.days, 'days', (n) => n > 0 && n <= 366, 'a number of days in (0, 366]');
  const seed = num(opts.seed, 'seed', (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff, 'an integer 0..2^32-1');
  const startS = num(opts.startS ?? DEFAULT_START_S, 'startS', () => true, 'a finite time');
  const gpuLoad = num(opts.gpuLoad ?? DEFAULTS.gpuLoad, 'gpuLoad', (n) => n > 0 && n <= 10, 'a load in (0, 10]');
  const growth = num(opts.growth ?? DEFAULTS.growth, 'growth', (n) => n > -1 && n <= 100, 'a growth > -1');
  const annualGrowth = num(
    opts.annualGrowth ?? DEFAULTS.annualGrowth,
    'annualGrowth',
    (n) => n > -1 && n <= 100,
    'a growth > -1',
  );
  const cycleS = num(opts.cycleS ?? DEFAULTS.cycleS, 'cycleS', (n) => n >= 1 && n <= 86400, 'seconds in [1, 86400]');
  const sampleS = num(
    opts.sampleS ?? DEFAULTS.sampleS,
    'sampleS',
    (n) => n >= 60 && n <= 7 * DAY_S,
    'seconds in [60, 604800]',
  );
  const slaWaitLimitS = num(
    opts.slaWaitLimitS ?? DEFAULTS.slaWaitLimitS,
    'slaWaitLimitS',
    (n) => n >= 0,
    'seconds ≥ 0',
  );
  const maxTasks =
    opts.maxTasks === undefined
      ? Number.POSITIVE_INFINITY
      : num(opts.maxTasks, 'maxTasks', (n) => Number.isInteger(n) && n >= 1, 'an integer ≥ 1');
  const addCapacity = (opts.addCapacity ?? []).map((a, i) =>
    typeof a === 'string' ? parseCapacityAddition(a, `addCapacity[${i}]`) : a,
  );

  const topology = loadNationalTopology();
  const baseGpus = gpusOf(topology.sites);
  const additions = addCapacity.map((a, i) => applyCapacityAddition(topology.sites, a, `addCapacity[${i}]`));
  const tasksPerDay =
    opts.tasksPerDay !== undefined
      ? num(opts.tasksPerDay, 'tasksPerDay', (n) => n > 0 && n <= 1e8, 'a rate in (0, 1e8]')
      : (gpuLoad * baseGpus * 24) / meanGpuHoursPerTask(mix);

  const grid = nationalGridProfiles(topology.sites);
  const world = worldFromTopology(topology, { grid });
  const demand = demandCities(topology.cities);
  const gpuSites = topology.sites.filter((s) => s.capacity.gpus.some((g) => g.count > 0));
  const origins = new Map<string, OriginFacts>();
  for (const c of demand) {
    const city = topology.cities.find((x) => x.id === c.id)!;
    let nearest = Number.POSITIVE_INFINITY;
    for (const s of gpuSites) nearest = Math.min(nearest, world.network.rttMs(c.id, s.id));
    origins.set(c.id, { inHub: city.hubId !== null, nearestGpuRttMs: nearest });
  }
  return {
    options: {
      days,
      seed,
      startS,
      gpuLoad,
      tasksPerDay,
      growth,
      annualGrowth,
      addCapacity,
      cycleS,
      sampleS,
      maxTasks,
      slaWaitLimitS,
    },
    topology,
    world,
    grid,
    demand,
    mix,
    origins,
    additions,
    arrivalsEndS: startS + days * DAY_S,
    totalGpus: gpusOf(topology.sites),
  };
}

/** Demand multiplier at a time: the what-if growth times the annual growth since the start. */
export function growthAt(o: Pick<ResolvedOptions, 'growth' | 'annualGrowth' | 'startS'>, tS: number): number {
  return (1 + o.growth) * (1 + o.annualGrowth) ** ((tS - o.startS) / (365 * DAY_S));
}
