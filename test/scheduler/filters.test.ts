/** Each filter on a small hand-made world: who passes, who is removed, and the reason given. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import type { Placement, Unplaced } from '../../src/domain/placement.js';
import { Rng } from '../../src/domain/rng.js';
import type { Task } from '../../src/domain/task.js';
import { FILTER_PLUGINS } from '../../src/scheduler/plugins/index.js';
import { profileFor } from '../../src/scheduler/profiles/index.js';
import { ReservationBook } from '../../src/scheduler/reservation-book.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { SiteTable } from '../../src/scheduler/site-table.js';
import { makeTask, randomTask, randomWorld, smallWorld, T0 } from './helpers.js';

function setup(world = smallWorld()) {
  const clock = new ManualClock(T0);
  const capacity = new ReservationBook(world.sites);
  const sched = new Scheduler({ world, profile: profileFor('balanced'), clock, capacity });
  return { world, clock, capacity, sched };
}

/** Sites the task may use (null filter), by id, from the full per-site explanation. */
function eligible(sched: Scheduler, task: Task): string[] {
  return sched
    .explainSites(task)
    .filter((r) => r.filter === null)
    .map((r) => r.siteId);
}

function removedBy(sched: Scheduler, task: Task): Record<string, string> {
  return Object.fromEntries(sched.explainSites(task).map((r) => [r.siteId, r.filter ?? '-']));
}

const isPlaced = (r: Placement | Unplaced): r is Placement => 'siteId' in r;

