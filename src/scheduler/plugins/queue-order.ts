/**
 * Queue order within a tenant: higher priority first, then the earliest
 * possible start, then first come first served; the task id settles ties so
 * the order is total and the same input always gives the same order.
 */
import type { Task } from '../../domain/task.js';

export interface QueueSortPlugin {
  name: string;
  /** Negative when a runs before b. */
  compare(a: Task, b: Task): number;
}

export const priorityQueueOrder: QueueSortPlugin = {
  name: 'priority',
  compare(a, b) {
    return (
      b.priority - a.priority ||
      a.earliestStartS - b.earliestStartS ||
      a.submittedAtS - b.submittedAtS ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
    );
  },
};
