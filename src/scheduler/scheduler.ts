/**
 * The scheduler core: queue order → filter → score → reserve → bind, one task
 * at a time (greedy profiles) or a whole cycle at once (HiGHS). It reads time
 * only from its Clock and capacity only from its CapacityView, so the live
 * platform and the simulator run exactly this code.
 */
import type { Clock } from '../domain/clock.js';
import { DomainError, invalid, notFound } from '../domain/errors.js';
import type { Placement, Rejection, Unplaced } from '../domain/placement.js';
import type { SiteStatus } from '../domain/site.js';
import { type Task, timeLimitS } from '../domain/task.js';
import { type BatchItem, buildBatch } from './batch.js';
import type { CapacityView } from './capacity.js';
import { ClassIndex } from './class-index.js';
import { unplacedReason } from './explain.js';
import { weightedStatic, weightedTotal } from './objective.js';
import { type AssignmentResult, type SolveOptions, solveAssignment } from './optimal/index.js';
import {
  PlacementStory,
  PlacementWithStory,
  STORY,
  type StoryContext,
  type StoryPlacement,
} from './placement-record.js';
import { buildPlan, PlanCache, startTimes, taskEnv, type Weighting, weightingOf } from './plan.js';
import { FILTER_PLUGINS } from './plugins/index.js';
import { priorityQueueOrder } from './plugins/queue-order.js';
import type { ClassPlan, FilterContext, TaskEnv } from './plugins/types.js';
import { profileFor } from './profiles/index.js';
import { type PolicyName, type Profile, validateProfile } from './profiles/profile.js';
import { FairShareHeap, type FairShareOptions, TenantQueues, validateFairShare } from './queues.js';
import { PLAN_EPOCH_S } from './references.js';
import { checkStatus, SiteTable, STATUS_DOWN, STATUS_UP } from './site-table.js';
import { validateTask } from './validate-task.js';
import { type Choice, IndexedCapacity, TOP_K, Walker } from './walk.js';
import type { SchedulerWorld } from './world.js';

export interface SchedulerOptions {
  world: SchedulerWorld;
  profile: Profile | PolicyName;
  clock: Clock;
  capacity: CapacityView;
  fairShare?: FairShareOptions;
  /** HiGHS settings for 'highs' profiles (default: 10 s, k-best 10). */
  solver?: SolveOptions;
  /** Largest batch handed to HiGHS per cycle; the rest of the cycle is placed greedily. */
  maxBatchTasks?: number;
}

export interface CycleResult {
  placed: Placement[];
  /** Every task still queued after the cycle, with why it was not placed. */
  waiting: Unplaced[];
}

/** The scheduler's work so far (`Scheduler.stats()`; the platform's /metrics read it). */
export interface SchedulerWork {
  plans: number;
  sharedPlans: number;
  walks: number;
  visited: number;
  loads: number;
  tries: number;
  checks: number;
}

/** What a HiGHS cycle reports besides the placements. */
export interface BatchReport {
  tasks: number;
  status: AssignmentResult['status'];
  objective: number;
  lowerBound: number;
  seconds: number;
}

/** How far an overrunning task's booking is carried past its time limit at a time. */
export const OVERRUN_STEP_S = 300;

type Decision = { ok: true; env: TaskEnv; top: Choice[] } | { ok: false; unplaced: Unplaced };

/** How often the capacity view is told to drop the past, simulated seconds. */
const FORGET_EVERY_S = 600;

/** Plans kept at most (a cache of task classes; cleared when full). */
const MAX_PLANS = 50_000;

export class Scheduler {
  readonly profile: Profile;
  private table: SiteTable;
  private readonly world: SchedulerWorld;
  private readonly clock: Clock;
  private readonly capacity: CapacityView;
  private readonly capIndex: Int32Array;
  private readonly fair: Required<FairShareOptions>;
  private readonly w: Weighting;
  private walker: Walker;
  private stories: StoryContext;
  private readonly plans = new ClassIndex();
  private cache: PlanCache;
  private planEpoch = Number.NaN;
  private readonly queues = new TenantQueues(priorityQueueOrder);
  /** Placed and not completed, by task id: each placement's story keeps its task and booked end. */
  private readonly held = new Map<string, StoryPlacement>();
  private readonly active = new Map<string, number>();
  private readonly lastWhy = new Map<string, Unplaced>();
  private readonly solver: SolveOptions;
  private readonly maxBatchTasks: number;
  /** The last HiGHS cycle's solver figures. */
  lastBatch: BatchReport | undefined;
  /** sharedPlans: of plan caches replaced by invalidate() (the live cache counts its own). */
  private readonly counters = { plans: 0, sharedPlans: 0, walks: 0, visited: 0, loads: 0, tries: 0, checks: 0 };
  private forgotAtS = Number.NEGATIVE_INFINITY;

