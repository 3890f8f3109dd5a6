import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/domain/rng.js';
import { VirtualClock } from '../../src/sim/clock.js';
import { Engine, EventPriority } from '../../src/sim/engine.js';

test('events run in time order; equal times in insertion order; the clock follows', () => {
  const e = new Engine(100);
  const log: string[] = [];
  const h = (tag: string) => log.push(`${tag}@${e.nowS()}`);
  e.at(105, h, 'c');
  e.at(101, h, 'a');
  e.at(105, h, 'd');
  e.at(103, h, 'b');
  e.at(105, h, 'e');
  assert.equal(e.pending, 5);
  assert.equal(e.run(), 5);
  assert.deepEqual(log, ['a@101', 'b@103', 'c@105', 'd@105', 'e@105']);
  assert.equal(e.nowS(), 105);
  assert.equal(e.pending, 0);
});

test('priority lanes order events at the same instant before insertion order does', () => {
  const e = new Engine();
  const log: string[] = [];
  const h = (tag: string) => log.push(tag);
  e.at(1, h, 'late', EventPriority.late);
  e.at(1, h, 'normal1');
  e.at(1, h, 'early', EventPriority.early);
  e.at(1, h, 'normal2');
  // An event scheduled *during* time 1 for time 1 still runs before the late lane.
  e.at(0, () => e.at(1, h, 'normal3'), null);
  e.run();
  assert.deepEqual(log, ['early', 'normal1', 'normal2', 'normal3', 'late']);
});

test('cancel skips an event; run(untilS) stops and moves the clock; after() is relative', () => {
  const e = new Engine();
  const log: number[] = [];
  const h = (n: number) => log.push(n);
  const ev = e.at(2, h, 2);
  e.at(1, h, 1);
  e.at(5, h, 5);
  assert.equal(e.cancel(ev), true);
  assert.equal(e.cancel(ev), false); // harmless
  assert.equal(e.pending, 2);
  assert.equal(e.run({ untilS: 3 }), 1);
  assert.equal(e.nowS(), 3);
  assert.equal(e.nextTimeS(), 5);
  e.after(1, h, 4);
  e.run();
  assert.deepEqual(log, [1, 4, 5]);
  assert.equal(e.processed, 3);
  assert.equal(e.nextTimeS(), null);
  assert.equal(e.step(), false);
});

test('a handle goes stale once its event ran: cancelling it cannot hit a later event in the same slot', () => {
  const e = new Engine();
  const log: string[] = [];
  const first = e.at(1, (s: string) => log.push(s), 'first');
  e.run();
  const second = e.at(2, (s: string) => log.push(s), 'second'); // reuses the freed slot
  assert.notEqual(second, first);
  assert.equal(e.cancel(first), false);
  assert.equal(e.cancel(-1), false);
  assert.equal(e.cancel(1.5), false);
  e.run();
  assert.deepEqual(log, ['first', 'second']);
});

test('many cancellations: only live events run, in order, and pending counts them', () => {
  const rng = new Rng(3);
  const e = new Engine();
  const ran: number[] = [];
  const ids: number[] = [];
  for (let i = 0; i < 5000; i++) ids.push(e.at(rng.int(0, 100), (n: number) => ran.push(n), i));
  const cancelled = new Set<number>();
  for (let i = 0; i < 5000; i += 3) {
    assert.equal(e.cancel(ids[i]!), true);
    cancelled.add(i);
  }
  assert.equal(e.pending, 5000 - cancelled.size);
  e.run();
  assert.equal(ran.length, 5000 - cancelled.size);
  assert.ok(ran.every((n) => !cancelled.has(n)));
  assert.equal(e.pending, 0);
});

test('maxEvents and stop() pause a run that can be resumed', () => {
  const e = new Engine();
  const log: number[] = [];
  for (let i = 0; i < 10; i++) e.at(i, (n: number) => log.push(n), i);
  assert.equal(e.run({ maxEvents: 3 }), 3);
  assert.deepEqual(log, [0, 1, 2]);
  e.at(5.5, () => e.stop(), null);
  e.run();
  assert.deepEqual(log, [0, 1, 2, 3, 4, 5]);
  assert.equal(e.nowS(), 5.5);
  e.run();
  assert.equal(log.length, 10);
});

test('scheduling in the past or at a non-finite time is refused, naming the field', () => {
  const e = new Engine(10);
  assert.throws(() => e.at(9, () => {}, null), /timeS/);
  assert.throws(() => e.at(Number.NaN, () => {}, null), /timeS/);
  assert.throws(() => e.at(Number.POSITIVE_INFINITY, () => {}, null), /timeS/);
  assert.throws(() => e.after(-1, () => {}, null), /delayS/);
  assert.throws(() => e.run({ untilS: 5 }), /untilS/);
  assert.throws(() => e.at(11, () => {}, null, 0.5), /priority/);
  assert.throws(() => e.at(11, () => {}, null, 64), /priority/);
});

test('the virtual clock is a Clock that never goes backwards', () => {
  const c = new VirtualClock(5);
  assert.equal(c.nowS(), 5);
  c.advanceTo(5);
  c.advanceTo(7.25);
  assert.equal(c.nowS(), 7.25);
  assert.throws(() => c.advanceTo(7), /backwards/);
});

test('a heap of random events comes out sorted by (time, priority, seq) — checked against a sort', () => {
  const rng = new Rng(42);
  const e = new Engine();
  const want: { t: number; p: number; seq: number }[] = [];
  const got: number[] = [];
  for (let seq = 0; seq < 20_000; seq++) {
    // coarse times so many collide and the tie-breakers matter
    const t = rng.int(0, 500);
    const p = rng.int(-1, 1);
    want.push({ t, p, seq });
    e.at(t, (s: number) => got.push(s), seq, p);
  }
  e.run();
  want.sort((a, b) => a.t - b.t || a.p - b.p || a.seq - b.seq);
  assert.deepEqual(
    got,
    want.map((w) => w.seq),
  );
});

/** A small closed queueing model driven by the seeded Rng: the event log is a function of the seed. */
function holdModel(seed: number, events: number): string {
  const rng = new Rng(seed);
  const e = new Engine();
  const log: string[] = [];
  const fire = (id: number) => {
    log.push(`${id}:${e.nowS().toFixed(6)}`);
    if (e.processed < events) e.after(rng.exp(10), fire, rng.int(0, 99));
  };
  for (let i = 0; i < 50; i++) e.at(rng.exp(10), fire, i);
  e.run({ maxEvents: events });
  return log.join(',');
}

test('determinism: the same seed gives the same event sequence, another seed a different one', () => {
  const a = holdModel(7, 5000);
  const b = holdModel(7, 5000);
  const c = holdModel(8, 5000);
  assert.equal(a, b);
  assert.notEqual(a, c);
});
