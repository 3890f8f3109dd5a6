/**
 * A HiGHS worker thread (highs-worker.mjs) for one solve at a time: its LP
 * rounds and its MIP run there, so the caller's event loop stays free (a server
 * keeps answering during an `optimal` cycle). The MIP keeps the caller's
 * deadline: if HiGHS has not stopped by itself shortly after it, the thread is
 * terminated and the answer is what it had reported by then.
 *
 * One idle thread is kept (its HiGHS loaded, ~50 ms) for the next solve,
 * unless its WASM heap grew large (memory only grows, up to the 2 GiB cap); a
 * thread that was terminated or failed (e.g. an aborted WASM heap) is dropped.
 */
import { Worker } from 'node:worker_threads';
import type { ModelData } from 'highs';

/** Above this heap size a thread is dropped after its solve, so its memory goes back to the process. */
const KEEP_MEMORY_BYTES = 512 * 1024 * 1024;
/**
 * How long after the deadline HiGHS may take to stop by itself before its
 * thread is terminated: long enough to post its final answer when it stops on
 * time, short enough to keep a time limit a promise.
 */
const STOP_GRACE_MS = 100;

export interface LpRound {
  /** HiGHS model status. */
  modelStatus: number;
  /** Present when the LP is optimal. */
  colValue?: Float64Array;
  rowDual?: Float64Array;
  objective: number;
  numNonzeros: number;
}

export interface MipJob {
  model: ModelData;
  /** HiGHS options (the thread sets time_limit itself). */
  options: Record<string, string | number | boolean>;
  /** Start solution, one value per column. */
  start: Float64Array;
  /** The caller's deadline on nowS()'s clock (seconds). */
  deadlineS: number;
  /** Interrupt the search above this WASM heap size. */
  stopBytes: number;
}

export interface MipOutcome {
  /** HiGHS model status; undefined when the thread was stopped at the deadline. */
  modelStatus: number | undefined;
  memoryStop: boolean;
  /** Best integral solution known, if any. */
  colValue: Float64Array | undefined;
  /** Best proven bound known (−∞ if none). */
  dualBound: number;
}

type Reply =
  | { kind: 'ok'; memoryBytes?: number }
  | ({ kind: 'lp' } & LpRound)
  | { kind: 'bound'; dualBound: number }
  | { kind: 'incumbent'; colValue: Float64Array }
  | {
      kind: 'done';
      modelStatus: number;
      memoryStop: boolean;
      colValue?: Float64Array;
      dualBound: number;
      memoryBytes: number;
    }
  | { kind: 'failed'; name: string; message: string };

const epochMs = (deadlineS: number) => performance.timeOrigin + deadlineS * 1000;

let idle: HighsThread | undefined;

