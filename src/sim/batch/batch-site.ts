/**
 * One site's local batch queue on its own nodes, driven by the event engine.
 *
 * Semantics (the ones the tests derive by hand):
 * - A job's estimate is the user's requested time, or its run time when the
 *   trace gives no request (then the estimate is perfect).
 * - A job runs for min(run time, requested time): past its request it is
 *   killed, as real batch systems do.
 * - All arrivals and completions at one instant are applied first; then one
 *   scheduling pass runs (an event in the `late` lane).
 * - Allocation is node-level: a job holds specific nodes, lowest ids first.
 *
 * EASY: the head of the FCFS queue that cannot start gets a reservation: the
 * shadow time is when enough specific nodes are free, walking running jobs in
 * order of their estimated end; the reserved set takes the nodes those jobs
 * release first and tops up with currently free nodes. Free nodes outside the
 * set are the "extra" nodes. A later job may start now (backfill) if it fits
 * in the free nodes and either ends by the shadow time (by its estimate) or
 * uses only extra nodes — so it never delays the head. Short backfills take
 * reserved nodes first, leaving extra nodes to jobs that run past the shadow.
 */
import { DomainError } from '../../domain/errors.js';
import { type Engine, EventPriority } from '../engine.js';
import { NodePool } from './node-pool.js';
import type { BatchPolicy } from './policy.js';

export interface BatchJob {
  id: string;
  /** Run time the job needs (> 0). */
  runS: number;
  /** The user's wall-time request: estimate and kill limit; null = unknown. */
  requestedS: number | null;
  /** Nodes it needs, 1..machine size. */
  nodes: number;
  /** Caller's position for the job (e.g. its trace index), carried to the record. */
  index?: number;
}

export interface JobRecord {
  id: string;
  index: number;
  /** When the site received the job. */
  submitS: number;
  startS: number;
  endS: number;
  nodes: number;
  waitS: number;
  /** True when it ran into its requested time and was killed there. */
  killed: boolean;
  /** The specific nodes it held. */
  nodeIds: Int32Array;
}

/** The queue head's reservation after the last scheduling pass (EASY only). */
export interface Reservation {
  jobId: string;
  /** Earliest time enough nodes are free for the head, by running jobs' estimates. */
  shadowS: number;
  /** The specific nodes reserved for the head at shadowS. */
  nodeIds: Int32Array;
  /** Free nodes now that are not reserved: backfill may use them past the shadow time. */
  extraNodes: number;
}

export interface BatchSiteOptions {
  nodes: number;
  policy: BatchPolicy;
  /** Called when a job starts (its record's endS is already known). */
  onStart?: (rec: JobRecord) => void;
  /** Called when a job ends. */
  onEnd?: (rec: JobRecord) => void;
}

interface Queued {
  job: BatchJob;
  submitS: number;
  estS: number;
  seq: number;
  started: boolean;
}

interface Running {
  rec: JobRecord;
  estEndS: number;
  seq: number;
}

export class BatchSite {
  readonly nodes: number;
  readonly policy: BatchPolicy;
  private readonly pool: NodePool;
  private readonly stamp: Uint32Array;
  private epoch = 0;
  private queue: Queued[] = [];
  /** Sorted by (estimated end, start order): the order in which nodes are expected back. */
  private readonly running: Running[] = [];
  private seq = 0;
  private passPending = false;
  /** Queued jobs per size, and the smallest queued size: a backfill scan is pointless when even that does not fit. */
  private readonly queuedBySize: Int32Array;
  private minQueuedNodes = Number.POSITIVE_INFINITY;
  /** The head's reservation from the last full pass, and what is left of it after backfilling. */
  private plan: {
    head: Queued;
    shadowS: number;
    /** Running jobs that end (by estimate) by the shadow time, in order. */
    releasing: Running[];
    /** Currently free nodes reserved for the head (marked with `epoch`). */
    fromFree: Int32Array;
    epoch: number;
    reservedFree: number;
    extra: number;
  } | null = null;
  /** A job ended since the last pass: the plan must be rebuilt, not just extended. */
  private changed = true;
  /** Queue positions the last pass already considered. */
  private scannedTo = 0;
  private readonly onStart?: (rec: JobRecord) => void;
  private readonly onEnd?: (rec: JobRecord) => void;

