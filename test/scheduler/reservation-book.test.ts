import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DomainError } from '../../src/domain/errors.js';
import type { TaskResources } from '../../src/domain/task.js';
import { ReservationBook } from '../../src/scheduler/reservation-book.js';
import { makeSite } from './helpers.js';

const need = (over: Partial<TaskResources>): TaskResources => ({
  cpuCores: 0,
  memoryGb: 0,
  gpus: 0,
  hpcNodes: 0,
  storageTb: 0,
  ...over,
});

function book() {
  const site = makeSite({ id: 'a' });
  site.capacity.cpuCores = 100;
  site.capacity.gpus = [
    { model: 'A800', count: 8, fp16Tflops: 312, memoryGb: 80, powerW: 400 },
    { model: 'H20', count: 4, fp16Tflops: 148, memoryGb: 96, powerW: 500 },
  ];
  return new ReservationBook([site, makeSite({ id: 'b' })]);
}

describe('ReservationBook', () => {
  it('checks capacity over the whole interval, including work booked to start later', () => {
    const b = book();
    b.reserve('later', 0, need({ cpuCores: 60 }), -1, 100, 200);
    assert.equal(b.fits(0, need({ cpuCores: 50 }), -1, 0, 100), true, 'ends exactly when the other starts');
    assert.equal(b.fits(0, need({ cpuCores: 50 }), -1, 0, 101), false, 'overlaps the later booking by 1 s');
    assert.equal(b.fits(0, need({ cpuCores: 40 }), -1, 50, 250), true);
    assert.equal(b.fits(0, need({ cpuCores: 40 }), -1, 200, 300), true);
    assert.deepEqual(b.freeOver(0, 150, 160).cpuCores, 40);
    assert.equal(b.peakShare(0, need({ cpuCores: 20 }), -1, 150, 160), 0.8);
  });

  it('keeps GPU pools apart', () => {
    const b = book();
    b.reserve('x', 0, need({ gpus: 8 }), 0, 0, 100);
    assert.equal(b.fits(0, need({ gpus: 1 }), 0, 0, 100), false);
    assert.equal(b.fits(0, need({ gpus: 4 }), 1, 0, 100), true);
    assert.equal(b.fits(0, need({ gpus: 5 }), 1, 0, 100), false);
    assert.equal(b.fits(1, need({ gpus: 1 }), 3, 0, 100), false, 'no such pool');
    assert.throws(() => b.reserve('y', 0, need({ gpus: 1 }), 7, 0, 10), /gpuPool/);
  });

  it('reads a site load from a time on: every later booking counts, each resource and pool apart', () => {
    const b = book();
    assert.equal(b.loadShare(0, need({ cpuCores: 10 }), -1, 0), 0.1, 'an empty site: the task alone');
    b.reserve('now', 0, need({ cpuCores: 30, gpus: 2 }), 0, 0, 100);
    b.reserve('later', 0, need({ cpuCores: 60 }), -1, 500, 600);
    assert.equal(b.loadShare(0, need({ cpuCores: 10 }), -1, 0), 0.7, 'the later booking is the peak from 0 on');
    assert.equal(b.loadShare(0, need({ cpuCores: 10 }), -1, 600), 0.1, 'nothing after 600');
    assert.equal(b.loadShare(0, need({ gpus: 2 }), 0, 0), 0.5, 'pool 0: 2 + 2 of 8');
    assert.equal(b.loadShare(0, need({ gpus: 2 }), 1, 0), 0.5, 'pool 1: 2 of 4, apart from pool 0');
    assert.equal(b.loadShare(1, need({ gpus: 1 }), 3, 0), Number.POSITIVE_INFINITY, 'no such pool');
    // within capacity from a time on means it fits at every later start (the walk skips those questions)
    assert.equal(b.fits(0, need({ cpuCores: 40 }), -1, 0, 1000), true);
    assert.ok(b.loadShare(0, need({ cpuCores: 50 }), -1, 0) > 1);
    assert.equal(b.fits(0, need({ cpuCores: 50 }), -1, 0, 100), true, 'over capacity only later: the run decides');
  });

  it('answers a load from the row it remembers until the site changes (booking, release, extension)', () => {
    const b = book();
    const ask = (t: number) => b.loadShare(0, need({ cpuCores: 10 }), -1, t);
    b.reserve('a', 0, need({ cpuCores: 20 }), -1, 100, 200);
    assert.equal(ask(120), 0.3, 'inside [100, 200): remembered');
    assert.equal(ask(150), 0.3, 'the same row, another time');
    assert.equal(ask(50), 0.3, 'before the first row: the booking is still ahead');
    assert.equal(ask(250), 0.1, 'after every row');
    b.reserve('b', 0, need({ cpuCores: 40 }), -1, 300, 400);
    assert.equal(ask(250), 0.5, 'a booking later on clears the remembered row');
    b.extend('a', 350);
    assert.equal(ask(210), 0.7, 'an extension overlapping b');
    b.release('b', 300);
    assert.equal(ask(210), 0.3, 'a release');
    b.forgetBefore(160);
    assert.equal(ask(210), 0.3, 'forgetting the past changes no load from now on');
    assert.equal(ask(180), 0.3);
    assert.equal(
      b.loadShare(0, need({ gpus: 1 }), 5, 180),
      Number.POSITIVE_INFINITY,
      'no such pool, remembered row or not',
    );
    // site b has one pool where site a has two: its second pool is not there, whatever the dense layout
    assert.equal(b.loadShare(1, need({ gpus: 1 }), 0, 180), 1 / 64);
    assert.equal(b.loadShare(1, need({ gpus: 1 }), 1, 180), Number.POSITIVE_INFINITY, 'site b has no pool 1');
    assert.equal(
      b.loadShare(0, need({ hpcNodes: 1 }), -1, 180),
      1 / b.sites[0]!.capacity.hpcNodes,
      'another resource of the same row',
    );
  });

  it('refuses an overbooking with a conflict and a double booking of one task', () => {
    const b = book();
    b.reserve('x', 0, need({ cpuCores: 100 }), -1, 0, 10);
    assert.throws(
      () => b.reserve('y', 0, need({ cpuCores: 1 }), -1, 5, 15),
      (e: unknown) => e instanceof DomainError && e.code === 'conflict',
    );
    assert.throws(() => b.reserve('x', 1, need({ cpuCores: 1 }), -1, 20, 30), /already holds/);
    assert.throws(() => b.reserve('z', 0, need({ cpuCores: -1 }), -1, 20, 30), /resources.cpuCores/);
    assert.throws(() => b.reserve('z', 0, need({ cpuCores: 1 }), -1, 30, 30), /endS/);
  });

  it('releases the rest of a run from a time on, and merges steps back', () => {
    const b = book();
    b.reserve('x', 0, need({ cpuCores: 70 }), -1, 0, 100);
    b.release('x', 40);
    assert.equal(b.freeOver(0, 0, 40).cpuCores, 30);
    assert.equal(b.freeOver(0, 40, 100).cpuCores, 100);
    assert.equal(b.reservation('x'), undefined);
    b.reserve('y', 0, need({ cpuCores: 10 }), -1, 200, 300);
    b.release('y');
    b.forgetBefore(50);
    assert.equal(b.stepCount('a'), 1, 'only the row covering t=50 (empty from 40 on) remains');
    assert.equal(b.freeOver(0, 0, 1000).cpuCores, 100);
  });

  it('forgets ended reservations in sweeps that pay for themselves (the book doubled since the last)', () => {
    const b = book();
    for (let i = 0; i < 600; i++) b.reserve(`early${i}`, 0, need({ cpuCores: 0.01 }), -1, i, i + 10);
    b.forgetBefore(5000);
    assert.ok(b.reservation('early0'), 'a small book is not swept');
    for (let i = 0; i < 600; i++) b.reserve(`late${i}`, 0, need({ cpuCores: 0.01 }), -1, 5000 + i, 9000);
    b.forgetBefore(8000);
    assert.equal(b.reservation('early0'), undefined, 'ended before the forget time: swept');
    assert.equal(b.reservation('early599')?.endS, undefined);
    assert.equal(b.reservation('late0')?.endS, 9000, 'still running: kept');
    assert.ok(Math.abs(b.freeOver(0, 8000, 9000).cpuCores - 94) < 1e-9, 'the running 600 × 0.01 cores still count');
  });

  it('extends a booking past its end even over capacity (the work is there), and releases all of it', () => {
    const b = book();
    b.reserve('x', 0, need({ cpuCores: 70 }), -1, 0, 100);
    b.reserve('later', 0, need({ cpuCores: 50 }), -1, 100, 200);
    assert.equal(b.extend('x', 150)!.endS, 150);
    assert.equal(b.freeOver(0, 120, 130).cpuCores, 0, 'overfilled while both run');
    assert.equal(b.peakShare(0, need({ cpuCores: 10 }), -1, 120, 130), 1.3);
    assert.equal(b.fits(0, need({ cpuCores: 1 }), -1, 100, 150), false);
    assert.equal(b.extend('x', 120)!.endS, 150, 'never shortened');
    assert.equal(b.extend('nope', 10), undefined);
    assert.throws(() => b.extend('x', Number.NaN), /endS/);
    b.release('x', 110);
    assert.equal(b.freeOver(0, 110, 200).cpuCores, 50);
    assert.equal(b.freeOver(0, 0, 100).cpuCores, 30);
  });

  it("keeps the other resources' peaks when a booking starts before every step (cached maxima in step)", () => {
    const b = book();
    // H20 (pool 1): 4 over [10, 20), 2 over [25, 30); asking once makes the book keep its suffix maxima
    b.reserve('x', 0, need({ gpus: 4 }), 1, 10, 20);
    b.reserve('y', 0, need({ gpus: 2 }), 1, 25, 30);
    assert.equal(b.peakShare(0, need({ gpus: 1 }), 1, 0, 100), 5 / 4);
    // CPU work from before the first step to past the second: both its ends are new steps
    b.reserve('z', 0, need({ cpuCores: 10 }), -1, 5, 22);
    assert.equal(b.freeOver(0, 5, 40).gpus[1], 0, 'the H20 peak of [10, 20) is still seen from 5');
    assert.equal(b.freeOver(0, 21, 40).gpus[1], 2);
    assert.equal(b.freeOver(0, 5, 40).cpuCores, 90);
    // CPU work wholly before every step
    b.reserve('w', 0, need({ cpuCores: 5 }), -1, 1, 3);
    assert.equal(b.freeOver(0, 0, 40).gpus[1], 0, 'the H20 peak is still seen from 0');
    assert.equal(b.freeOver(0, 0, 40).cpuCores, 90);
    assert.equal(b.freeOver(0, 2, 4).cpuCores, 95);
  });

  it('agrees with a naive per-second model under random bookings and releases', () => {
    type Op =
      | { kind: 'reserve'; cpu: number; gpu: number; pool: number; s: number; d: number }
      | { kind: 'release'; k: number; at: number };
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('reserve' as const),
        cpu: fc.integer({ min: 0, max: 60 }),
        gpu: fc.integer({ min: 0, max: 5 }),
        pool: fc.integer({ min: 0, max: 1 }),
        s: fc.integer({ min: 0, max: 40 }),
        d: fc.integer({ min: 1, max: 20 }),
      }),
      fc.record({ kind: fc.constant('release' as const), k: fc.nat(), at: fc.integer({ min: 0, max: 60 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 40 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 1, max: 20 }),
        (ops: Op[], qs, qd) => {
          const b = book();
          const cap = { cpu: 100, gpu: [8, 4] };
          // naive: usage per whole second 0..79
          const cpu = new Float64Array(80);
          const gpu = [new Float64Array(80), new Float64Array(80)];
          const live: { id: string; cpu: number; gpu: number; pool: number; s: number; e: number }[] = [];
          let n = 0;
          for (const o of ops) {
            if (o.kind === 'reserve') {
              const id = `t${n++}`;
              const r = need({ cpuCores: o.cpu, gpus: o.gpu });
              const e = o.s + o.d;
              let fitsNaive = true;
              for (let t = o.s; t < e; t++) {
                if (cpu[t]! + o.cpu > cap.cpu || gpu[o.pool]![t]! + o.gpu > cap.gpu[o.pool]!) fitsNaive = false;
              }
              assert.equal(b.fits(0, r, o.pool, o.s, e), fitsNaive);
              if (!fitsNaive) continue;
              b.reserve(id, 0, r, o.pool, o.s, e);
              for (let t = o.s; t < e; t++) {
                cpu[t]! += o.cpu;
                gpu[o.pool]![t]! += o.gpu;
              }
              live.push({ id, cpu: o.cpu, gpu: o.gpu, pool: o.pool, s: o.s, e });
            } else if (live.length > 0) {
              const [r] = live.splice(o.k % live.length, 1);
              b.release(r!.id, o.at);
              for (let t = Math.max(o.at, r!.s); t < r!.e; t++) {
                cpu[t]! -= r!.cpu;
                gpu[r!.pool]![t]! -= r!.gpu;
              }
            }
          }
          let peakCpu = 0;
          let peakGpu0 = 0;
          for (let t = qs; t < qs + qd; t++) {
            peakCpu = Math.max(peakCpu, cpu[t]!);
            peakGpu0 = Math.max(peakGpu0, gpu[0]![t]!);
          }
          const free = b.freeOver(0, qs, qs + qd);
          assert.equal(free.cpuCores, cap.cpu - peakCpu);
          assert.equal(free.gpus[0], cap.gpu[0]! - peakGpu0);
          assert.ok(b.stepCount('a') <= 2 * n + 1, 'at most two steps per booking');
          for (const r of live) b.release(r.id);
          // released in full, history before the earliest release point may remain; the future is empty
          assert.equal(b.freeOver(0, 60, 80).cpuCores, cap.cpu);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees with a naive model over hundreds of bookings (chunks split, merge and are forgotten)', () => {
    const H = 400;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            cpu: fc.integer({ min: 1, max: 30 }),
            s: fc.integer({ min: 0, max: H - 2 }),
            d: fc.integer({ min: 1, max: 120 }),
            releaseAt: fc.option(fc.integer({ min: 0, max: H }), { freq: 3 }),
            forget: fc.boolean(),
          }),
          { minLength: 50, maxLength: 300 },
        ),
        fc.array(fc.tuple(fc.integer({ min: 0, max: H - 1 }), fc.integer({ min: 0, max: 150 })), { maxLength: 30 }),
        (ops, queries) => {
          const b = book();
          const cpu = new Float64Array(H + 200);
          const live: { id: string; cpu: number; s: number; e: number }[] = [];
          const ends: number[] = [];
          let forgotten = 0;
          let n = 0;
          for (const o of ops) {
            const e = o.s + o.d;
            const s = Math.max(o.s, forgotten);
            if (s >= e) continue;
            let peak = 0;
            for (let t = s; t < e; t++) peak = Math.max(peak, cpu[t]!);
            assert.equal(b.peakShare(0, need({ cpuCores: o.cpu }), -1, s, e), (peak + o.cpu) / 100);
            assert.equal(
              b.peakShare(0, need({ cpuCores: o.cpu }), -1, s, s),
              (cpu[s]! + o.cpu) / 100,
              'an instant: its row',
            );
            // the load from s on: the highest usage at any later time, with the task added
            let after = 0;
            for (let t = s; t < cpu.length; t++) after = Math.max(after, cpu[t]!);
            assert.equal(b.loadShare(0, need({ cpuCores: o.cpu }), -1, s), (after + o.cpu) / 100, 'load from s on');
            if (peak + o.cpu <= 100) {
              const id = `t${n++}`;
              b.reserve(id, 0, need({ cpuCores: o.cpu }), -1, s, e);
              for (let t = s; t < e; t++) cpu[t]! += o.cpu;
              live.push({ id, cpu: o.cpu, s, e });
              ends.push(e);
            }
            if (o.releaseAt !== null && live.length > 0) {
              const r = live.shift()!;
              const from = Math.max(o.releaseAt, r.s, forgotten);
              b.release(r.id, o.releaseAt);
              for (let t = from; t < r.e; t++) cpu[t]! -= r.cpu;
            }
            if (o.forget && o.s > forgotten) {
              forgotten = o.s;
              b.forgetBefore(forgotten);
            }
          }
          for (const [qs, qd] of queries) {
            const s = Math.max(qs, forgotten);
            let peak = 0;
            for (let t = s; t < s + Math.max(qd, 1); t++) peak = Math.max(peak, cpu[t]!);
            assert.equal(b.freeOver(0, s, s + Math.max(qd, 1)).cpuCores, 100 - peak);
            // asked twice: the second answer comes from the remembered row, and must be the same
            let after = 0;
            for (let t = s; t < cpu.length; t++) after = Math.max(after, cpu[t]!);
            assert.equal(b.loadShare(0, need({ cpuCores: 1 }), -1, s), (after + 1) / 100, 'load from s on');
            assert.equal(b.loadShare(0, need({ cpuCores: 1 }), -1, s), (after + 1) / 100, 'load from s on, again');
          }
          // history before the forget time is dropped; equal neighbouring steps are merged
          const recent = ends.filter((e) => e > forgotten).length;
          assert.ok(b.stepCount('a') <= 2 * recent + 1, 'at most two steps per booking not yet forgotten');
        },
      ),
      { numRuns: 150 },
    );
  });
});
