/**
 * The dispatch loop: placed tasks become jobs on their sites' backends, and
 * what the backends report flows back into the store (tasks.state +
 * task_events, job rows, usage records).
 *
 * One tick:
 *   1. sites marked down are pinged; one that answers again is marked up and
 *      the copies the platform gave up on there are cancelled (no task completes twice);
 *   2. live jobs are polled per site; a site that keeps failing for `downAfterS` is
 *      marked down and its tasks are re-placed (the `replace` hook) and resubmitted;
 *   3. tasks cancelled in the store get their jobs cancelled;
 *   4. jobs are submitted with bounded concurrency: rows whose outcome is unknown
 *      (a crash or a timeout between submit and recording) are first looked up by
 *      their deterministic name; due retries; then newly placed tasks.
 *
 * Submission is write-ahead: the job row is inserted (state 'submitting') before
 * the backend is called, under a unique index that allows one live job per task.
 * After a restart `reconcile()` (the first tick) finds every job again. Loops
 * sharing a store leave each other's in-flight rows alone (submitGraceS) and
 * take a row to redo by a conditional update (claimRow): one of them wins.
 */
import type { Clock } from '../domain/clock.js';
import { systemClock } from '../domain/clock.js';
import { DomainError, invalid, notFound } from '../domain/errors.js';
import type { Site } from '../domain/site.js';
import { type Task, type TaskState, timeLimitS } from '../domain/task.js';
import { statesBefore } from '../domain/task-lifecycle.js';
import type { Sql, Store } from '../store/index.js';
import { fromJson } from '../store/repos/json.js';
import {
  type Backend,
  BackendError,
  errText,
  isTerminalJobState,
  type JobRef,
  type JobSpec,
  type JobStatus,
  jobName,
  type OutputChunk,
} from './backend.js';
import { FailureDetector, type SiteHealth } from './failure-detector.js';
import {
  claimRow,
  insertJobRow,
  insertNextAttempts,
  insertUsage,
  type JobRow,
  jobRowsOfTask,
  liveJobRows,
  markSubmitted,
  refOf,
  supersedeSiteRows,
  updateJobRow,
  updateJobRowWithTask,
} from './job-rows.js';
import type { BackendSource } from './registry.js';
import {
  loadSite,
  loadTask,
  noteTask,
  placedTasksToSubmit,
  taskStates,
  tasksOnSite,
  transitionTask,
} from './task-rows.js';
import { usageOf } from './usage.js';

export interface DispatchHooks {
  /**
   * Re-place a task whose site stopped answering (within its rules: the lead
   * wires this to the scheduler, which records the new placement). Returns the
   * new site id, or null when no site can take it now (the task goes back to
   * 'queued'). The loop moves the task to 'placed' on that site and submits it.
   */
  replace(taskId: string, reason: string): Promise<string | null>;
  /** A site was marked down or up again (e.g. scheduler.setSiteStatus + the sites table). */
  siteStatus?(siteId: string, status: 'up' | 'down', reason: string): Promise<void> | void;
  /** A task reached an end state (e.g. scheduler.complete to give back its capacity). */
  taskEnded?(taskId: string, state: TaskState, atS: number): Promise<void> | void;
}

export interface DispatchLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DispatchLoopOptions {
  store: Store;
  backends: BackendSource;
  hooks: DispatchHooks;
  clock?: Clock;
  /** Site by id; default: the sites table. */
  sites?: (siteId: string) => Promise<Site | null> | Site | null;
  /** Submissions in flight at once (default 16). */
  submitConcurrency?: number;
  /** Placed tasks taken per tick (default 1000). */
  batchSize?: number;
  /** Attempts of a task after retryable failures (node failure, launch failure, lost job), default 3. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to maxBackoffS (defaults 5 s, 300 s). */
  retryBackoffS?: number;
  maxBackoffS?: number;
  /** A site failing continuously this long is marked down (default 30 s). */
  downAfterS?: number;
  /**
   * A job row being handed to its backend by some loop is left to it this long (default 10 s); after
   * that it counts as left behind by a loop that died, and is looked up by name and submitted again.
   */
  submitGraceS?: number;
  /** Pause between ticks (default 1000 ms). */
  pollIntervalMs?: number;
  /** Minimum time between two status polls of one site (default: pollIntervalMs). */
  statusIntervalMs?: number;
  log?: DispatchLogger;
}

