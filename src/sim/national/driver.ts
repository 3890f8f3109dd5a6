/**
 * The national driver: the live scheduler core (src/scheduler) under the
 * simulator's virtual clock. Tasks arrive from the generator, the scheduler
 * runs one cycle per scheduling interval — greedy profiles task by task, the
 * `optimal` profile as one HiGHS batch per cycle — and whatever it places
 * runs at its site and gives its capacity back when it ends. Nothing here
 * decides where work goes: that is the scheduler's job, exactly as live.
 *
 * Work the scheduler cannot place waits for the next cycle, except work that
 * can no longer succeed: deadline work that cannot finish in time, and
 * interactive work (a latency SLA) not started within the wait limit — both
 * are dropped and counted — and work whose rules exclude every site (rejected).
 */

import type { Unplaced } from '../../domain/placement.js';
import type { Task } from '../../domain/task.js';
import type { SolveOptions } from '../../scheduler/optimal/index.js';
import { FILTER_PLUGINS } from '../../scheduler/plugins/index.js';
import type { PolicyName } from '../../scheduler/profiles/index.js';
import { ReservationBook } from '../../scheduler/reservation-book.js';
import { type CycleResult, Scheduler } from '../../scheduler/scheduler.js';
import { Engine, EventPriority } from '../engine.js';
import { WorkloadGenerator } from './generator.js';
import { GridIntegrals } from './grid-integrals.js';
import {
  type DropReason,
  type Flow,
  type MetricsContext,
  NationalMetrics,
  type NationalSeries,
  type NationalSummary,
} from './metrics.js';
import type { NationalScenario } from './scenario.js';

export interface PlacedTask {
  task: Task;
  siteId: string;
  siteIndex: number;
  /** GPU pool of the site the task's GPUs come from, -1 without GPUs. */
  gpuPool: number;
  startS: number;
  endS: number;
  decidedAtS: number;
}

export interface NationalProgress {
  policy: PolicyName;
  simTimeS: number;
  /** Share of the arrivals window simulated, 0..1 (the drain after it is quick). */
  fraction: number;
  arrived: number;
  placed: number;
  queued: number;
}

export interface NationalRunOptions {
  /** Called about every 0.5% of the arrivals window and at the end. */
  onProgress?: (p: NationalProgress) => void;
  /** Called for every placement, in decision order. */
  onPlaced?: (p: PlacedTask) => void;
  /** HiGHS settings for the optimal policy (default: the scheduler's). */
  solver?: SolveOptions;
}

/** HiGHS figures of an `optimal` run (wall time: not part of the deterministic summary). */
export interface SolverStats {
  batches: number;
  tasks: number;
  seconds: number;
  maxSeconds: number;
  statuses: Record<string, number>;
}

export interface NationalRun {
  policy: PolicyName;
  summary: NationalSummary;
  series: NationalSeries;
  flows: Flow[];
  /** Engine events executed and scheduler cycles run. */
  events: number;
  cycles: number;
  /** Simulated time of the last event (the last task's end). */
  endS: number;
  solver?: SolverStats;
}

const STATIC_FILTERS = new Set(
  Object.values(FILTER_PLUGINS)
    .filter((f) => f.stage === 'static')
    .map((f) => f.name),
);

/** Why a task the cycle left waiting is given up now, or null to keep it queued. */
function dropReason(task: Task, u: Unplaced, nowS: number, slaWaitLimitS: number): DropReason | null {
  const filters = Object.keys(u.removedByFilter);
  if (filters.length > 0 && filters.every((f) => STATIC_FILTERS.has(f))) return 'rejected';
  if (task.deadlineS !== null && Math.max(nowS, task.earliestStartS) + task.durationS > task.deadlineS)
    return 'deadline';
  if (task.latencySlaMs !== null && nowS - task.submittedAtS >= slaWaitLimitS) return 'sla';
  return null;
}

/** What the metrics need to know about the scenario's places, built once per scenario. */
export function metricsContext(scenario: NationalScenario, policy: string): MetricsContext {
  const { topology, world, options } = scenario;
  const originSide = new Map<string, 'east' | 'west'>();
  const originGroup = new Map<string, string>();
  for (const c of topology.cities) {
    originSide.set(c.id, c.side);
    originGroup.set(c.id, c.hubId ?? `other-${c.side}`);
  }
  const rtt = new Map<string, Float64Array>();
  return {
    policy,
    sites: world.sites,
    originSide,
    originGroup,
    siteGroup: world.sites.map((s) => s.hubId ?? `other-${s.side}`),
    rttFrom(origin: string): Float64Array {
      let row = rtt.get(origin);
      if (!row) {
        row = Float64Array.from(world.sites, (s) => world.network.rttMs(origin, s.id));
        rtt.set(origin, row);
      }
      return row;
    },
    grid: new GridIntegrals(world.sites, (id) => (scenario.grid.hasSite(id) ? scenario.grid.curve(id) : undefined)),
    startS: options.startS,
    arrivalsEndS: scenario.arrivalsEndS,
    sampleS: options.sampleS,
  };
}

