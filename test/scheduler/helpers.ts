/**
 * Small hand-made worlds and tasks for the scheduler tests, a random world
 * generator for the property tests, and a brute-force reference decision
 * (every filter on every site, every pool and start scored with `evaluate`)
 * that the fast path must match exactly.
 */

import type { Rng } from '../../src/domain/rng.js';
import type { Site } from '../../src/domain/site.js';
import type { Task } from '../../src/domain/task.js';
import type { CapacityView } from '../../src/scheduler/capacity.js';
import { evaluate } from '../../src/scheduler/objective.js';
import { startTimes } from '../../src/scheduler/plan.js';
import { FILTER_PLUGINS } from '../../src/scheduler/plugins/index.js';
import { matchingPools } from '../../src/scheduler/plugins/resource-fit.js';
import type { FilterContext } from '../../src/scheduler/plugins/types.js';
import type { Profile } from '../../src/scheduler/profiles/profile.js';
import { SiteTable } from '../../src/scheduler/site-table.js';
import type { SchedulerWorld } from '../../src/scheduler/world.js';

export const T0 = Date.UTC(2026, 10, 24, 0, 0, 0) / 1000; // 08:00 Beijing time

/** Great-circle km between two points. */
export function km(aLat: number, aLon: number, bLat: number, bLon: number): number {
  const r = Math.PI / 180;
  const dLat = (bLat - aLat) * r;
  const dLon = (bLon - aLon) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * r) * Math.cos(bLat * r) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface Point {
  id: string;
  lat: number;
  lon: number;
}

/** Fibre model: 4.9 µs/km × route factor 1.3, one way; at least 0.5 ms. */
export function geoNetwork(points: readonly Point[]) {
  const at = new Map(points.map((p) => [p.id, p]));
  return {
    rttMs(a: string, b: string): number {
      const p = at.get(a);
      const q = at.get(b);
      if (!p || !q) throw new Error(`unknown place ${!p ? a : b}`);
      return 2 * Math.max(0.5, km(p.lat, p.lon, q.lat, q.lon) * 1.3 * 0.0049);
    },
  };
}

export function makeSite(over: Partial<Site> & { id: string }): Site {
  return {
    name: over.id,
    nameZh: over.id,
    tier: 'cluster',
    hubId: null,
    clusterId: null,
    city: over.id,
    province: 'P',
    side: 'east',
    gridRegion: '华东',
    lat: 31,
    lon: 121,
    pue: 1.25,
    greenShare: 0.3,
    gridCarbonGPerKwh: 600,
    capacity: {
      cpuCores: 1000,
      memoryGb: 8000,
      gpus: [{ model: 'A800', count: 64, fp16Tflops: 312, memoryGb: 80, powerW: 400 }],
      hpcNodes: 10,
      hpcCoresPerNode: 64,
      storageTb: 100,
      storageSsdShare: 0.5,
      racks: 100,
    },
    prices: {
      priceFenPerCoreHour: 8,
      priceFenPerGpuHour: 1500,
      priceFenPerHpcNodeHour: 600,
      priceFenPerTbMonth: 10000,
      priceFenPerGbMoved: 50,
    },
    status: 'up',
    compliant: true,
    ...over,
  };
}

let taskSeq = 0;
export function makeTask(over: Partial<Task> = {}): Task {
  taskSeq++;
  return {
    id: `task-${taskSeq}`,
    tenantId: 'tenant-a',
    kind: 'training',
    resources: { cpuCores: 8, memoryGb: 32, gpus: 0, hpcNodes: 0, storageTb: 0 },
    durationS: 3600,
    estimatedDurationS: 3600,
    submittedAtS: T0,
    earliestStartS: T0,
    deadlineS: null,
    originCity: 'shanghai',
    latencySlaMs: null,
    dataGb: 0,
    dataClass: 'general',
    allowedHubs: [],
    pairedOnly: false,
    priority: 0,
    ...over,
  };
}

/**
 * A small 东数西算 world: an eastern hub (east, provinces 上海/江苏) paired with a
 * western hub (west, 甘肃); a city outside any hub (wuhan, 湖北).
 */
