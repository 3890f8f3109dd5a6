/**
 * The live platform: the store, the scheduler core and the dispatch loop,
 * wired together under the system clock. The simulator drives the same
 * scheduler under a virtual clock; everything here is the I/O around it.
 *
 * The store is the source of truth. The scheduler's queues and reservation
 * book are rebuilt from it at start (and whenever the supply changes), so a
 * restart loses nothing: queued tasks are queued again, placed and running
 * tasks keep their capacity, and the dispatch loop reconciles their jobs.
 */

import { DispatchLoop, type DispatchLoopOptions, type TaskLogs } from '../dispatch/dispatch-loop.js';
import { BackendRegistry, type BackendSource } from '../dispatch/registry.js';
import type { Clock } from '../domain/clock.js';
import { systemClock } from '../domain/clock.js';
import { DomainError } from '../domain/errors.js';
import type { Placement, Unplaced } from '../domain/placement.js';
import type { Site } from '../domain/site.js';
import { type Task, type TaskState, timeLimitS } from '../domain/task.js';
import {
  type PolicyName,
  type Profile,
  profileFor,
  ReservationBook,
  Scheduler,
  type SchedulerWorld,
  worldFromTopology,
} from '../scheduler/index.js';
import type { FairShareOptions } from '../scheduler/queues.js';
import {
  ACTIVE_TASK_STATES,
  changeTaskState,
  currentPlacement,
  getTask,
  listAllSites,
  listCities,
  listClusters,
  listHubs,
  listPairings,
  recordPlacement,
  siteOf,
  supersedePlacement,
  taskOf,
} from '../store/index.js';
import type { Sql, Store } from '../store/sql.js';
import { Mutex } from './mutex.js';
import type { SchedulerStats } from './scheduler-metrics.js';

export interface PlatformLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface PlatformOptions {
  store: Store;
  /** Where local jobs keep their files (`<dataDir>/jobs/<site>/`). */
  dataDir: string;
  clock?: Clock;
  /** Scheduling policy (default `balanced`). */
  policy?: PolicyName | Profile;
  fairShare?: FairShareOptions;
  /** Pause between scheduling cycles when nothing wakes the loop (default 1000 ms). */
  scheduleIntervalMs?: number;
  /** Backends per site (default: local executor, or the site's Slurm cluster). */
  backends?: BackendSource;
  /** Options for the dispatch loop (intervals, retries, down detection). */
  dispatch?: Partial<Omit<DispatchLoopOptions, 'store' | 'backends' | 'hooks' | 'clock'>>;
  /** Local executor concurrency per site (default: CPU count). */
  localMaxConcurrent?: number;
  log?: PlatformLogger;
}

export interface CycleReport {
  placed: number;
  waiting: number;
  conflicts: number;
}

const silent: PlatformLogger = { info() {}, warn() {}, error() {} };
/** Rows read from the store per rebuild query page. */
const QUEUED_LIMIT = 100_000;

export class Platform {
  readonly clock: Clock;
  readonly dispatch: DispatchLoop;
  private readonly store: Store;
  private readonly profile: Profile;
  private readonly backends: BackendSource;
  private readonly log: PlatformLogger;
  private readonly mutex = new Mutex();
  private world!: SchedulerWorld;
  private book!: ReservationBook;
  private scheduler!: Scheduler;
  /** Tasks committed since the last cycle, waiting to join the queues. */
  private inbox: Task[] = [];
  /** Tasks taken out of the scheduler when their site went down, until dispatch re-places them. */
  private readonly awaitingReplace = new Map<string, Task>();
  /** The last reason each waiting task was given, so unchanged reasons are not rewritten. */
  private readonly lastReason = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private wakeRequested = false;
  private running = false;
  private cycling: Promise<void> = Promise.resolve();

  private constructor(private readonly opts: PlatformOptions) {
    this.store = opts.store;
    this.clock = opts.clock ?? systemClock;
    this.profile = typeof opts.policy === 'object' ? opts.policy : profileFor(opts.policy ?? 'balanced');
    this.log = opts.log ?? silent;
    this.backends =
      opts.backends ??
      new BackendRegistry({
        dataDir: opts.dataDir,
        clock: this.clock,
        ...(opts.localMaxConcurrent !== undefined && { local: { maxConcurrent: opts.localMaxConcurrent } }),
      });
    this.dispatch = new DispatchLoop({
      ...opts.dispatch,
      store: this.store,
      backends: this.backends,
      clock: this.clock,
      log: this.log,
      hooks: {
        replace: (taskId, reason) => this.replace(taskId, reason),
        siteStatus: (siteId, status, reason) => this.siteStatus(siteId, status, reason),
        taskEnded: (taskId, state, atS) => this.taskEnded(taskId, state, atS),
      },
    });
  }

