/**
 * Running a HiGHS model against the call's wall-clock deadline, and what its
 * model status codes mean here.
 */
import type { Highs, InterruptCallbackEvent, Model } from 'highs';
import { WASM_STOP_BYTES } from './memory-guard.js';
import type { AssignmentStatus } from './problem.js';

/** HiGHS model status codes (highs.constants.modelStatus) we tell apart. */
export const OPTIMAL = 7;
export const INFEASIBLE = 8;
/** Objective bound/target, time, iterations, solution count, interrupt: stopped early, incumbent usable. */
export const LIMIT_STATUSES = new Set([11, 12, 13, 14, 16, 17]);
export const PRIMAL_FEASIBLE = 2;
/**
 * Wall time in seconds: reported as `seconds`, and used only to keep the time
 * budget — a solve that finishes within it does not depend on it.
 */
export const nowS = (): number => performance.now() / 1000;

/**
 * Run to the wall-clock deadline. HiGHS's time_limit is cumulative per model,
 * so its clocks are zeroed first. For the MIP an interrupt callback also checks
 * the deadline and — the search tree grows with time — stops before the 2 GiB
 * WASM heap aborts, keeping the incumbent. (The LP's memory is known from its
 * size; a callback per simplex iteration cost ~3% in decoding event messages.)
 */
export function runTimed(
  highs: Highs,
  model: Model,
  deadlineS: number,
  mip: boolean,
): { status: number; memoryStop: boolean } {
  model.zeroAllClocks();
  model.options.set('time_limit', Math.max(0.001, deadlineS - nowS()));
  let memoryStop = false;
  const stopIfDue = (event: InterruptCallbackEvent): undefined => {
    if (highs.memoryBytes > WASM_STOP_BYTES) {
      memoryStop = true;
      event.interrupt();
    } else if (nowS() > deadlineS) event.interrupt();
  };
  model.run(mip ? { [highs.constants.callbackType.mipInterrupt]: stopIfDue } : undefined);
  return { status: model.getModelStatus(), memoryStop };
}

/** What a finished run means for the answer; undefined for statuses that are errors. */
export const statusOf = (modelStatus: number): AssignmentStatus | undefined =>
  modelStatus === OPTIMAL ? 'optimal' : LIMIT_STATUSES.has(modelStatus) ? 'time-limit' : undefined;
