/**
 * The tasks table (the full Task in `spec`, state and placement site in
 * columns) and its state history (task_events). State changes go through
 * `changeTaskState`, which checks the lifecycle table and, when asked, the
 * version the caller read (optimistic concurrency) in a single statement.
 */
import { DomainError, invalid, notFound } from '../../domain/errors.js';
import type { Task, TaskState, WorkKind } from '../../domain/task.js';
import { statesBefore } from '../../domain/task-lifecycle.js';
import type { Sql } from '../sql.js';
import { decodeCursor, fromJson, type Page, pageOf, toJson } from './json.js';
import type { PageRequest } from './sites.js';

export interface TaskRecord extends Task {
  state: TaskState;
  /** The site it is placed on / runs at; null while queued. */
  siteId: string | null;
  /** Why it is in its state (e.g. the failure, or who cancelled it). */
  stateReason: string | null;
  updatedAtS: number;
  /** Bumped by every change. */
  version: number;
}

export interface TaskEvent {
  atS: number;
  from: TaskState | null;
  to: TaskState;
  reason: string | null;
}

export interface TaskFilter {
  state?: TaskState;
  /** Any of these states (combined with `state` if both given). */
  states?: readonly TaskState[];
  tenantId?: string;
  siteId?: string;
  kind?: WorkKind;
}

const COLUMNS = `spec, state, site_id, state_reason, version, extract(epoch from updated_at)::float8 AS updated_s`;

interface TaskRow {
  spec: unknown;
  state: TaskState;
  site_id: string | null;
  state_reason: string | null;
  version: number;
  updated_s: number;
}

function toRecord(r: TaskRow): TaskRecord {
  return {
    ...fromJson<Task>(r.spec),
    state: r.state,
    siteId: r.site_id,
    stateReason: r.state_reason,
    updatedAtS: r.updated_s,
    version: r.version,
  };
}

/** Strips the record's own fields: what is stored in `spec` is exactly a Task. */
export function taskOf(t: Task | TaskRecord): Task {
  const { state: _s, siteId: _si, stateReason: _r, updatedAtS: _u, version: _v, ...task } = t as TaskRecord;
  return task;
}

/**
 * An Idempotency-Key claimed by a submission: written in the same statement as
 * the task (src/store/migrations/201), so a crash keeps both or neither.
 */
export interface IdempotencyClaim {
  /** Whose key: 'tenant:<id>', 'key:<api key id>' or 'anonymous'. */
  scope: string;
  key: string;
  /** sha256 of the request, to tell a retry from a different request reusing the key. */
  requestHash: string;
}

/**
 * Inserts new tasks (state queued) with their first event, in one statement.
 * Many rows per round trip: this is what makes group commit pay. A task with
 * an idempotency claim is written only if its (scope, key) is still free —
 * else nothing of it is written and its id is returned among the `taken`.
 */
export async function insertTasks(
  sql: Sql,
  tasks: readonly Task[],
  claims?: readonly (IdempotencyClaim | undefined)[],
): Promise<{ taken: string[] }> {
  if (tasks.length === 0) return { taken: [] };
  const rows = tasks.map((t, i) => ({
    id: t.id,
    tenant_id: t.tenantId,
    kind: t.kind,
    spec: taskOf(t),
    submitted_s: t.submittedAtS,
    ...(claims?.[i] && { idem_scope: claims[i].scope, idem_key: claims[i].key, idem_hash: claims[i].requestHash }),
  }));
  if (!claims?.some(Boolean)) {
    await sql.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::text::jsonb)
           AS x(id text, tenant_id text, kind text, spec jsonb, submitted_s double precision)
       ), ins AS (
         INSERT INTO tasks (id, tenant_id, state, kind, spec, submitted_at, updated_at)
         SELECT id, tenant_id, 'queued', kind, spec, to_timestamp(submitted_s), to_timestamp(submitted_s) FROM input
         RETURNING id, submitted_at
       )
       INSERT INTO task_events (task_id, at, from_state, to_state, reason)
       SELECT id, submitted_at, NULL, 'queued', 'submitted' FROM ins`,
      [toJson(rows)],
    );
    return { taken: [] };
  }
  // ON CONFLICT DO NOTHING also settles two claims of one key inside the batch: the first wins.
  const inserted = await sql.query<{ id: string }>(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::text::jsonb)
         AS x(id text, tenant_id text, kind text, spec jsonb, submitted_s double precision,
              idem_scope text, idem_key text, idem_hash text)
     ), claimed AS (
       INSERT INTO idempotency_keys (scope, key, request_hash, task_id, created_at_s)
       SELECT idem_scope, idem_key, idem_hash, id, submitted_s FROM input WHERE idem_key IS NOT NULL
       ON CONFLICT DO NOTHING
       RETURNING task_id
     ), ins AS (
       INSERT INTO tasks (id, tenant_id, state, kind, spec, submitted_at, updated_at)
       SELECT id, tenant_id, 'queued', kind, spec, to_timestamp(submitted_s), to_timestamp(submitted_s) FROM input
       WHERE idem_key IS NULL OR id IN (SELECT task_id FROM claimed)
       RETURNING id, submitted_at
     ), ev AS (
       INSERT INTO task_events (task_id, at, from_state, to_state, reason)
       SELECT id, submitted_at, NULL, 'queued', 'submitted' FROM ins
     )
     SELECT id FROM ins`,
    [toJson(rows)],
  );
  const ok = new Set(inserted.map((r) => r.id));
  return { taken: tasks.filter((t) => !ok.has(t.id)).map((t) => t.id) };
}

