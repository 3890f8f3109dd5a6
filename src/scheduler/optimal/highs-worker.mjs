// @ts-check
/**
 * HiGHS's thread (started by highs-thread.ts): a solve's LP rounds and its MIP
 * run here, so the caller's event loop is free meanwhile, and the MIP can be
 * stopped at the deadline whatever it is doing. HiGHS looks at its clock and
 * at the interrupt callback only between steps, and one step can take seconds:
 * on the 10,000-task benchmark batch the root node's analytic centre (an
 * interior-point solve of the whole LP) ran 3 s past the deadline. So the MIP
 * reports every incumbent and bound as it finds them.
 *
 * Plain JavaScript: a worker thread does not inherit the tsx loader.
 *
 * Requests, handled in order:
 *   { op: 'lp', model }              → { kind: 'ok' }  (the thread's LP, replacing any before)
 *   { op: 'run', deadlineEpochMs }   → { kind: 'lp', modelStatus, colValue?, rowDual?, objective, numNonzeros }
 *   { op: 'addCols', cols }          → { kind: 'ok' }
 *   { op: 'end' }                    → { kind: 'ok', memoryBytes }  (the LP is disposed)
 *   { op: 'mip', model, options, start, deadlineEpochMs, stopBytes }
 *                                    → { kind: 'bound' | 'incumbent', … }*, then { kind: 'done', … }
 * A request that fails is answered { kind: 'failed', name, message }.
 */
import { parentPort } from 'node:worker_threads';
import highsPackage from 'highs';

const loadHighs = /** @type {any} */ (highsPackage).default ?? highsPackage;
/** Epoch milliseconds: comparable across threads, unlike performance.now(). */
const nowEpochMs = () => performance.timeOrigin + performance.now();

/** @type {Promise<any> | undefined} loaded once per thread, ~50 ms */
let runtime;
/** @type {any} the LP of the current solve */
let lp;

if (!parentPort) throw new Error('highs-worker.mjs runs as a worker thread');
const port = parentPort;

// one request at a time, in order: a request's reply is posted before the next starts
let queue = Promise.resolve();
port.on('message', (req) => {
  queue = queue.then(() => handle(req));
});

/** @param {any} req */
async function handle(req) {
  try {
    runtime ??= loadHighs();
    const highs = await runtime;
    port.postMessage(serve(highs, req));
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    // an aborted instance cannot be reused: the caller drops this thread
    port.postMessage({ kind: 'failed', name: e.name, message: e.message });
  }
}

/** @param {any} highs @param {any} req */
function serve(highs, req) {
  switch (req.op) {
    case 'lp':
      lp?.dispose();
      lp = highs.createModel(req.model);
      lp.options.set({ output_flag: false });
      return { kind: 'ok' };
    case 'run':
      return runLp(highs, req.deadlineEpochMs);
    case 'addCols':
      lp.addCols(req.cols);
      return { kind: 'ok' };
    case 'end':
      lp?.dispose();
      lp = undefined;
      return { kind: 'ok', memoryBytes: highs.memoryBytes };
    case 'mip':
      return runMip(highs, req);
    default:
      throw new Error(`unknown request '${req.op}'`);
  }
}

/**
 * HiGHS's own time limit at the deadline: its time_limit counts from the model's last clock zeroing.
 * @param {any} model @param {number} deadlineEpochMs
 */
function limitTo(model, deadlineEpochMs) {
  model.zeroAllClocks();
  model.options.set('time_limit', Math.max(0.001, (deadlineEpochMs - nowEpochMs()) / 1000));
}

/** @param {any} highs @param {number} deadlineEpochMs */
function runLp(highs, deadlineEpochMs) {
  limitTo(lp, deadlineEpochMs);
  lp.run();
  const modelStatus = lp.getModelStatus();
  const out = { kind: 'lp', modelStatus, numNonzeros: lp.getDimensions().numNonzeros };
  if (modelStatus !== highs.constants.modelStatus.optimal) return out;
  const sol = lp.getSolution();
  return {
    ...out,
    colValue: Float64Array.from(sol.colValue),
    rowDual: Float64Array.from(sol.rowDual),
    objective: lp.getObjectiveValue(),
  };
}

/** @param {any} highs @param {any} job */
function runMip(highs, job) {
  const model = highs.createModel(job.model);
  try {
    model.options.set(job.options);
    model.setSolution({ colValue: job.start });
    limitTo(model, job.deadlineEpochMs);
    let memoryStop = false;
    let lastBound = Number.NEGATIVE_INFINITY;
    const type = highs.constants.callbackType;
    model.run({
      /** @param {any} event */
      [type.mipInterrupt]: (event) => {
        const bound = event.data.mip_dual_bound;
        if (typeof bound === 'number' && Number.isFinite(bound) && bound > lastBound) {
          lastBound = bound;
          port.postMessage({ kind: 'bound', dualBound: bound });
        }
        // the search tree grows with time: stop before the 2 GiB heap aborts, keeping the incumbent
        if (highs.memoryBytes > job.stopBytes) {
          memoryStop = true;
          event.interrupt();
        } else if (nowEpochMs() > job.deadlineEpochMs) event.interrupt();
        return undefined;
      },
      /** @param {any} event */
      [type.mipImprovingSolution]: (event) => {
        const x = event.data.mip_solution;
        if (x) port.postMessage({ kind: 'incumbent', colValue: x });
        return undefined;
      },
    });
    const feasible = Number(model.info.get('primal_solution_status')) === highs.constants.solutionStatus.feasible;
    return {
      kind: 'done',
      modelStatus: model.getModelStatus(),
      memoryStop,
      colValue: feasible ? Float64Array.from(model.getSolution().colValue) : undefined,
      dualBound: Number(model.info.get('mip_dual_bound')),
      memoryBytes: highs.memoryBytes,
    };
  } finally {
    model.dispose();
  }
}
