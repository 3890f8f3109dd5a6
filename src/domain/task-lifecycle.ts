/**
 * Which task state may follow which. One table, so the store, the scheduler
 * and dispatch agree; anything else is a conflict.
 */
import type { TaskState } from './task.js';

export const TASK_TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = {
  // failed / timed-out straight from queued: a task that can never be placed (e.g. its deadline passed).
  queued: ['placed', 'cancelled', 'failed', 'timed-out'],
  // back to queued: the plan changed (site went down, reservation dropped) before it was handed over.
  placed: ['dispatched', 'running', 'queued', 'cancelled', 'failed', 'timed-out'],
  // succeeded straight from dispatched: a short job can finish between two status polls.
  dispatched: ['running', 'succeeded', 'failed', 'cancelled', 'timed-out', 'queued'],
  // back to queued: the site failed under the job and it is placed again.
  running: ['succeeded', 'failed', 'cancelled', 'timed-out', 'queued'],
  succeeded: [],
  failed: [],
  cancelled: [],
  'timed-out': [],
};

export function canTransition(from: TaskState, to: TaskState): boolean {
  return TASK_TRANSITIONS[from].includes(to);
}

/** The states a task may be in to move to `to`. */
export function statesBefore(to: TaskState): TaskState[] {
  return (Object.keys(TASK_TRANSITIONS) as TaskState[]).filter((s) => TASK_TRANSITIONS[s].includes(to));
}
