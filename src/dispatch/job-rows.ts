/**
 * The dispatch tables (migrations 100–101): job rows, one per attempt of a
 * task on a backend, and usage records. SQL only; the loop decides.
 */
import type { Sql } from '../store/index.js';
import type { JobRef, JobState } from './backend.js';
import type { UsageRecord } from './usage.js';

/** A job row's state: the job states plus the two before the backend has the job. */
export type JobRowState = 'waiting' | 'submitting' | JobState;

export const LIVE_ROW_STATES: readonly JobRowState[] = ['waiting', 'submitting', 'pending', 'running'];

export interface JobRow {
  taskId: string;
  attempt: number;
  siteId: string;
  backend: string;
  cluster: string;
  jobName: string;
  jobId: string | null;
  state: JobRowState;
  reason: string | null;
  retryable: boolean;
  superseded: boolean;
  outputPath: string | null;
  createdAtS: number;
  notBeforeS: number | null;
  submittedAtS: number | null;
  startedAtS: number | null;
  endedAtS: number | null;
  cancelRequestedAtS: number | null;
  updatedAtS: number;
  submitErrors: number;
}

const COLUMNS = `task_id, attempt, site_id, backend, cluster, job_name, job_id, state, reason, retryable, superseded,
  output_path, created_at_s, not_before_s, submitted_at_s, started_at_s, ended_at_s, cancel_requested_at_s,
  updated_at_s, submit_errors`;

function toRow(r: Record<string, unknown>): JobRow {
  const n = (x: unknown) => (x === null || x === undefined ? null : Number(x));
  return {
    taskId: String(r.task_id),
    attempt: Number(r.attempt),
    siteId: String(r.site_id),
    backend: String(r.backend),
    cluster: String(r.cluster),
    jobName: String(r.job_name),
    jobId: r.job_id === null ? null : String(r.job_id),
    state: r.state as JobRowState,
    reason: (r.reason as string | null) ?? null,
    retryable: Boolean(r.retryable),
    superseded: Boolean(r.superseded),
    outputPath: (r.output_path as string | null) ?? null,
    createdAtS: Number(r.created_at_s),
    notBeforeS: n(r.not_before_s),
    submittedAtS: n(r.submitted_at_s),
    startedAtS: n(r.started_at_s),
    endedAtS: n(r.ended_at_s),
    cancelRequestedAtS: n(r.cancel_requested_at_s),
    updatedAtS: Number(r.updated_at_s),
    submitErrors: Number(r.submit_errors),
  };
}

export function refOf(row: JobRow): JobRef {
  return {
    backend: row.backend,
    cluster: row.cluster,
    jobId: row.jobId ?? '',
    name: row.jobName,
    outputPath: row.outputPath,
  };
}

/**
 * Records the intent to submit each task's next attempt (state 'submitting'),
 * all in one statement: the attempt is the task's last + 1 and the job name
 * jobName(taskId, attempt). Tasks that already have a live job are skipped.
 */