/** Runs the scenario's workload under one policy to the end (every task finished or dropped). */
export async function runNational(
  scenario: NationalScenario,
  policy: PolicyName,
  opts: NationalRunOptions = {},
): Promise<NationalRun> {
  const o = scenario.options;
  const world = scenario.world;
  const engine = new Engine(o.startS);
  const book = new ReservationBook(world.sites);
  const sched = new Scheduler({ world, profile: policy, clock: engine.clock, capacity: book, solver: opts.solver });
  const siteIndex = new Map(world.sites.map((s, i) => [s.id, i]));
  const metrics = new NationalMetrics(metricsContext(scenario, policy));
  const gen = new WorkloadGenerator(scenario);
  const queued = new Map<string, Task>();
  let placedCount = 0;
  let cycles = 0;
  let cycleDue = false;
  let tickPending = false;
  const solver: SolverStats = { batches: 0, tasks: 0, seconds: 0, maxSeconds: 0, statuses: {} };

  const tick = (): void => {
    tickPending = false;
    cycleDue = true;
    engine.stop();
  };
  /** The next cycle on the interval grid at or after `fromS` (late lane: after every arrival at that instant). */
  const scheduleTick = (fromS: number): void => {
    if (tickPending) return;
    tickPending = true;
    const k = Math.ceil((fromS - o.startS) / o.cycleS);
    engine.at(o.startS + k * o.cycleS, tick, undefined, EventPriority.late);
  };
  const complete = (taskId: string): void => sched.complete(taskId, engine.nowS());
  const arrive = (task: Task): void => {
    sched.submit(task);
    queued.set(task.id, task);
    metrics.submitted();
    scheduleTick(task.submittedAtS);
    const next = gen.next();
    if (next) engine.at(next.submittedAtS, arrive, next);
  };
  const first = gen.next();
  if (first) engine.at(first.submittedAtS, arrive, first);

  const apply = (r: CycleResult): void => {
    const now = engine.nowS();
    for (const p of r.placed) {
      const task = queued.get(p.taskId)!;
      queued.delete(p.taskId);
      const s = siteIndex.get(p.siteId)!;
      const gpuPool = book.reservation(p.taskId)?.gpuPool ?? -1;
      metrics.placed(task, s, gpuPool, p.startS, p.endS, now);
      placedCount++;
      opts.onPlaced?.({
        task,
        siteId: p.siteId,
        siteIndex: s,
        gpuPool,
        startS: p.startS,
        endS: p.endS,
        decidedAtS: now,
      });
      engine.at(p.endS, complete, p.taskId, EventPriority.early);
    }
    for (const u of r.waiting) {
      const task = queued.get(u.taskId)!;
      const reason = dropReason(task, u, now, o.slaWaitLimitS);
      if (reason === null) continue;
      sched.cancel(task.id);
      queued.delete(task.id);
      metrics.dropped(reason);
    }
    metrics.queueAfterCycle(now, queued.size);
    if (queued.size > 0) scheduleTick(now + o.cycleS);
  };

  const window = scenario.arrivalsEndS - o.startS;
  let reportedAtS = Number.NEGATIVE_INFINITY;
  const progress = (force: boolean): void => {
    if (!opts.onProgress) return;
    const now = engine.nowS();
    if (!force && now - reportedAtS < window / 200) return;
    reportedAtS = now;
    opts.onProgress({
      policy,
      simTimeS: now,
      fraction: Math.min(1, Math.max(0, (now - o.startS) / window)),
      arrived: gen.produced,
      placed: placedCount,
      queued: queued.size,
    });
  };

  for (;;) {
    engine.run();
    if (!cycleDue) break;
    cycleDue = false;
    const r = await sched.cycleAsync();
    cycles++;
    if (sched.profile.mode === 'highs' && sched.lastBatch && sched.lastBatch.tasks > 0) {
      const b = sched.lastBatch;
      solver.batches++;
      solver.tasks += b.tasks;
      solver.seconds += b.seconds;
      solver.maxSeconds = Math.max(solver.maxSeconds, b.seconds);
      solver.statuses[b.status] = (solver.statuses[b.status] ?? 0) + 1;
    }
    apply(r);
    progress(false);
  }
  if (queued.size > 0) throw new Error(`internal: national run ended with ${queued.size} tasks still queued`);
  progress(true);
  return {
    policy,
    summary: metrics.summary(),
    series: metrics.series(),
    flows: metrics.flowList(),
    events: engine.processed,
    cycles,
    endS: engine.nowS(),
    ...(sched.profile.mode === 'highs' ? { solver } : {}),
  };
}