  constructor(opts: SchedulerOptions) {
    if (!opts || typeof opts !== 'object') throw invalid('options', 'must be an object');
    if (!opts.world || !Array.isArray(opts.world.sites)) throw invalid('world.sites', 'must be an array of sites');
    if (!opts.clock || typeof opts.clock.nowS !== 'function') throw invalid('clock', 'must have nowS()');
    if (!opts.capacity) throw invalid('capacity', 'is required');
    this.profile = typeof opts.profile === 'string' ? profileFor(opts.profile) : validateProfile(opts.profile);
    this.world = opts.world;
    this.clock = opts.clock;
    this.capacity = opts.capacity;
    this.fair = validateFairShare(opts.fairShare);
    this.solver = opts.solver ?? {};
    this.maxBatchTasks = opts.maxBatchTasks ?? 20_000;
    if (!(Number.isInteger(this.maxBatchTasks) && this.maxBatchTasks >= 1)) {
      throw invalid('maxBatchTasks', `must be an integer ≥ 1, got ${opts.maxBatchTasks}`);
    }
    this.table = new SiteTable(opts.world);
    this.capIndex = Int32Array.from(opts.world.sites, (s) => {
      const i = opts.capacity.siteIndex(s.id);
      if (i < 0) throw invalid('capacity', `capacity view does not know site '${s.id}'`);
      return i;
    });
    this.w = weightingOf(this.profile);
    this.cache = new PlanCache(this.table);
    this.walker = new Walker(this.table, this.capacity, this.w, this.capIndex, this.profile.searchBudget);
    this.stories = { table: this.table, profile: this.profile, w: this.w };
  }

  // ---- the public surface -------------------------------------------------

  /** Validate and enqueue a task in its tenant's queue. */
  submit(task: Task): void {
    validateTask(task, this.table.index);
    if (this.queues.has(task.id) || this.held.has(task.id)) {
      throw new DomainError('conflict', `task '${task.id}' is already queued or placed`);
    }
    this.queues.add(task);
  }

  /** One greedy pass over every queue at clock.nowS(). HiGHS profiles need `cycleAsync()`. */
  cycle(): CycleResult {
    if (this.profile.mode === 'highs') {
      throw new DomainError(
        'bad_request',
        `profile '${this.profile.name}' solves each cycle with HiGHS, which is asynchronous: call cycleAsync()`,
      );
    }
    return this.greedyCycle();
  }

  /** One pass of any profile: greedy ones as cycle(), 'highs' ones as one solved batch. */
  async cycleAsync(): Promise<CycleResult> {
    if (this.profile.mode === 'greedy') return this.greedyCycle();
    return this.batchCycle();
  }

  /**
   * Decide one task now, outside the queues. A preview by default: nothing is
   * booked. With `{reserve: true}` the decision is also booked (reserve + bind).
   */
  place(task: Task, opts: { reserve?: boolean } = {}): Placement | Unplaced {
    validateTask(task, this.table.index);
    if (opts.reserve && (this.held.has(task.id) || this.queues.has(task.id))) {
      throw new DomainError('conflict', `task '${task.id}' is already queued or placed`);
    }
    const now = this.now();
    if (opts.reserve) this.forgetPast(now);
    const d = this.decide(task, now);
    if (!d.ok) return d.unplaced;
    const p = this.toPlacement(task, d.env, d.top, now);
    if (opts.reserve) this.commit(task, d.top[0]!, p);
    return p;
  }

  /** The task ended at `atS` (early or late): give back what it still holds. */
  complete(taskId: string, atS: number): void {
    if (!Number.isFinite(atS)) throw invalid('atS', `must be a finite time, got ${atS}`);
    const h = this.held.get(taskId);
    if (!h) {
      if (this.queues.has(taskId))
        throw new DomainError('conflict', `task '${taskId}' is queued, not placed: cancel it`);
      throw notFound('placed task', taskId);
    }
    this.release(h, atS);
  }

