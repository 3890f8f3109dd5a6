/**
 * Scheduler benchmark: `npm run bench -- scheduler`. Prints one JSON object.
 *
 * 1. decisionsPerSecond — greedy `balanced` decisions (filter, score, reserve,
 *    placement) for 100,000 tasks arriving over three days on 1,000 sites
 *    (the 45 shipped sites plus 955 variants of them around the same cities),
 *    on one core, with the national fibre network and hourly grid profiles:
 *    with the profile's search budget, and with the exact walk.
 *    Rates are per CPU second of this process (the machine may be shared);
 *    per wall second is reported too, with the run's kernel time and minor
 *    page faults. The JIT is warmed on a scheduler of its own, and the
 *    measured run starts on a collected heap (its own collections count).
 *    decisionsPerSecondByPolicy: the same rate for each greedy policy, each
 *    measured in a process of its own (one policy's type feedback would slow
 *    another's code); the single-criterion policies visit few candidates, so
 *    theirs shows what a decision costs outside its search.
 *    decisions.digest hashes every placement's task, site and start: the
 *    same digest (with the same placed and deferred) means the same decisions.
 * 2. highsBatchSeconds — one `optimal` cycle of 10,000 tasks on 100 sites.
 * 3. gapToOptimal — for each greedy policy, on a fixed seeded batch of 2,000
 *    tasks on 100 sites: (greedy − optimum) / optimum of that policy's own
 *    objective (static parts; unplaced tasks cost the penalty), the optimum
 *    from HiGHS with the policy's weights.
 *
 * Options: --sites N --tasks N --scale X (part 1; capacity = shipped × X),
 * --policy NAME (part 1 for one greedy policy only),
 * --batch-tasks N --batch-sites N --batch-scale X (part 2), --gap-tasks N
 * --gap-scale X (part 3), --budget N (override the search budget), --seed N,
 * --only decisions|highs|gap.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ManualClock } from '../src/domain/clock.js';
import { Rng } from '../src/domain/rng.js';
import type { Task } from '../src/domain/task.js';
import { schedulerFlagsOf } from '../src/runtime/node-flags.js';
import { unassignedCostOf } from '../src/scheduler/batch.js';
import { mix } from '../src/scheduler/class-index.js';
import { staticObjective } from '../src/scheduler/objective.js';
import { weightingOf } from '../src/scheduler/plan.js';
import { profileFor } from '../src/scheduler/profiles/index.js';
import type { Profile } from '../src/scheduler/profiles/profile.js';
import { ReservationBook } from '../src/scheduler/reservation-book.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import type { SchedulerWorld } from '../src/scheduler/world.js';
import {
  ARRIVAL_SPAN_S,
  arrivals,
  collectGarbage,
  makeTask,
  T0,
  WORKLOAD_OPTIONS,
  world,
} from './national-workload.js';

const { values: args } = parseArgs({
  options: {
    ...WORKLOAD_OPTIONS,
    'batch-tasks': { type: 'string', default: '10000' },
    'batch-sites': { type: 'string', default: '100' },
    'gap-tasks': { type: 'string', default: '2000' },
    only: { type: 'string' },
    'batch-scale': { type: 'string', default: '0.02' },
    'gap-scale': { type: 'string', default: '0.01' },
    budget: { type: 'string' },
    policy: { type: 'string' },
  },
});
const SEED = Number(args.seed);
const log = (msg: string) => process.stderr.write(`[bench scheduler] ${msg}\n`);

/**
 * A 32-bit hash of every held placement's task, site and start, in task id order: two versions of the
 * scheduler made the same decisions when they print the same digest (with the same placed and deferred).
 */
function decisionsDigest(sched: Scheduler): number {
  let h = 0x811c9dc5;
  // each field ends with a 0 (no character of an id or a number): fields cannot run into each other
  const text = (s: string) => {
    for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
    h = mix(h, 0);
  };
  for (const p of sched.placements()) {
    text(p.taskId);
    text(p.siteId);
    text(String(p.startS));
  }
  return h >>> 0;
}

