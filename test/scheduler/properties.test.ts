/**
 * Property-based tests over random topologies and task streams:
 * - the fast path (class plans, bound-pruned walk) decides exactly what brute
 *   force decides (every filter on every site, every pool and start scored);
 * - no placement breaks a filter or exceeds any capacity at any time;
 * - the same input gives the same decisions;
 * - an Unplaced names, for every site, the filter that removed it;
 * - the HiGHS policy is never worse than a greedy policy on that policy's own objective.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ManualClock } from '../../src/domain/clock.js';
import type { Placement, Unplaced } from '../../src/domain/placement.js';
import { Rng } from '../../src/domain/rng.js';
import type { Task } from '../../src/domain/task.js';
import { unassignedCostOf } from '../../src/scheduler/batch.js';
import { staticObjective } from '../../src/scheduler/objective.js';
import { weightingOf } from '../../src/scheduler/plan.js';
import { profileFor } from '../../src/scheduler/profiles/index.js';
import type { Profile } from '../../src/scheduler/profiles/profile.js';
import { ReservationBook } from '../../src/scheduler/reservation-book.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import type { SchedulerWorld } from '../../src/scheduler/world.js';
import { randomTask, randomWorld, referenceDecision, T0 } from './helpers.js';

const GREEDY = ['nearest', 'cheapest', 'greenest', 'balanced'] as const;
/** A named policy without its search budget: every decision must be the proven best. */
const exact = (policy: (typeof GREEDY)[number]): Profile => ({
  ...profileFor(policy),
  searchBudget: Number.POSITIVE_INFINITY,
});
const isPlaced = (r: Placement | Unplaced): r is Placement => 'siteId' in r;

interface Run {
  world: SchedulerWorld;
  tasks: Task[];
  steps: number[];
  downs: number[];
}

function makeRun(seed: number, sites: number, tasks: number, grid: boolean): Run {
  const rng = new Rng(seed);
  const world = randomWorld(rng, sites, { grid });
  const list: Task[] = [];
  const steps: number[] = [];
  const downs: number[] = [];
  let now = T0;
  for (let i = 0; i < tasks; i++) {
    steps.push(rng.pick([0, 0, 600, 3600, 5 * 3600]));
    downs.push(rng.next() < 0.05 ? rng.int(0, sites - 1) : -1);
    now += steps[i]!;
    list.push(randomTask(rng, `t${i}`, now));
  }
  return { world, tasks: list, steps, downs };
}

/** Independent check: at every booking boundary, the sum of overlapping bookings fits each site. */
function assertNoOverbooking(world: SchedulerWorld, book: ReservationBook): void {
  for (const site of world.sites) {
    const rs = book.reservations(site.id);
    for (const probe of rs) {
      const t = probe.startS;
      const live = rs.filter((r) => r.startS <= t && t < r.endS);
      const sum = (f: (r: (typeof rs)[number]) => number) => live.reduce((a, r) => a + f(r), 0);
      const c = site.capacity;
      assert.ok(sum((r) => r.resources.cpuCores) <= c.cpuCores + 1e-6, `${site.id} cores at ${t}`);
      assert.ok(sum((r) => r.resources.memoryGb) <= c.memoryGb + 1e-6, `${site.id} memory at ${t}`);
      assert.ok(sum((r) => r.resources.hpcNodes) <= c.hpcNodes + 1e-6, `${site.id} hpc at ${t}`);
      assert.ok(sum((r) => r.resources.storageTb) <= c.storageTb + 1e-6, `${site.id} storage at ${t}`);
      c.gpus.forEach((g, k) => {
        const used = sum((r) => (r.gpuPool === k ? r.resources.gpus : 0));
        assert.ok(used <= g.count + 1e-6, `${site.id} gpu pool ${k} at ${t}`);
      });
      for (const r of live) {
        if (r.resources.gpus <= 0) continue;
        const pool = c.gpus[r.gpuPool]!;
        if (r.resources.gpuModel) assert.equal(pool.model, r.resources.gpuModel);
        if (r.resources.minGpuFp16Tflops) assert.ok(pool.fp16Tflops >= r.resources.minGpuFp16Tflops);
      }
    }
  }
}