  /**
   * Placed tasks still held at or past their booked end are still running (nothing completed them):
   * keep their capacity booked — to their time limit (start + estimatedDurationS), past that
   * `stepS` at a time — so new work does not land on resources in use. The live platform calls this
   * every cycle (a simulator completes its tasks on time and need not). Returns the ids extended.
   */
  holdOverruns(stepS = OVERRUN_STEP_S): string[] {
    if (!(Number.isFinite(stepS) && stepS > 0)) throw invalid('stepS', `must be a time > 0, got ${stepS}`);
    const extend = this.capacity.extend?.bind(this.capacity);
    if (!extend) return [];
    const now = this.now();
    const ids: string[] = [];
    for (const [id, p] of this.held) {
      const h = p[STORY];
      if ((h.overrunEndS ?? p.endS) > now) continue;
      const limitS = p.startS + timeLimitS(h.task);
      const untilS = limitS > now ? limitS : now + stepS;
      extend(id, untilS);
      h.overrunEndS = untilS;
      ids.push(id);
    }
    return ids;
  }

  /** Remove a queued task, or release a placed one from now on. */
  cancel(taskId: string): void {
    if (this.queues.remove(taskId)) {
      this.lastWhy.delete(taskId);
      return;
    }
    const h = this.held.get(taskId);
    if (!h) throw notFound('task', taskId);
    this.release(h, this.now());
  }

  /**
   * Mark a site up, draining (keeps its work, takes no new work) or down. A
   * site going down gives back every task it held; they return to their queues
   * to be placed elsewhere. Returns the ids of the re-queued tasks.
   */
  setSiteStatus(siteId: string, status: SiteStatus): string[] {
    const s = this.table.index.siteIndex.get(siteId);
    if (s === undefined) throw notFound('site', siteId);
    this.table.setStatus(s, checkStatus(status));
    if (this.table.status[s] !== STATUS_DOWN) return [];
    const now = this.now();
    // a site going down is rare: one scan of the held tasks beats an index kept at every placement
    const ids: string[] = [];
    for (const [id, p] of this.held) if (p[STORY].site(0) === s) ids.push(id);
    ids.sort();
    for (const id of ids) {
      const p = this.held.get(id)!;
      this.release(p, now);
      this.queues.add(p[STORY].task);
    }
    return ids;
  }

  queued(): readonly Task[] {
    return this.queues.all();
  }

  /** Placements booked and not yet completed or cancelled. */
  placements(): Placement[] {
    return [...this.held.values()].sort((a, b) => (a.taskId < b.taskId ? -1 : 1));
  }

  placement(taskId: string): Placement | undefined {
    return this.held.get(taskId);
  }

  /** Why a queued task waited in the last cycle. */
  why(taskId: string): Unplaced | undefined {
    return this.lastWhy.get(taskId);
  }

  /**
   * Work done so far: task classes planned (and how many of them shared another class's plan), walks,
   * candidates visited, site loads read, (candidate, start) pairs scored and runs checked for room
   * (benchmarks, metrics).
   */
  stats(): SchedulerWork {
    return { ...this.counters, sharedPlans: this.counters.sharedPlans + this.cache.sharedCount };
  }

  /** Tasks waiting in the queues, and placements held (booked, not completed or cancelled). */
  counts(): { queued: number; held: number } {
    return { queued: this.queues.size, held: this.held.size };
  }

  /** Placed and unfinished tasks of a tenant. */
  activeCount(tenantId: string): number {
    return this.active.get(tenantId) ?? 0;
  }

  /**
   * Every site with the first filter that removes it for this task now (null
   * = eligible): the full story behind an Unplaced, for the API and the UI.
   * Slow (every filter on every site); decisions never call it.
   */
  explainSites(task: Task): { siteId: string; filter: string | null; reason: string | null }[] {
    validateTask(task, this.table.index);
    const now = this.now();
    const plan = this.planFor(task, now);
    const env = taskEnv(task, plan, this.table, now, this.w);
    const ctx: FilterContext = {
      table: this.table,
      origin: plan.origin,
      rtt: plan.rtt,
      nowS: now,
      capacity: new IndexedCapacity(this.capacity, this.capIndex),
      startsS: startTimes(task, env.readyS, this.profile),
    };
    return this.table.sites.map((site, i) => {
      for (const name of this.profile.filters) {
        const reason = FILTER_PLUGINS[name]!.check(task, site, i, ctx);
        if (reason !== null) return { siteId: site.id, filter: name, reason };
      }
      return { siteId: site.id, filter: null, reason: null };
    });
  }