export async function insertNextAttempts(
  sql: Sql,
  items: readonly { taskId: string; siteId: string; backend: string; cluster: string }[],
  nowS: number,
): Promise<JobRow[]> {
  if (items.length === 0) return [];
  const res = await sql.query(
    `WITH x AS (
       SELECT * FROM jsonb_to_recordset($1::text::jsonb) AS x(task_id text, site_id text, backend text, cluster text)
     ), nxt AS (
       SELECT x.*, coalesce((SELECT max(attempt) FROM dispatch_jobs d WHERE d.task_id = x.task_id), 0) + 1 AS n FROM x
     )
     INSERT INTO dispatch_jobs (task_id, attempt, site_id, backend, cluster, job_name, state, created_at_s, updated_at_s)
     SELECT task_id, n, site_id, backend, cluster, 'sw-' || task_id || '-' || n, 'submitting', $2, $2 FROM nxt
     ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
    [
      JSON.stringify(
        items.map((i) => ({ task_id: i.taskId, site_id: i.siteId, backend: i.backend, cluster: i.cluster })),
      ),
      nowS,
    ],
  );
  return res.map(toRow);
}

/**
 * Backends accepted these jobs: record their ids and move each task whose row
 * is not superseded from one of `taskFrom` to 'dispatched', with its event —
 * one statement for the whole batch. Returns how many tasks moved.
 */
export async function markSubmitted(
  sql: Sql,
  items: readonly { taskId: string; attempt: number; jobId: string; outputPath: string | null; reason: string }[],
  taskFrom: readonly string[],
  nowS: number,
): Promise<number> {
  if (items.length === 0) return 0;
  const res = await sql.query<{ moved: number }>(
    `WITH x AS (
       SELECT * FROM jsonb_to_recordset($1::text::jsonb)
         AS x(task_id text, attempt int, job_id text, output_path text, reason text)
     ), j AS (
       UPDATE dispatch_jobs d SET job_id = x.job_id, state = 'pending', submitted_at_s = $2, output_path = x.output_path,
         reason = NULL, not_before_s = NULL, updated_at_s = $2
       FROM x WHERE d.task_id = x.task_id AND d.attempt = x.attempt
       RETURNING d.task_id, d.superseded, x.reason
     ), old AS (
       SELECT t.id, t.state AS prev, j.reason FROM tasks t JOIN j ON j.task_id = t.id
       WHERE NOT j.superseded AND t.state = ANY($3) FOR UPDATE OF t
     ), t AS (
       UPDATE tasks SET state = 'dispatched', state_reason = old.reason, updated_at = to_timestamp($2),
         version = tasks.version + 1
       FROM old WHERE tasks.id = old.id
       RETURNING tasks.id, old.prev, old.reason
     ), ev AS (
       INSERT INTO task_events (task_id, at, from_state, to_state, reason)
       SELECT id, to_timestamp($2), prev, 'dispatched', reason FROM t
     )
     SELECT count(*)::int AS moved FROM t`,
    [
      JSON.stringify(
        items.map((i) => ({
          task_id: i.taskId,
          attempt: i.attempt,
          job_id: i.jobId,
          output_path: i.outputPath,
          reason: i.reason,
        })),
      ),
      nowS,
      taskFrom,
    ],
  );
  return Number(res[0]?.moved ?? 0);
}

/** Records the intent to submit (or a retry to come). False when a live row for the task, or this attempt, exists. */
export async function insertJobRow(
  sql: Sql,
  r: Pick<JobRow, 'taskId' | 'attempt' | 'siteId' | 'backend' | 'cluster' | 'jobName' | 'state' | 'reason'> & {
    notBeforeS?: number | null;
  },
  nowS: number,
): Promise<boolean> {
  // DO NOTHING without a target covers every unique index, the partial "one live job per task" one included
  const res = await sql.query(
    `INSERT INTO dispatch_jobs (task_id, attempt, site_id, backend, cluster, job_name, state, reason, not_before_s,
       created_at_s, updated_at_s)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
     ON CONFLICT DO NOTHING RETURNING task_id`,
    [r.taskId, r.attempt, r.siteId, r.backend, r.cluster, r.jobName, r.state, r.reason, r.notBeforeS ?? null, nowS],
  );
  return res.length === 1;
}

export interface JobRowPatch {
  state?: JobRowState;
  jobId?: string | null;
  reason?: string | null;
  retryable?: boolean;
  superseded?: boolean;
  outputPath?: string | null;
  notBeforeS?: number | null;
  submittedAtS?: number | null;
  startedAtS?: number | null;
  endedAtS?: number | null;
  cancelRequestedAtS?: number | null;
  submitErrors?: number;
}

const PATCH_COLUMNS: Record<keyof JobRowPatch, string> = {
  state: 'state',
  jobId: 'job_id',
  reason: 'reason',
  retryable: 'retryable',
  superseded: 'superseded',
  outputPath: 'output_path',
  notBeforeS: 'not_before_s',
  submittedAtS: 'submitted_at_s',
  startedAtS: 'started_at_s',
  endedAtS: 'ended_at_s',
  cancelRequestedAtS: 'cancel_requested_at_s',
  submitErrors: 'submit_errors',
};

/** Updates one row; returns it as it is now (null if it does not exist). */
export async function updateJobRow(
  sql: Sql,
  key: { taskId: string; attempt: number },
  patch: JobRowPatch,
  nowS: number,
): Promise<JobRow | null> {
  const sets: string[] = [];
  const params: unknown[] = [key.taskId, key.attempt, nowS];
  for (const [k, col] of Object.entries(PATCH_COLUMNS) as [keyof JobRowPatch, string][]) {
    if (patch[k] === undefined) continue;
    params.push(patch[k]);
    sets.push(`${col} = $${params.length}`);
  }
  const res = await sql.query(
    `UPDATE dispatch_jobs SET ${[...sets, 'updated_at_s = $3'].join(', ')}
     WHERE task_id = $1 AND attempt = $2 RETURNING ${COLUMNS}`,
    params,
  );
  return res[0] ? toRow(res[0]) : null;
}

/**
 * Takes a row for (re)submission: marks it 'submitting' and in flight (no not-before time) — only if
 * it is still as `row` saw it (same state, same update time). False when another loop got there first.
 */
export async function claimRow(sql: Sql, row: JobRow, nowS: number): Promise<boolean> {
  const res = await sql.query(
    `UPDATE dispatch_jobs SET state = 'submitting', not_before_s = NULL, updated_at_s = $3
     WHERE task_id = $1 AND attempt = $2 AND state = $4 AND updated_at_s = $5 RETURNING task_id`,
    [row.taskId, row.attempt, nowS, row.state, row.updatedAtS],
  );
  return res.length === 1;
}

/** Like updateJobRow, also returning the task's spec and state (one round trip for the status path). */
export async function updateJobRowWithTask(
  sql: Sql,
  key: { taskId: string; attempt: number },
  patch: JobRowPatch,
  nowS: number,
): Promise<{ row: JobRow; taskSpec: unknown; taskState: string } | null> {
  const sets: string[] = [];
  const params: unknown[] = [key.taskId, key.attempt, nowS];
  for (const [k, col] of Object.entries(PATCH_COLUMNS) as [keyof JobRowPatch, string][]) {
    if (patch[k] === undefined) continue;
    params.push(patch[k]);
    sets.push(`${col} = $${params.length}`);
  }
  const res = await sql.query(
    `WITH j AS (
       UPDATE dispatch_jobs SET ${[...sets, 'updated_at_s = $3'].join(', ')}
       WHERE task_id = $1 AND attempt = $2 RETURNING ${COLUMNS}
     )
     SELECT j.*, t.spec AS task_spec, t.state AS task_state FROM j JOIN tasks t ON t.id = j.task_id`,
    params,
  );
  const r = res[0];
  return r ? { row: toRow(r), taskSpec: r.task_spec, taskState: String(r.task_state) } : null;
}

/** Rows whose job may still exist or is still to be submitted. */
export async function liveJobRows(sql: Sql): Promise<JobRow[]> {
  const res = await sql.query(
    `SELECT ${COLUMNS} FROM dispatch_jobs WHERE state IN ('waiting', 'submitting', 'pending', 'running')
     ORDER BY created_at_s, task_id, attempt`,
  );
  return res.map(toRow);
}

export async function jobRowsOfTask(sql: Sql, taskId: string): Promise<JobRow[]> {
  const res = await sql.query(`SELECT ${COLUMNS} FROM dispatch_jobs WHERE task_id = $1 ORDER BY attempt`, [taskId]);
  return res.map(toRow);
}

/** Marks every live row of a site superseded (its site is down); rows not yet handed over end here. */
export async function supersedeSiteRows(sql: Sql, siteId: string, reason: string, nowS: number): Promise<JobRow[]> {
  await sql.query(
    `UPDATE dispatch_jobs SET state = 'cancelled', reason = $2, superseded = true, ended_at_s = $3, updated_at_s = $3
     WHERE site_id = $1 AND state = 'waiting' AND NOT superseded`,
    [siteId, `never submitted: ${reason}`, nowS],
  );
  const res = await sql.query(
    `UPDATE dispatch_jobs SET superseded = true, reason = $2, updated_at_s = $3
     WHERE site_id = $1 AND state IN ('submitting', 'pending', 'running') AND NOT superseded
     RETURNING ${COLUMNS}`,
    [siteId, `superseded: ${reason}`, nowS],
  );
  return res.map(toRow);
}

/** One usage record per job attempt; a second one for the same attempt is ignored. */
export async function insertUsage(sql: Sql, u: UsageRecord): Promise<boolean> {
  const res = await sql.query(
    `INSERT INTO usage_records (task_id, attempt, site_id, tenant_id, backend, cluster, job_id, state, started_at_s,
       ended_at_s, wall_s, cpus, cpu_core_s, cpu_used_s, gpus, gpu_s, hpc_nodes, hpc_node_s, memory_gb_s, energy_kwh,
       carbon_g, exit_code, signal, recorded_at_s)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
     ON CONFLICT (task_id, attempt) DO NOTHING RETURNING id`,
    [
      u.taskId,
      u.attempt,
      u.siteId,
      u.tenantId,
      u.backend,
      u.cluster,
      u.jobId,
      u.state,
      u.startedAtS,
      u.endedAtS,
      u.wallS,
      u.cpus,
      u.cpuCoreS,
      u.cpuUsedS,
      u.gpus,
      u.gpuS,
      u.hpcNodes,
      u.hpcNodeS,
      u.memoryGbS,
      u.energyKwh,
      u.carbonG,
      u.exitCode,
      u.signal,
      u.recordedAtS,
    ],
  );
  return res.length === 1;
}

export async function usageOfTask(sql: Sql, taskId: string): Promise<Record<string, unknown>[]> {
  return sql.query(`SELECT * FROM usage_records WHERE task_id = $1 ORDER BY attempt`, [taskId]);
}