/** Place a stream of tasks one by one (with site failures), checking each decision against brute force. */
function replay(run: Run, profile: Profile, check: 'exact' | 'feasible' | 'none'): string[] {
  const clock = new ManualClock(T0);
  const book = new ReservationBook(run.world.sites);
  const sched = new Scheduler({ world: run.world, profile, clock, capacity: book });
  const status = run.world.sites.map((s) => s.status as string);
  const log: string[] = [];
  run.tasks.forEach((task, i) => {
    clock.advance(run.steps[i]!);
    if (run.downs[i]! >= 0) {
      const id = run.world.sites[run.downs[i]!]!.id;
      sched.setSiteStatus(id, 'down');
      status[run.downs[i]!] = 'down';
    }
    const ref = check !== 'none' ? referenceDecision(task, run.world, profile, book, status, clock.nowS()) : undefined;
    const r = sched.place(task, { reserve: true });
    log.push(JSON.stringify(r));
    if (!ref) return;
    if (ref.ranking.length === 0) {
      assert.ok(!isPlaced(r), `${task.id}: brute force finds no site, fast path placed it: ${JSON.stringify(r)}`);
      // every site accounted for, by the same first filter as brute force
      const counts: Record<string, number> = {};
      for (const f of ref.removedBy.values()) counts[f] = (counts[f] ?? 0) + 1;
      assert.deepEqual(r.removedByFilter, counts, `${task.id}: removal counts`);
      for (const rej of r.rejections)
        assert.equal(ref.removedBy.get(rej.siteId), rej.filter, `${task.id} ${rej.siteId}`);
      return;
    }
    assert.ok(
      isPlaced(r),
      `${task.id}: brute force places it at ${ref.ranking[0]!.siteId}; fast path: ${JSON.stringify(r)}`,
    );
    if (check === 'feasible') {
      // a budgeted walk: a feasible choice that passes every filter, never better than the proven best
      assert.ok(!ref.removedBy.has(r.siteId), 'the chosen site passes every filter');
      assert.ok(
        ref.ranking.some((x) => x.siteId === r.siteId),
        'the chosen site has room',
      );
      assert.ok(r.score.total >= ref.ranking[0]!.total - 1e-12);
      return;
    }
    const best = ref.ranking[0]!;
    assert.equal(r.siteId, best.siteId, `${task.id}: site`);
    assert.equal(r.startS, best.startS, `${task.id}: start`);
    assert.ok(Math.abs(r.score.total - best.total) < 1e-12, `${task.id}: total ${r.score.total} vs ${best.total}`);
    assert.deepEqual(
      r.runnersUp.map((x) => x.siteId),
      ref.ranking.slice(1, 4).map((x) => x.siteId),
      `${task.id}: runners-up`,
    );
    assert.ok(!ref.removedBy.has(r.siteId), 'the chosen site passes every filter');
    for (const [k, v] of Object.entries(r.score.parts)) assert.ok(v >= 0 && v <= 1, `${k} part ${v} in [0,1]`);
    assert.ok(r.endS - r.startS === task.durationS);
    if (task.deadlineS !== null) assert.ok(r.endS <= task.deadlineS, 'finishes by the deadline');
    assert.ok(r.startS >= Math.max(clock.nowS(), task.earliestStartS));
  });
  assertNoOverbooking(run.world, book);
  return log;
}

