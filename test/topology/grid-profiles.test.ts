import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DomainError } from '../../src/domain/errors.js';
import {
  deriveHourlyCurves,
  HourlyGridProfiles,
  hourOfDayUtc8,
  loadGridShapeParams,
  loadNationalTopology,
  nationalGridProfiles,
} from '../../src/topology/index.js';

const topo = loadNationalTopology();
const grid = nationalGridProfiles();
const site = (id: string) => topo.sites.find((s) => s.id === id)!;
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const hours = (c: readonly number[], hs: number[]) => mean(hs.map((h) => c[h]!));
// 2024-06-01 00:00 Beijing time
const DAY0 = Date.UTC(2024, 5, 1) / 1000 - 8 * 3600;

test('hour of day is Beijing time (UTC+8), also before the epoch', () => {
  assert.equal(hourOfDayUtc8(0), 8);
  assert.equal(hourOfDayUtc8(DAY0), 0);
  assert.equal(hourOfDayUtc8(DAY0 + 13.5 * 3600), 13);
  assert.equal(hourOfDayUtc8(-1), 7);
  assert.equal(hourOfDayUtc8(-9 * 3600), 23);
});

test('for every site the 24-hour means equal the annual carbon factor and green share', () => {
  for (const s of topo.sites) {
    const c = grid.curve(s.id);
    assert.equal(c.carbonGPerKwh.length, 24);
    assert.ok(Math.abs(mean(c.carbonGPerKwh) - s.gridCarbonGPerKwh) < 1e-9 * s.gridCarbonGPerKwh, s.id);
    assert.ok(Math.abs(mean(c.greenShare) - s.greenShare) < 1e-12, s.id);
    for (let h = 0; h < 24; h++) {
      assert.ok(c.carbonGPerKwh[h]! > 0, `${s.id} carbon at ${h}h`);
      assert.ok(c.greenShare[h]! >= 0 && c.greenShare[h]! <= 1 + 1e-12, `${s.id} green at ${h}h`);
    }
    // Not flat: every grid has some wind and solar.
    assert.ok(Math.max(...c.carbonGPerKwh) - Math.min(...c.carbonGPerKwh) > 1, `${s.id} varies`);
  }
});

test('solar-heavy western grids are greener at midday and dirtiest in the evening peak', () => {
  for (const id of ['qingyang-1', 'zhongwei-1', 'jiuquan-1']) {
    const s = site(id);
    const c = grid.curve(id).carbonGPerKwh;
    assert.ok(hours(c, [12, 13, 14]) < 0.85 * s.gridCarbonGPerKwh, `${id} midday`);
    assert.ok(hours(c, [19, 20, 21]) > s.gridCarbonGPerKwh, `${id} evening`);
    const g = grid.curve(id).greenShare;
    assert.ok(hours(g, [12, 13, 14]) > s.greenShare, `${id} green at midday`);
  }
  // Western sites reach their solar noon later in Beijing time than eastern ones.
  const argmin = (xs: number[]) => xs.indexOf(Math.min(...xs));
  assert.ok(argmin(grid.curve('jiuquan-1').carbonGPerKwh) >= argmin(grid.curve('csj-qingpu').carbonGPerKwh));
});

test('Inner Mongolia: wind makes the night cleaner than the day average', () => {
  const s = site('helinger-1');
  const c = grid.curve('helinger-1');
  assert.ok(hours(c.carbonGPerKwh, [0, 1, 2, 3, 4]) < s.gridCarbonGPerKwh);
  assert.ok(hours(c.greenShare, [0, 1, 2, 3, 4]) > hours(c.greenShare, [18, 19, 20]));
});

test('point lookups read the hour of the time given', () => {
  const c = grid.curve('tianfu-1');
  for (const h of [0, 7, 13, 23]) {
    const at = DAY0 + h * 3600 + 1800;
    assert.equal(grid.carbonGPerKwhAt('tianfu-1', at), c.carbonGPerKwh[h]);
    assert.equal(grid.greenShareAt('tianfu-1', at), c.greenShare[h]);
    assert.equal(grid.effectiveCarbonGPerKwhAt('tianfu-1', at), c.carbonGPerKwh[h]! * (1 - c.greenShare[h]!));
    const i = grid.siteIndex('tianfu-1');
    assert.equal(grid.effectiveCarbonByIndex(i, h), grid.effectiveCarbonGPerKwhAt('tianfu-1', at));
  }
});