export function smallWorld(sites?: Site[], grid?: SchedulerWorld['grid']): SchedulerWorld {
  const cities = [
    { id: 'shanghai', province: '上海', lat: 31.23, lon: 121.47 },
    { id: 'nanjing', province: '江苏', lat: 32.07, lon: 118.78 },
    { id: 'lanzhou', province: '甘肃', lat: 36.07, lon: 103.82 },
    { id: 'wuhan', province: '湖北', lat: 30.6, lon: 114.3 },
  ];
  const s = sites ?? [
    makeSite({ id: 'sh-1', hubId: 'east', province: '上海', lat: 31.15, lon: 121.12 }),
    makeSite({ id: 'nj-1', hubId: 'east', province: '江苏', lat: 32.07, lon: 118.78, greenShare: 0.2 }),
    makeSite({
      id: 'qy-1',
      hubId: 'west',
      province: '甘肃',
      side: 'west',
      lat: 35.73,
      lon: 107.63,
      pue: 1.15,
      greenShare: 0.65,
      gridCarbonGPerKwh: 480,
      prices: {
        priceFenPerCoreHour: 6,
        priceFenPerGpuHour: 1100,
        priceFenPerHpcNodeHour: 450,
        priceFenPerTbMonth: 8000,
        priceFenPerGbMoved: 40,
      },
    }),
    makeSite({ id: 'wh-1', hubId: null, province: '湖北', lat: 30.6, lon: 114.3 }),
  ];
  return {
    sites: s,
    hubs: [
      { id: 'east', side: 'east', provinces: ['上海', '江苏'], pairedWith: ['west'] },
      { id: 'west', side: 'west', provinces: ['甘肃'], pairedWith: ['east'] },
      { id: 'south', side: 'east', provinces: ['广东'], pairedWith: [] },
    ],
    cities,
    network: geoNetwork([...cities, ...s]),
    ...(grid ? { grid } : {}),
  };
}

/** A diurnal grid: carbon dips at night everywhere by a site-specific amount. */
export function diurnalGrid(sites: readonly Site[], depth = 0.4) {
  const byId = new Map(sites.map((s, i) => [s.id, { s, i }]));
  return {
    carbonGPerKwhAt(id: string, atS: number): number {
      const e = byId.get(id)!;
      const hour = Math.floor((atS + 8 * 3600) / 3600) % 24;
      const dip = hour >= 0 && hour < 6 ? depth * (1 + (e.i % 3) / 3) : 0;
      return e.s.gridCarbonGPerKwh * (1 - dip / 2);
    },
    greenShareAt(id: string, atS: number): number {
      const e = byId.get(id)!;
      const hour = Math.floor((atS + 8 * 3600) / 3600) % 24;
      const solar = hour >= 10 && hour < 16 ? 0.2 : 0;
      return Math.min(1, e.s.greenShare + solar);
    },
  };
}

const MODELS = [
  { model: 'A800', fp16Tflops: 312, powerW: 400 },
  { model: 'H20', fp16Tflops: 148, powerW: 500 },
  { model: 'RTX 4090', fp16Tflops: 165, powerW: 450 },
];

/** A random world of n sites around a few hubs and cities (for property tests). */
export function randomWorld(rng: Rng, n: number, opts: { grid?: boolean; maxPools?: number } = {}): SchedulerWorld {
  const hubs = [
    { id: 'h-east-1', side: 'east' as const, provinces: ['A'], pairedWith: ['h-west-1'] },
    { id: 'h-east-2', side: 'east' as const, provinces: ['B'], pairedWith: ['h-west-1', 'h-west-2'] },
    { id: 'h-west-1', side: 'west' as const, provinces: ['C'], pairedWith: ['h-east-1', 'h-east-2'] },
    { id: 'h-west-2', side: 'west' as const, provinces: ['D'], pairedWith: ['h-east-2'] },
  ];
  const cities = [
    { id: 'city-a', province: 'A', lat: 31, lon: 121 },
    { id: 'city-b', province: 'B', lat: 23, lon: 113 },
    { id: 'city-c', province: 'C', lat: 36, lon: 104 },
    { id: 'city-d', province: 'D', lat: 26.6, lon: 106.6 },
    { id: 'city-e', province: 'E', lat: 30.6, lon: 114.3 },
  ];
  const sites: Site[] = [];
  for (let i = 0; i < n; i++) {
    const c = rng.pick(cities);
    const hub = hubs.find((h) => h.provinces.includes(c.province));
    const pools = rng.int(0, opts.maxPools ?? 2);
    const gpus = Array.from({ length: pools }, () => {
      const m = rng.pick(MODELS);
      return { ...m, count: rng.int(0, 24), memoryGb: 80 };
    });
    sites.push(
      makeSite({
        id: `s${i}`,
        hubId: hub?.id ?? null,
        province: c.province,
        side: hub?.side ?? (c.lon < 110 ? 'west' : 'east'),
        lat: c.lat + (rng.next() - 0.5) * 2,
        lon: c.lon + (rng.next() - 0.5) * 2,
        pue: 1.1 + rng.next() * 0.4,
        greenShare: rng.next() * 0.9,
        gridCarbonGPerKwh: 300 + rng.int(0, 500),
        status: rng.next() < 0.1 ? 'down' : rng.next() < 0.05 ? 'draining' : 'up',
        compliant: rng.next() > 0.15,
        capacity: {
          cpuCores: rng.int(0, 6) * 16,
          memoryGb: rng.int(0, 8) * 64,
          gpus,
          hpcNodes: rng.int(0, 4),
          hpcCoresPerNode: 64,
          storageTb: rng.int(0, 20),
          storageSsdShare: 0.5,
          racks: 10,
        },
        prices: {
          priceFenPerCoreHour: rng.int(4, 12),
          priceFenPerGpuHour: rng.int(300, 2000),
          priceFenPerHpcNodeHour: rng.int(300, 900),
          priceFenPerTbMonth: rng.int(5000, 15000),
          priceFenPerGbMoved: rng.int(20, 80),
        },
      }),
    );
  }
  return {
    sites,
    hubs,
    cities,
    network: geoNetwork([...cities, ...sites]),
    ...(opts.grid ? { grid: diurnalGrid(sites) } : {}),
  };
}

