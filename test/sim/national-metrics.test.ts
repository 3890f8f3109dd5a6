/**
 * The national metrics against hand arithmetic: a few tasks placed at known
 * sites, every figure recomputed here from the site's published facts and a
 * minute-by-minute walk over its grid curves — energy, emissions, green
 * share, cost in fen, RTT, east→west share, data moved, waits, utilisation.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Task } from '../../src/domain/task.js';
import { metricsContext } from '../../src/sim/national/driver.js';
import { buildNationalScenario, DEFAULT_START_S, GridIntegrals } from '../../src/sim/national/index.js';
import { NationalMetrics } from '../../src/sim/national/metrics.js';

const scenario = buildNationalScenario({ days: 1, seed: 1 });
const sites = scenario.world.sites;
const grid = scenario.grid;
const T0 = DEFAULT_START_S;

function task(over: Partial<Task> & { id: string }): Task {
  return {
    tenantId: 'tenant',
    kind: 'training',
    resources: { cpuCores: 16, memoryGb: 128, gpus: 8, hpcNodes: 0, storageTb: 0 },
    durationS: 5400,
    estimatedDurationS: 7200,
    submittedAtS: T0,
    earliestStartS: T0,
    deadlineS: null,
    originCity: 'shanghai',
    latencySlaMs: null,
    dataGb: 300,
    dataClass: 'general',
    allowedHubs: [],
    pairedOnly: false,
    priority: 0,
    ...over,
  };
}

/** Mean of f over [a, b), sampled every minute at the minute's middle (exact for hourly steps). */
function minuteMean(f: (t: number) => number, a: number, b: number): number {
  let sum = 0;
  let n = 0;
  for (let t = a + 30; t < b; t += 60) {
    sum += f(t);
    n++;
  }
  return sum / n;
}

test('grid integrals equal a minute-by-minute walk over the hourly curves', () => {
  const g = new GridIntegrals(sites, (id) => grid.curve(id));
  for (const [i, s] of sites.entries()) {
    if (i % 7 !== 0) continue;
    for (const [a, b] of [
      [T0, T0 + 3600],
      [T0 + 1800, T0 + 5 * 3600 + 1200],
      [T0 + 86400 - 600, T0 + 3 * 86400 + 600],
    ] as const) {
      const carbon = minuteMean((t) => grid.carbonGPerKwhAt(s.id, t) * (1 - grid.greenShareAt(s.id, t)), a, b);
      const green = minuteMean((t) => grid.greenShareAt(s.id, t), a, b);
      assert.ok(Math.abs(g.meanCarbonGPerKwh(i, a, b) - carbon) < 1e-6 * carbon, `${s.id} carbon`);
      assert.ok(Math.abs(g.meanGreenShare(i, a, b) - green) < 1e-9, `${s.id} green`);
    }
  }
});

