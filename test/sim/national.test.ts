/**
 * The national driver on the real scheduler, on a small scenario (six hours
 * of a working day at a light load): a run is a pure function of the seed,
 * every policy moves the metrics the way its objective says, no site ever
 * holds more than it has, and the capacity what-if draws work to the site.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, test } from 'node:test';
import type { Site } from '../../src/domain/site.js';
import type { PolicyName } from '../../src/scheduler/profiles/index.js';
import {
  buildNationalScenario,
  DEFAULT_START_S,
  type NationalRun,
  type NationalScenario,
  type PlacedTask,
  runNational,
} from '../../src/sim/national/index.js';

const POLICIES: PolicyName[] = ['nearest', 'cheapest', 'greenest', 'balanced', 'optimal'];
const OPTIONS = { days: 0.25, seed: 11, gpuLoad: 0.3, startS: DEFAULT_START_S + 8 * 3600 };

let scenario: NationalScenario;
const runs = new Map<PolicyName, NationalRun>();
const placements = new Map<PolicyName, PlacedTask[]>();

before(async () => {
  scenario = buildNationalScenario(OPTIONS);
  for (const p of POLICIES) {
    const placed: PlacedTask[] = [];
    runs.set(p, await runNational(scenario, p, { onPlaced: (x) => placed.push(x) }));
    placements.set(p, placed);
  }
});

function fingerprint(placed: readonly PlacedTask[]): string {
  const h = createHash('sha256');
  for (const p of placed) h.update(`${p.task.id}|${p.siteId}|${p.gpuPool}|${p.startS}|${p.endS}\n`);
  return h.digest('hex');
}

test('every task is placed or dropped for a reason; runs are not trivial', () => {
  for (const [p, r] of runs) {
    const s = r.summary;
    assert.ok(s.tasks > 2000, `${p}: ${s.tasks} tasks`);
    assert.equal(s.placed + s.dropped, s.tasks, p);
    assert.equal(placements.get(p)!.length, s.placed, p);
    assert.ok(s.placed / s.tasks > 0.99, `${p}: only ${s.placed} of ${s.tasks} placed`);
    assert.ok(s.energyKwh > 0 && s.carbonG > 0 && s.costFen > 0, p);
    assert.ok(Number.isInteger(s.costFen), p);
    assert.ok(s.greenShare > 0 && s.greenShare < 1, p);
    assert.ok(
      r.series.gpuUtil.every((u) => u >= 0 && u <= 1 + 1e-9),
      `${p}: utilisation outside [0,1]`,
    );
  }
  // the same workload for every policy
  const counts = new Set([...runs.values()].map((r) => r.summary.tasks));
  assert.equal(counts.size, 1);
});

test('a run is a pure function of the scenario and seed', async () => {
  const again: PlacedTask[] = [];
  const r = await runNational(buildNationalScenario(OPTIONS), 'balanced', { onPlaced: (x) => again.push(x) });
  assert.deepEqual(r.summary, runs.get('balanced')!.summary);
  assert.deepEqual(r.series, runs.get('balanced')!.series);
  assert.deepEqual(r.flows, runs.get('balanced')!.flows);
  assert.equal(fingerprint(again), fingerprint(placements.get('balanced')!));
  const other = await runNational(buildNationalScenario({ ...OPTIONS, seed: 12 }), 'balanced');
  assert.notDeepEqual(other.summary, r.summary);
});

test('policies differ in the expected direction: greenest emits least, cheapest costs least, nearest is nearest', () => {
  const rows = [...runs.values()].map((r) => r.summary);
  const min = (f: (s: (typeof rows)[number]) => number) => Math.min(...rows.map(f));
  const by = (p: PolicyName) => runs.get(p)!.summary;
  assert.equal(
    by('greenest').carbonG,
    min((s) => s.carbonG),
  );
  assert.equal(
    by('cheapest').costFen,
    min((s) => s.costFen),
  );
  assert.equal(
    by('nearest').avgRttMs,
    min((s) => s.avgRttMs),
  );
  // and by a margin, not a tie: each objective is what the others trade away
  assert.ok(by('greenest').carbonG < 0.8 * by('nearest').carbonG);
  assert.ok(by('cheapest').costFen < 0.9 * by('nearest').costFen);
  assert.ok(by('nearest').avgRttMs < 0.5 * by('cheapest').avgRttMs);
  // nearest keeps eastern work in the east; the others send most of it west (东数西算)
  assert.ok(by('nearest').eastWestShare < 0.3);
  assert.ok(by('cheapest').eastWestShare > 0.7 && by('balanced').eastWestShare > 0.7);
  // only the policies that may defer do
  assert.equal(by('nearest').deferredTasks, 0);
  assert.equal(by('cheapest').deferredTasks, 0);
  assert.ok(by('greenest').deferredTasks > 0 && by('balanced').deferredTasks > 0);
  // optimal solved every cycle's batch with HiGHS
  const solver = runs.get('optimal')!.solver!;
  assert.ok(solver.batches > 0 && solver.tasks >= by('optimal').placed * 0.99);
});

test('placements keep the rules the metrics count: SLA round trips and deadlines', () => {
  for (const [p, placed] of placements) {
    for (const x of placed) {
      const t = x.task;
      assert.ok(x.startS >= t.submittedAtS && x.endS - x.startS === t.durationS, `${p}: ${t.id}`);
      if (t.deadlineS !== null) assert.ok(x.endS <= t.deadlineS, `${p}: ${t.id} ends after its deadline`);
      if (t.latencySlaMs !== null) {
        assert.ok(scenario.world.network.rttMs(t.originCity, x.siteId) <= t.latencySlaMs, `${p}: ${t.id} SLA`);
      }
    }
  }
});

/** Peak concurrent use of each resource of a site by a set of runs (a sweep over start/end events). */
function peakUse(site: Site, runsAt: readonly PlacedTask[]): Record<string, number> {
  const dims = ['cpuCores', 'memoryGb', 'hpcNodes', 'storageTb', ...site.capacity.gpus.map((_, k) => `gpu${k}`)];
  const events: { t: number; d: Record<string, number> }[] = [];
  for (const x of runsAt) {
    const r = x.task.resources;
    const d: Record<string, number> = {
      cpuCores: r.cpuCores,
      memoryGb: r.memoryGb,
      hpcNodes: r.hpcNodes,
      storageTb: r.storageTb,
    };
    if (r.gpus > 0) d[`gpu${x.gpuPool}`] = r.gpus;
    events.push({ t: x.startS, d }, { t: x.endS, d: Object.fromEntries(Object.entries(d).map(([k, v]) => [k, -v])) });
  }
  // ends before starts at the same instant: [start, end) intervals
  events.sort((a, b) => a.t - b.t || (Object.values(a.d)[0]! < 0 ? -1 : 1) - (Object.values(b.d)[0]! < 0 ? -1 : 1));
  const use: Record<string, number> = Object.fromEntries(dims.map((k) => [k, 0]));
  const peak: Record<string, number> = { ...use };
  for (const e of events) {
    for (const [k, v] of Object.entries(e.d)) {
      use[k] = use[k]! + v;
      if (use[k]! > peak[k]!) peak[k] = use[k]!;
    }
  }
  return peak;
}