/** A random task for a random world (shapes from a small set, so classes repeat). */
export function randomTask(rng: Rng, id: string, nowS: number): Task {
  const shape = rng.pick([
    { cpuCores: 8, memoryGb: 32, gpus: 0, hpcNodes: 0, storageTb: 0 },
    { cpuCores: 16, memoryGb: 64, gpus: 2, hpcNodes: 0, storageTb: 0 },
    { cpuCores: 4, memoryGb: 16, gpus: 1, hpcNodes: 0, storageTb: 0, gpuModel: 'A800' },
    { cpuCores: 8, memoryGb: 64, gpus: 4, hpcNodes: 0, storageTb: 1, minGpuFp16Tflops: 160 },
    { cpuCores: 0, memoryGb: 0, gpus: 0, hpcNodes: 2, storageTb: 0 },
    { cpuCores: 2, memoryGb: 8, gpus: 0, hpcNodes: 0, storageTb: 5 },
  ]);
  const durationS = rng.pick([600, 3600, 4 * 3600, 86400]);
  const earliest = nowS + rng.pick([0, 0, 0, 1800]);
  const sla = rng.pick([null, null, 10, 25, 50]);
  const deadline = rng.pick([null, null, earliest + durationS + rng.int(0, 30) * 3600, earliest + durationS - 60]);
  return {
    id,
    tenantId: rng.pick(['t1', 't2', 't3']),
    kind: sla !== null ? 'inference' : 'training',
    resources: { ...shape },
    durationS,
    estimatedDurationS: durationS,
    submittedAtS: nowS,
    earliestStartS: earliest,
    deadlineS: deadline !== null && deadline >= earliest + durationS ? deadline : null,
    originCity: rng.pick(['city-a', 'city-b', 'city-c', 'city-d', 'city-e']),
    latencySlaMs: sla,
    dataGb: rng.pick([0, 0, 10, 500]),
    dataClass: rng.pick(['general', 'general', 'important', 'core'] as const),
    allowedHubs: rng.pick([[], [], [], ['h-west-1'], ['h-east-1', 'h-west-2']]),
    pairedOnly: rng.next() < 0.2,
    priority: rng.int(0, 2),
  };
}

export interface ReferenceChoice {
  siteId: string;
  pool: number;
  startS: number;
  total: number;
}

/**
 * The decision by brute force: every filter on every site, then every (pool,
 * start) scored with `evaluate`, ordered by (total, site, pool, start), one
 * entry per site. Also the first filter that removes each site.
 */
export function referenceDecision(
  task: Task,
  world: SchedulerWorld,
  profile: Profile,
  capacity: CapacityView,
  status: readonly string[],
  nowS: number,
): { ranking: ReferenceChoice[]; removedBy: Map<string, string> } {
  const table = new SiteTable(world);
  status.forEach((st, i) => {
    table.setStatus(i, st as Site['status']);
  });
  const origin = table.index.origin(task.originCity)!;
  const readyS = Math.max(nowS, task.earliestStartS);
  const starts = startTimes(task, readyS, profile);
  const ctx: FilterContext = {
    table,
    origin,
    rtt: table.rttFrom(origin.id),
    nowS,
    // the book was built from world.sites, so its indices are the table's
    capacity,
    startsS: starts,
  };
  const removedBy = new Map<string, string>();
  const ranking: ReferenceChoice[] = [];
  world.sites.forEach((site, i) => {
    for (const f of profile.filters) {
      if (FILTER_PLUGINS[f]!.check(task, site, i, ctx) !== null) {
        removedBy.set(site.id, f);
        return;
      }
    }
    let best: ReferenceChoice | null = null;
    const ci = capacity.siteIndex(site.id);
    for (const pool of matchingPools(task.resources, site)) {
      for (const st of starts) {
        if (!capacity.fits(ci, task.resources, pool, st, st + task.durationS)) continue;
        const b = evaluate(task, site, st, world, { profile, nowS, gpuPool: pool, capacity });
        const cand = { siteId: site.id, pool, startS: st, total: b.total };
        if (best === null || b.total < best.total) best = cand;
      }
    }
    if (best) ranking.push(best);
  });
  const idx = new Map(world.sites.map((s, i) => [s.id, i]));
  ranking.sort(
    (a, b) => a.total - b.total || idx.get(a.siteId)! - idx.get(b.siteId)! || a.pool - b.pool || a.startS - b.startS,
  );
  return { ranking, removedBy };
}
