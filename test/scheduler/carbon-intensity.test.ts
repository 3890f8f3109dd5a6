/**
 * The carbon tables the scheduler reads: a profile that repeats daily is sampled for one day and
 * copied forward — that must give exactly what sampling every hour gives (means and minimums).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/domain/rng.js';
import { CarbonIntensity } from '../../src/scheduler/carbon-intensity.js';
import type { GridProfileSource } from '../../src/scheduler/world.js';
import { loadNationalTopology, nationalGridProfiles } from '../../src/topology/index.js';
import { T0 } from './helpers.js';

const topo = loadNationalTopology();
const sites = topo.sites;
const national = nationalGridProfiles(sites);

/** The same figures, without the promise that they repeat: sampled hour by hour. */
const hourByHour: GridProfileSource = {
  carbonGPerKwhAt: (id, t) => national.carbonGPerKwhAt(id, t),
  greenShareAt: (id, t) => national.greenShareAt(id, t),
};

test('the national profiles repeat daily, and say so', () => {
  assert.equal(national.repeatsDaily, true);
  for (const s of sites.slice(0, 5)) {
    for (let h = 0; h < 24; h++) {
      const t = T0 + h * 3600 + 600;
      assert.equal(national.carbonGPerKwhAt(s.id, t + 86400), national.carbonGPerKwhAt(s.id, t));
      assert.equal(national.greenShareAt(s.id, t + 3 * 86400), national.greenShareAt(s.id, t));
    }
  }
});

test('copying a daily profile forward gives the sampled means and minimums exactly', () => {
  const fast = new CarbonIntensity(sites, national);
  const slow = new CarbonIntensity(sites, hourByHour);
  const rng = new Rng(7);
  for (let i = 0; i < 400; i++) {
    const s = rng.int(0, sites.length - 1);
    const start = T0 + rng.int(0, 20 * 86400);
    const end = start + rng.int(60, 5 * 86400);
    assert.equal(fast.mean(s, start, end), slow.mean(s, start, end), `site ${s} [${start}, ${end})`);
  }
  const from = T0 - 2 * 86400;
  assert.deepEqual(fast.minimums(from, from + 21 * 86400), slow.minimums(from, from + 21 * 86400));
  // the minimum over a window is the least hourly intensity in it
  const min = fast.minimums(T0, T0 + 2 * 86400);
  for (let s = 0; s < sites.length; s++) {
    let m = Number.POSITIVE_INFINITY;
    for (let h = 0; h < 48; h++) m = Math.min(m, slow.at(s, T0 + h * 3600));
    assert.equal(min[s], m);
  }
});

test('a profile that does not repeat is sampled hour by hour', () => {
  // the grid gets cleaner by the day: copying yesterday would be wrong
  const drifting: GridProfileSource = {
    carbonGPerKwhAt: (_id, t) => 600 - Math.floor((t - T0) / 86400) * 10,
    greenShareAt: () => 0.5,
  };
  const ci = new CarbonIntensity(sites, drifting);
  assert.equal(ci.mean(0, T0, T0 + 3600), 300);
  assert.equal(ci.mean(0, T0 + 2 * 86400, T0 + 2 * 86400 + 3600), 290);
  assert.equal(ci.minimums(T0, T0 + 5 * 86400)[0], 280);
});

test('a run mean is the hour-weighted mean of the hourly intensities, before and after the tables grow', () => {
  // hour by hour different, never repeating: every (site, hour) of the tables is its own number
  const hourly = (id: string, t: number) => 300 + ((Math.floor(t / 3600) * 7919 + id.length * 104729) % 499);
  const grid: GridProfileSource = { carbonGPerKwhAt: hourly, greenShareAt: () => 0.25 };
  const ci = new CarbonIntensity(sites, grid);
  const direct = (s: number, a: number, b: number) => {
    let sum = 0;
    for (let h = Math.floor(a / 3600); h * 3600 < b; h++) {
      const overlap = Math.min(b, (h + 1) * 3600) - Math.max(a, h * 3600);
      sum += overlap * hourly(sites[s]!.id, h * 3600 + 1800) * 0.75;
    }
    return sum / (b - a);
  };
  const rng = new Rng(11);
  // asked further and further ahead: the tables start at the first hour asked and grow past 1,024 hours, twice
  for (let i = 0; i < 600; i++) {
    const s = rng.int(0, sites.length - 1);
    const start = T0 + Math.floor((i / 600) * 150 * 86400) + rng.int(0, 3600);
    const end = start + rng.int(60, 3 * 86400);
    const want = direct(s, start, end);
    const got = ci.mean(s, start, end);
    assert.ok(Math.abs(got - want) <= 1e-9 * want, `site ${s} [${start}, ${end}): ${got} vs ${want}`);
  }
});