/** The record of a task just inserted (what a submission answers, and what a replay answers again). */
export function queuedRecord(task: Task): TaskRecord {
  return {
    ...taskOf(task),
    state: 'queued',
    siteId: null,
    stateReason: null,
    updatedAtS: task.submittedAtS,
    version: 1,
  };
}

export async function getTask(sql: Sql, id: string): Promise<TaskRecord | null> {
  const rows = await sql.query<TaskRow>(`SELECT ${COLUMNS} FROM tasks WHERE id = $1`, [id]);
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function getTasks(sql: Sql, ids: readonly string[]): Promise<Map<string, TaskRecord>> {
  if (ids.length === 0) return new Map();
  const rows = await sql.query<TaskRow>(`SELECT ${COLUMNS} FROM tasks WHERE id = ANY($1)`, [ids]);
  return new Map(rows.map((r) => [fromJson<Task>(r.spec).id, toRecord(r)]));
}

/** Tasks newest first (ids sort by submission time), one page. */
export async function listTasks(sql: Sql, filter: TaskFilter, page: PageRequest): Promise<Page<TaskRecord>> {
  const before = page.cursor === undefined ? null : decodeCursor(page.cursor);
  if (page.cursor !== undefined && before === null) throw invalid('cursor', 'is not a cursor this API returned');
  const rows = await sql.query<TaskRow>(
    `SELECT ${COLUMNS} FROM tasks
     WHERE ($1::text IS NULL OR id < $1)
       AND ($3::text IS NULL OR state = $3)
       AND ($4::text[] IS NULL OR state = ANY($4))
       AND ($5::text IS NULL OR tenant_id = $5)
       AND ($6::text IS NULL OR site_id = $6)
       AND ($7::text IS NULL OR kind = $7)
     ORDER BY id DESC LIMIT $2`,
    [
      before,
      page.limit + 1,
      filter.state ?? null,
      filter.states ? [...filter.states] : null,
      filter.tenantId ?? null,
      filter.siteId ?? null,
      filter.kind ?? null,
    ],
  );
  return pageOf(rows.map(toRecord), page.limit, (t) => t.id);
}

/** Queued tasks, the scheduler's input: highest priority first, then oldest. */
export async function queuedTasks(sql: Sql, limit: number): Promise<TaskRecord[]> {
  const rows = await sql.query<TaskRow>(
    `SELECT ${COLUMNS} FROM tasks WHERE state = 'queued'
     ORDER BY (spec->>'priority')::int DESC, id LIMIT $1`,
    [limit],
  );
  return rows.map(toRecord);
}

export async function taskEvents(sql: Sql, taskId: string): Promise<TaskEvent[]> {
  const rows = await sql.query<{
    at_s: number;
    from_state: TaskState | null;
    to_state: TaskState;
    reason: string | null;
  }>(
    `SELECT extract(epoch from at)::float8 AS at_s, from_state, to_state, reason
     FROM task_events WHERE task_id = $1 ORDER BY id`,
    [taskId],
  );
  return rows.map((r) => ({ atS: r.at_s, from: r.from_state, to: r.to_state, reason: r.reason }));
}

export interface StateChange {
  reason: string | null;
  atS: number;
  /** Only if the task is still at this version (else conflict). */
  expectedVersion?: number;
  /** Set the task's site (the placement's site, or null when it goes back to the queue). */
  siteId?: string | null;
}

/**
 * Moves a task to `to` if the lifecycle allows it from its current state,
 * recording the event; one statement, safe against concurrent writers.
 * Throws not_found, or conflict naming the current state / version.
 */
export async function changeTaskState(sql: Sql, id: string, to: TaskState, change: StateChange): Promise<TaskRecord> {
  const from = statesBefore(to);
  const setSite = change.siteId !== undefined;
  const rows = await sql.query<TaskRow & { prev: TaskState }>(
    `WITH old AS (
       SELECT id, state AS prev FROM tasks
       WHERE id = $1 AND state = ANY($2) AND ($6::int IS NULL OR version = $6) FOR UPDATE
     ), upd AS (
       UPDATE tasks t SET state = $3, state_reason = $4, updated_at = to_timestamp($5), version = t.version + 1,
         site_id = CASE WHEN $7 THEN $8::text ELSE t.site_id END
       FROM old WHERE t.id = old.id
       RETURNING t.*, old.prev
     ), ev AS (
       INSERT INTO task_events (task_id, at, from_state, to_state, reason)
       SELECT id, to_timestamp($5), prev, $3, $4 FROM upd
     )
     SELECT spec, state, site_id, state_reason, version, extract(epoch from updated_at)::float8 AS updated_s, prev
     FROM upd`,
    [id, from, to, change.reason, change.atS, change.expectedVersion ?? null, setSite, change.siteId ?? null],
  );
  if (rows[0]) return toRecord(rows[0]);
  const now = await getTask(sql, id);
  if (!now) throw notFound('task', id);
  if (change.expectedVersion !== undefined && now.version !== change.expectedVersion) {
    throw new DomainError(
      'conflict',
      `task '${id}' changed meanwhile (version ${now.version}, expected ${change.expectedVersion}); read it again`,
      'version',
    );
  }
  throw new DomainError('conflict', `task '${id}' is ${now.state}: it cannot become ${to}`);
}
