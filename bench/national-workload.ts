/**
 * The scheduler benchmarks' national workload: 1,000 sites (the shipped 45 and variants of them around
 * the same cities) and a mixed stream of tasks, made from a seeded generator so every benchmark that
 * uses it (scheduler.ts, decision-floor.ts, held-memory.ts) sees the very same sites and tasks; and
 * what else those benchmarks share (their options, a full collection on demand).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Rng } from '../src/domain/rng.js';
import type { Site } from '../src/domain/site.js';
import type { DataClass, Task, TaskResources, WorkKind } from '../src/domain/task.js';
import { worldFromTopology } from '../src/scheduler/national-world.js';
import type { SchedulerWorld } from '../src/scheduler/world.js';
import { loadNationalTopology } from '../src/topology/index.js';

/** The workload's command-line options (--sites N --tasks N --scale X --seed N), for node:util's parseArgs. */
export const WORKLOAD_OPTIONS = {
  sites: { type: 'string', default: '1000' },
  tasks: { type: 'string', default: '100000' },
  scale: { type: 'string', default: '0.05' },
  seed: { type: 'string', default: '42' },
} as const;

/** A full collection now (V8's gc, exposed for this call only). */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** The benchmarks' epoch: 2026-11-24 00:00 UTC. */
export const T0 = Date.UTC(2026, 10, 24, 0, 0, 0) / 1000;

/** The shipped topology plus variants of its sites (same cities, jittered facts), scaled to `n` sites. */
export function world(n: number, rng: Rng, capacityScale: number): SchedulerWorld {
  const topo = loadNationalTopology();
  const base = topo.sites;
  const sites: Site[] = [];
  for (let i = 0; i < n; i++) {
    const b = base[i % base.length]!;
    const s = structuredClone(b);
    if (i >= base.length) {
      s.id = `${b.id}-v${i}`;
      s.name = `${b.name} v${i}`;
      s.nameZh = `${b.nameZh}·${i}`;
      s.lat += (rng.next() - 0.5) * 0.4;
      s.lon += (rng.next() - 0.5) * 0.4;
      s.pue = Math.round(b.pue * (0.95 + rng.next() * 0.1) * 100) / 100;
      s.greenShare = Math.min(0.95, b.greenShare * (0.8 + rng.next() * 0.4));
      const p = s.prices;
      const jitter = (x: number) => Math.max(1, Math.round(x * (0.85 + rng.next() * 0.3)));
      p.priceFenPerCoreHour = jitter(p.priceFenPerCoreHour);
      p.priceFenPerGpuHour = jitter(p.priceFenPerGpuHour);
      p.priceFenPerHpcNodeHour = jitter(p.priceFenPerHpcNodeHour);
      p.priceFenPerGbMoved = jitter(p.priceFenPerGbMoved);
    }
    const c = s.capacity;
    const scale = (x: number) => Math.max(0, Math.round(x * capacityScale * (0.5 + rng.next())));
    c.cpuCores = scale(c.cpuCores);
    c.memoryGb = c.cpuCores * 4;
    for (const g of c.gpus) g.count = scale(g.count);
    c.hpcNodes = scale(c.hpcNodes);
    c.hpcCoresPerNode = c.hpcNodes > 0 ? c.hpcCoresPerNode || 64 : 0;
    c.storageTb = scale(c.storageTb);
    sites.push(s);
  }
  topo.sites = sites;
  return worldFromTopology(topo);
}