  /**
   * Site facts changed (prices, PUE, compliance, capacity, grid profiles):
   * forget every cached task class. Live statuses are kept.
   */
  invalidate(): void {
    const status = this.table.status.slice();
    this.table = new SiteTable(this.world);
    this.table.status.set(status);
    this.walker = new Walker(this.table, this.capacity, this.w, this.capIndex, this.profile.searchBudget);
    // stories told so far keep the table they were decided on
    this.stories = { table: this.table, profile: this.profile, w: this.w };
    this.counters.sharedPlans += this.cache.sharedCount;
    this.cache = new PlanCache(this.table);
    this.plans.clear();
  }

  // ---- cycles -----------------------------------------------------------------

  /** Let the capacity view drop history, at most once every FORGET_EVERY_S (each drop moves a site's rows). */
  private forgetPast(now: number): void {
    if (now - this.forgotAtS < FORGET_EVERY_S) return;
    this.forgotAtS = now;
    this.capacity.forgetBefore?.(now);
  }

  private now(): number {
    const now = this.clock.nowS();
    if (!Number.isFinite(now)) throw new DomainError('unavailable', `clock returned ${now}`);
    return now;
  }

  private limitUnplaced(task: Task): Unplaced {
    const n = this.activeCount(task.tenantId);
    return {
      taskId: task.id,
      reason: `Tenant '${task.tenantId}' already has ${n} placed, unfinished tasks (limit ${this.fair.maxRunningPerTenant}).`,
      rejections: [],
      removedByFilter: {},
    };
  }

  private keyOf(tenant: string): number {
    return this.activeCount(tenant) / (this.fair.tenantWeights[tenant] ?? 1);
  }

  /** Visit queued tasks in fair-share order; `visit` returns true when it placed the task. */
  private fairOrder(visit: (task: Task) => boolean, limited: (task: Task) => void): void {
    const heap = new FairShareHeap();
    const cursor = new Map<string, number>();
    for (const t of this.queues.tenants()) {
      cursor.set(t, 0);
      heap.push(t, this.keyOf(t));
    }
    for (let tenant = heap.pop(); tenant !== undefined; tenant = heap.pop()) {
      const q = this.queues.queueOf(tenant);
      let i = cursor.get(tenant)!;
      if (this.activeCount(tenant) >= this.fair.maxRunningPerTenant) {
        for (; i < q.length; i++) limited(q[i]!);
        continue;
      }
      visit(q[i]!);
      cursor.set(tenant, ++i);
      if (i < q.length) heap.push(tenant, this.keyOf(tenant));
    }
  }

  private greedyCycle(): CycleResult {
    const now = this.now();
    this.forgetPast(now);
    const placed: Placement[] = [];
    const waiting: Unplaced[] = [];
    const memo = new Map<ClassPlan, { readyS: number; durationS: number; unplaced: Unplaced }>();
    this.fairOrder(
      (task) => {
        const d = this.decide(task, now, memo);
        if (!d.ok) {
          waiting.push(d.unplaced);
          return false;
        }
        const p = this.toPlacement(task, d.env, d.top, now);
        this.commit(task, d.top[0]!, p);
        placed.push(p);
        return true;
      },
      (task) => waiting.push(this.limitUnplaced(task)),
    );
    return this.finishCycle(placed, waiting);
  }

  private finishCycle(placed: Placement[], waiting: Unplaced[]): CycleResult {
    this.queues.removeAll(placed.map((p) => p.taskId));
    for (const p of placed) this.lastWhy.delete(p.taskId);
    for (const u of waiting) this.lastWhy.set(u.taskId, u);
    return { placed, waiting };
  }

