/**
 * The job-kind mix of the national scenario: what each kind of work asks for
 * (resource shape), how long it runs (log-normal), how much data it brings,
 * its data class, its latency SLA (interactive work) or deadline (deferrable
 * work). The figures are ASSUMPTIONS chosen to look like a national AI-era
 * workload — many small inference deployments, few large training runs that
 * hold most GPU-hours, nightly data pipelines and backups — not measurements.
 */
import { DAY_S, HOUR_S } from '../../domain/clock.js';
import type { Rng } from '../../domain/rng.js';
import type { DataClass, TaskResources, WorkKind } from '../../domain/task.js';
import type { DemandPattern } from './demand-shape.js';

/** What a kind's sampler knows about the task's origin. */
export interface OriginFacts {
  /** The origin lies in a national hub (core data can stay in its home region; 结对子 partners exist). */
  inHub: boolean;
  /** Round trip from the origin to the nearest site with GPUs, ms (latency SLAs below it cannot be met). */
  nearestGpuRttMs: number;
}

/** One drawn job, before it gets an id, a tenant, an origin and a time. */
export interface JobDraw {
  resources: TaskResources;
  durationS: number;
  /** The user's wall-time estimate (≥ durationS). */
  estimatedDurationS: number;
  dataGb: number;
  dataClass: DataClass;
  latencySlaMs: number | null;
  /** Deadline = submit + duration + slack; null = no deadline. */
  deadlineSlackS: number | null;
  pairedOnly: boolean;
  priority: number;
}

export interface JobKindSpec {
  kind: WorkKind;
  /** Share of all tasks (by count); the shares of the mix sum to 1. */
  share: number;
  pattern: DemandPattern;
  draw(rng: Rng, origin: OriginFacts): JobDraw;
}

/** Latency SLA tiers (round trip, ms) of interactive work and how often each is asked for. */
export const SLA_TIERS_MS: readonly (readonly [number, number])[] = [
  [5, 0.1],
  [10, 0.35],
  [20, 0.4],
  [40, 0.15],
];

/** A value from [value, weight] pairs. */
export function weighted<T>(rng: Rng, pairs: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of pairs) total += w;
  let u = rng.next() * total;
  for (const [v, w] of pairs) {
    u -= w;
    if (u < 0) return v;
  }
  return pairs[pairs.length - 1]![0];
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
/** Log-normal, clamped; rounded to whole seconds (what schedulers and traces record). */
const durationS = (rng: Rng, medianS: number, sigma: number, minS: number, maxS: number) =>
  Math.round(clamp(rng.logNormal(medianS, sigma), minS, maxS));
const gb = (rng: Rng, median: number, sigma: number, lo: number, hi: number) =>
  Math.round(clamp(rng.logNormal(median, sigma), lo, hi) * 100) / 100;
/** Users ask for 10–100% more wall time than the job needs. */
const estimate = (rng: Rng, d: number) => Math.ceil(d * (1.1 + 0.9 * rng.next()));
const uniform = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng.next();

/** The smallest SLA tier the network can meet from this origin at or above the drawn one. */
function slaFor(rng: Rng, origin: OriginFacts): number {
  const drawn = weighted(rng, SLA_TIERS_MS);
  for (const [tier] of SLA_TIERS_MS) if (tier >= drawn && tier >= origin.nearestGpuRttMs) return tier;
  // farther than the loosest tier: ask for what the nearest site can give, rounded up to 10 ms
  return Math.ceil(origin.nearestGpuRttMs / 10) * 10;
}

/** Core data only where it can stay home (a hub origin); otherwise it is reclassified as important. */
function dataClass(rng: Rng, origin: OriginFacts, core: number, important: number): DataClass {
  const u = rng.next();
  if (u < core) return origin.inHub ? 'core' : 'important';
  return u < core + important ? 'important' : 'general';
}

/** 结对子-only work comes from hub cities (elsewhere there is no pairing to keep to). */
const pairedOnly = (rng: Rng, origin: OriginFacts, p: number) => rng.next() < p && origin.inHub;

