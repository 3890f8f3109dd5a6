/** The Scheduler's surface: queues, cycles, fairness, limits, completion, failures, time, errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/clock.js';
import { DomainError } from '../../src/domain/errors.js';
import type { Placement, Unplaced } from '../../src/domain/placement.js';
import type { Task } from '../../src/domain/task.js';
import { evaluate } from '../../src/scheduler/objective.js';
import { profileFor } from '../../src/scheduler/profiles/index.js';
import { ReservationBook } from '../../src/scheduler/reservation-book.js';
import { OVERRUN_STEP_S, Scheduler, type SchedulerOptions } from '../../src/scheduler/scheduler.js';
import { diurnalGrid, makeSite, makeTask, smallWorld, T0 } from './helpers.js';

const isPlaced = (r: Placement | Unplaced): r is Placement => 'siteId' in r;

/** One site with room for exactly `slots` tasks of 10 cores. */
function oneSite(slots: number, fairShare?: SchedulerOptions['fairShare']) {
  const site = makeSite({ id: 'only', hubId: 'east', province: '上海' });
  site.capacity.cpuCores = 10 * slots;
  const world = smallWorld([site]);
  const clock = new ManualClock(T0);
  const book = new ReservationBook(world.sites);
  const sched = new Scheduler({ world, profile: 'balanced', clock, capacity: book, fairShare });
  const t = (over: Partial<Task>) =>
    makeTask({ resources: { cpuCores: 10, memoryGb: 1, gpus: 0, hpcNodes: 0, storageTb: 0 }, ...over });
  return { world, clock, book, sched, t };
}

function field(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e.field ?? e.code;
    throw e;
  }
  return undefined;
}