test('one placed run: energy, emissions, green share, cost, RTT, flows and waits by hand', () => {
  const ctx = metricsContext(scenario, 'hand');
  const m = new NationalMetrics(ctx);
  const west = sites.findIndex((s) => s.id === 'helinger-1');
  const east = sites.findIndex((s) => s.id === 'shanghai-edge');
  const a = task({ id: 'a' });
  const b = task({
    id: 'b',
    kind: 'inference',
    resources: { cpuCores: 8, memoryGb: 32, gpus: 1, hpcNodes: 0, storageTb: 0 },
    durationS: 1200,
    latencySlaMs: 10,
    dataGb: 2,
    submittedAtS: T0 + 100,
    earliestStartS: T0 + 100,
  });
  // a: decided at T0 + 60, deferred to start at T0 + 2 h; b: placed in its origin city at once
  m.submitted();
  m.submitted();
  m.submitted();
  m.placed(a, west, 0, T0 + 7200, T0 + 7200 + 5400, T0 + 60);
  m.placed(b, east, 0, T0 + 120, T0 + 1320, T0 + 120);
  m.dropped('sla');
  const s = m.summary();

  const hw = sites[west]!;
  const he = sites[east]!;
  const gpuW = hw.capacity.gpus[0]!.powerW;
  const itA = (16 * 6 + 8 * gpuW) / 1000; // kW: 6 W per core, the pool's board power per GPU
  const itB = (8 * 6 + he.capacity.gpus[0]!.powerW) / 1000;
  const eA = itA * hw.pue * 1.5;
  const eB = itB * he.pue * (1200 / 3600);
  const eff = (id: string) => (t: number) => grid.carbonGPerKwhAt(id, t) * (1 - grid.greenShareAt(id, t));
  const cA = eA * minuteMean(eff(hw.id), T0 + 7200, T0 + 12600);
  const cB = eB * minuteMean(eff(he.id), T0 + 120, T0 + 1320);
  const gA = eA * minuteMean((t) => grid.greenShareAt(hw.id, t), T0 + 7200, T0 + 12600);
  const gB = eB * minuteMean((t) => grid.greenShareAt(he.id, t), T0 + 120, T0 + 1320);
  const costA = Math.round(
    (16 * hw.prices.priceFenPerCoreHour + 8 * hw.prices.priceFenPerGpuHour) * 1.5 + 300 * hw.prices.priceFenPerGbMoved,
  );
  const costB = Math.round(
    (8 * he.prices.priceFenPerCoreHour + he.prices.priceFenPerGpuHour) * (1200 / 3600) +
      2 * he.prices.priceFenPerGbMoved,
  );

  assert.equal(s.tasks, 3);
  assert.equal(s.placed, 2);
  assert.equal(s.dropped, 1);
  assert.equal(s.slaViolations, 1);
  assert.ok(Math.abs(s.energyKwh - (eA + eB)) < 1e-9);
  assert.ok(Math.abs(s.carbonG - (cA + cB)) < 1e-6 * (cA + cB));
  assert.ok(Math.abs(s.greenShare - (gA + gB) / (eA + eB)) < 1e-9);
  assert.equal(s.costFen, costA + costB);
  const rtt = (site: string) => scenario.world.network.rttMs('shanghai', site);
  assert.ok(Math.abs(s.avgRttMs - (rtt(hw.id) + rtt(he.id)) / 2) < 1e-9);
  assert.ok(Math.abs(s.avgInteractiveRttMs - rtt(he.id)) < 1e-9);
  // east→west by IT energy: a ran in the west, b in the east (Shanghai is an eastern city)
  const itKwhA = itA * 1.5;
  const itKwhB = itB * (1200 / 3600);
  assert.ok(Math.abs(s.eastWestShare - itKwhA / (itKwhA + itKwhB)) < 1e-12);
  assert.equal(s.eastWestTaskShare, 0.5);
  // data moved: only a's (b ran in its own city)
  assert.equal(s.dataMovedGb, 300);
  // waits: a 2 h (deferred), b 20 s
  assert.equal(s.deferredTasks, 1);
  assert.equal(s.maxWaitS, 7200);
  assert.equal(s.avgWaitS, (7200 + 20) / 2);
  assert.equal(s.waitByKind.training!.avgWaitS, 7200);
  // utilisation over the one-day window: 8 GPUs × 1.5 h + 1 GPU × 20 min
  const gpus = sites.reduce((n, x) => n + x.capacity.gpus.reduce((k, p) => k + p.count, 0), 0);
  assert.ok(Math.abs(s.avgGpuUtilisation - (8 * 5400 + 1200) / (gpus * 86400)) < 1e-15);
  // flows: Shanghai is in the 长三角 hub; a went to 内蒙古, b stayed in 长三角
  assert.deepEqual(
    m.flowList().map((f) => [f.from, f.to, f.tasks]),
    [
      ['changsanjiao', 'changsanjiao', 1],
      ['changsanjiao', 'neimenggu', 1],
    ],
  );
  // the time series: the deferred start sits in the first two hours, the GPU-seconds where they ran
  const series = m.series();
  assert.ok(Math.abs(series.deferredAvg[0]! - (3600 - 60) / 3600) < 1e-12);
  assert.ok(Math.abs(series.deferredAvg[1]! - 1) < 1e-12);
  const west0 = sites
    .filter((x) => x.side === 'west')
    .reduce((n, x) => n + x.capacity.gpus.reduce((k, p) => k + p.count, 0), 0);
  assert.ok(Math.abs(series.gpuUtilWest[2]! - (8 * 3600) / (west0 * 3600)) < 1e-15);
  assert.ok(Math.abs(series.gpuUtilWest[3]! - (8 * 1800) / (west0 * 3600)) < 1e-15);
  const kgPerH = series.carbonKgPerH.reduce((x, y) => x + y, 0);
  assert.ok(Math.abs(kgPerH - (cA + cB) / 1000) < 1e-6 * kgPerH);
});