const res = (cpuCores: number, memoryGb: number, gpus = 0, extra: Partial<TaskResources> = {}): TaskResources => ({
  cpuCores,
  memoryGb,
  gpus,
  hpcNodes: 0,
  storageTb: 0,
  ...extra,
});

/** GPUs per inference deployment, and how often. */
const INFERENCE_GPUS: readonly (readonly [number, number])[] = [
  [1, 0.6],
  [2, 0.25],
  [4, 0.12],
  [8, 0.03],
];

/** GPUs per training run, and how often. */
const TRAINING_GPUS: readonly (readonly [number, number])[] = [
  [8, 0.35],
  [16, 0.2],
  [32, 0.15],
  [64, 0.12],
  [128, 0.1],
  [256, 0.05],
  [512, 0.03],
];

/** GPUs per rendering job, and how often. */
const RENDERING_GPUS: readonly (readonly [number, number])[] = [
  [1, 0.3],
  [2, 0.3],
  [4, 0.3],
  [8, 0.1],
];

/** Cores per data-processing job, and how often. */
const DATA_PROCESSING_CORES: readonly (readonly [number, number])[] = [
  [16, 0.2],
  [32, 0.3],
  [64, 0.25],
  [128, 0.15],
  [256, 0.07],
  [512, 0.03],
];

/** HPC nodes per job, and how often. */
const HPC_NODES: readonly (readonly [number, number])[] = [
  [2, 0.3],
  [4, 0.3],
  [8, 0.2],
  [16, 0.12],
  [32, 0.06],
  [64, 0.02],
];

export const INFERENCE: JobKindSpec = {
  kind: 'inference',
  share: 0.5,
  pattern: 'interactive',
  draw(rng, origin) {
    const gpus = weighted(rng, INFERENCE_GPUS);
    const d = durationS(rng, 30 * 60, 0.9, 120, 12 * HOUR_S);
    return {
      resources: res(8 * gpus, 32 * gpus, gpus),
      durationS: d,
      estimatedDurationS: estimate(rng, d),
      dataGb: gb(rng, 2, 1, 0.01, 100),
      dataClass: dataClass(rng, origin, 0, 0.2),
      latencySlaMs: slaFor(rng, origin),
      deadlineSlackS: null,
      pairedOnly: false,
      priority: 10,
    };
  },
};

export const TRAINING: JobKindSpec = {
  kind: 'training',
  share: 0.06,
  pattern: 'office',
  draw(rng, origin) {
    const gpus = weighted(rng, TRAINING_GPUS);
    // most large-model training wants A800/910B-class accelerators (≥ 300 dense FP16 TFLOPS)
    const extra = rng.next() < 0.7 ? { minGpuFp16Tflops: 300 } : {};
    const d = durationS(rng, 8 * HOUR_S, 1.1, 30 * 60, 7 * DAY_S);
    const deferrable = rng.next() < 0.5;
    return {
      resources: res(16 * gpus, 128 * gpus, gpus, extra),
      durationS: d,
      estimatedDurationS: estimate(rng, d),
      dataGb: gb(rng, 500, 1.2, 10, 20000),
      dataClass: dataClass(rng, origin, 0.05, 0.25),
      latencySlaMs: null,
      deadlineSlackS: deferrable ? Math.round(d * uniform(rng, 0.5, 2) + 12 * HOUR_S) : null,
      pairedOnly: pairedOnly(rng, origin, 0.3),
      priority: 0,
    };
  },
};