describe('Scheduler', () => {
  it('rejects bad tasks with an error naming the field', () => {
    const { sched } = oneSite(1);
    assert.equal(
      field(() =>
        sched.submit(makeTask({ resources: { cpuCores: -1, memoryGb: 0, gpus: 0, hpcNodes: 0, storageTb: 0 } })),
      ),
      'resources.cpuCores',
    );
    assert.equal(
      field(() =>
        sched.submit(makeTask({ resources: { cpuCores: 0, memoryGb: 0, gpus: 0, hpcNodes: 0, storageTb: 0 } })),
      ),
      'resources',
    );
    assert.equal(
      field(() => sched.submit(makeTask({ originCity: 'atlantis' }))),
      'originCity',
    );
    assert.equal(
      field(() => sched.submit(makeTask({ allowedHubs: ['nowhere'] }))),
      'allowedHubs[0]',
    );
    assert.equal(
      field(() => sched.submit(makeTask({ latencySlaMs: 0 }))),
      'latencySlaMs',
    );
    assert.equal(
      field(() => sched.submit(makeTask({ durationS: Number.NaN }))),
      'durationS',
    );
    assert.equal(
      field(() => sched.submit(makeTask({ deadlineS: T0 + 10 }))),
      'deadlineS',
    );
    assert.equal(
      field(() => sched.submit(makeTask({ dataClass: 'secret' as never }))),
      'dataClass',
    );
    assert.equal(
      field(() =>
        sched.submit(
          makeTask({ resources: { cpuCores: 1, memoryGb: 1, gpus: 0, gpuModel: 'A800', hpcNodes: 0, storageTb: 0 } }),
        ),
      ),
      'resources.gpuModel',
    );
    const ok = makeTask();
    sched.submit(ok);
    assert.equal(
      field(() => sched.submit(ok)),
      'conflict',
    );
    assert.equal(
      field(() => sched.complete('nope', T0)),
      'not_found',
    );
    assert.equal(
      field(() => sched.cancel('nope')),
      'not_found',
    );
    assert.equal(
      field(() => sched.setSiteStatus('nope', 'down')),
      'not_found',
    );
    assert.equal(
      field(() => sched.setSiteStatus('only', 'broken' as never)),
      'status',
    );
    assert.equal(
      field(
        () =>
          new Scheduler({
            world: smallWorld(),
            profile: 'fastest' as never,
            clock: new ManualClock(0),
            capacity: new ReservationBook([]),
          }),
      ),
      'profile',
    );
  });

  it('a cycle places what fits and gives every waiting task a reason', () => {
    const { sched, t } = oneSite(2);
    for (let i = 0; i < 4; i++) sched.submit(t({ id: `j${i}` }));
    const { placed, waiting } = sched.cycle();
    assert.deepEqual(
      placed.map((p) => p.taskId),
      ['j0', 'j1'],
    );
    assert.deepEqual(
      waiting.map((w) => w.taskId),
      ['j2', 'j3'],
    );
    assert.deepEqual(waiting[0]!.removedByFilter, { capacity: 1 });
    assert.match(waiting[0]!.reason, /1 by capacity/);
    assert.deepEqual(
      sched.queued().map((q) => q.id),
      ['j2', 'j3'],
    );
    assert.equal(sched.why('j2')!.reason, waiting[0]!.reason);
  });

  it('complete() gives back the rest of a run (early end), so waiting work starts', () => {
    const { sched, clock, t, book } = oneSite(1);
    sched.submit(t({ id: 'a', durationS: 7200 }));
    sched.submit(t({ id: 'b' }));
    assert.equal(sched.cycle().placed.length, 1);
    clock.advance(600);
    assert.equal(sched.cycle().placed.length, 0, 'a still holds the site');
    sched.complete('a', clock.nowS());
    assert.equal(book.reservation('a'), undefined);
    const { placed } = sched.cycle();
    assert.deepEqual(
      placed.map((p) => [p.taskId, p.startS]),
      [['b', T0 + 600]],
    );
    assert.equal(sched.activeCount('tenant-a'), 1);
    assert.throws(() => sched.complete('a', clock.nowS()), /not found/);
  });

  it('a run past its planned end keeps its capacity: to its time limit, then a step at a time', () => {
    const { sched, clock, t, book } = oneSite(1);
    sched.submit(t({ id: 'a', durationS: 600, estimatedDurationS: 1800 }));
    assert.equal(sched.cycle().placed.length, 1);
    clock.advance(300);
    assert.deepEqual(sched.holdOverruns(), [], 'not past its planned end yet');
    clock.advance(300);
    // a is still running at its planned end (nothing completed it): the site is not free
    assert.deepEqual(sched.holdOverruns(), ['a']);
    assert.equal(book.reservation('a')!.endS, T0 + 1800, 'held to its time limit');
    sched.submit(t({ id: 'b' }));
    assert.equal(sched.cycle().placed.length, 0, 'b waits: a still runs');
    clock.set(T0 + 1800);
    assert.deepEqual(sched.holdOverruns(), ['a']);
    assert.equal(book.reservation('a')!.endS, T0 + 1800 + OVERRUN_STEP_S, 'past its limit: a step at a time');
    assert.equal(sched.cycle().placed.length, 0);
    clock.advance(100);
    assert.deepEqual(sched.holdOverruns(), [], 'the step is not used up');
    sched.complete('a', clock.nowS());
    const { placed } = sched.cycle();
    assert.deepEqual(
      placed.map((p) => [p.taskId, p.startS]),
      [['b', T0 + 1900]],
    );
    assert.throws(() => sched.holdOverruns(0), /stepS/);
  });

  it('cancel() removes queued work and releases placed work', () => {
    const { sched, t, book } = oneSite(1);
    sched.submit(t({ id: 'a' }));
    sched.submit(t({ id: 'b' }));
    sched.cycle();
    sched.cancel('b');
    assert.deepEqual(sched.queued(), []);
    sched.cancel('a');
    assert.equal(book.reservation('a'), undefined);
    assert.deepEqual(sched.placements(), []);
  });

  it('a site going down re-queues its work, which is placed elsewhere; draining keeps work but takes none', () => {
    const world = smallWorld();
    const clock = new ManualClock(T0);
    const sched = new Scheduler({ world, profile: 'nearest', clock, capacity: new ReservationBook(world.sites) });
    sched.submit(makeTask({ id: 'x', durationS: 7200 }));
    const [first] = sched.cycle().placed;
    assert.equal(first!.siteId, 'sh-1');
    sched.setSiteStatus('nj-1', 'draining');
    assert.deepEqual(sched.setSiteStatus('nj-1', 'down'), []);
    clock.advance(60);
    assert.deepEqual(sched.setSiteStatus('sh-1', 'down'), ['x']);
    assert.deepEqual(
      sched.queued().map((q) => q.id),
      ['x'],
    );
    const [again] = sched.cycle().placed;
    assert.equal(again!.taskId, 'x');
    assert.ok(!['sh-1', 'nj-1'].includes(again!.siteId), `placed on ${again!.siteId}`);
    assert.equal(again!.startS, T0 + 60);
  });

  it('fair share: tenants get capacity in proportion to their weights', () => {
    const { sched, t } = oneSite(6, { tenantWeights: { big: 2, small: 1 } });
    for (let i = 0; i < 10; i++) {
      sched.submit(t({ id: `b${i}`, tenantId: 'big' }));
      sched.submit(t({ id: `s${i}`, tenantId: 'small' }));
    }
    sched.cycle();
    assert.equal(sched.activeCount('big'), 4);
    assert.equal(sched.activeCount('small'), 2);
  });

  it('a tenant at its limit waits with that reason; priorities order a tenant’s queue', () => {
    const { sched, t } = oneSite(10, { maxRunningPerTenant: 2 });
    sched.submit(t({ id: 'low', priority: 0 }));
    sched.submit(t({ id: 'high', priority: 5 }));
    sched.submit(t({ id: 'mid', priority: 2 }));
    sched.submit(t({ id: 'other', tenantId: 'tenant-b' }));
    const { placed, waiting } = sched.cycle();
    assert.deepEqual(placed.map((p) => p.taskId).sort(), ['high', 'mid', 'other']);
    assert.equal(waiting.length, 1);
    assert.equal(waiting[0]!.taskId, 'low');
    assert.match(waiting[0]!.reason, /Tenant 'tenant-a' already has 2 placed, unfinished tasks \(limit 2\)/);
  });

  it('capacity is checked over the whole run: a booking that starts later blocks a long run now', () => {
    const { sched, t } = oneSite(1);
    const later = sched.place(t({ id: 'later', earliestStartS: T0 + 3600 }), { reserve: true });
    assert.ok(isPlaced(later));
    assert.equal(later.startS, T0 + 3600);
    assert.ok(isPlaced(sched.place(t({ id: 'short', durationS: 3600 }))), 'ends exactly when the later one starts');
    const long = sched.place(t({ id: 'long', durationS: 3601 }));
    assert.ok(!isPlaced(long));
    assert.deepEqual(long.removedByFilter, { capacity: 1 });
  });

  it('place() previews without booking; {reserve: true} books', () => {
    const { sched, t, book } = oneSite(1);
    const a = sched.place(t({ id: 'a' }));
    assert.ok(isPlaced(a));
    assert.equal(book.reservation('a'), undefined);
    assert.ok(isPlaced(sched.place(t({ id: 'b' }))), 'the preview held nothing');
    sched.place(t({ id: 'c' }), { reserve: true });
    assert.ok(!isPlaced(sched.place(t({ id: 'd' }))));
  });

  it('flexible work is deferred to a greener hour within its deadline; others start now', () => {
    const sites = [...smallWorld().sites];
    const world = smallWorld(sites, diurnalGrid(sites, 0.6));
    const clock = new ManualClock(T0);
    const sched = new Scheduler({ world, profile: 'greenest', clock, capacity: new ReservationBook(world.sites) });
    const flexible = makeTask({ id: 'f', durationS: 3600, deadlineS: T0 + 23 * 3600 });
    const r = sched.place(flexible, { reserve: true });
    assert.ok(isPlaced(r));
    assert.ok(r.startS > T0, 'deferred');
    assert.ok(r.endS <= flexible.deadlineS!);
    // it starts at the hour with the least carbon at that site, among those it could choose
    const carbonAt = (startS: number) =>
      evaluate(flexible, r.siteId, startS, world, { nowS: T0, profile: 'greenest' }).carbonG;
    for (let st = T0 + 3600; st + 3600 <= flexible.deadlineS!; st += 3600)
      assert.ok(r.score.carbonG <= carbonAt(st) + 1e-9);
    assert.ok(r.score.carbonG < carbonAt(T0));
    const asap = sched.place(makeTask({ id: 'n', durationS: 3600 }));
    assert.ok(isPlaced(asap));
    assert.equal(asap.startS, T0);
    const interactive = sched.place(makeTask({ id: 'i', durationS: 600, deadlineS: T0 + 23 * 3600, latencySlaMs: 50 }));
    assert.ok(isPlaced(interactive));
    assert.equal(interactive.startS, T0, 'work with a latency SLA is not deferred');
  });

  it('classes whose rules removed the same sites share one plan, and decide alike; others do not', () => {
    const run = (compliantEverywhere: boolean) => {
      const sites = smallWorld().sites.map((s, i) => ({ ...s, compliant: compliantEverywhere || i > 0 }));
      const world = smallWorld(sites);
      const sched = new Scheduler({
        world,
        profile: 'balanced',
        clock: new ManualClock(T0),
        capacity: new ReservationBook(world.sites),
      });
      const general = sched.place(makeTask({ id: 'g', dataClass: 'general' }));
      const important = sched.place(makeTask({ id: 'i', dataClass: 'important' }));
      assert.ok(isPlaced(general) && isPlaced(important));
      return { sched, general, important, barred: sites[0]!.id };
    };
    const same = run(true);
    assert.deepEqual(same.sched.stats().plans, 2);
    assert.equal(same.sched.stats().sharedPlans, 1, 'compliance removed nothing: one plan for both');
    assert.equal(same.important.siteId, same.general.siteId);
    assert.equal(same.important.score.total, same.general.score.total);
    assert.deepEqual(
      same.important.runnersUp.map((r) => r.siteId),
      same.general.runnersUp.map((r) => r.siteId),
    );
    const apart = run(false);
    assert.equal(apart.sched.stats().sharedPlans, 0, 'compliance removed a site: a plan of its own');
    const removed = apart.sched.place(makeTask({ id: 'x', dataClass: 'important' }));
    assert.ok(isPlaced(removed));
    assert.notEqual(removed.siteId, apart.barred);
    assert.ok(!removed.runnersUp.some((r) => r.siteId === apart.barred));
    assert.match(removed.explanation, /compliance/);
  });

  it('decisions carry a breakdown, runners-up and an explanation that agree with each other', () => {
    const world = smallWorld();
    const sched = new Scheduler({
      world,
      profile: 'balanced',
      clock: new ManualClock(T0),
      capacity: new ReservationBook(world.sites),
    });
    const task = makeTask({ dataGb: 100, durationS: 8 * 3600 });
    const r = sched.place(task);
    assert.ok(isPlaced(r));
    assert.equal(r.siteId, 'qy-1', 'the green, cheap western site for work without a latency need');
    assert.deepEqual(
      r.runnersUp.map((u) => u.siteId),
      ['sh-1', 'nj-1', 'wh-1'],
    );
    const sorted = [r.score.total, ...r.runnersUp.map((u) => u.score.total)];
    assert.deepEqual(
      [...sorted].sort((a, b) => a - b),
      sorted,
    );
    assert.match(
      r.explanation,
      /^Runs at qy-1 \(qy-1\) from 2026-11-24 08:00 UTC\+8: best of 4 eligible sites on 'balanced'/,
    );
    assert.match(r.explanation, /less carbon|cheaper|in the west/);
    const e = evaluate(task, 'sh-1', T0, world, { nowS: T0, share: r.runnersUp[0]!.score.parts.loadBalance });
    assert.equal(e.total, r.runnersUp[0]!.score.total, 'runner-up scores are the shared objective too');
    // the lazily built fields behave as plain data
    const copy = JSON.parse(JSON.stringify(r));
    assert.equal(copy.explanation, r.explanation);
    assert.equal(copy.runnersUp.length, 3);
    assert.equal({ ...r }.explanation, r.explanation);
    assert.equal(structuredClone(r).runnersUp[2]!.siteId, 'wh-1');
    // what they are built from stays hidden: a spread or a deep comparison sees the placement's fields only
    assert.deepEqual(Object.keys(r), [
      'taskId',
      'siteId',
      'startS',
      'endS',
      'profile',
      'decidedAtS',
      'score',
      'runnersUp',
      'explanation',
    ]);
    assert.deepEqual(Object.getOwnPropertySymbols({ ...r }), []);
    assert.equal(
      Object.getOwnPropertySymbols(r).every((k) => !Object.getOwnPropertyDescriptor(r, k)!.writable),
      true,
    );
    // a plain object: a literal's prototype, and strictly deep-equal to its own plain copy
    assert.equal(Object.getPrototypeOf(r), Object.prototype);
    assert.equal(r.constructor, Object);
    assert.deepStrictEqual(r, { ...r });
  });

  it('a placement tells the same story while held (among thousands held) and after it is completed or cancelled', () => {
    const world = smallWorld();
    const clock = new ManualClock(T0);
    const opts = { world, profile: 'balanced' as const, clock };
    const held = new Scheduler({ ...opts, capacity: new ReservationBook(world.sites) });
    const twin = new Scheduler({ ...opts, capacity: new ReservationBook(world.sites) });
    // small tasks, so that thousands fit
    const small = { cpuCores: 0.01, memoryGb: 0.01, gpus: 0, hpcNodes: 0, storageTb: 0 };
    const tasks = Array.from({ length: 2500 }, (_, i) =>
      makeTask({ id: `story-${i}`, resources: small, durationS: 600 + (i % 7) * 60 }),
    );
    const told = (p: Placement) => JSON.stringify([p.score, p.runnersUp, p.explanation]);
    // the same decisions, each told as soon as it is made
    const expected = tasks.map((t) => {
      const r = twin.place(t, { reserve: true });
      assert.ok(isPlaced(r));
      return told(r);
    });
    const placed = tasks.map((t) => held.place(t, { reserve: true }) as Placement);
    // read while held, in another order than they were made
    for (let i = placed.length - 1; i >= 0; i -= 3) assert.equal(told(placed[i]!), expected[i], `held ${i}`);
    for (let i = 0; i < 1000; i++) {
      if (i % 2 === 0) held.complete(tasks[i]!.id, T0 + 60);
      else held.cancel(tasks[i]!.id);
    }
    const later = Array.from({ length: 600 }, (_, i) => makeTask({ id: `later-${i}`, resources: small }));
    for (const t of later) assert.ok(isPlaced(held.place(t, { reserve: true })));
    for (let i = 0; i < placed.length; i++) assert.equal(told(placed[i]!), expected[i], `after release ${i}`);
    assert.equal(held.placement(tasks[1500]!.id), placed[1500]);
    assert.equal(held.placement(tasks[0]!.id), undefined);
  });

  it('the same inputs give the same decisions (no wall clock, no randomness)', () => {
    const run = () => {
      const world = smallWorld();
      const sched = new Scheduler({
        world,
        profile: 'balanced',
        clock: new ManualClock(T0),
        capacity: new ReservationBook(world.sites),
      });
      for (let i = 0; i < 20; i++) {
        sched.submit(makeTask({ id: `r${i}`, durationS: 600 * (i + 1), dataGb: i * 10, tenantId: `t${i % 3}` }));
      }
      return JSON.stringify(sched.cycle());
    };
    assert.equal(run(), run());
  });

  it('HiGHS profiles run their cycle with cycleAsync (cycle() says so)', async () => {
    const world = smallWorld();
    const sched = new Scheduler({
      world,
      profile: profileFor('optimal'),
      clock: new ManualClock(T0),
      capacity: new ReservationBook(world.sites),
    });
    for (let i = 0; i < 5; i++) sched.submit(makeTask({ id: `o${i}` }));
    assert.throws(() => sched.cycle(), /cycleAsync/);
    const { placed, waiting } = await sched.cycleAsync();
    assert.equal(placed.length, 5);
    assert.equal(waiting.length, 0);
    assert.equal(sched.lastBatch!.status, 'optimal');
    assert.match(placed[0]!.explanation, /^HiGHS batch of 5 \(optimal\): Runs at/);
  });
});
