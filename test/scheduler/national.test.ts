/**
 * Hand-checked decisions on the shipped national topology (45 sites, the
 * fibre network model and the derived hourly grid profiles).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import type { Placement, Unplaced } from '../../src/domain/placement.js';
import { Rng } from '../../src/domain/rng.js';
import type { Task } from '../../src/domain/task.js';
import { nationalWorld, worldFromTopology } from '../../src/scheduler/national-world.js';
import { evaluate } from '../../src/scheduler/objective.js';
import { POLICY_NAMES, type PolicyName, profileFor } from '../../src/scheduler/profiles/index.js';
import { ReservationBook } from '../../src/scheduler/reservation-book.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { SiteTable } from '../../src/scheduler/site-table.js';
import { loadNationalTopology, nationalGridProfiles } from '../../src/topology/index.js';

const world = nationalWorld();
const byId = new Map(world.sites.map((s) => [s.id, s]));
/** 2026-11-24 08:00 Beijing time. */
const T0 = Date.UTC(2026, 10, 24, 0) / 1000;
const isPlaced = (r: Placement | Unplaced): r is Placement => 'siteId' in r;

function sched(policy: PolicyName, atS = T0) {
  const clock = new ManualClock(atS);
  return { clock, s: new Scheduler({ world, profile: policy, clock, capacity: new ReservationBook(world.sites) }) };
}

function task(over: Partial<Task>): Task {
  return {
    id: 't',
    tenantId: 'acme',
    kind: 'training',
    resources: { cpuCores: 8, memoryGb: 32, gpus: 0, hpcNodes: 0, storageTb: 0 },
    durationS: 3600,
    estimatedDurationS: 3600,
    submittedAtS: T0,
    earliestStartS: T0,
    deadlineS: null,
    originCity: '北京',
    latencySlaMs: null,
    dataGb: 0,
    dataClass: 'general',
    allowedHubs: [],
    pairedOnly: false,
    priority: 0,
    ...over,
  };
}

/** Four hours of data processing from 北京 that may start any time in the next 26 hours. */
function flexibleTask(over: Partial<Task>): Task {
  return task({
    kind: 'data-processing',
    resources: { cpuCores: 32, memoryGb: 128, gpus: 0, hpcNodes: 0, storageTb: 0 },
    durationS: 4 * 3600,
    estimatedDurationS: 4 * 3600,
    deadlineS: T0 + 30 * 3600,
    ...over,
  });
}