describe('filters', () => {
  it('a task no site is near enough for learns how near the nearest ones are', () => {
    const { sched } = setup();
    const u = sched.place(makeTask({ originCity: 'lanzhou', latencySlaMs: 0.5, kind: 'inference' }));
    assert.ok(!isPlaced(u));
    assert.deepEqual(u.removedByFilter, { 'latency-sla': 4 });
    // the closest misses, nearest first (site order would have shown Shanghai, the farthest)
    assert.deepEqual(
      u.rejections.map((r) => r.siteId),
      ['qy-1', 'wh-1', 'nj-1'],
    );
    assert.match(u.reason, /\(e\.g\. qy-1: RTT [\d.]+ ms from lanzhou exceeds the SLA of 0\.5 ms\)/);
  });

  it('a task too big for every site learns the largest: the closest misses by size', () => {
    const sites = smallWorld().sites.map((site) => structuredClone(site));
    sites[2]!.capacity.gpus = [
      { model: 'A800', count: 96, fp16Tflops: 312, memoryGb: 80, powerW: 400 },
      { model: 'H20', count: 500, fp16Tflops: 148, memoryGb: 96, powerW: 500 },
    ];
    sites[3]!.capacity.gpus = [{ model: 'A800', count: 80, fp16Tflops: 312, memoryGb: 80, powerW: 400 }];
    const { sched } = setup(smallWorld(sites));
    const u = sched.place(
      makeTask({ resources: { cpuCores: 8, memoryGb: 64, gpus: 128, gpuModel: 'A800', hpcNodes: 0, storageTb: 0 } }),
    );
    assert.ok(!isPlaced(u));
    assert.deepEqual(u.removedByFilter, { 'resource-fit': 4 });
    // the most A800s first (qy-1's 500 H20 are not the model asked for), then site order among equals
    assert.deepEqual(
      u.rejections.map((r) => r.siteId),
      ['qy-1', 'wh-1', 'sh-1'],
    );
    assert.match(u.reason, /\(e\.g\. qy-1: needs 128 A800 GPUs; site has 96 A800, 500 H20\)/);
  });

  it('latency-sla keeps sites within the round-trip SLA from the origin', () => {
    const { sched } = setup();
    const t = makeTask({ latencySlaMs: 5, kind: 'inference' });
    assert.deepEqual(eligible(sched, t), ['sh-1', 'nj-1']);
    const why = sched.explainSites(t).find((r) => r.siteId === 'qy-1')!;
    assert.equal(why.filter, 'latency-sla');
    assert.match(why.reason!, /RTT 1\d\.\d ms from shanghai exceeds the SLA of 5 ms/);
  });

  it('core data stays in the origin hub, or the province when the origin is in no hub', () => {
    const { sched } = setup();
    assert.deepEqual(eligible(sched, makeTask({ dataClass: 'core' })), ['sh-1', 'nj-1']);
    assert.deepEqual(eligible(sched, makeTask({ dataClass: 'core', originCity: 'wuhan' })), ['wh-1']);
    assert.deepEqual(
      eligible(sched, makeTask({ dataClass: 'core', allowedHubs: ['west'] })),
      ['qy-1'],
      'allowedHubs explicitly allows the western hub (and regions then keeps only it)',
    );
    const r = removedBy(sched, makeTask({ dataClass: 'core' }));
    assert.equal(r['qy-1'], 'data-class');
    assert.equal(r['wh-1'], 'data-class');
  });

  it('compliance bars important and core data from sites with an open case', () => {
    const world = smallWorld();
    world.sites[1]!.compliant = false;
    const { sched } = setup(world);
    assert.deepEqual(eligible(sched, makeTask({ dataClass: 'important' })), ['sh-1', 'qy-1', 'wh-1']);
    assert.deepEqual(eligible(sched, makeTask({ dataClass: 'general' })), ['sh-1', 'nj-1', 'qy-1', 'wh-1']);
    assert.equal(removedBy(sched, makeTask({ dataClass: 'core' }))['nj-1'], 'compliance');
  });

  it('regions: allowedHubs, and pairedOnly = the origin hub and its 结对子 partners', () => {
    const { sched } = setup();
    assert.deepEqual(eligible(sched, makeTask({ allowedHubs: ['west'] })), ['qy-1']);
    assert.deepEqual(eligible(sched, makeTask({ pairedOnly: true })), ['sh-1', 'nj-1', 'qy-1']);
    const fromWuhan = sched.explainSites(makeTask({ pairedOnly: true, originCity: 'wuhan' }));
    assert.ok(fromWuhan.every((r) => r.filter === 'regions'));
    assert.match(fromWuhan[0]!.reason!, /not paired with wuhan \(paired: none\)/);
  });

  it('resource-fit: kind, size, GPU model and speed', () => {
    const { sched } = setup();
    const h20 = makeTask({
      resources: { cpuCores: 1, memoryGb: 1, gpus: 1, gpuModel: 'H20', hpcNodes: 0, storageTb: 0 },
    });
    const r = sched.explainSites(h20);
    assert.ok(r.every((x) => x.filter === 'resource-fit'));
    assert.match(r[0]!.reason!, /needs 1 H20 GPUs; site has 64 A800/);
    const fast = makeTask({
      resources: { cpuCores: 1, memoryGb: 1, gpus: 1, minGpuFp16Tflops: 400, hpcNodes: 0, storageTb: 0 },
    });
    assert.deepEqual(eligible(sched, fast), []);
    const big = makeTask({ resources: { cpuCores: 5000, memoryGb: 1, gpus: 0, hpcNodes: 0, storageTb: 0 } });
    assert.match(sched.explainSites(big)[0]!.reason!, /needs 5000 CPU cores, site has 1000/);
  });

  it('site-health: down and draining sites take no new work', () => {
    const { sched } = setup();
    sched.setSiteStatus('sh-1', 'down');
    sched.setSiteStatus('nj-1', 'draining');
    const r = removedBy(sched, makeTask());
    assert.equal(r['sh-1'], 'site-health');
    assert.equal(r['nj-1'], 'site-health');
    sched.setSiteStatus('sh-1', 'up');
    assert.equal(removedBy(sched, makeTask())['sh-1'], '-');
  });

  it('deadline: a task that can no longer finish in time is not placed, and says so', () => {
    const { sched, clock } = setup();
    const t = makeTask({ deadlineS: T0 + 2 * 3600, durationS: 3600 });
    clock.set(T0 + 1.5 * 3600);
    const u = sched.place(t);
    assert.ok(!isPlaced(u));
    assert.equal(u.removedByFilter.deadline, 4);
    assert.match(u.reason, /4 by deadline/);
    assert.match(u.rejections[0]!.reason, /earliest finish .* is after the deadline/);
  });

  it('capacity: a full site is skipped; when all are full the task waits and every site is accounted for', () => {
    const { sched } = setup();
    const whole = { cpuCores: 1000, memoryGb: 8000, gpus: 0, hpcNodes: 0, storageTb: 0 };
    for (let i = 0; i < 3; i++) {
      const p = sched.place(makeTask({ resources: whole }), { reserve: true });
      assert.ok(isPlaced(p));
    }
    const last = sched.place(makeTask({ resources: whole }), { reserve: true });
    assert.ok(isPlaced(last), 'the fourth site is still free');
    const u = sched.place(makeTask({ resources: { ...whole, cpuCores: 1 } }));
    assert.ok(!isPlaced(u));
    assert.deepEqual(u.removedByFilter, { capacity: 4 });
    assert.match(u.rejections[0]!.reason, /free over the run: 0 of 1 cores/);
    assert.match(u.reason, /No site can take it now: of 4 sites, 4 by capacity/);
  });

  it("a static filter's verdict alone (passes, for the masks) agrees with its check on random worlds", () => {
    const rng = new Rng(7);
    let failed = 0;
    let asked = 0;
    for (let w = 0; w < 40; w++) {
      const world = randomWorld(rng, rng.int(3, 15), { maxPools: 3 });
      const table = new SiteTable(world);
      for (let t = 0; t < 25; t++) {
        const task = randomTask(rng, `t${t}`, T0);
        const origin = table.index.origin(task.originCity)!;
        const ctx = { table, origin, rtt: table.rttFrom(origin.id), nowS: T0 };
        for (const f of Object.values(FILTER_PLUGINS)) {
          if (f.stage !== 'static') continue;
          assert.ok(f.passes, `static filter ${f.name} has a verdict without a reason`);
          world.sites.forEach((site, i) => {
            const pass = f.passes!(task, site, i, ctx);
            asked++;
            if (!pass) failed++;
            assert.equal(pass, f.check(task, site, i, ctx) === null, `${f.name} on ${site.id} for ${task.id}`);
          });
        }
      }
    }
    assert.ok(failed > asked / 20 && failed < asked, `both verdicts seen (${failed} of ${asked} failed)`);
  });

  it('every removal in an Unplaced names a real filter and the counts cover every site', () => {
    const world = smallWorld();
    const { sched } = setup(world);
    sched.setSiteStatus('sh-1', 'down');
    const u = sched.place(makeTask({ dataClass: 'core', latencySlaMs: 2, kind: 'inference' }));
    assert.ok(!isPlaced(u));
    const total = Object.values(u.removedByFilter).reduce((a, b) => a + b, 0);
    assert.equal(total, world.sites.length);
    assert.deepEqual(u.removedByFilter, { 'data-class': 2, 'latency-sla': 1, 'site-health': 1 });
    for (const r of u.rejections)
      assert.equal(
        removedBy(sched, makeTask({ dataClass: 'core', latencySlaMs: 2, kind: 'inference' }))[r.siteId],
        r.filter,
      );
  });
});