  private async batchCycle(): Promise<CycleResult> {
    const now = this.now();
    this.forgetPast(now);
    const placed: Placement[] = [];
    const waiting: Unplaced[] = [];
    // fair share and tenant limits pick the batch: each tenant up to its remaining allowance
    const batch: Task[] = [];
    const allowance = new Map<string, number>();
    this.fairOrder(
      (task) => {
        const left = allowance.get(task.tenantId) ?? this.fair.maxRunningPerTenant - this.activeCount(task.tenantId);
        if (left <= 0) waiting.push(this.limitUnplaced(task));
        else batch.push(task);
        allowance.set(task.tenantId, left - 1);
        return false;
      },
      (task) => waiting.push(this.limitUnplaced(task)),
    );
    const items: BatchItem[] = [];
    const overflow: Task[] = [];
    for (const task of batch) {
      if (items.length >= this.maxBatchTasks) {
        overflow.push(task);
        continue;
      }
      const d = this.decideStatic(task, now);
      if ('unplaced' in d) waiting.push(d.unplaced);
      else items.push(d);
    }
    let result: AssignmentResult | undefined;
    let built: ReturnType<typeof buildBatch> | undefined;
    // an empty batch is trivially solved
    this.lastBatch = { tasks: 0, status: 'optimal', objective: 0, lowerBound: 0, seconds: 0 };
    if (items.length > 0) {
      built = buildBatch(items, this.table, this.capacity, this.capIndex, this.w);
      result = await solveAssignment(built.problem, this.solver);
      this.lastBatch = {
        tasks: items.length,
        status: result.status,
        objective: result.objective,
        lowerBound: result.lowerBound,
        seconds: result.seconds,
      };
    }
    // book the solver's assignment first (it was solved as a whole), then walk greedily for what it left out
    const rest: Task[] = [];
    items.forEach((it, t) => {
      const col = result!.assignment[t]!;
      let choice: Choice | null = null;
      if (col >= 0) {
        const e = built!.problem.candidates[t]!.site.indexOf(col);
        choice = this.solverChoice(it, built!.siteOfColumn[col]!, built!.choices.startS[t]![e]!);
      }
      if (!choice) {
        rest.push(it.task);
        return;
      }
      const d = this.decide(it.task, now);
      const others = d.ok ? d.top.filter((c) => c.site !== choice.site) : [];
      const p = this.toPlacement(it.task, it.env, [choice, ...others].slice(0, TOP_K), now);
      p.explanation = `HiGHS batch of ${items.length} (${result!.status}): ${p.explanation}`;
      this.commit(it.task, choice, p);
      placed.push(p);
    });
    for (const task of [...rest, ...overflow]) {
      const d = this.decide(task, now);
      if (!d.ok) {
        waiting.push(d.unplaced);
        continue;
      }
      const p = this.toPlacement(task, d.env, d.top, now);
      this.commit(task, d.top[0]!, p);
      placed.push(p);
    }
    return this.finishCycle(placed, waiting);
  }

  /**
   * The solver's site as a Choice: its start, in the best GPU pool there that
   * still has room (the batch model pools a site's GPUs, so the pool is ours to pick).
   */
  private solverChoice(it: BatchItem, site: number, startS: number): Choice | null {
    const env = it.env;
    const plan = env.plan;
    let best: Choice | null = null;
    for (let c = 0; c < plan.n; c++) {
      if (plan.site[c] !== site) continue;
      const pool = plan.pool[c]!;
      const ci = this.capIndex[site]!;
      if (!this.capacity.fits(ci, it.task.resources, pool, startS, startS + env.durationS)) continue;
      const share = this.capacity.loadShare(ci, it.task.resources, pool, env.readyS);
      const staticTotal = weightedStatic(env, c, startS, this.w);
      const total = weightedTotal(env, c, startS, staticTotal, share, this.w);
      // equal totals: the lower pool, whatever the plan's numbering of its candidates
      if (best === null || staticTotal < best.staticTotal || (staticTotal === best.staticTotal && pool < best.pool))
        best = { cand: c, site, pool, startS, total, staticTotal, share };
    }
    return best;
  }

  // ---- one decision -------------------------------------------------------------

  private planFor(task: Task, now: number): ClassPlan {
    const epoch = Math.floor(now / PLAN_EPOCH_S);
    if (this.plans.size >= MAX_PLANS) this.plans.clear();
    if (epoch !== this.planEpoch) {
      // a plan's bounds hold over its horizon (CARBON_HORIZON_S from its epoch's start, checked by the walk), so
      // last epoch's plans stay exact through this one — rebuilding every class at each boundary only cost time
      this.plans.dropStartingBefore((epoch - 1) * PLAN_EPOCH_S);
      this.cache.clear();
      this.planEpoch = epoch;
    }
    let plan = this.plans.get(task);
    if (!plan) {
      plan = buildPlan(task, this.cache, this.profile, this.w, now);
      this.plans.add(plan);
      this.counters.plans++;
    }
    return plan;
  }

  /** Static part of a decision (plan, env, start times, deadline): what a batch needs per task. */
  private decideStatic(task: Task, now: number): BatchItem | { unplaced: Unplaced } {
    const plan = this.planFor(task, now);
    const env = taskEnv(task, plan, this.table, now, this.w);
    if (task.deadlineS !== null && env.readyS + env.durationS > task.deadlineS) {
      return { unplaced: this.deadlineUnplaced(task, plan, env) };
    }
    if (plan.n === 0) return { unplaced: this.unplaced(task, plan, {}, []) };
    return { task, env, starts: startTimes(task, env.readyS, this.profile) };
  }

