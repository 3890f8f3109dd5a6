/**
 * The demand side behind the API: submission (defaults filled, the
 * scheduler's own validation plus the store's places and hubs, group-committed
 * writes), reads with placement and history, cancellation.
 */

import { IdempotencyKeyTaken } from '../../auth/idempotency.js';
import type { Clock } from '../../domain/clock.js';
import { DomainError, invalid, notFound } from '../../domain/errors.js';
import type { Task } from '../../domain/task.js';
import { validateTask } from '../../scheduler/validate-task.js';
import { newTaskId } from '../../store/ids.js';
import type { Page } from '../../store/repos/json.js';
import {
  currentPlacement,
  listPlacements,
  type PlacementFilter,
  type PlacementRecord,
  placementsOfTask,
} from '../../store/repos/placements.js';
import type { PageRequest } from '../../store/repos/sites.js';
import {
  changeTaskState,
  getTask,
  type IdempotencyClaim,
  listTasks,
  queuedRecord,
  type TaskEvent,
  type TaskFilter,
  type TaskRecord,
  taskEvents,
} from '../../store/repos/tasks.js';
import type { Store } from '../../store/sql.js';
import { TaskWriter } from '../../store/task-writer.js';
import type { TaskSubmission } from '../schemas/tasks.js';
import type { PlaceIds } from './places.js';

export interface TaskDetail extends TaskRecord {
  placement: PlacementRecord | null;
  history: TaskEvent[];
}

export interface SubmitContext {
  /** The request's Idempotency-Key, stored with the task in one statement. */
  idempotency?: IdempotencyClaim;
}

export interface TaskService {
  /**
   * Validates, fills defaults, stores the task as queued; resolves after commit.
   * Throws IdempotencyKeyTaken (nothing written) when the context's key is already used.
   */
  submit(input: TaskSubmission, ctx?: SubmitContext): Promise<TaskRecord>;
  get(id: string): Promise<TaskDetail>;
  list(filter: TaskFilter, page: PageRequest): Promise<Page<TaskRecord>>;
  cancel(id: string, reason?: string): Promise<TaskRecord>;
  placementsOf(taskId: string): Promise<PlacementRecord[]>;
  listPlacements(filter: PlacementFilter, page: PageRequest): Promise<Page<PlacementRecord>>;
}

export interface TaskServiceOptions {
  /** Called after a task is committed (the runtime wakes the scheduler with it). */
  onSubmitted?: (task: TaskRecord) => void;
  /** Called after a task is cancelled (dispatch stops its job). */
  onCancelled?: (task: TaskRecord) => void;
  writer?: TaskWriter;
}

/** The Task a submission stands for, at time `nowS`, with every default filled. */
export function taskFromSubmission(input: TaskSubmission, id: string, nowS: number): Task {
  const r = input.resources;
  const task: Task = {
    id,
    tenantId: input.tenantId,
    kind: input.kind,
    resources: {
      cpuCores: r.cpuCores ?? 0,
      memoryGb: r.memoryGb ?? 0,
      gpus: r.gpus ?? 0,
      ...(r.gpuModel !== undefined && { gpuModel: r.gpuModel }),
      ...(r.minGpuFp16Tflops !== undefined && { minGpuFp16Tflops: r.minGpuFp16Tflops }),
      hpcNodes: r.hpcNodes ?? 0,
      storageTb: r.storageTb ?? 0,
    },
    durationS: input.durationS,
    estimatedDurationS: input.estimatedDurationS ?? input.durationS,
    submittedAtS: nowS,
    earliestStartS: input.earliestStartS ?? nowS,
    deadlineS: input.deadlineS ?? null,
    originCity: input.originCity,
    latencySlaMs: input.latencySlaMs ?? null,
    dataGb: input.dataGb ?? 0,
    dataClass: input.dataClass ?? 'general',
    allowedHubs: input.allowedHubs ?? [],
    pairedOnly: input.pairedOnly ?? false,
    priority: input.priority ?? 0,
    ...(input.command !== undefined && { command: input.command }),
  };
  return task;
}

export function storeTaskService(
  store: Store,
  clock: Clock,
  places: PlaceIds,
  opts: TaskServiceOptions = {},
): TaskService {
  const writer = opts.writer ?? new TaskWriter(store);
  return {
    async submit(input, ctx = {}) {
      const nowS = clock.nowS();
      const task = taskFromSubmission(input, newTaskId(nowS), nowS);
      validateTask(task);
      if (task.earliestStartS < nowS) task.earliestStartS = nowS; // "as soon as possible", not a start in the past
      if (task.deadlineS !== null && task.deadlineS < task.earliestStartS + task.durationS) {
        throw invalid('deadlineS', 'is before now + durationS: the task can no longer finish in time');
      }
      if (!(await places.isPlace(task.originCity))) {
        throw invalid('originCity', `unknown place '${task.originCity}' (a city id from GET /cities, or a site id)`);
      }
      for (const [i, hub] of task.allowedHubs.entries()) {
        if (!(await places.isHub(hub)))
          throw invalid(`allowedHubs[${i}]`, `unknown hub '${hub}' (GET /hubs lists them)`);
      }
      if (new Set(task.allowedHubs).size !== task.allowedHubs.length) {
        throw invalid('allowedHubs', 'lists a hub twice');
      }
      if (!(await writer.insert(task, ctx.idempotency))) throw new IdempotencyKeyTaken(ctx.idempotency!);
      const rec = queuedRecord(task);
      opts.onSubmitted?.(rec);
      return rec;
    },

    async get(id) {
      const task = await getTask(store, id);
      if (!task) throw notFound('task', id);
      const [placement, history] = [await currentPlacement(store, id), await taskEvents(store, id)];
      return { ...task, placement, history };
    },

    list: (filter, page) => listTasks(store, filter, page),

    async cancel(id, reason) {
      try {
        const rec = await changeTaskState(store, id, 'cancelled', {
          reason: reason ?? 'cancelled on request',
          atS: clock.nowS(),
        });
        opts.onCancelled?.(rec);
        return rec;
      } catch (err) {
        if (err instanceof DomainError && err.code === 'conflict') {
          const now = await getTask(store, id);
          if (now)
            throw new DomainError(
              'conflict',
              `task '${id}' is already ${now.state}: only unfinished tasks can be cancelled`,
            );
        }
        throw err;
      }
    },

    async placementsOf(taskId) {
      if (!(await getTask(store, taskId))) throw notFound('task', taskId);
      return placementsOfTask(store, taskId);
    },

    listPlacements: (filter, page) => listPlacements(store, filter, page),
  };
}
