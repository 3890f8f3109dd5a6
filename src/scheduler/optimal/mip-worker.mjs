// @ts-check
/**
 * The MIP's thread (started by mip-thread.ts). HiGHS looks at its clock and at
 * the interrupt callback only between steps, and one step can take seconds: on
 * the 10,000-task benchmark batch the root node's analytic centre (an
 * interior-point solve of the whole LP) ran 3 s past the deadline. In a thread
 * of its own the MIP can be stopped at the deadline whatever it is doing, so
 * it reports every incumbent and bound as it finds them.
 *
 * Plain JavaScript: a worker thread does not inherit the tsx loader.
 *
 * In:  { model, options, start, deadlineEpochMs, stopBytes }
 * Out: { kind: 'bound', dualBound } | { kind: 'incumbent', colValue }
 *    | { kind: 'done', modelStatus, memoryStop, colValue?, dualBound, memoryBytes }
 *    | { kind: 'failed', name, message }
 */
import { parentPort } from 'node:worker_threads';
import highsPackage from 'highs';

const loadHighs = /** @type {any} */ (highsPackage).default ?? highsPackage;
const PRIMAL_FEASIBLE = 2;
/** Epoch milliseconds: comparable across threads, unlike performance.now(). */
const nowEpochMs = () => performance.timeOrigin + performance.now();

/** @type {Promise<any> | undefined} loaded once per thread, ~50 ms */
let runtime;

if (!parentPort) throw new Error('mip-worker.mjs runs as a worker thread');
const port = parentPort;

port.on('message', async (job) => {
  try {
    runtime ??= loadHighs();
    const highs = await runtime;
    port.postMessage(run(highs, job));
  } catch (err) {
    runtime = undefined; // an aborted instance cannot be reused
    const e = err instanceof Error ? err : new Error(String(err));
    port.postMessage({ kind: 'failed', name: e.name, message: e.message });
  }
});

/** @param {any} highs @param {any} job */
function run(highs, job) {
  const model = highs.createModel(job.model);
  try {
    model.options.set(job.options);
    model.setSolution({ colValue: job.start });
    model.zeroAllClocks(); // HiGHS's time_limit counts from its last zeroing
    model.options.set('time_limit', Math.max(0.001, (job.deadlineEpochMs - nowEpochMs()) / 1000));
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
    const feasible = Number(model.info.get('primal_solution_status')) === PRIMAL_FEASIBLE;
    const colValue = feasible ? Float64Array.from(model.getSolution().colValue) : undefined;
    return {
      kind: 'done',
      modelStatus: model.getModelStatus(),
      memoryStop,
      colValue,
      dualBound: Number(model.info.get('mip_dual_bound')),
      memoryBytes: highs.memoryBytes,
    };
  } finally {
    model.dispose();
  }
}
