/**
 * Running a HiGHS model against the call's wall-clock deadline, and what its
 * model status codes mean here.
 */
import type { Model } from 'highs';
import type { AssignmentStatus } from './problem.js';

/** HiGHS model status codes (highs.constants.modelStatus) we tell apart. */
export const OPTIMAL = 7;
export const INFEASIBLE = 8;
/** Objective bound/target, time, iterations, solution count, interrupt: stopped early, incumbent usable. */
export const LIMIT_STATUSES = new Set([11, 12, 13, 14, 16, 17]);
/**
 * Wall time in seconds: reported as `seconds`, and used only to keep the time
 * budget — a solve that finishes within it does not depend on it.
 */
export const nowS = (): number => performance.now() / 1000;

/**
 * Let the caller's event loop run between the solver's steps (each an LP solve, a
 * greedy pass or a polish of up to a few hundred ms on 10,000 tasks): a server
 * answers requests during an `optimal` cycle. The MIP runs in a thread of its own.
 */
export const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Run an LP to the wall-clock deadline. HiGHS's time_limit is cumulative per
 * model, so its clocks are zeroed first. The simplex checks its clock often
 * enough; the MIP, whose steps can run long past it, runs in a thread the
 * caller can stop (mip-thread.ts). The LP's memory is known from its size.
 */
export function runTimed(model: Model, deadlineS: number): number {
  model.zeroAllClocks();
  model.options.set('time_limit', Math.max(0.001, deadlineS - nowS()));
  model.run();
  return model.getModelStatus();
}

/** What a finished run means for the answer; undefined for statuses that are errors. */
export const statusOf = (modelStatus: number): AssignmentStatus | undefined =>
  modelStatus === OPTIMAL ? 'optimal' : LIMIT_STATUSES.has(modelStatus) ? 'time-limit' : undefined;