describe('scheduler properties', () => {
  it('fast path = brute force; filters and capacity always hold (random worlds, all greedy policies)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        fc.constantFrom(...GREEDY),
        (seed, sites, tasks, grid, policy) => {
          replay(makeRun(seed, sites, tasks, grid), exact(policy), 'exact');
        },
      ),
      { numRuns: 120 },
    );
  });

  it('with a search budget: every decision is feasible and passes every filter (random worlds)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 20, max: 60 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(...GREEDY),
        fc.integer({ min: 1, max: 4 }),
        (seed, sites, tasks, policy, budget) => {
          replay(makeRun(seed, sites, tasks, true), { ...profileFor(policy), searchBudget: budget }, 'feasible');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('the same input gives the same decisions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(...GREEDY), (seed, policy) => {
        const a = replay(makeRun(seed, 30, 40, true), profileFor(policy), 'none');
        const b = replay(makeRun(seed, 30, 40, true), profileFor(policy), 'none');
        assert.deepEqual(a, b);
      }),
      { numRuns: 20 },
    );
  });

  it('queues and cycles: fair share and tenant limits never break capacity, every waiting task has a reason', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const run = makeRun(seed, 12, 60, false);
        const clock = new ManualClock(T0);
        const book = new ReservationBook(run.world.sites);
        const sched = new Scheduler({
          world: run.world,
          profile: 'balanced',
          clock,
          capacity: book,
          fairShare: { tenantWeights: { t1: 2 }, maxRunningPerTenant: 6 },
        });
        const rng = new Rng(seed);
        for (const t of run.tasks)
          sched.submit({
            ...t,
            submittedAtS: T0,
            earliestStartS: T0 + (t.earliestStartS - t.submittedAtS),
            deadlineS: null,
          });
        for (let c = 0; c < 6; c++) {
          const { placed, waiting } = sched.cycle();
          assert.equal(placed.length + waiting.length + 0, placed.length + sched.queued().length);
          assert.equal(new Set(waiting.map((w) => w.taskId)).size, sched.queued().length);
          for (const w of waiting) assert.ok(w.reason.length > 0);
          for (const tenant of ['t1', 't2', 't3']) assert.ok(sched.activeCount(tenant) <= 6);
          // finish some work and move on
          for (const p of sched.placements())
            if (rng.next() < 0.5) sched.complete(p.taskId, Math.max(clock.nowS(), p.startS));
          clock.advance(1800);
        }
        assertNoOverbooking(run.world, book);
      }),
      { numRuns: 25 },
    );
  });

  it('optimal (HiGHS) is never worse than any greedy policy on that policy’s own objective', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(...GREEDY), async (seed, policy) => {
        const rng = new Rng(seed);
        // one GPU pool per site (as every shipped site has): the batch model is then exact
        const world = randomWorld(rng, rng.int(3, 12), { grid: rng.next() < 0.5, maxPools: 1 });
        // everything starts now and nothing is deferred: a batch is exactly one point in time
        const tasks = Array.from({ length: rng.int(3, 30) }, (_, i) => ({
          ...randomTask(rng, `b${i}`, T0),
          earliestStartS: T0,
          deadlineS: null,
        }));
        const greedyProfile = profileFor(policy);
        const objective = async (profile: Profile) => {
          const sched = new Scheduler({
            world,
            profile,
            clock: new ManualClock(T0),
            capacity: new ReservationBook(world.sites),
          });
          for (const t of tasks) sched.submit(t);
          const { placed, waiting } = await sched.cycleAsync();
          const w = weightingOf(greedyProfile);
          const sum = placed.reduce((a, p) => a + staticObjective(p.score, greedyProfile), 0);
          return { value: sum + unassignedCostOf(w) * waiting.length, status: sched.lastBatch?.status };
        };
        const greedy = await objective(greedyProfile);
        const optimal = await objective({ ...greedyProfile, name: `${policy}-highs`, mode: 'highs' });
        assert.equal(optimal.status, 'optimal', 'small batches solve to optimality');
        assert.ok(optimal.value <= greedy.value + 1e-9, `${policy}: optimal ${optimal.value} > greedy ${greedy.value}`);
      }),
      { numRuns: 40 },
    );
  });
});