  constructor(
    private readonly engine: Engine,
    opts: BatchSiteOptions,
  ) {
    if (!Number.isInteger(opts.nodes) || opts.nodes < 1) {
      throw new DomainError('validation', `nodes: must be a positive integer, got ${opts.nodes}`, 'nodes');
    }
    this.nodes = opts.nodes;
    this.policy = opts.policy;
    this.pool = new NodePool(opts.nodes);
    this.stamp = new Uint32Array(opts.nodes);
    this.queuedBySize = new Int32Array(opts.nodes + 1);
    this.onStart = opts.onStart;
    this.onEnd = opts.onEnd;
  }

  get freeNodes(): number {
    return this.pool.freeCount;
  }
  get queuedJobs(): number {
    return this.queue.length;
  }
  get runningJobs(): number {
    return this.running.length;
  }

  /** The head's reservation as of the last pass, or null if nothing waits for nodes (EASY only). */
  get reservation(): Reservation | null {
    const r = this.plan;
    if (!r) return null;
    const need = r.head.job.nodes;
    const ids = new Int32Array(need);
    let n = 0;
    for (const run of r.releasing) {
      for (let i = 0; i < run.rec.nodeIds.length && n < need - r.fromFree.length; i++)
        ids[n++] = run.rec.nodeIds[i] as number;
    }
    ids.set(r.fromFree, n);
    return { jobId: r.head.job.id, shadowS: r.shadowS, nodeIds: ids, extraNodes: r.extra };
  }