async function decisions(nSites: number, nTasks: number, profile: Profile) {
  const rng = new Rng(SEED);
  const w = world(nSites, rng, Number(args.scale));
  const clock = new ManualClock(T0);
  const book = new ReservationBook(w.sites);
  const sched = new Scheduler({ world: w, profile, clock, capacity: book });
  const tasks = arrivals(rng, nTasks);
  log(`decisions: ${profile.name}, ${nTasks} tasks on ${nSites} sites, search budget ${profile.searchBudget}`);
  // warm the JIT on a separate scheduler so the measured run starts cold on caches but not on code: with
  // tasks made as the measured ones are (a copy with other fields is another hidden class to V8, and the
  // first measured tasks of each shape would throw away the optimised code), flexible ones included
  {
    const warmClock = new ManualClock(T0);
    const warm = new Scheduler({ world: w, profile, clock: warmClock, capacity: new ReservationBook(w.sites) });
    const warmRng = new Rng(SEED + 100);
    let wat = T0;
    for (let i = 0; i < Math.min(5000, nTasks); i++) {
      wat += warmRng.exp(ARRIVAL_SPAN_S / nTasks);
      warmClock.set(wat);
      warm.place(makeTask(warmRng, `w${i}`, wat, { flexible: true }), { reserve: true });
    }
  }
  // start the measured run on a collected heap: the warm-up's garbage is the harness's, not the run's
  collectGarbage();
  let placed = 0;
  let deferred = 0;
  const why: Record<string, number> = {};
  const faults0 = process.resourceUsage().minorPageFault;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const mono0 = process.hrtime.bigint();
  // CPU time of each tenth of the run: a shared host's speed changes within a run, and the least time
  // each tenth took over several runs is a steadier figure than any one run's total (scripts/bench-ab.sh)
  const tenth = Math.max(1, Math.ceil(tasks.length / 10));
  const tenths: number[] = [];
  let lastCpu = 0;
  let k = 0;
  for (const task of tasks) {
    clock.set(task.submittedAtS);
    const r = sched.place(task, { reserve: true });
    if ('siteId' in r) {
      placed++;
      if (r.startS > task.earliestStartS) deferred++;
    } else {
      const top = Object.entries(r.removedByFilter).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'none';
      why[top] = (why[top] ?? 0) + 1;
    }
    if (++k % tenth === 0 && k < tasks.length) {
      const u = process.cpuUsage(cpu0);
      const at = (u.user + u.system) / 1e6;
      tenths.push(round(at - lastCpu, 4));
      lastCpu = at;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const faults = process.resourceUsage().minorPageFault - faults0;
  // the measured run's bounds on CLOCK_MONOTONIC (what hrtime reads), for a profiler to cut its samples to
  const mono = (t: bigint) => (Number(t) / 1e9).toFixed(6);
  log(`decisions: measured window ${mono(mono0)},${mono(process.hrtime.bigint())} (monotonic seconds)`);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  tenths.push(round(cpuSeconds - lastCpu, 4));
  const stats = sched.stats();
  return {
    searchBudget: String(profile.searchBudget),
    sites: nSites,
    tasks: nTasks,
    wallSeconds: round(seconds, 3),
    cpuSeconds: round(cpuSeconds, 3),
    // fresh memory the run touched (the kernel maps a page on its first touch: ~4 kB each), and the kernel's
    // share of the CPU time, mostly those faults: on a VM whose host backs memory lazily, they are dearer
    // on a machine that has not yet used its memory (scripts/bench-revs.sh, warm_memory)
    minorPageFaults: faults,
    systemCpuSeconds: round(cpu.system / 1e6, 3),
    cpuSecondsByTenth: tenths,
    // the machine is shared: CPU time is what one core spent, wall time includes waiting for it
    decisionsPerSecond: Math.round(nTasks / cpuSeconds),
    decisionsPerWallSecond: Math.round(nTasks / seconds),
    placed,
    unplaced: nTasks - placed,
    digest: decisionsDigest(sched),
    unplacedMostlyBy: why,
    deferredToGreenerHour: deferred,
    taskClasses: stats.plans,
    // classes whose rules removed the same sites as another's: they share its columns, bounds and ranking
    taskClassesSharingAPlan: stats.sharedPlans,
    // per walk (the warm-up's scheduler is not counted): where a decision's time goes
    meanCandidatesVisited: round(stats.visited / Math.max(1, stats.walks), 2),
    meanStartsScored: round(stats.tries / Math.max(1, stats.walks), 2),
    meanLoadReads: round(stats.loads / Math.max(1, stats.walks), 2),
    meanCapacityChecks: round(stats.checks / Math.max(1, stats.walks), 2),
  };
}

async function highsBatch(nTasks: number, nSites: number) {
  const rng = new Rng(SEED + 1);
  const w = world(nSites, rng, Number(args['batch-scale']));
  const tasks = Array.from({ length: nTasks }, (_, i) => makeTask(rng, `h${i}`, T0, { flexible: false }));
  const sched = new Scheduler({
    world: w,
    profile: profileFor('optimal'),
    clock: new ManualClock(T0),
    capacity: new ReservationBook(w.sites),
    maxBatchTasks: nTasks,
    // the solver stops at its limit with its best assignment (and says so): its MIP thread is stopped at most
    // 0.1 s after it, and polishing the answer follows; 8.5 s keeps the batch inside its 10 s
    solver: { timeLimitS: 8.5 },
  });
  for (const t of tasks) sched.submit(t);
  log(`highs: one optimal cycle of ${nTasks} tasks on ${nSites} sites`);
  const t0 = performance.now();
  const { placed, waiting } = await sched.cycleAsync();
  const cycleSeconds = (performance.now() - t0) / 1000;
  const b = sched.lastBatch!;
  return {
    tasks: nTasks,
    sites: nSites,
    solverSeconds: round(b.seconds, 3),
    cycleSeconds: round(cycleSeconds, 3),
    status: b.status,
    objective: round(b.objective, 4),
    lowerBound: round(b.lowerBound, 4),
    relativeGap: round((b.objective - b.lowerBound) / Math.abs(b.objective), 5),
    placed: placed.length,
    waiting: waiting.length,
  };
}

/** One policy's objective on a batch: Σ static score of the placed + penalty per unplaced. */
async function batchObjective(w: SchedulerWorld, tasks: readonly Task[], profile: Profile, judge: Profile) {
  const sched = new Scheduler({
    world: w,
    profile,
    clock: new ManualClock(T0),
    capacity: new ReservationBook(w.sites),
    maxBatchTasks: tasks.length,
  });
  for (const t of tasks) sched.submit(t);
  const { placed, waiting } = await sched.cycleAsync();
  const penalty = unassignedCostOf(weightingOf(judge));
  const value = placed.reduce((a, p) => a + staticObjective(p.score, judge), 0) + penalty * waiting.length;
  return { value, placed: placed.length, batch: sched.lastBatch, penalty };
}

async function gaps(nTasks: number, nSites: number) {
  const rng = new Rng(SEED + 2);
  // tight capacity: the best sites cannot take everything, so the order of decisions matters
  const w = world(nSites, rng, Number(args['gap-scale']));
  const tasks = Array.from({ length: nTasks }, (_, i) => makeTask(rng, `g${i}`, T0, { flexible: false }));
  const out: Record<string, unknown> = {};
  for (const name of ['nearest', 'cheapest', 'greenest', 'balanced'] as const) {
    const p = policy(name);
    log(`gap: ${name} on ${nTasks} tasks × ${nSites} sites`);
    const greedy = await batchObjective(w, tasks, p, p);
    const exact = await batchObjective(w, tasks, { ...p, searchBudget: Number.POSITIVE_INFINITY }, p);
    const opt = await batchObjective(w, tasks, { ...p, name: `${name}-highs`, mode: 'highs' }, p);
    const gap = (v: number) => round((v - opt.value) / Math.abs(opt.value), 5);
    out[name] = {
      gapToOptimal: gap(greedy.value),
      gapToOptimalExactWalk: gap(exact.value),
      greedyObjective: round(greedy.value, 4),
      exactWalkObjective: round(exact.value, 4),
      optimalObjective: round(opt.value, 4),
      // the solver's bound covers the tasks it was given; the rest (no eligible site at all) cost the penalty anyway
      optimalLowerBound: round(opt.batch!.lowerBound + opt.penalty * (tasks.length - opt.batch!.tasks), 4),
      optimalStatus: opt.batch!.status,
      optimalSolverSeconds: round(opt.batch!.seconds, 3),
      placedGreedy: greedy.placed,
      placedExactWalk: exact.placed,
      placedOptimal: opt.placed,
    };
  }
  return { tasks: nTasks, sites: nSites, policies: out };
}

/** A named profile, with --budget overriding its search budget. */
function policy(name: 'nearest' | 'cheapest' | 'greenest' | 'balanced' | 'optimal'): Profile {
  const p = profileFor(name);
  return args.budget === undefined ? p : { ...p, searchBudget: Number(args.budget) };
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

const only = args.only;
const result: Record<string, unknown> = {
  benchmark: 'scheduler',
  seed: SEED,
  node: process.version,
  // run through `npm run bench`, the process has the scheduler's young generation (src/runtime/node-flags.ts)
  nodeFlags: schedulerFlagsOf(),
};
const GREEDY = ['balanced', 'nearest', 'cheapest', 'greenest'] as const;
type Greedy = (typeof GREEDY)[number];

/** Part 1 for one policy in a new process with this one's flags; its decisions per CPU second. */
function decisionsElsewhere(name: Greedy): number {
  const passOn = ['sites', 'tasks', 'scale', 'seed', 'budget'] as const;
  const argv = passOn.flatMap((k) => (args[k] === undefined ? [] : [`--${k}`, String(args[k])]));
  const out = execFileSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--only', 'decisions', '--policy', name, ...argv],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
  );
  return (JSON.parse(out.trim().split('\n').pop()!) as { decisionsPerSecond: number }).decisionsPerSecond;
}

if (args.policy !== undefined && !(GREEDY as readonly string[]).includes(args.policy)) {
  process.stderr.write(`--policy must be one of ${GREEDY.join(', ')}, got '${args.policy}'\n`);
  process.exit(2);
}
if (!only || only === 'decisions') {
  const name = (args.policy ?? 'balanced') as Greedy;
  const d = await decisions(Number(args.sites), Number(args.tasks), policy(name));
  result.policy = name;
  result.decisionsPerSecond = d.decisionsPerSecond;
  result.decisions = d;
  if (args.policy === undefined) {
    const by: Record<string, number> = { balanced: d.decisionsPerSecond };
    for (const other of GREEDY) if (other !== 'balanced') by[other] = decisionsElsewhere(other);
    result.decisionsPerSecondByPolicy = by;
  }
  if (args.budget === undefined && args.policy === undefined) {
    const e = await decisions(Number(args.sites), Number(args.tasks), {
      ...policy('balanced'),
      searchBudget: Number.POSITIVE_INFINITY,
    });
    result.decisionsPerSecondExactWalk = e.decisionsPerSecond;
    result.decisionsExactWalk = e;
  }
}
if (!only || only === 'highs') {
  const h = await highsBatch(Number(args['batch-tasks']), Number(args['batch-sites']));
  result.highsBatchSeconds = h.solverSeconds;
  result.highsBatch = h;
}
if (!only || only === 'gap') {
  const g = await gaps(Number(args['gap-tasks']), 100);
  result.gapToOptimal = Object.fromEntries(
    Object.entries(g.policies).map(([k, v]) => [k, (v as { gapToOptimal: number }).gapToOptimal]),
  );
  result.gap = g;
}
process.stdout.write(`${JSON.stringify(result)}\n`);
