/**
 * Runs a MIP in a worker thread (mip-worker.mjs) and keeps the caller's
 * deadline: if HiGHS has not stopped by itself shortly after it, the thread is
 * terminated and the answer is what it had reported by then. The caller's event
 * loop is free while the MIP runs (the LP phase before it yields between its
 * steps: highs-run.ts, breathe).
 *
 * One idle thread is kept (its HiGHS loaded) for the next MIP, unless its heap
 * grew large; a thread that was terminated, failed or aborted is dropped.
 */
import { Worker } from 'node:worker_threads';
import type { ModelData } from 'highs';
import { KEEP_MEMORY_BYTES } from './highs-runtime.js';

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

/**
 * How long after the deadline HiGHS may take to stop by itself before its
 * thread is terminated: long enough to post its final answer when it stops on
 * time, short enough to keep a time limit a promise.
 */
const STOP_GRACE_MS = 100;

let idle: Worker | undefined;

function startThread(): Worker {
  const worker = new Worker(new URL('./mip-worker.mjs', import.meta.url));
  // an idle thread that dies is simply not reused (a busy one's error also rejects its job)
  worker.on('error', () => {
    if (idle === worker) idle = undefined;
  });
  return worker;
}

export function runMipInThread(job: MipJob): Promise<MipOutcome> {
  const worker = idle ?? startThread();
  idle = undefined;
  worker.ref();
  const deadlineEpochMs = performance.timeOrigin + job.deadlineS * 1000;
  return new Promise<MipOutcome>((resolve, reject) => {
    const known: MipOutcome = {
      modelStatus: undefined,
      memoryStop: false,
      colValue: undefined,
      dualBound: Number.NEGATIVE_INFINITY,
    };
    let settled = false;
    const finish = (keep: boolean, err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (keep && !idle) {
        worker.unref();
        idle = worker;
      } else void worker.terminate();
      if (err) reject(err);
      else resolve(known);
    };
    const onMessage = (m: WorkerMessage) => {
      if (m.kind === 'bound') known.dualBound = Math.max(known.dualBound, m.dualBound);
      else if (m.kind === 'incumbent') known.colValue = m.colValue;
      else if (m.kind === 'done') {
        known.modelStatus = m.modelStatus;
        known.memoryStop = m.memoryStop;
        if (m.colValue) known.colValue = m.colValue;
        if (Number.isFinite(m.dualBound)) known.dualBound = Math.max(known.dualBound, m.dualBound);
        finish(m.memoryBytes <= KEEP_MEMORY_BYTES);
      } else {
        const err = new Error(`HiGHS MIP thread: ${m.message}`);
        err.name = m.name;
        finish(false, err);
      }
    };
    const onError = (err: Error) => finish(false, err);
    const onExit = (code: number) => finish(false, new Error(`HiGHS MIP thread exited (code ${code})`));
    const timer = setTimeout(
      () => finish(false),
      Math.max(0, deadlineEpochMs - (performance.timeOrigin + performance.now())) + STOP_GRACE_MS,
    );
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({
      model: job.model,
      options: job.options,
      start: job.start,
      deadlineEpochMs,
      stopBytes: job.stopBytes,
    });
  });
}

type WorkerMessage =
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