test('interval means integrate the hourly curve exactly', () => {
  const id = 'zhongwei-2';
  const eff = (t: number) => grid.effectiveCarbonGPerKwhAt(id, t);
  const dayMean = mean(Array.from({ length: 24 }, (_, h) => eff(DAY0 + h * 3600)));
  // Any 24-hour window, aligned or not, averages to the daily mean.
  for (const start of [DAY0, DAY0 + 1234.5, DAY0 + 17 * 3600 + 5]) {
    assert.ok(Math.abs(grid.meanEffectiveCarbonGPerKwh(id, start, start + 86400) - dayMean) < 1e-6);
  }
  // Inside one hour: that hour's value.
  assert.ok(
    Math.abs(grid.meanEffectiveCarbonGPerKwh(id, DAY0 + 3 * 3600 + 60, DAY0 + 3 * 3600 + 900) - eff(DAY0 + 3 * 3600)) <
      1e-6,
  );
  // A ragged 3.3-day window against brute-force summation (20 s steps meet every hour boundary).
  const start = DAY0 + 5 * 3600 + 1700;
  const end = start + 3.3 * 86400;
  let sum = 0;
  const step = 20;
  for (let t = start; t < end; t += step) sum += eff(t) * Math.min(step, end - t);
  assert.ok(Math.abs(grid.meanEffectiveCarbonGPerKwh(id, start, end) - sum / (end - start)) < 1e-6);
  // Empty interval: the value at the start.
  assert.equal(grid.meanEffectiveCarbonGPerKwh(id, start, start), eff(start));
});

test('curves are deterministic and independent per instance', () => {
  const a = nationalGridProfiles();
  const b = nationalGridProfiles();
  for (const s of topo.sites) assert.deepEqual(a.curve(s.id), b.curve(s.id));
  const d1 = deriveHourlyCurves(site('guian-1'), loadGridShapeParams());
  const d2 = deriveHourlyCurves(site('guian-1'), loadGridShapeParams());
  assert.deepEqual(d1, d2);
});

test('telemetry overrides a curve; bad curves are named by field', () => {
  const g = nationalGridProfiles();
  const flat = Array.from({ length: 24 }, (_, h) => 300 + h);
  g.setCurve('beijing-edge', { carbonGPerKwh: flat });
  assert.equal(g.carbonGPerKwhAt('beijing-edge', DAY0 + 5 * 3600), 305);
  assert.deepEqual(g.curve('beijing-edge').greenShare, grid.curve('beijing-edge').greenShare, 'green kept');
  g.setCurve('beijing-edge', { greenShare: Array(24).fill(0.5) });
  assert.equal(g.effectiveCarbonGPerKwhAt('beijing-edge', DAY0 + 5 * 3600), 152.5);
  assert.notEqual(grid.carbonGPerKwhAt('beijing-edge', DAY0 + 5 * 3600), 305, 'other instances untouched');

  const fails = (curve: object, field: string) =>
    assert.throws(
      () => g.setCurve('beijing-edge', curve),
      (e: unknown) => e instanceof DomainError && e.code === 'validation' && e.field === field,
    );
  fails({ carbonGPerKwh: flat.slice(1) }, 'carbonGPerKwh');
  fails({ greenShare: [...Array(3).fill(0.2), 1.2, ...Array(20).fill(0.2)] }, 'greenShare[3]');
  fails({ carbonGPerKwh: [Number.NaN, ...flat.slice(1)] }, 'carbonGPerKwh[0]');
  fails({}, 'curve');
  assert.throws(
    () => g.carbonGPerKwhAt('atlantis-1', 0),
    (e: unknown) => e instanceof DomainError && e.code === 'not_found' && e.message.includes('atlantis-1'),
  );
});

test('a site registered later gets a derived curve; unknown provinces use national figures', () => {
  const g = new HourlyGridProfiles([], loadGridShapeParams());
  g.addSite({ id: 'x-1', province: '火星', lon: 110, gridCarbonGPerKwh: 536.6, greenShare: 0.2 });
  const c = g.curve('x-1');
  assert.ok(Math.abs(mean(c.carbonGPerKwh) - 536.6) < 1e-9);
  assert.ok(Math.abs(mean(c.greenShare) - 0.2) < 1e-12);
  // Re-adding after the annual figure changed re-derives the curve.
  g.addSite({ id: 'x-1', province: '火星', lon: 110, gridCarbonGPerKwh: 400, greenShare: 0 });
  assert.ok(Math.abs(mean(g.curve('x-1').carbonGPerKwh) - 400) < 1e-9);
  assert.deepEqual(g.curve('x-1').greenShare, Array(24).fill(0));
});