export class HighsThread {
  /** Set when the thread can no longer be used (terminated, failed, exited). */
  private dead = false;
  private memoryBytes = 0;
  /** The reply handler of the request in flight (requests are answered in order, one at a time). */
  private onReply: ((m: Reply) => void) | undefined;
  private onDeath: ((err: Error) => void) | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: Reply) => this.onReply?.(m));
    worker.on('error', (err) => this.die(err));
    worker.on('exit', (code) => this.die(new Error(`HiGHS thread exited (code ${code})`)));
  }

  /** The idle thread, or a new one. */
  static acquire(): HighsThread {
    const t = idle ?? new HighsThread(new Worker(new URL('./highs-worker.mjs', import.meta.url)));
    idle = undefined;
    t.worker.ref();
    return t;
  }

  /** Done with it: kept for the next solve if it is healthy and small, otherwise terminated. */
  release(): void {
    if (!this.dead && this.memoryBytes <= KEEP_MEMORY_BYTES && !idle) {
      this.worker.unref();
      idle = this;
    } else this.kill();
  }

  /** Load an LP (replacing the thread's previous one). */
  async loadLp(model: ModelData): Promise<void> {
    await this.call({ op: 'lp', model });
  }

  /** Solve the loaded LP (warm-started from its last basis) within the deadline. */
  async runLp(deadlineS: number): Promise<LpRound> {
    const r = await this.call({ op: 'run', deadlineEpochMs: epochMs(deadlineS) });
    if (r.kind !== 'lp') throw new Error(`HiGHS thread answered '${r.kind}' to an LP run`);
    return r;
  }

  async addCols(cols: unknown): Promise<void> {
    await this.call({ op: 'addCols', cols });
  }

  /** Dispose of the LP. */
  async endLp(): Promise<void> {
    if (this.dead) return; // nothing left to dispose of
    const r = await this.call({ op: 'end' });
    if (r.kind === 'ok' && r.memoryBytes !== undefined) this.memoryBytes = r.memoryBytes;
  }

  /** Run a MIP to the deadline; past it (plus a grace), the thread is terminated and what it reported is the answer. */
  mip(job: MipJob): Promise<MipOutcome> {
    const known: MipOutcome = {
      modelStatus: undefined,
      memoryStop: false,
      colValue: undefined,
      dualBound: Number.NEGATIVE_INFINITY,
    };
    const deadlineEpochMs = epochMs(job.deadlineS);
    return new Promise<MipOutcome>((resolve, reject) => {
      const settle = (err?: Error) => {
        clearTimeout(timer);
        this.onReply = undefined;
        this.onDeath = undefined;
        if (err) reject(err);
        else resolve(known);
      };
      const timer = setTimeout(
        () => {
          this.kill();
          settle();
        },
        Math.max(0, deadlineEpochMs - (performance.timeOrigin + performance.now())) + STOP_GRACE_MS,
      );
      this.onDeath = settle;
      this.onReply = (m) => {
        if (m.kind === 'bound') known.dualBound = Math.max(known.dualBound, m.dualBound);
        else if (m.kind === 'incumbent') known.colValue = m.colValue;
        else if (m.kind === 'done') {
          known.modelStatus = m.modelStatus;
          known.memoryStop = m.memoryStop;
          if (m.colValue) known.colValue = m.colValue;
          if (Number.isFinite(m.dualBound)) known.dualBound = Math.max(known.dualBound, m.dualBound);
          this.memoryBytes = m.memoryBytes;
          settle();
        } else if (m.kind === 'failed') settle(this.failure(m));
        else settle(new Error(`HiGHS thread answered '${m.kind}' to a MIP`));
      };
      this.post({
        op: 'mip',
        model: job.model,
        options: job.options,
        start: job.start,
        deadlineEpochMs,
        stopBytes: job.stopBytes,
      });
    });
  }

  private call(req: Record<string, unknown>): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      this.onDeath = (err) => {
        this.onReply = undefined;
        this.onDeath = undefined;
        reject(err);
      };
      this.onReply = (m) => {
        this.onReply = undefined;
        this.onDeath = undefined;
        if (m.kind === 'failed') reject(this.failure(m));
        else resolve(m);
      };
      this.post(req);
    });
  }

  private post(req: Record<string, unknown>): void {
    if (this.dead) {
      this.onDeath?.(new Error('HiGHS thread is no longer running'));
      return;
    }
    this.worker.postMessage(req);
  }

  /** A failed request: HiGHS's own error, and a thread that is not reused (its heap may have aborted). */
  private failure(m: { name: string; message: string }): Error {
    this.kill();
    const err = new Error(`HiGHS: ${m.message}`);
    err.name = m.name;
    return err;
  }

  private kill(): void {
    if (this.dead) return;
    this.dead = true;
    if (idle === this) idle = undefined;
    void this.worker.terminate();
  }

  private die(err: Error): void {
    const wasDead = this.dead;
    this.dead = true;
    if (idle === this) idle = undefined;
    // a thread we terminated ourselves has nothing in flight
    if (!wasDead) this.onDeath?.(err);
  }
}