  private decide(
    task: Task,
    now: number,
    memo?: Map<ClassPlan, { readyS: number; durationS: number; unplaced: Unplaced }>,
  ): Decision {
    const d = this.decideStatic(task, now);
    if ('unplaced' in d) return { ok: false, unplaced: d.unplaced };
    const { env, starts } = d;
    // within one cycle capacity only shrinks: a longer run of the same class from the same time cannot fit either
    const single = starts.length === 1;
    if (memo && single) {
      const m = memo.get(env.plan);
      if (m && m.readyS === env.readyS && env.durationS >= m.durationS) {
        return { ok: false, unplaced: { ...m.unplaced, taskId: task.id } };
      }
    }
    const r = this.walker.walk(env, starts);
    this.counters.walks++;
    this.counters.visited += r.visited;
    this.counters.loads += r.loads;
    this.counters.tries += r.tries;
    this.counters.checks += r.checks;
    if (r.top.length > 0) return { ok: true, env, top: r.top };
    const unplaced = this.unplaced(task, env.plan, r.removedByFilter, r.samples);
    if (memo && single) {
      const m = memo.get(env.plan);
      if (!m || m.readyS !== env.readyS || env.durationS < m.durationS) {
        memo.set(env.plan, { readyS: env.readyS, durationS: env.durationS, unplaced });
      }
    }
    return { ok: false, unplaced };
  }

  private unplaced(
    task: Task,
    plan: ClassPlan,
    dynamicRemoved: Record<string, number>,
    dynamicSamples: Rejection[],
  ): Unplaced {
    const removedByFilter: Record<string, number> = { ...plan.removedByFilter };
    for (const [f, n] of Object.entries(dynamicRemoved)) removedByFilter[f] = (removedByFilter[f] ?? 0) + n;
    const rejections = [...plan.samples, ...dynamicSamples];
    return {
      taskId: task.id,
      reason: unplacedReason(removedByFilter, rejections, this.table.n),
      rejections,
      removedByFilter,
    };
  }

  private deadlineUnplaced(task: Task, plan: ClassPlan, env: TaskEnv): Unplaced {
    const seen = new Set<number>();
    let down = 0;
    for (let c = 0; c < plan.n; c++) {
      const s = plan.site[c]!;
      if (seen.has(s)) continue;
      seen.add(s);
      if (this.table.status[s] !== STATUS_UP) down++;
    }
    const removed: Record<string, number> = {};
    if (down > 0) removed['site-health'] = down;
    if (plan.siteCount - down > 0) removed.deadline = plan.siteCount - down;
    const ctx: FilterContext = { table: this.table, origin: plan.origin, rtt: plan.rtt, nowS: env.readyS };
    const first = plan.n > 0 ? plan.site[0]! : 0;
    const reason =
      FILTER_PLUGINS.deadline!.check(task, this.table.sites[first]!, first, ctx) ?? 'cannot finish in time';
    const samples: Rejection[] =
      plan.n > 0 ? [{ siteId: this.table.sites[first]!.id, filter: 'deadline', reason }] : [];
    return this.unplaced(task, plan, removed, samples);
  }

  /**
   * The decision as a Placement. Its score, runners-up and sentence are built
   * when first read (most placements are never looked at), from values fixed
   * at decision time.
   */
  private toPlacement(task: Task, env: TaskEnv, top: Choice[], now: number): StoryPlacement {
    const best = top[0]!;
    return new PlacementWithStory(
      task.id,
      this.table.sites[best.site]!.id,
      best.startS,
      best.startS + task.durationS,
      this.profile.name,
      now,
      new PlacementStory(this.stories, task, env.plan, now, top),
    );
  }

  // ---- booking ---------------------------------------------------------------------

  private commit(task: Task, choice: Choice, placement: StoryPlacement): void {
    this.capacity.reserve(
      task.id,
      this.capIndex[choice.site]!,
      task.resources,
      choice.pool,
      placement.startS,
      placement.endS,
    );
    this.held.set(task.id, placement);
    this.active.set(task.tenantId, this.activeCount(task.tenantId) + 1);
  }

  private release(p: StoryPlacement, atS: number): void {
    const task = p[STORY].task;
    this.capacity.release(task.id, atS);
    this.held.delete(task.id);
    const n = this.activeCount(task.tenantId) - 1;
    if (n > 0) this.active.set(task.tenantId, n);
    else this.active.delete(task.tenantId);
  }
}
