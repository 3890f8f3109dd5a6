/**
 * The national scenario's inputs: option errors name the field, the capacity
 * what-if adds exactly the P asked for, and the generated workload is
 * deterministic, valid for the scheduler, and has the volume, mix, city
 * weights and daily shape it claims.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DomainError } from '../../src/domain/errors.js';
import type { Task } from '../../src/domain/task.js';
import { validateTask } from '../../src/scheduler/validate-task.js';
import { WorldIndex } from '../../src/scheduler/world.js';
import {
  applyCapacityAddition,
  buildNationalScenario,
  CITY_GDP_2023_100M_CNY,
  demandCities,
  HOURLY_SHAPE,
  hourUtc8,
  JOB_MIX,
  parseCapacityAddition,
  shapeAt,
  WEEKLY_SHAPE,
  WorkloadGenerator,
  weekdayUtc8,
} from '../../src/sim/national/index.js';
import { loadNationalTopology, sitePflops } from '../../src/topology/index.js';

function drain(gen: WorkloadGenerator, max = Number.POSITIVE_INFINITY): Task[] {
  const out: Task[] = [];
  for (let t = gen.next(); t && out.length < max; t = gen.next()) out.push(t);
  return out;
}

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DomainError, `expected a DomainError, got ${e}`);
    return e.field;
  }
  assert.fail('expected an error');
}

test('bad options are refused with the field named', () => {
  assert.equal(
    fieldOf(() => buildNationalScenario({ days: 0, seed: 1 })),
    'days',
  );
  assert.equal(
    fieldOf(() => buildNationalScenario({ days: 1, seed: -1 })),
    'seed',
  );
  assert.equal(
    fieldOf(() => buildNationalScenario({ days: 1, seed: 1.5 })),
    'seed',
  );
  assert.equal(
    fieldOf(() => buildNationalScenario({ days: 1, seed: 1, growth: -1 })),
    'growth',
  );
  assert.equal(
    fieldOf(() => buildNationalScenario({ days: 1, seed: 1, cycleS: 0 })),
    'cycleS',
  );
  assert.equal(
    fieldOf(() => buildNationalScenario({ days: 1, seed: 1, tasksPerDay: -5 })),
    'tasksPerDay',
  );
  assert.equal(
    fieldOf(() => buildNationalScenario({ days: 1, seed: 1, addCapacity: ['nowhere-1:intelligent:10P'] })),
    'addCapacity[0]',
  );
  assert.equal(
    fieldOf(() => buildNationalScenario({ days: 1, seed: 1, addCapacity: ['ulanqab-1:super:10P'] })),
    'addCapacity[0]',
  );
  for (const bad of [
    'helinger-1:intelligent',
    'helinger-1:quantum:10P',
    'helinger-1:intelligent:-3P',
    'helinger-1:general:10X',
  ]) {
    assert.equal(
      fieldOf(() => parseCapacityAddition(bad)),
      'addCapacity',
      bad,
    );
  }
});

test('adding 20,000 P of intelligent compute to 和林格尔 adds that many P of its own accelerator', () => {
  const topo = loadNationalTopology();
  const site = topo.sites.find((s) => s.id === 'helinger-1')!;
  const before = sitePflops(site);
  const gpusBefore = site.capacity.gpus[0]!.count;
  const a = applyCapacityAddition(topo.sites, parseCapacityAddition('helinger-1:intelligent:20000P'));
  const after = sitePflops(site);
  assert.equal(a.added.gpuModel, site.capacity.gpus[0]!.model);
  assert.equal(site.capacity.gpus[0]!.count - gpusBefore, a.added.gpus);
  assert.ok(
    Math.abs(after.intelligent - before.intelligent - 20000) < 1,
    `${after.intelligent - before.intelligent} P added`,
  );
  assert.equal(after.general, before.general);
  // units: 20 E = 20,000 P; general compute at FP32 per core
  assert.equal(parseCapacityAddition('helinger-1:intelligent:20E').pflops, 20000);
  const g = applyCapacityAddition(topo.sites, parseCapacityAddition('helinger-2:general:100P'));
  assert.equal(g.added.cpuCores, 1_000_000);
  const s = buildNationalScenario({ days: 1, seed: 1, addCapacity: ['helinger-1:intelligent:20000P'] });
  const base = buildNationalScenario({ days: 1, seed: 1 });
  assert.equal(s.totalGpus - base.totalGpus, s.additions[0]!.added.gpus);
  // the what-if changes supply, not demand
  assert.equal(s.options.tasksPerDay, base.options.tasksPerDay);
});

test('every demand city of the topology has a GDP weight; weights sum to 1', () => {
  const topo = loadNationalTopology();
  const cities = demandCities(topo.cities);
  assert.equal(cities.length, topo.cities.filter((c) => c.demand).length);
  assert.ok(Math.abs(cities.reduce((a, c) => a + c.weight, 0) - 1) < 1e-12);
  for (const c of cities) assert.ok(CITY_GDP_2023_100M_CNY[c.id]! > 0);
  assert.throws(
    () => demandCities([{ id: 'atlantis', side: 'east', demand: true }]),
    (e: unknown) => e instanceof DomainError && e.field === 'cities',
  );
});

test('daily and weekly shapes have mean 1; Beijing hours and weekdays are computed in UTC+8', () => {
  for (const shape of [...Object.values(HOURLY_SHAPE), ...Object.values(WEEKLY_SHAPE)]) {
    assert.ok(Math.abs(shape.reduce((a, b) => a + b, 0) / shape.length - 1) < 1e-12);
  }
  const monday0 = Date.UTC(2026, 0, 4, 16, 0, 0) / 1000; // 2026-01-05 00:00 Beijing, a Monday
  assert.equal(hourUtc8(monday0), 0);
  assert.equal(weekdayUtc8(monday0), 0);
  assert.equal(weekdayUtc8(monday0 - 1), 6);
  assert.equal(hourUtc8(monday0 + 13.5 * 3600), 13);
});

test('the same seed gives the same workload; another seed another', () => {
  const s = buildNationalScenario({ days: 0.5, seed: 42 });
  const a = drain(new WorkloadGenerator(s), 3000);
  const b = drain(new WorkloadGenerator(s), 3000);
  assert.equal(a.length, 3000);
  assert.deepEqual(a, b);
  const c = drain(new WorkloadGenerator(buildNationalScenario({ days: 0.5, seed: 43 })), 3000);
  assert.notDeepEqual(
    a.map((t) => t.submittedAtS),
    c.map((t) => t.submittedAtS),
  );
});

test('a two-day workload: valid tasks in arrival order, the volume, mix, city weights and evening peak it claims', () => {
  const s = buildNationalScenario({ days: 2, seed: 7 });
  const tasks = drain(new WorkloadGenerator(s));
  const index = new WorldIndex(s.world);
  const o = s.options;
  let last = o.startS;
  const kinds = new Map<string, number>();
  const cities = new Map<string, number>();
  const inferenceByHour = new Array<number>(24).fill(0);
  let gpuHours = 0;
  for (const t of tasks) {
    validateTask(t, index);
    assert.ok(t.submittedAtS >= last && t.submittedAtS < s.arrivalsEndS);
    last = t.submittedAtS;
    if (t.deadlineS !== null) assert.ok(t.deadlineS >= t.earliestStartS + t.durationS);
    assert.ok(t.estimatedDurationS >= t.durationS);
    // work whose rules no site can meet is never generated
    if (t.dataClass === 'core' || t.pairedOnly) assert.notEqual(index.origin(t.originCity)!.hubId, null);
    if (t.latencySlaMs !== null) assert.ok(t.latencySlaMs >= s.origins.get(t.originCity)!.nearestGpuRttMs);
    kinds.set(t.kind, (kinds.get(t.kind) ?? 0) + 1);
    cities.set(t.originCity, (cities.get(t.originCity) ?? 0) + 1);
    if (t.kind === 'inference') inferenceByHour[hourUtc8(t.submittedAtS)]!++;
    gpuHours += (t.resources.gpus * t.durationS) / 3600;
  }
  // volume: base rate × 2 days × annual growth over two days (Poisson noise ~0.3%)
  const expected = o.tasksPerDay * 2 * (1 + o.annualGrowth) ** (1 / 365);
  assert.ok(Math.abs(tasks.length / expected - 1) < 0.02, `${tasks.length} tasks, expected ~${expected.toFixed(0)}`);
  // the mix over the week is the shares; over Monday–Tuesday, weighted by each pattern's weekday level
  const level = (k: (typeof JOB_MIX)[number]) => {
    let sum = 0;
    for (let h = 0; h < 48; h++) sum += shapeAt(k.pattern, o.startS + (h + 0.5) * 3600);
    return k.share * sum;
  };
  const total = JOB_MIX.reduce((a, k) => a + level(k), 0);
  for (const k of JOB_MIX) {
    const share = (kinds.get(k.kind) ?? 0) / tasks.length;
    const want = level(k) / total;
    assert.ok(Math.abs(share - want) < 0.01, `${k.kind}: ${share} vs ${want}`);
  }
  for (const c of s.demand.filter((x) => x.weight > 0.05)) {
    const share = (cities.get(c.id) ?? 0) / tasks.length;
    assert.ok(Math.abs(share / c.weight - 1) < 0.08, `${c.id}: ${share} vs ${c.weight}`);
  }
  // interactive demand: the evening peak is several times the small hours
  assert.ok(
    inferenceByHour[21]! > 4 * inferenceByHour[4]!,
    `21:00 ${inferenceByHour[21]} vs 04:00 ${inferenceByHour[4]}`,
  );
  // offered GPU load ≈ the asked-for share of the network (training sizes are heavy-tailed: ±15%)
  const load = gpuHours / (s.totalGpus * 48);
  assert.ok(Math.abs(load / o.gpuLoad - 1) < 0.15, `offered GPU load ${load}`);
});

test('growth: +20% demand gives ~20% more tasks, the same seed otherwise', () => {
  const base = drain(new WorkloadGenerator(buildNationalScenario({ days: 1, seed: 5 }))).length;
  const grown = drain(new WorkloadGenerator(buildNationalScenario({ days: 1, seed: 5, growth: 0.2 }))).length;
  assert.ok(Math.abs(grown / base - 1.2) < 0.03, `${grown} vs ${base}`);
  const capped = drain(new WorkloadGenerator(buildNationalScenario({ days: 1, seed: 5, maxTasks: 1000 })));
  assert.equal(capped.length, 1000);
});