const SHAPES: { kind: WorkKind; r: TaskResources; medianS: number; weight: number }[] = [
  {
    kind: 'inference',
    r: { cpuCores: 4, memoryGb: 16, gpus: 1, hpcNodes: 0, storageTb: 0 },
    medianS: 1800,
    weight: 25,
  },
  {
    kind: 'inference',
    r: { cpuCores: 8, memoryGb: 64, gpus: 2, hpcNodes: 0, storageTb: 0, minGpuFp16Tflops: 140 },
    medianS: 3600,
    weight: 10,
  },
  {
    kind: 'training',
    r: { cpuCores: 32, memoryGb: 256, gpus: 8, hpcNodes: 0, storageTb: 1 },
    medianS: 8 * 3600,
    weight: 8,
  },
  {
    kind: 'training',
    r: { cpuCores: 64, memoryGb: 512, gpus: 8, gpuModel: 'A800', hpcNodes: 0, storageTb: 2 },
    medianS: 24 * 3600,
    weight: 4,
  },
  {
    kind: 'rendering',
    r: { cpuCores: 16, memoryGb: 64, gpus: 1, hpcNodes: 0, storageTb: 0 },
    medianS: 2 * 3600,
    weight: 10,
  },
  {
    kind: 'data-processing',
    r: { cpuCores: 32, memoryGb: 128, gpus: 0, hpcNodes: 0, storageTb: 1 },
    medianS: 3600,
    weight: 20,
  },
  {
    kind: 'backup',
    r: { cpuCores: 2, memoryGb: 8, gpus: 0, hpcNodes: 0, storageTb: 20 },
    medianS: 4 * 3600,
    weight: 8,
  },
  { kind: 'hpc', r: { cpuCores: 0, memoryGb: 0, gpus: 0, hpcNodes: 16, storageTb: 0 }, medianS: 6 * 3600, weight: 15 },
];
const ORIGINS = [
  'beijing',
  'shanghai',
  'guangzhou',
  'shenzhen',
  'hangzhou',
  'nanjing',
  'suzhou',
  'chengdu',
  'chongqing',
  'wuhan',
  'xian',
  'tianjin',
  'zhengzhou',
  'changsha',
  'hefei',
  'jinan',
  'qingdao',
  'fuzhou',
  'xiamen',
  'shenyang',
];

function pickWeighted<T extends { weight: number }>(rng: Rng, items: readonly T[]): T {
  const total = items.reduce((a, b) => a + b.weight, 0);
  let x = rng.next() * total;
  for (const it of items) {
    x -= it.weight;
    if (x < 0) return it;
  }
  return items[items.length - 1]!;
}

/** A mixed national workload: interactive inference with SLAs, flexible training and batch work with deadlines. */
export function makeTask(rng: Rng, id: string, atS: number, opts: { flexible: boolean }): Task {
  const shape = pickWeighted(rng, SHAPES);
  const durationS = Math.max(60, Math.round(rng.logNormal(shape.medianS, 0.8)));
  const interactive = shape.kind === 'inference';
  const sla = interactive ? rng.pick([5, 10, 20, 50]) : null;
  const flexible = opts.flexible && !interactive && rng.next() < 0.4;
  const dataClass: DataClass = rng.next() < 0.05 ? 'core' : rng.next() < 0.15 ? 'important' : 'general';
  return {
    id,
    tenantId: `tenant-${rng.int(1, 20)}`,
    kind: shape.kind,
    resources: { ...shape.r },
    durationS,
    estimatedDurationS: Math.round(durationS * 1.5),
    submittedAtS: atS,
    earliestStartS: atS,
    deadlineS: flexible ? atS + durationS + rng.int(2, 24) * 3600 : null,
    originCity: rng.pick(ORIGINS),
    latencySlaMs: sla,
    dataGb: interactive ? 0 : rng.pick([0, 10, 100, 1000]),
    dataClass,
    allowedHubs: [],
    pairedOnly: !interactive && rng.next() < 0.1,
    priority: rng.int(0, 3),
  };
}

/** The benchmarks' arrivals: `nTasks` tasks over three days (Poisson), flexible work included, ids `d0`, `d1`, … */
export const ARRIVAL_SPAN_S = 3 * 86400;
export function arrivals(rng: Rng, nTasks: number): Task[] {
  const tasks: Task[] = [];
  let at = T0;
  for (let i = 0; i < nTasks; i++) {
    at += rng.exp(ARRIVAL_SPAN_S / nTasks);
    tasks.push(makeTask(rng, `d${i}`, at, { flexible: true }));
  }
  return tasks;
}
