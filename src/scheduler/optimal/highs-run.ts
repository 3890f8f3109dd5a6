/**
 * A solve's wall clock, what HiGHS's model status codes mean here, and
 * yielding to the caller's event loop.
 */
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
 * Let the caller's event loop run between the solver's steps on its thread (a
 * greedy pass or a polish takes up to a few hundred ms on 10,000 tasks); HiGHS
 * itself runs in a thread of its own (highs-thread.ts).
 */
export const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** What a finished run means for the answer; undefined for statuses that are errors. */
export const statusOf = (modelStatus: number): AssignmentStatus | undefined =>
  modelStatus === OPTIMAL ? 'optimal' : LIMIT_STATUSES.has(modelStatus) ? 'time-limit' : undefined;