describe('national topology, hand-checked', () => {
  it('interactive inference from 上海 with a 10 ms SLA stays in 长三角, under every policy and hour', () => {
    for (const policy of POLICY_NAMES) {
      for (let h = 0; h < 24; h += 3) {
        const { s } = sched(policy, T0 + h * 3600);
        const r = s.place(
          task({
            kind: 'inference',
            originCity: '上海',
            latencySlaMs: 10,
            durationS: 600,
            estimatedDurationS: 600,
            resources: { cpuCores: 4, memoryGb: 16, gpus: 1, hpcNodes: 0, storageTb: 0 },
            earliestStartS: T0 + h * 3600,
          }),
        );
        assert.ok(isPlaced(r), `${policy} at +${h} h`);
        assert.equal(byId.get(r.siteId)!.hubId, 'changsanjiao', `${policy} at +${h} h chose ${r.siteId}`);
        assert.ok(r.score.latencyMs * 1 <= 10, 'round trip within the SLA');
        assert.equal(r.startS, T0 + h * 3600, 'interactive work is never deferred');
      }
    }
  });

  it('a week-long training job from 北京 with no SLA goes west (和林格尔/庆阳/中卫/贵安)', () => {
    const west = new Set(['helinger', 'qingyang', 'zhongwei', 'guian']);
    for (const policy of ['balanced', 'cheapest', 'optimal'] as const) {
      const { s } = sched(policy);
      const r = s.place(
        task({
          resources: { cpuCores: 64, memoryGb: 512, gpus: 8, gpuModel: 'A800', hpcNodes: 0, storageTb: 2 },
          durationS: 7 * 86400,
          estimatedDurationS: 7 * 86400,
          dataGb: 2000,
        }),
      );
      assert.ok(isPlaced(r));
      const site = byId.get(r.siteId)!;
      assert.equal(site.side, 'west', `${policy}: ${r.siteId}`);
      assert.ok(west.has(site.clusterId ?? ''), `${policy}: ${r.siteId} is in a western national cluster`);
      assert.match(r.explanation, /Runs at .*\(.+\) from 2026-11-24 08:00 UTC\+8: best of \d+ eligible sites/);
    }
  });

  it('core data never leaves its home region, from any city, under any policy', () => {
    const rng = new Rng(7);
    const homeOf = (city: string) => world.cities.find((c) => c.id === city)!;
    for (const policy of POLICY_NAMES) {
      const { s } = sched(policy);
      for (const city of world.cities) {
        const r = s.place(
          task({
            id: `core-${city.id}`,
            dataClass: 'core',
            originCity: city.id,
            resources: rng.pick([
              { cpuCores: 8, memoryGb: 32, gpus: 0, hpcNodes: 0, storageTb: 0 },
              { cpuCores: 4, memoryGb: 16, gpus: 1, hpcNodes: 0, storageTb: 0 },
            ]),
          }),
        );
        const home = homeOf(city.id);
        if (!isPlaced(r)) {
          // nothing in its region: the task waits, and says which rule kept it home
          assert.ok((r.removedByFilter['data-class'] ?? 0) > 0, `${city.id}: ${r.reason}`);
          continue;
        }
        const site = byId.get(r.siteId)!;
        if (home.hubId) assert.equal(site.hubId, home.hubId, `${policy}: core data from ${city.id} went to ${site.id}`);
        else assert.equal(site.province, home.province, `${policy}: core data from ${city.id} went to ${site.id}`);
      }
    }
  });

  it('core data from 北京 may go west only where allowedHubs names the hub', () => {
    const { s } = sched('balanced');
    const r = s.place(
      task({ dataClass: 'core', allowedHubs: ['neimenggu'], durationS: 86400, estimatedDurationS: 86400 }),
    );
    assert.ok(isPlaced(r));
    assert.equal(byId.get(r.siteId)!.hubId, 'neimenggu');
  });

  it('a deferrable task moves to a greener hour, and the decision records that start', () => {
    const { s } = sched('balanced');
    const flexible = flexibleTask({ dataGb: 100 });
    const r = s.place(flexible, { reserve: true });
    assert.ok(isPlaced(r));
    assert.ok(r.startS > T0, 'deferred');
    assert.ok(r.endS <= flexible.deadlineS!);
    const now = evaluate(flexible, r.siteId, T0, world, { nowS: T0 });
    assert.ok(r.score.carbonG < now.carbonG, `greener: ${r.score.carbonG} g vs ${now.carbonG} g now`);
    assert.match(r.explanation, /deferred \d+(\.\d)? h/);
    // with what it saves: the same run at the same site started at once
    const m = /greener power \(([\d.]+) (k?g) CO2 vs ([\d.]+) (k?g) CO2 if started at once\)/.exec(r.explanation);
    assert.ok(m, r.explanation);
    const grams = (v: string, unit: string) => Number(v) * (unit === 'kg' ? 1000 : 1);
    assert.ok(
      Math.abs(grams(m[3]!, m[4]!) - now.carbonG) <= 0.5 * (m[4] === 'kg' ? 100 : 1),
      `${m[0]} vs ${now.carbonG} g`,
    );
    // the same run without a deadline starts now
    const asap = s.place({ ...flexible, id: 'asap', deadlineS: null });
    assert.ok(isPlaced(asap));
    assert.equal(asap.startS, T0);
  });

  it('measured grid curves (telemetry) replace the derived ones: once told, the scheduler defers to the hours they make clean', () => {
    const topology = loadNationalTopology();
    const grid = nationalGridProfiles(topology.sites);
    const w = worldFromTopology(topology, { grid });
    const s = new Scheduler({
      world: w,
      profile: 'balanced',
      clock: new ManualClock(T0),
      capacity: new ReservationBook(w.sites),
    });
    const flexible = flexibleTask({});
    // 20:00–24:00 Beijing time, 12 h after T0 (08:00)
    const cleanStartS = T0 + 12 * 3600;
    const before = s.place(flexible);
    assert.ok(isPlaced(before));
    assert.notEqual(before.startS, cleanStartS);
    // every site reports a grid at 600 g/kWh with no green power, except 20:00–24:00, when it is all green
    const hours = Array.from({ length: 24 }, (_, h) => h);
    for (const site of topology.sites) {
      grid.setCurve(site.id, {
        carbonGPerKwh: hours.map(() => 600),
        greenShare: hours.map((h) => (h >= 20 ? 1 : 0)),
      });
    }
    s.invalidate();
    const after = s.place(flexible);
    assert.ok(isPlaced(after));
    assert.equal(after.startS, cleanStartS, after.explanation);
    assert.equal(after.score.carbonG, 0);
    assert.match(after.explanation, /deferred 12 h/);
  });

  it('the placement score is the shared objective: evaluate() gives the same total', () => {
    const { s } = sched('balanced');
    const t = task({ durationS: 6 * 3600, estimatedDurationS: 6 * 3600, dataGb: 50 });
    const r = s.place(t);
    assert.ok(isPlaced(r));
    const e = evaluate(t, r.siteId, r.startS, world, { nowS: T0, share: r.score.parts.loadBalance });
    assert.equal(e.total, r.score.total);
    assert.deepEqual(e.parts, r.score.parts);
    for (const u of r.runnersUp) assert.ok(u.score.total >= r.score.total);
    assert.equal(r.runnersUp.length, 3);
  });

  it('work without an SLA leaves 赤峰 — the only site within 10 ms of 长春 and 哈尔滨 — to interactive work', () => {
    const table = new SiteTable(world);
    const scarcity = table.nearScarcity();
    const at = (id: string) => scarcity[world.sites.findIndex((x) => x.id === id)]!;
    assert.equal(at('chifeng-1'), 1, 'the only site in 长春’s and 哈尔滨’s nearest circle');
    assert.ok(at('helinger-1') < 0.5, 'one of many near sites');
    // inference from 长春 with a 10 ms SLA may only go to 赤峰, and does
    const { s } = sched('balanced');
    const sla = s.place(task({ kind: 'inference', originCity: '长春', latencySlaMs: 10, durationS: 600 }));
    assert.ok(isPlaced(sla));
    assert.equal(sla.siteId, 'chifeng-1');
    // 8-GPU training from 北京 kept to 内蒙古: how many land elsewhere before the first one reaches 赤峰
    const firstAtChifeng = (weight: number): number => {
      const base = profileFor('balanced');
      const profile = { ...base, weights: { ...base.weights, nearScarcity: weight } };
      const one = new Scheduler({
        world,
        profile,
        clock: new ManualClock(T0),
        capacity: new ReservationBook(world.sites),
      });
      for (let i = 0; i < 6000; i++) {
        const r = one.place(
          task({
            id: `t${i}`,
            resources: { cpuCores: 32, memoryGb: 256, gpus: 8, hpcNodes: 0, storageTb: 0 },
            durationS: 8 * 3600,
            estimatedDurationS: 8 * 3600,
            dataGb: 100,
            allowedHubs: ['neimenggu'],
          }),
          { reserve: true },
        );
        if (!isPlaced(r)) return Number.POSITIVE_INFINITY;
        if (r.siteId === 'chifeng-1') return i;
      }
      return Number.POSITIVE_INFINITY;
    };
    const without = firstAtChifeng(0);
    const withIt = firstAtChifeng(profileFor('balanced').weights.nearScarcity!);
    assert.equal(without, 0, 'without it, 赤峰 is the first choice');
    assert.ok(withIt > 1000 && Number.isFinite(withIt), `with it, 赤峰 fills late: first at task ${withIt}`);
  });
});