  /** Builds the scheduler from the store, then starts the scheduling and dispatch loops. */
  static async start(opts: PlatformOptions): Promise<Platform> {
    const p = new Platform(opts);
    await p.rebuild();
    p.running = true;
    await p.dispatch.start();
    p.schedule(0);
    return p;
  }

  /** Builds the platform without starting its loops (tests drive `cycle()` and `dispatch.tick()`). */
  static async create(opts: PlatformOptions): Promise<Platform> {
    const p = new Platform(opts);
    await p.rebuild();
    return p;
  }

  get policy(): string {
    return this.profile.name;
  }

  /**
   * A task was committed as queued: it joins the scheduler's queues at the
   * start of the next cycle. Submissions never wait for a cycle to finish.
   */
  submitted(task: Task): void {
    this.inbox.push(taskOf(task));
    this.wake();
  }

  /** A task was cancelled in the store: give back its place (dispatch cancels its job). */
  async cancelled(taskId: string): Promise<void> {
    await this.mutex.run(async () => {
      this.drainInbox();
      this.awaitingReplace.delete(taskId);
      this.lastReason.delete(taskId);
      this.releaseTask(taskId);
    });
  }

  /** The supply changed (a site registered, updated or removed): rebuild from the store. */
  async sitesChanged(): Promise<void> {
    await this.rebuild();
    this.wake();
  }

  /** Output of a task's latest job. */
  logs(taskId: string, opts: { attempt?: number; offset?: number; maxBytes?: number } = {}): Promise<TaskLogs> {
    return this.dispatch.logs(taskId, opts);
  }

  /** The scheduler's work so far and its queues now (for /metrics). */
  schedulerStats(): SchedulerStats {
    return { ...this.scheduler.stats(), ...this.scheduler.counts() };
  }

  /** Where the capacity booking of a task ends (for diagnostics and tests); undefined when none is held. */
  bookedEndS(taskId: string): number | undefined {
    return this.book?.reservation(taskId)?.endS;
  }

  /** Ask for a scheduling cycle as soon as possible. */
  wake(): void {
    if (!this.running) return;
    this.wakeRequested = true;
    this.schedule(0);
  }

