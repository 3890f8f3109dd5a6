/**
 * What a held placement keeps: `npm run bench -- held-memory`. Prints one JSON object.
 *
 * The scheduler benchmark's workload (bench/national-workload.ts: 1,000 sites, 100,000 tasks, same seed)
 * placed and booked one by one, as `npm run bench -- scheduler` does; every 20,000 decisions the heap is
 * collected in full and its used size read. Nothing completes in this run, so every placement is held:
 * the growth between the first mark and the last, per decision, is what a held placement keeps (its
 * record, its story, its entries in the scheduler's and the book's maps, the book's rows) plus the class
 * plans built on the way. Unlike a rate, this figure does not depend on how busy the host is.
 *
 * Reported: heapBytesPerDecision and externalBytesPerDecision (ArrayBuffers: plans' columns, timelines)
 * between the first and the last mark, and each mark's figures.
 *
 * Options: --sites N --tasks N --scale X --seed N (as in bench/scheduler.ts).
 */
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { ManualClock } from '../src/domain/clock.js';
import { Rng } from '../src/domain/rng.js';
import { profileFor } from '../src/scheduler/profiles/index.js';
import { ReservationBook } from '../src/scheduler/reservation-book.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { arrivals, collectGarbage, T0, WORKLOAD_OPTIONS, world } from './national-workload.js';

const { values: args } = parseArgs({
  options: {
    ...WORKLOAD_OPTIONS,
  },
});
const nTasks = Number(args.tasks);
const MARK_EVERY = Math.max(1, Math.floor(nTasks / 5));

/** Used heap and ArrayBuffer bytes after full collections. */
function mark(): { heap: number; external: number } {
  collectGarbage();
  collectGarbage();
  const m = process.memoryUsage();
  return { heap: getHeapStatistics().used_heap_size, external: m.arrayBuffers };
}

const rng = new Rng(Number(args.seed));
const w = world(Number(args.sites), rng, Number(args.scale));
const clock = new ManualClock(T0);
const sched = new Scheduler({
  world: w,
  profile: profileFor('balanced'),
  clock,
  capacity: new ReservationBook(w.sites),
});
const tasks = arrivals(rng, nTasks);
process.stderr.write(
  `[bench held-memory] ${nTasks} decisions on ${args.sites} sites, a full collection every ${MARK_EVERY}\n`,
);
const marks: { decisions: number; held: number; heap: number; external: number }[] = [];
let k = 0;
for (const t of tasks) {
  clock.set(t.submittedAtS);
  sched.place(t, { reserve: true });
  if (++k % MARK_EVERY === 0) marks.push({ decisions: k, held: sched.counts().held, ...mark() });
}
const first = marks[0]!;
const last = marks[marks.length - 1]!;
const per = (a: number, b: number) => Math.round((b - a) / Math.max(1, last.decisions - first.decisions));
console.log(
  JSON.stringify({
    benchmark: 'held-memory',
    seed: Number(args.seed),
    node: process.version,
    sites: Number(args.sites),
    tasks: nTasks,
    held: last.held,
    heapBytesPerDecision: per(first.heap, last.heap),
    externalBytesPerDecision: per(first.external, last.external),
    marks,
  }),
);
