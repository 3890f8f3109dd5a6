/**
 * What dispatch reads and writes in the Foundation's tables, through its
 * repositories where they exist: tasks to submit, task state changes (the
 * lifecycle table decides what may follow what, so a task cancelled through
 * the API stays cancelled), and sites.
 */
import { DomainError } from '../domain/errors.js';
import type { Site } from '../domain/site.js';
import type { Task, TaskState } from '../domain/task.js';
import { changeTaskState, getSite, getTask, type Sql, siteOf, taskOf } from '../store/index.js';
import { fromJson } from '../store/repos/json.js';

export interface PlacedTask {
  task: Task;
  siteId: string;
}

/** Placed tasks with no live job whose placement start has come, oldest change first. */
export async function placedTasksToSubmit(sql: Sql, nowS: number, limit: number): Promise<PlacedTask[]> {
  const rows = await sql.query<{ spec: unknown; site_id: string }>(
    `SELECT t.spec, t.site_id FROM tasks t
     WHERE t.state = 'placed' AND t.site_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM dispatch_jobs j WHERE j.task_id = t.id AND NOT j.superseded
                       AND j.state IN ('waiting', 'submitting', 'pending', 'running'))
       AND NOT EXISTS (SELECT 1 FROM placements p WHERE p.task_id = t.id AND NOT p.superseded AND p.start_s > $1)
     ORDER BY t.updated_at, t.id
     LIMIT $2`,
    [nowS, limit],
  );
  return rows.map((r) => ({ task: fromJson<Task>(r.spec), siteId: r.site_id }));
}

export async function loadTask(
  sql: Sql,
  taskId: string,
): Promise<{ task: Task; state: TaskState; siteId: string | null } | null> {
  const r = await getTask(sql, taskId);
  return r ? { task: taskOf(r), state: r.state, siteId: r.siteId } : null;
}

/** Task ids in the given states on a site. */
export async function tasksOnSite(sql: Sql, siteId: string, states: readonly TaskState[]): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `SELECT id FROM tasks WHERE site_id = $1 AND state = ANY($2) ORDER BY id`,
    [siteId, states],
  );
  return rows.map((r) => r.id);
}

export async function taskStates(sql: Sql, ids: readonly string[]): Promise<Map<string, TaskState>> {
  if (ids.length === 0) return new Map();
  const rows = await sql.query<{ id: string; state: TaskState }>(`SELECT id, state FROM tasks WHERE id = ANY($1)`, [
    ids,
  ]);
  return new Map(rows.map((r) => [r.id, r.state]));
}

/**
 * Moves a task to `to` when the lifecycle allows it from its current state,
 * recording the event. Returns false (changing nothing) when it does not: the
 * task moved on meanwhile (e.g. it was cancelled).
 */
export async function transitionTask(
  sql: Sql,
  taskId: string,
  to: TaskState,
  reason: string | null,
  atS: number,
  opts: { siteId?: string | null } = {},
): Promise<boolean> {
  try {
    await changeTaskState(sql, taskId, to, { reason, atS, ...(opts.siteId !== undefined && { siteId: opts.siteId }) });
    return true;
  } catch (e) {
    if (e instanceof DomainError && (e.code === 'conflict' || e.code === 'not_found')) return false;
    throw e;
  }
}

/** Records an event without a state change (e.g. a retry of a failed attempt) and updates the reason. */
export async function noteTask(sql: Sql, taskId: string, reason: string, atS: number): Promise<void> {
  await sql.query(
    `WITH upd AS (
       UPDATE tasks SET state_reason = $2, updated_at = to_timestamp($3), version = version + 1 WHERE id = $1
       RETURNING id, state
     )
     INSERT INTO task_events (task_id, at, from_state, to_state, reason)
     SELECT id, to_timestamp($3), state, state, $2 FROM upd`,
    [taskId, reason, atS],
  );
}

export async function loadSite(sql: Sql, siteId: string): Promise<Site | null> {
  const r = await getSite(sql, siteId);
  return r ? siteOf(r) : null;
}
