/**
 * Placements: the scheduler's decisions with their explanation. A task may be
 * placed again (after a failure, or when its site goes down): the earlier
 * placement is kept, marked superseded; at most one is current.
 */

import { invalid } from '../../domain/errors.js';
import type { Placement, RunnerUp, ScoreBreakdown } from '../../domain/placement.js';
import type { Sql } from '../sql.js';
import { decodeCursor, fromJson, type Page, pageOf, toJson } from './json.js';
import type { PageRequest } from './sites.js';

export interface PlacementRecord extends Placement {
  /** Store id (decimal string; ids grow with time). */
  id: string;
  /** True once the task was placed again. */
  superseded: boolean;
}

export interface PlacementFilter {
  taskId?: string;
  siteId?: string;
  /** Only current (true) or only superseded (false) placements. */
  current?: boolean;
  /** Only placements of this tenant's tasks. */
  tenantId?: string;
}

const COLUMNS = `id::text AS id, task_id, site_id, start_s, end_s, profile, score, runners_up, explanation,
  extract(epoch from decided_at)::float8 AS decided_s, superseded`;

interface PlacementRow {
  id: string;
  task_id: string;
  site_id: string;
  start_s: number;
  end_s: number;
  profile: string;
  score: unknown;
  runners_up: unknown;
  explanation: string;
  decided_s: number;
  superseded: boolean;
}

function toRecord(r: PlacementRow): PlacementRecord {
  return {
    id: r.id,
    taskId: r.task_id,
    siteId: r.site_id,
    startS: r.start_s,
    endS: r.end_s,
    profile: r.profile,
    score: fromJson<ScoreBreakdown>(r.score),
    runnersUp: fromJson<RunnerUp[]>(r.runners_up),
    explanation: r.explanation,
    decidedAtS: r.decided_s,
    superseded: r.superseded,
  };
}

/**
 * Records a placement as the task's current one, superseding the previous.
 * Call it in the same transaction as the task's move to 'placed'.
 */
export async function recordPlacement(sql: Sql, p: Placement): Promise<PlacementRecord> {
  await sql.query('UPDATE placements SET superseded = true WHERE task_id = $1 AND NOT superseded', [p.taskId]);
  const rows = await sql.query<PlacementRow>(
    `INSERT INTO placements (task_id, site_id, start_s, end_s, profile, score, runners_up, explanation, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7::text::jsonb, $8, to_timestamp($9))
     RETURNING ${COLUMNS}`,
    [
      p.taskId,
      p.siteId,
      p.startS,
      p.endS,
      p.profile,
      toJson(p.score),
      toJson(p.runnersUp),
      p.explanation,
      p.decidedAtS,
    ],
  );
  return toRecord(rows[0]!);
}

/** Marks the task's current placement superseded (it goes back to the queue). */
export async function supersedePlacement(sql: Sql, taskId: string): Promise<void> {
  await sql.query('UPDATE placements SET superseded = true WHERE task_id = $1 AND NOT superseded', [taskId]);
}

export async function currentPlacement(sql: Sql, taskId: string): Promise<PlacementRecord | null> {
  const rows = await sql.query<PlacementRow>(
    `SELECT ${COLUMNS} FROM placements WHERE task_id = $1 AND NOT superseded`,
    [taskId],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Every placement of a task, oldest first. */
export async function placementsOfTask(sql: Sql, taskId: string): Promise<PlacementRecord[]> {
  const rows = await sql.query<PlacementRow>(`SELECT ${COLUMNS} FROM placements WHERE task_id = $1 ORDER BY id`, [
    taskId,
  ]);
  return rows.map(toRecord);
}

/** Placements newest first, one page. */
export async function listPlacements(
  sql: Sql,
  filter: PlacementFilter,
  page: PageRequest,
): Promise<Page<PlacementRecord>> {
  const before = page.cursor === undefined ? null : decodeCursor(page.cursor);
  if (page.cursor !== undefined && (before === null || !/^\d{1,19}$/.test(before))) {
    throw invalid('cursor', 'is not a cursor this API returned');
  }
  const rows = await sql.query<PlacementRow>(
    `SELECT ${COLUMNS} FROM placements
     WHERE ($1::bigint IS NULL OR id < $1::bigint)
       AND ($3::text IS NULL OR task_id = $3)
       AND ($4::text IS NULL OR site_id = $4)
       AND ($5::boolean IS NULL OR superseded = NOT $5)
       AND ($6::text IS NULL OR task_id IN (SELECT id FROM tasks WHERE tenant_id = $6))
     ORDER BY id DESC LIMIT $2`,
    [
      before,
      page.limit + 1,
      filter.taskId ?? null,
      filter.siteId ?? null,
      filter.current ?? null,
      filter.tenantId ?? null,
    ],
  );
  return pageOf(rows.map(toRecord), page.limit, (p) => p.id);
}