export interface TickReport {
  submitted: number;
  found: number;
  updated: number;
  ended: number;
  retried: number;
  failedToSubmit: number;
  cancelled: number;
  replaced: number;
  sitesDown: string[];
  sitesRecovered: string[];
  errors: string[];
}

/** Output of a task's latest job, with which job it was. */
export interface TaskLogs extends OutputChunk {
  taskId: string;
  attempt: number;
  siteId: string;
  backend: string;
  cluster: string;
  jobId: string | null;
}

const ACTIVE_TASK_STATES: readonly TaskState[] = ['placed', 'dispatched', 'running'];
const silent: DispatchLogger = { info() {}, warn() {}, error() {} };

export class DispatchLoop {
  private readonly store: Store;
  private readonly backends: BackendSource;
  private readonly hooks: DispatchHooks;
  private readonly clock: Clock;
  private readonly siteLookup: (siteId: string) => Promise<Site | null>;
  private readonly detector: FailureDetector;
  private readonly log: DispatchLogger;
  private readonly submitConcurrency: number;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly retryBackoffS: number;
  private readonly maxBackoffS: number;
  private readonly submitGraceS: number;
  private readonly pollIntervalMs: number;
  private readonly statusIntervalMs: number;
  /** The passes, one after another. */
  private chain: Promise<void> = Promise.resolve();
  private kicked: Promise<TickReport> | null = null;
  /** When each site's jobs were last polled (s). */
  private readonly polledAtS = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private siteCache = new Map<string, Site | null>();

  constructor(opts: DispatchLoopOptions) {
    if (!opts?.store) throw invalid('store', 'is required');
    if (!opts.backends) throw invalid('backends', 'is required');
    if (typeof opts.hooks?.replace !== 'function') throw invalid('hooks.replace', 'must be a function');
    this.store = opts.store;
    this.backends = opts.backends;
    this.hooks = opts.hooks;
    this.clock = opts.clock ?? systemClock;
    const lookup = opts.sites;
    this.siteLookup = lookup ? async (id) => (await lookup(id)) ?? null : (id) => loadSite(this.store, id);
    this.submitConcurrency = positiveInt('submitConcurrency', opts.submitConcurrency ?? 16);
    this.batchSize = positiveInt('batchSize', opts.batchSize ?? 1000);
    this.maxAttempts = positiveInt('maxAttempts', opts.maxAttempts ?? 3);
    this.retryBackoffS = nonNegative('retryBackoffS', opts.retryBackoffS ?? 5);
    this.maxBackoffS = nonNegative('maxBackoffS', opts.maxBackoffS ?? 300);
    this.submitGraceS = nonNegative('submitGraceS', opts.submitGraceS ?? 10);
    this.pollIntervalMs = nonNegative('pollIntervalMs', opts.pollIntervalMs ?? 1000);
    this.statusIntervalMs = nonNegative('statusIntervalMs', opts.statusIntervalMs ?? this.pollIntervalMs);
    this.detector = new FailureDetector({
      downAfterS: nonNegative('downAfterS', opts.downAfterS ?? 30),
      clock: this.clock,
    });
    this.log = opts.log ?? silent;
  }

  /** Reconciles with the backends, then ticks every pollIntervalMs until stop(). */
  async start(): Promise<TickReport> {
    if (this.running) throw new DomainError('conflict', 'the dispatch loop is already running');
    this.running = true;
    const first = await this.reconcile();
    this.schedule();
    return first;
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.chain;
  }

  /**
   * After a restart: every job row is matched with its real job (rows whose
   * submission outcome is unknown are looked up by job name before anything is
   * resubmitted), states are brought up to date. It is one full tick.
   */
  reconcile(): Promise<TickReport> {
    return this.tick();
  }

  /** One full pass (see the file comment). Passes never overlap: they run one after another. */
  tick(): Promise<TickReport> {
    return this.enqueue(() => this.runTick(true, true));
  }