  /** The site receives a job now (at the engine's time). */
  submit(job: BatchJob): void {
    if (!Number.isInteger(job.nodes) || job.nodes < 1 || job.nodes > this.nodes) {
      throw new DomainError(
        'validation',
        `nodes: job '${job.id}' needs ${job.nodes} nodes; the site has ${this.nodes}`,
        'nodes',
      );
    }
    if (!(job.runS > 0) || !Number.isFinite(job.runS)) {
      throw new DomainError('validation', `runS: job '${job.id}' run time must be > 0, got ${job.runS}`, 'runS');
    }
    if (job.requestedS !== null && !(job.requestedS > 0 && Number.isFinite(job.requestedS))) {
      throw new DomainError(
        'validation',
        `requestedS: job '${job.id}' request must be > 0 or null, got ${job.requestedS}`,
        'requestedS',
      );
    }
    const q: Queued = {
      job,
      submitS: this.engine.nowS(),
      estS: job.requestedS ?? job.runS,
      seq: this.seq++,
      started: false,
    };
    this.queuedBySize[job.nodes] = (this.queuedBySize[job.nodes] as number) + 1;
    if (job.nodes < this.minQueuedNodes) this.minQueuedNodes = job.nodes;
    if (this.policy === 'sjf') {
      // Binary search for the first queued job that sorts after q: (estimate, arrival).
      let lo = 0;
      let hi = this.queue.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const m = this.queue[mid] as Queued;
        if (m.estS < q.estS || (m.estS === q.estS && m.seq < q.seq)) lo = mid + 1;
        else hi = mid;
      }
      this.queue.splice(lo, 0, q);
    } else {
      this.queue.push(q);
    }
    this.requestPass();
  }

  private requestPass(): void {
    if (this.passPending) return;
    this.passPending = true;
    this.engine.at(this.engine.nowS(), this.pass, undefined, EventPriority.late);
  }

  private readonly pass = (): void => {
    this.passPending = false;
    if (this.policy === 'easy' && !this.changed && this.plan !== null) {
      // Only arrivals since the last pass: nodes, running jobs and the head are as they were, so the
      // plan still holds, and jobs it turned down still cannot backfill (time only moved on).
      // Only the newcomers need a look — this keeps long queues from costing O(queue) per arrival.
      this.finishPass(0, this.backfill(this.scannedTo));
      return;
    }
    this.changed = false;
    this.plan = null;
    const queue = this.queue;
    // Start jobs in policy order for as long as the first one fits.
    let i = 0;
    while (i < queue.length) {
      const q = queue[i] as Queued;
      if (q.job.nodes > this.pool.freeCount) break;
      this.start(q, this.pool.take(q.job.nodes));
      i++;
    }
    let backfilled = 0;
    if (this.policy === 'easy' && i < queue.length) {
      this.reserve(queue[i] as Queued);
      backfilled = this.backfill(i + 1);
    }
    this.finishPass(i, backfilled);
  };

  /** Drops started jobs from the queue: a prefix of `prefix`, plus `backfilled` ones further back. */
  private finishPass(prefix: number, backfilled: number): void {
    if (backfilled > 0) this.queue = this.queue.filter((q) => !q.started);
    else if (prefix > 0) this.queue.splice(0, prefix);
    this.scannedTo = this.queue.length;
  }

  /** The head's reservation: shadow time, reserved nodes, extra nodes. */
  private reserve(head: Queued): void {
    const need = head.job.nodes;
    const free = this.pool.freeCount;
    const running = this.running;
    // Shadow time: walk running jobs by estimated end until enough nodes would be free...
    let released = 0;
    let k = 0;
    for (; k < running.length; k++) {
      released += (running[k] as Running).rec.nodes;
      if (free + released >= need) break;
    }
    const last = running[k];
    if (!last) throw new Error(`internal: no shadow time for job '${head.job.id}' (${need} nodes)`);
    const shadowS = last.estEndS;
    // ...and count every job that ends at that same instant: all their nodes are free at the shadow time.
    while (k + 1 < running.length && (running[k + 1] as Running).estEndS === shadowS) {
      k++;
      released += (running[k] as Running).rec.nodes;
    }
    // Reserve released nodes first; top up from the free nodes only what they lack.
    const fromFreeCount = Math.max(0, need - released);
    const epoch = ++this.epoch;
    const fromFree = this.pool.markLowestFree(fromFreeCount, this.stamp, epoch);
    this.plan = {
      head,
      shadowS,
      releasing: running.slice(0, k + 1),
      fromFree,
      epoch,
      reservedFree: fromFreeCount,
      extra: free - fromFreeCount,
    };
  }

  /** Backfills queue[from..] around the plan; returns how many jobs it started. */
  private backfill(from: number): number {
    const plan = this.plan;
    if (!plan) return 0;
    const now = this.engine.nowS();
    const queue = this.queue;
    let free = this.pool.freeCount;
    let started = 0;
    for (let j = from; j < queue.length && free >= this.minQueuedNodes; j++) {
      const q = queue[j] as Queued;
      const n = q.job.nodes;
      if (n > free) continue;
      if (now + q.estS <= plan.shadowS) {
        // Ends before the head needs its nodes: any free node will do; spend reserved ones first.
        const fromReserved = Math.min(n, plan.reservedFree);
        plan.reservedFree -= fromReserved;
        plan.extra -= n - fromReserved;
        this.start(q, this.pool.takeMarkedFirst(n, this.stamp, plan.epoch));
      } else if (n <= plan.extra) {
        plan.extra -= n;
        this.start(q, this.pool.takeUnmarked(n, this.stamp, plan.epoch));
      } else {
        continue;
      }
      free -= n;
      started++;
    }
    return started;
  }

  private start(q: Queued, nodeIds: Int32Array): void {
    const now = this.engine.nowS();
    const job = q.job;
    const killed = job.requestedS !== null && job.runS > job.requestedS;
    const rec: JobRecord = {
      id: job.id,
      index: job.index ?? q.seq,
      submitS: q.submitS,
      startS: now,
      endS: now + (killed ? (job.requestedS as number) : job.runS),
      nodes: job.nodes,
      waitS: now - q.submitS,
      killed,
      nodeIds,
    };
    q.started = true;
    this.dequeued(job.nodes);
    const r: Running = { rec, estEndS: now + q.estS, seq: q.seq };
    // Insert in (estEndS, seq) order.
    const running = this.running;
    let lo = 0;
    let hi = running.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = running[mid] as Running;
      if (m.estEndS < r.estEndS || (m.estEndS === r.estEndS && m.seq < r.seq)) lo = mid + 1;
      else hi = mid;
    }
    running.splice(lo, 0, r);
    this.engine.at(rec.endS, this.end, r);
    this.onStart?.(rec);
  }

  private dequeued(nodes: number): void {
    const left = (this.queuedBySize[nodes] as number) - 1;
    this.queuedBySize[nodes] = left;
    if (left > 0 || nodes !== this.minQueuedNodes) return;
    let m = nodes + 1;
    while (m <= this.nodes && this.queuedBySize[m] === 0) m++;
    this.minQueuedNodes = m <= this.nodes ? m : Number.POSITIVE_INFINITY;
  }

  private readonly end = (r: Running): void => {
    const i = this.running.indexOf(r);
    if (i < 0) throw new Error(`internal: job '${r.rec.id}' ended but was not running`);
    this.running.splice(i, 1);
    this.pool.release(r.rec.nodeIds);
    this.changed = true;
    this.onEnd?.(r.rec);
    this.requestPass();
  };
}