export const RENDERING: JobKindSpec = {
  kind: 'rendering',
  share: 0.12,
  pattern: 'office',
  draw(rng, origin) {
    const gpus = weighted(rng, RENDERING_GPUS);
    // render farms run on consumer GPUs; some studios' pipelines are certified for them only
    const extra = rng.next() < 0.4 ? { gpuModel: 'RTX 4090' } : {};
    const d = durationS(rng, 90 * 60, 1, 5 * 60, 48 * HOUR_S);
    return {
      resources: res(16 * gpus, 64 * gpus, gpus, extra),
      durationS: d,
      estimatedDurationS: estimate(rng, d),
      dataGb: gb(rng, 30, 1, 0.5, 2000),
      dataClass: dataClass(rng, origin, 0, 0.1),
      latencySlaMs: null,
      // frames are due the next working morning, give or take
      deadlineSlackS: rng.next() < 0.8 ? Math.round(uniform(rng, 4, 16) * HOUR_S) : null,
      pairedOnly: false,
      priority: 0,
    };
  },
};

export const DATA_PROCESSING: JobKindSpec = {
  kind: 'data-processing',
  share: 0.2,
  pattern: 'nightly',
  draw(rng, origin) {
    const cores = weighted(rng, DATA_PROCESSING_CORES);
    const d = durationS(rng, 45 * 60, 1.1, 120, 24 * HOUR_S);
    return {
      resources: res(cores, 4 * cores),
      durationS: d,
      estimatedDurationS: estimate(rng, d),
      dataGb: gb(rng, 200, 1.2, 1, 50000),
      dataClass: dataClass(rng, origin, 0.1, 0.3),
      latencySlaMs: null,
      deadlineSlackS: rng.next() < 0.6 ? Math.round(uniform(rng, 2, 12) * HOUR_S) : null,
      pairedOnly: pairedOnly(rng, origin, 0.2),
      priority: 0,
    };
  },
};

/** Storage sizes a backup reserves, TB. */
export const STORAGE_TIERS_TB: readonly number[] = [1, 2, 3, 5, 8, 10, 15, 20, 30, 50, 80, 100, 150, 200];

export const BACKUP: JobKindSpec = {
  kind: 'backup',
  share: 0.08,
  pattern: 'nightly',
  draw(rng, origin) {
    // storage is bought in tiers (cloud backup plans, volume sizes): round the need up to one
    const need = clamp(rng.logNormal(5, 1), 0.5, 200);
    const storageTb = STORAGE_TIERS_TB.find((t) => t >= need) ?? 200;
    // an incremental backup moves a part of what it keeps
    const dataGb = Math.round(storageTb * 1000 * uniform(rng, 0.05, 0.5));
    const d = durationS(rng, 2 * HOUR_S, 0.8, 10 * 60, 48 * HOUR_S);
    return {
      resources: res(4, 16, 0, { storageTb }),
      durationS: d,
      estimatedDurationS: estimate(rng, d),
      dataGb,
      dataClass: dataClass(rng, origin, 0, 0.5),
      latencySlaMs: null,
      deadlineSlackS: rng.next() < 0.9 ? Math.round(uniform(rng, 12, 36) * HOUR_S) : null,
      pairedOnly: pairedOnly(rng, origin, 0.3),
      priority: 0,
    };
  },
};

export const HPC: JobKindSpec = {
  kind: 'hpc',
  share: 0.04,
  pattern: 'office',
  draw(rng, origin) {
    const hpcNodes = weighted(rng, HPC_NODES);
    const d = durationS(rng, 3 * HOUR_S, 1, 10 * 60, 72 * HOUR_S);
    return {
      resources: res(0, 0, 0, { hpcNodes }),
      durationS: d,
      estimatedDurationS: estimate(rng, d),
      dataGb: gb(rng, 100, 1, 1, 10000),
      dataClass: dataClass(rng, origin, 0, 0.3),
      latencySlaMs: null,
      deadlineSlackS: rng.next() < 0.3 ? Math.round(d + uniform(rng, 6, 24) * HOUR_S) : null,
      pairedOnly: false,
      priority: 0,
    };
  },
};

/** The default mix, shares summing to 1. */
export const JOB_MIX: readonly JobKindSpec[] = [INFERENCE, TRAINING, RENDERING, DATA_PROCESSING, BACKUP, HPC];