  /**
   * Tasks were just placed: submit now instead of at the next tick (a
   * submission-only pass; calls while one waits share it). The runtime calls
   * this after each scheduling cycle, so a task's latency is not the poll interval.
   */
  kick(): Promise<TickReport> {
    this.kicked ??= this.enqueue(() => {
      this.kicked = null;
      return this.runTick(false, false);
    });
    return this.kicked;
  }

  private enqueue(pass: () => Promise<TickReport>): Promise<TickReport> {
    const p = this.chain.then(() => {
      this.siteCache = new Map();
      return pass();
    });
    this.chain = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  /** Health of every site this loop has talked to. */
  health(siteId: string): SiteHealth {
    return this.detector.health(siteId);
  }

  /** Sites currently marked down. */
  downSites(): string[] {
    return this.detector.downSites();
  }

  /**
   * Cancels a task: its state becomes 'cancelled' (from queued, placed,
   * dispatched or running) and its live job is cancelled on the backend now.
   */
  async cancel(taskId: string, reason = 'cancelled by request'): Promise<void> {
    const now = this.clock.nowS();
    const t = await loadTask(this.store, taskId);
    if (!t) throw notFound('task', taskId);
    const moved = await this.store.tx((sql) => transitionTask(sql, taskId, 'cancelled', reason, now));
    if (!moved && t.state !== 'cancelled') {
      throw new DomainError('conflict', `task '${taskId}' is ${t.state}; only an unfinished task can be cancelled`);
    }
    for (const row of await jobRowsOfTask(this.store, taskId)) {
      if (row.state === 'waiting') {
        await updateJobRow(this.store, row, { state: 'cancelled', reason, endedAtS: now }, now);
      } else if (row.jobId && (row.state === 'pending' || row.state === 'running')) {
        await this.requestCancel(row, reason);
      }
    }
    if (moved) await this.hooks.taskEnded?.(taskId, 'cancelled', now);
  }

  /** The output of a task's latest job (or of `attempt`). */
  async logs(taskId: string, opts: { attempt?: number; offset?: number; maxBytes?: number } = {}): Promise<TaskLogs> {
    const rows = await jobRowsOfTask(this.store, taskId);
    if (rows.length === 0) {
      if (!(await loadTask(this.store, taskId))) throw notFound('task', taskId);
      throw new DomainError('not_found', `task '${taskId}' has not been dispatched yet: no job output`);
    }
    const current = rows.filter((r) => !r.superseded);
    const row =
      opts.attempt !== undefined
        ? rows.find((r) => r.attempt === opts.attempt)
        : (current[current.length - 1] ?? rows[rows.length - 1]);
    if (!row) throw new DomainError('not_found', `task '${taskId}' has no attempt ${opts.attempt}`, 'attempt');
    const site = await this.site(row.siteId);
    if (!site) throw notFound('site', row.siteId);
    let chunk: OutputChunk;
    if (!row.jobId && row.state !== 'waiting' && row.state !== 'submitting') {
      throw new DomainError(
        'not_found',
        `task '${taskId}' attempt ${row.attempt} never reached its site: ${row.reason ?? row.state}`,
      );
    }
    if (!row.jobId) chunk = { text: '', sizeBytes: 0, offset: 0, truncated: false };
    else {
      try {
        chunk = await this.backendOf(site).readOutput(refOf(row), { offset: opts.offset, maxBytes: opts.maxBytes });
      } catch (e) {
        if (e instanceof BackendError && e.code === 'rejected') throw new DomainError('validation', e.message);
        throw new DomainError('unavailable', `output of task '${taskId}' is not readable: ${errText(e)}`);
      }
    }
    return {
      ...chunk,
      taskId,
      attempt: row.attempt,
      siteId: row.siteId,
      backend: row.backend,
      cluster: row.cluster,
      jobId: row.jobId,
    };
  }

  /** Every job of a task (attempt history), oldest first. */
  jobs(taskId: string): Promise<JobRow[]> {
    return jobRowsOfTask(this.store, taskId);
  }

  // ---- the tick ------------------------------------------------------------

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.enqueue(() => this.runTick(true, false))
        .catch((e) => this.log.error({ err: errText(e) }, 'dispatch tick failed'))
        .finally(() => this.schedule());
    }, this.pollIntervalMs);
    this.timer.unref?.();
  }

  /** `full`: everything, else submission only; `pollAll`: ignore statusIntervalMs (explicit ticks). */
  private async runTick(full: boolean, pollAll: boolean): Promise<TickReport> {
    const report: TickReport = {
      submitted: 0,
      found: 0,
      updated: 0,
      ended: 0,
      retried: 0,
      failedToSubmit: 0,
      cancelled: 0,
      replaced: 0,
      sitesDown: [],
      sitesRecovered: [],
      errors: [],
    };
    if (full) {
      await this.probeDownSites(report);
      await this.poll(await liveJobRows(this.store), pollAll, report);
      const live = await liveJobRows(this.store);
      await this.cancelRequested(live, report);
      await this.cancelStale(live, report);
    }
    await this.submitAll(report);
    return report;
  }

  /** 1. Down sites that answer again come back; their stale copies are cancelled by cancelStale. */
  private async probeDownSites(report: TickReport): Promise<void> {
    for (const siteId of this.detector.downSites()) {
      const site = await this.site(siteId);
      if (!site) continue;
      try {
        await this.backendOf(site).ping();
      } catch (e) {
        this.detector.observeFailure(siteId, errText(e));
        continue;
      }
      if (this.detector.observeOk(siteId) === 'recovered') {
        report.sitesRecovered.push(siteId);
        this.log.info({ siteId }, 'site answers again');
        await this.hooks.siteStatus?.(siteId, 'up', 'answers again');
      }
    }
  }

  /** 2. Poll every live job, per site; a site's changes are written in one transaction. */
  private async poll(live: JobRow[], pollAll: boolean, report: TickReport): Promise<void> {
    const bySite = groupBy(
      live.filter((r) => r.jobId !== null && (r.state === 'pending' || r.state === 'running')),
      (r) => r.siteId,
    );
    const now = this.clock.nowS();
    await forEachLimit([...bySite], 4, async ([siteId, rows]) => {
      if (this.detector.isDown(siteId)) return;
      // listing a busy cluster's jobs is the expensive call: at most once per statusIntervalMs per site
      const last = this.polledAtS.get(siteId) ?? Number.NEGATIVE_INFINITY;
      if (!pollAll && now - last < this.statusIntervalMs / 1000) return;
      this.polledAtS.set(siteId, now);
      const site = await this.site(siteId);
      if (!site) {
        report.errors.push(`site '${siteId}' of ${rows.length} live job(s) is not in the store`);
        return;
      }
      let statuses: Map<string, JobStatus>;
      try {
        statuses = await this.backendOf(site).status(rows.map(refOf));
      } catch (e) {
        await this.siteFailed(site, e, report);
        return;
      }
      this.detector.observeOk(siteId);
      const changes = rows
        .map((row) => ({ row, status: statuses.get(row.jobId!) ?? this.lostStatus(row) }))
        .filter(({ row, status }) => changed(row, status));
      if (changes.length === 0) return;
      const ended: { taskId: string; state: TaskState; atS: number }[] = [];
      try {
        await this.store.tx(async (sql) => {
          for (const c of changes) await this.apply(sql, c.row, c.status, site, report, ended);
        });
      } catch (e) {
        report.errors.push(`${siteId}: recording ${changes.length} job update(s) failed: ${errText(e)}`);
        this.log.error({ siteId, err: errText(e) }, 'recording job updates failed; retried next tick');
        return;
      }
      report.updated += changes.length;
      for (const e of ended) {
        report.ended++;
        await this.hooks.taskEnded?.(e.taskId, e.state, e.atS);
      }
    });
  }

  /** A backend no longer knows a job it accepted: a retryable failure. */
  private lostStatus(row: JobRow): JobStatus {
    const reason = `job ${row.jobId} is unknown to ${row.backend} cluster ${row.cluster} (lost)`;
    return { ref: refOf(row), state: 'failed', reason, retryable: true, accounting: null };
  }

  /** A job's state as the backend reports it → job row, usage, task state (inside the caller's transaction). */
  private async apply(
    sql: Sql,
    row: JobRow,
    s: JobStatus,
    site: Site,
    report: TickReport,
    ended: { taskId: string; state: TaskState; atS: number }[],
  ): Promise<void> {
    const a = s.accounting;
    const now = this.clock.nowS();
    const terminal = isTerminalJobState(s.state);
    const got = await updateJobRowWithTask(
      sql,
      row,
      {
        state: s.state,
        reason: s.reason,
        retryable: s.retryable,
        startedAtS: a?.startedAtS ?? row.startedAtS,
        endedAtS: terminal ? (a?.endedAtS ?? now) : null,
        outputPath: a?.outputPath ?? row.outputPath,
      },
      now,
    );
    if (!got) return;
    const task = fromJson<Task>(got.taskSpec);
    const taskState = got.taskState as TaskState;
    if (terminal && a && a.startedAtS !== null) {
      await insertUsage(sql, usageOf(task, site, { attempt: row.attempt, ref: s.ref, state: s.state }, a, now));
    }
    // a superseded copy never speaks for its task (read from the row as it is now, not as listed)
    if (got.row.superseded) return;
    const where = `${row.cluster} job ${row.jobId}`;
    switch (s.state) {
      case 'pending':
        return;
      case 'running':
        await transitionTask(sql, row.taskId, 'running', `running as ${where}`, now);
        return;
      case 'succeeded':
      case 'cancelled':
      case 'timed-out': {
        const why = s.state === 'succeeded' ? `${where} completed` : `${where}: ${s.reason ?? s.state}`;
        if (await transitionTask(sql, row.taskId, s.state, why, now)) {
          ended.push({ taskId: row.taskId, state: s.state, atS: a?.endedAtS ?? now });
        }
        return;
      }
      case 'failed': {
        const why = `${where} failed: ${s.reason ?? 'unknown reason'}`;
        if (s.retryable && row.attempt < this.maxAttempts && ACTIVE_TASK_STATES.includes(taskState)) {
          const delayS = this.backoffS(row.attempt);
          const next = row.attempt + 1;
          const msg = `${why}; retrying as attempt ${next} of ${this.maxAttempts} in ${delayS} s`;
          // the task keeps its state (the lifecycle has no way back to dispatched); the event says why
          await noteTask(sql, row.taskId, msg, now);
          await insertJobRow(
            sql,
            {
              taskId: row.taskId,
              attempt: next,
              siteId: row.siteId,
              backend: row.backend,
              cluster: row.cluster,
              jobName: jobName(row.taskId, next),
              state: 'waiting',
              reason: msg,
              notBeforeS: now + delayS,
            },
            now,
          );
          report.retried++;
          return;
        }
        const final = s.retryable ? `${why} (after ${row.attempt} attempt${row.attempt > 1 ? 's' : ''})` : why;
        if (await transitionTask(sql, row.taskId, 'failed', final, now)) {
          ended.push({ taskId: row.taskId, state: 'failed', atS: a?.endedAtS ?? now });
        }
        return;
      }
    }
  }

  /** A site did not answer: count it; past downAfterS it is down and its tasks move. */
  private async siteFailed(site: Site, e: unknown, report: TickReport): Promise<void> {
    const msg = errText(e);
    if (!(e instanceof BackendError) || !e.retryable) {
      // a configuration problem is not an outage; say so and keep trying
      report.errors.push(`${site.id}: ${msg}`);
      this.log.error({ siteId: site.id, err: msg }, 'backend error');
      return;
    }
    if (this.detector.observeFailure(site.id, msg) === 'down') await this.siteDown(site.id, msg, report);
  }

  private async siteDown(siteId: string, cause: string, report: TickReport): Promise<void> {
    const since = this.detector.health(siteId).failingSinceS ?? this.clock.nowS();
    const reason = `site ${siteId} stopped answering for ${Math.round(this.clock.nowS() - since)} s (${cause})`;
    report.sitesDown.push(siteId);
    this.log.warn({ siteId, cause }, 'site marked down');
    await this.hooks.siteStatus?.(siteId, 'down', reason);
    const now = this.clock.nowS();
    await supersedeSiteRows(this.store, siteId, reason, now);
    for (const taskId of await tasksOnSite(this.store, siteId, ACTIVE_TASK_STATES)) {
      await this.replaceTask(taskId, siteId, reason, report);
    }
  }

  /**
   * A task whose site is down goes back to 'queued' (the lifecycle's way back),
   * and, when the replace hook finds it another site, to 'placed' there.
   */
  private async replaceTask(taskId: string, fromSiteId: string, reason: string, report: TickReport): Promise<void> {
    const now = this.clock.nowS();
    const requeued = await this.store.tx((sql) => transitionTask(sql, taskId, 'queued', reason, now, { siteId: null }));
    if (!requeued) return;
    let to: string | null = null;
    try {
      to = await this.hooks.replace(taskId, reason);
    } catch (e) {
      report.errors.push(`replace ${taskId}: ${errText(e)}`);
      this.log.error({ taskId, err: errText(e) }, 're-placement failed; the task stays queued');
    }
    if (!to || to === fromSiteId) return;
    const placed = await this.store.tx((sql) =>
      transitionTask(sql, taskId, 'placed', `re-placed on ${to} (${fromSiteId} is down)`, this.clock.nowS(), {
        siteId: to,
      }),
    );
    if (placed) report.replaced++;
  }

  /** 3. Tasks cancelled in the store (e.g. through the API) whose jobs still run. */
  private async cancelRequested(rows: readonly JobRow[], report: TickReport): Promise<void> {
    const live = rows.filter((r) => !r.superseded && r.cancelRequestedAtS === null);
    const states = await taskStates(this.store, [...new Set(live.map((r) => r.taskId))]);
    const now = this.clock.nowS();
    for (const row of live) {
      if (states.get(row.taskId) !== 'cancelled') continue;
      if (row.state === 'waiting') {
        await updateJobRow(this.store, row, { state: 'cancelled', reason: 'task cancelled', endedAtS: now }, now);
        report.cancelled++;
      } else if (row.jobId && !this.detector.isDown(row.siteId)) {
        if (await this.requestCancel(row, 'task cancelled')) report.cancelled++;
      }
    }
  }

  /** Copies given up on while their site was down: cancel them once the site answers. */
  private async cancelStale(rows: readonly JobRow[], report: TickReport): Promise<void> {
    const stale = rows.filter((r) => r.superseded && r.cancelRequestedAtS === null && !this.detector.isDown(r.siteId));
    const now = this.clock.nowS();
    for (const row of stale) {
      const site = await this.site(row.siteId);
      if (!site) continue;
      let jobId = row.jobId;
      if (!jobId) {
        // it was being submitted when its site went down: did the backend get it?
        try {
          jobId = (await this.backendOf(site).find(row.jobName))?.jobId ?? null;
        } catch (e) {
          await this.siteFailed(site, e, report);
          continue;
        }
        if (!jobId) {
          await updateJobRow(
            this.store,
            row,
            { state: 'cancelled', reason: 'never reached its site', endedAtS: now },
            now,
          );
          continue;
        }
        await updateJobRow(this.store, row, { jobId, state: 'pending' }, now);
      }
      if (await this.requestCancel({ ...row, jobId }, 'stale copy: the task was re-placed while its site was down')) {
        report.cancelled++;
      }
    }
  }

  private async requestCancel(row: JobRow, reason: string): Promise<boolean> {
    const site = await this.site(row.siteId);
    if (!site) return false;
    const now = this.clock.nowS();
    try {
      await this.backendOf(site).cancel(refOf(row));
    } catch (e) {
      if (e instanceof BackendError && e.code === 'not_found') {
        await updateJobRow(
          this.store,
          row,
          { state: 'cancelled', reason: `${reason}; the job was gone`, endedAtS: now },
          now,
        );
        return true;
      }
      this.log.warn({ job: row.jobName, err: errText(e) }, 'cancel failed; will retry');
      return false;
    }
    await updateJobRow(this.store, row, { cancelRequestedAtS: now, reason }, now);
    return true;
  }

  // ---- submission ------------------------------------------------------------

  /**
   * 4. Unknown-outcome rows (looked up first) and due retries, one by one; then
   * newly placed tasks in chunks: one statement records the chunk's intents,
   * the jobs are submitted with bounded concurrency, one statement records the
   * results.
   */
  private async submitAll(report: TickReport): Promise<void> {
    const now = this.clock.nowS();
    const redo: (() => Promise<void>)[] = [];
    for (const row of await liveJobRows(this.store)) {
      if (row.superseded || this.detector.isDown(row.siteId)) continue;
      if (row.notBeforeS !== null && row.notBeforeS > now) continue;
      // in flight (no retry time): some loop is handing it over right now, unless it has been so for too long
      if (row.state === 'submitting' && row.notBeforeS === null && row.updatedAtS > now - this.submitGraceS) continue;
      if (row.state === 'submitting') redo.push(() => this.resubmit(row, true, report));
      else if (row.state === 'waiting') redo.push(() => this.resubmit(row, false, report));
    }
    await forEachLimit(redo, this.submitConcurrency, (w) => w());

    const ready: { task: Task; site: Site; backend: Backend }[] = [];
    for (const p of await placedTasksToSubmit(this.store, now, this.batchSize)) {
      if (this.detector.isDown(p.siteId)) {
        await this.replaceTask(p.task.id, p.siteId, `site ${p.siteId} is down`, report);
        continue;
      }
      const site = await this.site(p.siteId);
      if (!site) {
        await this.failSubmission(p.task.id, null, `site '${p.siteId}' does not exist`, report);
        continue;
      }
      try {
        ready.push({ task: p.task, site, backend: this.backendOf(site) });
      } catch (e) {
        await this.failSubmission(p.task.id, null, `${site.id}: ${errText(e)}`, report);
      }
    }
    const chunkSize = Math.max(64, this.submitConcurrency * 4);
    for (let i = 0; i < ready.length; i += chunkSize) {
      const chunk = ready.slice(i, i + chunkSize);
      const rows = await insertNextAttempts(
        this.store,
        chunk.map((c) => ({
          taskId: c.task.id,
          siteId: c.site.id,
          backend: c.backend.kind,
          cluster: c.backend.cluster,
        })),
        this.clock.nowS(),
      );
      // a task missing from `rows` has a live job already (another loop took it)
      const rowOf = new Map(rows.map((r) => [r.taskId, r]));
      const accepted: { row: JobRow; jobId: string; outputPath: string | null }[] = [];
      await forEachLimit(
        chunk.filter((c) => rowOf.has(c.task.id)),
        this.submitConcurrency,
        async (c) => {
          const row = rowOf.get(c.task.id)!;
          const ref = await this.trySubmit(row, c.task, c.site, c.backend, report);
          if (ref) accepted.push({ row, jobId: ref.jobId, outputPath: ref.outputPath });
        },
      );
      await this.recordSubmitted(accepted, report, true);
    }
  }

  /** A row whose submission may or may not have reached the backend (lookUp), or a due retry. */
  private async resubmit(row: JobRow, lookUp: boolean, report: TickReport): Promise<void> {
    const site = await this.site(row.siteId);
    const loaded = await loadTask(this.store, row.taskId);
    if (!site || !loaded) return;
    // one loop takes it: another may have seen the same row
    if (!(await claimRow(this.store, row, this.clock.nowS()))) return;
    const backend = this.backendOf(site);
    if (lookUp) {
      let found: Awaited<ReturnType<Backend['find']>>;
      try {
        found = await backend.find(row.jobName);
      } catch (e) {
        await this.siteFailed(site, e, report);
        return;
      }
      if (found) {
        // it did reach the backend: record it (a cancelled task's job is then cancelled by cancelRequested)
        report.found++;
        await this.recordSubmitted([{ row, jobId: found.jobId, outputPath: found.outputPath }], report, false);
        return;
      }
    }
    const now = this.clock.nowS();
    if (!ACTIVE_TASK_STATES.includes(loaded.state)) {
      await updateJobRow(
        this.store,
        row,
        { state: 'cancelled', reason: `never submitted: the task is ${loaded.state}`, endedAtS: now },
        now,
      );
      return;
    }
    const ref = await this.trySubmit(row, loaded.task, site, backend, report);
    if (ref) await this.recordSubmitted([{ row, jobId: ref.jobId, outputPath: ref.outputPath }], report, true);
  }

  /** Hands a job to its backend; on failure records why (retry later, or fail the task) and returns null. */
  private async trySubmit(
    row: JobRow,
    task: Task,
    site: Site,
    backend: Backend,
    report: TickReport,
  ): Promise<JobRef | null> {
    const spec: JobSpec = {
      taskId: task.id,
      attempt: row.attempt,
      command: task.command ?? '',
      resources: task.resources,
      timeLimitS: timeLimitS(task),
    };
    try {
      const ref = await backend.submit(spec);
      this.detector.observeOk(site.id);
      return ref;
    } catch (e) {
      const now = this.clock.nowS();
      if (e instanceof BackendError && e.retryable) {
        // the outcome is unknown (a timeout may hide a success): the next try looks the job up by name first
        const errors = row.submitErrors + 1;
        await updateJobRow(
          this.store,
          row,
          {
            reason: `submit failed (${errors}×): ${e.message}`,
            submitErrors: errors,
            notBeforeS: now + this.backoffS(errors),
          },
          now,
        );
        await this.siteFailed(site, e, report);
        return null;
      }
      // refused because a job of this name exists: it was handed over already (by this loop or another)
      const found = await backend.find(row.jobName).catch(() => null);
      if (found) {
        report.found++;
        return found;
      }
      await this.failSubmission(task.id, row, `${site.id}: ${errText(e)}`, report);
      return null;
    }
  }

  private async recordSubmitted(
    items: { row: JobRow; jobId: string; outputPath: string | null }[],
    report: TickReport,
    fresh: boolean,
  ): Promise<void> {
    if (items.length === 0) return;
    const how = fresh ? 'submitted' : 'found again';
    await markSubmitted(
      this.store,
      items.map(({ row, jobId, outputPath }) => ({
        taskId: row.taskId,
        attempt: row.attempt,
        jobId,
        outputPath,
        reason: `${how}: ${row.cluster} job ${jobId} (attempt ${row.attempt})`,
      })),
      statesBefore('dispatched'),
      this.clock.nowS(),
    );
    if (fresh) report.submitted += items.length;
  }

  private async failSubmission(taskId: string, row: JobRow | null, reason: string, report: TickReport): Promise<void> {
    const now = this.clock.nowS();
    let ended = false;
    await this.store.tx(async (sql) => {
      if (row) await updateJobRow(sql, row, { state: 'failed', reason, retryable: false, endedAtS: now }, now);
      ended = await transitionTask(sql, taskId, 'failed', `could not submit: ${reason}`, now);
    });
    report.failedToSubmit++;
    if (ended) await this.hooks.taskEnded?.(taskId, 'failed', now);
  }

  // ---- helpers -------------------------------------------------------------

  private backoffS(n: number): number {
    return Math.min(this.maxBackoffS, this.retryBackoffS * 2 ** Math.max(0, n - 1));
  }

  private async site(siteId: string): Promise<Site | null> {
    if (!this.siteCache.has(siteId)) this.siteCache.set(siteId, await this.siteLookup(siteId));
    return this.siteCache.get(siteId) ?? null;
  }

  private backendOf(site: Site): Backend {
    return this.backends.backendFor(site);
  }
}

/** Whether a status says anything the row does not already record. */
function changed(row: JobRow, s: JobStatus): boolean {
  const a = s.accounting;
  return (
    s.state !== row.state ||
    (a?.startedAtS ?? null) !== row.startedAtS ||
    (isTerminalJobState(s.state) && (a?.endedAtS ?? null) !== row.endedAtS)
  );
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** Runs fn over items with at most `limit` in flight. */
async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function positiveInt(field: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw invalid(field, `must be a positive integer, got ${v}`);
  return v;
}

function nonNegative(field: string, v: number): number {
  if (!Number.isFinite(v) || v < 0) throw invalid(field, `must be a number ≥ 0, got ${v}`);
  return v;
}