test('no site ever holds more than its capacity, under any policy', () => {
  for (const [p, placed] of placements) {
    const bySite = new Map<number, PlacedTask[]>();
    for (const x of placed) bySite.set(x.siteIndex, [...(bySite.get(x.siteIndex) ?? []), x]);
    let busiest = 0;
    for (const [i, list] of bySite) {
      const site = scenario.world.sites[i]!;
      const c = site.capacity;
      const peak = peakUse(site, list);
      const cap: Record<string, number> = {
        cpuCores: c.cpuCores,
        memoryGb: c.memoryGb,
        hpcNodes: c.hpcNodes,
        storageTb: c.storageTb,
      };
      c.gpus.forEach((g, k) => {
        cap[`gpu${k}`] = g.count;
      });
      for (const [k, v] of Object.entries(peak)) {
        assert.ok(v <= cap[k]! + 1e-6, `${p}: ${site.id} ${k} peaks at ${v} of ${cap[k]}`);
        if (cap[k]! > 0) busiest = Math.max(busiest, v / cap[k]!);
      }
    }
    // the check is not vacuous: some site's resource gets well used
    assert.ok(busiest > 0.3, `${p}: busiest resource only ${busiest}`);
  }
});

test('what-if: 20,000 P more at 和林格尔 draws work there', async () => {
  const grown = buildNationalScenario({ ...OPTIONS, addCapacity: ['helinger-1:intelligent:20000P'] });
  const at = (placed: PlacedTask[]) =>
    placed
      .filter((x) => x.siteId === 'helinger-1')
      .reduce((a, x) => a + (x.task.resources.gpus * x.task.durationS) / 3600, 0);
  const placed: PlacedTask[] = [];
  await runNational(grown, 'cheapest', { onPlaced: (x) => placed.push(x) });
  const before = at(placements.get('cheapest')!);
  const after = at(placed);
  assert.ok(after > 1.2 * before, `GPU-hours at helinger-1: ${before.toFixed(0)} → ${after.toFixed(0)}`);
});