  /** One scheduling cycle: place what can be placed, persist the placements and the reasons of the rest. */
  async cycle(): Promise<CycleReport> {
    return this.mutex.run(async () => {
      const refused = this.drainInbox();
      // work still running past its planned end keeps its capacity, so nothing new lands on it
      const overran = this.scheduler.holdOverruns();
      if (overran.length > 0)
        this.log.info({ tasks: overran }, 'tasks running past their planned end keep their capacity');
      const { placed, waiting } = await this.scheduler.cycleAsync();
      waiting.push(...refused);
      let conflicts = 0;
      for (const p of placed) {
        if (!(await this.persistPlacement(p))) conflicts++;
      }
      await this.noteWaiting(waiting);
      if (placed.length > 0) this.log.info({ placed: placed.length, waiting: waiting.length }, 'scheduling cycle');
      return { placed: placed.length - conflicts, waiting: waiting.length, conflicts };
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.cycling;
    await this.dispatch.stop();
    await this.backends.close();
  }

  // ---- the scheduling loop -------------------------------------------------

  /** Moves submitted tasks into the scheduler's queues (call inside the mutex). */
  private drainInbox(): Unplaced[] {
    const tasks = this.inbox;
    this.inbox = [];
    const refused: Unplaced[] = [];
    for (const t of tasks) {
      try {
        this.scheduler.submit(t);
      } catch (e) {
        // a conflict: a rebuild already queued it from the store
        if (!(e instanceof DomainError && e.code === 'conflict')) {
          const reason = `the scheduler cannot take this task: ${e instanceof Error ? e.message : String(e)}`;
          this.log.error({ taskId: t.id, reason }, 'task could not join its queue');
          refused.push({ taskId: t.id, reason, rejections: [], removedByFilter: {} });
        }
      }
    }
    return refused;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    if (this.timer) {
      if (delayMs > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wakeRequested = false;
      this.cycling = this.cycle()
        .then((r) => {
          // placed tasks that may start now go to their sites at once, not at the next dispatch poll
          if (r.placed > 0)
            void this.dispatch.kick().catch((e) => this.log.error({ err: String(e) }, 'dispatch failed'));
        })
        .catch((e) => this.log.error({ err: String(e) }, 'scheduling cycle failed'))
        .finally(() => this.schedule(this.wakeRequested ? 0 : (this.opts.scheduleIntervalMs ?? 1000)));
    }, delayMs);
  }

  /** Records a placement and moves the task to 'placed'; on a conflict (cancelled meanwhile) gives it back. */
  private async persistPlacement(p: Placement): Promise<boolean> {
    try {
      await this.store.tx(async (sql) => {
        await changeTaskState(sql, p.taskId, 'placed', {
          reason: p.explanation,
          atS: this.clock.nowS(),
          siteId: p.siteId,
        });
        await supersedePlacement(sql, p.taskId);
        await recordPlacement(sql, p);
      });
      this.lastReason.delete(p.taskId);
      return true;
    } catch (e) {
      if (!(e instanceof DomainError && (e.code === 'conflict' || e.code === 'not_found'))) throw e;
      this.log.warn({ taskId: p.taskId, err: e.message }, 'placement dropped: the task changed meanwhile');
      this.releaseTask(p.taskId);
      return false;
    }
  }

  /** Stores why each waiting task waits (only when the reason changed). */
  private async noteWaiting(waiting: readonly Unplaced[]): Promise<void> {
    const changed = waiting.filter((u) => this.lastReason.get(u.taskId) !== u.reason);
    if (changed.length === 0) return;
    const now = this.clock.nowS();
    await this.store.query(
      `UPDATE tasks SET state_reason = w.reason, updated_at = to_timestamp($3)
       FROM unnest($1::text[], $2::text[]) AS w(id, reason)
       WHERE tasks.id = w.id AND tasks.state = 'queued'`,
      [changed.map((u) => u.taskId), changed.map((u) => u.reason), now],
    );
    for (const u of changed) this.lastReason.set(u.taskId, u.reason);
  }

  // ---- hooks of the dispatch loop -------------------------------------------

  private async siteStatus(siteId: string, status: 'up' | 'down', reason: string): Promise<void> {
    const now = this.clock.nowS();
    await this.store.query(`UPDATE sites SET status = $2, updated_at = to_timestamp($3) WHERE id = $1`, [
      siteId,
      status,
      now,
    ]);
    await this.mutex.run(async () => {
      this.drainInbox();
      if (this.book.siteIndex(siteId) < 0) return;
      const requeued = this.scheduler.setSiteStatus(siteId, status);
      // dispatch re-places these one by one through `replace`: keep them out of the queues meanwhile
      for (const id of requeued) {
        const task = this.scheduler.queued().find((t) => t.id === id);
        this.scheduler.cancel(id);
        if (task) this.awaitingReplace.set(id, task);
      }
    });
    this.log.warn({ siteId, status, reason }, 'site status changed');
    if (status === 'up') this.wake();
  }

  /** Places a task whose site went down; null = nothing fits now (it waits in its queue). */
  private async replace(taskId: string, reason: string): Promise<string | null> {
    const siteId = await this.mutex.run(async () => {
      this.drainInbox();
      let task = this.awaitingReplace.get(taskId);
      this.awaitingReplace.delete(taskId);
      if (!task) {
        const rec = await getTask(this.store, taskId);
        if (!rec) return null;
        task = taskOf(rec);
      }
      this.releaseTask(taskId);
      const d = this.scheduler.place(task, { reserve: true });
      if (!('siteId' in d)) {
        this.scheduler.submit(task);
        this.log.warn({ taskId, reason: d.reason }, 'no site can take the task now; it waits in its queue');
        return null;
      }
      await this.store.tx(async (sql) => {
        await supersedePlacement(sql, taskId);
        await recordPlacement(sql, { ...d, explanation: `${d.explanation} (re-placed: ${reason})` });
      });
      return d.siteId;
    });
    if (siteId === null) this.wake();
    return siteId;
  }

  private async taskEnded(taskId: string, _state: TaskState, atS: number): Promise<void> {
    await this.mutex.run(async () => {
      this.lastReason.delete(taskId);
      this.releaseTask(taskId, atS);
    });
    this.wake();
  }

  // ---- rebuilding from the store ---------------------------------------------

  /** (Re)creates world, book and scheduler from the store: sites, active placements, queued tasks. */
  private async rebuild(): Promise<void> {
    await this.mutex.run(async () => {
      const sites = (await listAllSites(this.store)).map(siteOf);
      const [hubs, clusters, cities, pairings] = [
        await listHubs(this.store),
        await listClusters(this.store),
        await listCities(this.store),
        await listPairings(this.store),
      ];
      this.world = worldFromTopology({ hubs, clusters, cities, sites, pairings });
      this.book = new ReservationBook(sites);
      this.scheduler = new Scheduler({
        world: this.world,
        profile: this.profile,
        clock: this.clock,
        capacity: this.book,
        ...(this.opts.fairShare && { fairShare: this.opts.fairShare }),
      });
      const adopted = await this.adoptActive(this.store, sites);
      const queued = await this.queuedFromStore();
      for (const t of queued) {
        if (this.awaitingReplace.has(t.id)) continue;
        try {
          this.scheduler.submit(t);
        } catch (e) {
          // a task the current topology cannot take (e.g. its origin was removed) stays queued with the reason
          const reason = e instanceof Error ? e.message : String(e);
          await this.store.query(`UPDATE tasks SET state_reason = $2 WHERE id = $1 AND state = 'queued'`, [
            t.id,
            reason,
          ]);
        }
      }
      this.log.info({ sites: sites.length, adopted, queued: queued.length }, 'scheduler rebuilt from the store');
    });
  }

  /** Books the capacity of every placed, dispatched or running task at its current placement. */
  private async adoptActive(sql: Sql, sites: readonly Site[]): Promise<number> {
    const rows = await sql.query<{ id: string }>(`SELECT id FROM tasks WHERE state = ANY($1) ORDER BY id`, [
      ACTIVE_TASK_STATES,
    ]);
    let adopted = 0;
    for (const { id } of rows) {
      const [rec, p] = [await getTask(sql, id), await currentPlacement(sql, id)];
      if (!rec || !p) continue;
      const s = this.book.siteIndex(p.siteId);
      if (s < 0) continue;
      const task = taskOf(rec);
      const pool = gpuPoolFor(sites[s]!, task);
      // held to its time limit at least: a job is killed past it, and may well run until then
      const limitS = p.startS + timeLimitS(task);
      const endS = Math.max(p.endS, limitS, this.clock.nowS() + 1);
      try {
        this.book.reserve(id, s, task.resources, pool, p.startS, endS);
        adopted++;
      } catch (e) {
        this.log.warn({ taskId: id, siteId: p.siteId, err: String(e) }, 'active task no longer fits its site');
      }
    }
    return adopted;
  }

  private async queuedFromStore(): Promise<Task[]> {
    const rows = await this.store.query<{ spec: Task }>(
      `SELECT spec FROM tasks WHERE state = 'queued' ORDER BY id LIMIT $1`,
      [QUEUED_LIMIT],
    );
    return rows.map((r) => (typeof r.spec === 'string' ? (JSON.parse(r.spec) as Task) : r.spec));
  }

  /** Gives back a task's capacity wherever the scheduler or the book holds it. */
  private releaseTask(taskId: string, atS?: number): void {
    try {
      if (atS === undefined) this.scheduler.cancel(taskId);
      else this.scheduler.complete(taskId, atS);
      return;
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
    }
    // adopted at start (booked directly), or queued: the book may still hold it
    if (atS === undefined) this.book.release(taskId);
    else this.book.release(taskId, atS);
  }
}

/** The GPU pool an adopted task was booked on: the first that matches its model and size. */
export function gpuPoolFor(site: Site, task: Task): number {
  const r = task.resources;
  if (r.gpus <= 0) return -1;
  const pools = site.capacity.gpus;
  const ok = (i: number) => {
    const g = pools[i]!;
    return (
      (!r.gpuModel || g.model === r.gpuModel) &&
      (r.minGpuFp16Tflops === undefined || g.fp16Tflops >= r.minGpuFp16Tflops) &&
      g.count >= r.gpus
    );
  };
  for (let i = 0; i < pools.length; i++) if (ok(i)) return i;
  return -1;
}
