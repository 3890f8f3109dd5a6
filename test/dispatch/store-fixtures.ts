/**
 * Stores for the dispatch tests: a migrated PGlite in memory, and a fresh
 * PostgreSQL database when SUANWANG_TEST_PG_URL is set (dropped after).
 * Plus the rows dispatch starts from: sites, and tasks placed on a site.
 */
import pg from 'pg';
import type { Site } from '../../src/domain/site.js';
import type { Task, TaskState } from '../../src/domain/task.js';
import {
  changeTaskState,
  insertTasks,
  openStore,
  recordPlacement,
  type Store,
  upsertSite,
} from '../../src/store/index.js';

export interface TestStore {
  kind: 'pglite' | 'postgres';
  store: Store;
  close(): Promise<void>;
}

/** The store kinds to run against: always PGlite, plus PostgreSQL when a URL is given. */
export function storeKinds(): ('pglite' | 'postgres')[] {
  return process.env.SUANWANG_TEST_PG_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export async function openTestStore(kind: 'pglite' | 'postgres'): Promise<TestStore> {
  if (kind === 'pglite') {
    const store = await openStore({ memory: true });
    return { kind, store, close: () => store.close() };
  }
  const admin = process.env.SUANWANG_TEST_PG_URL;
  if (!admin) throw new Error('SUANWANG_TEST_PG_URL is not set');
  const name = `t_dispatch_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const store = await openStore({ databaseUrl: url.toString() });
  return {
    kind,
    store,
    close: async () => {
      await store.close();
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    },
  };
}

export async function addSite(store: Store, site: Site): Promise<void> {
  await store.tx((sql) => upsertSite(sql, site, Date.now() / 1000));
}

let seq = 0;
export function makeTask(command: string | undefined, extra: Partial<Task> = {}): Task {
  seq++;
  const id = `t_${Date.now().toString(36)}_${seq}_${Math.floor(Math.random() * 1e6).toString(36)}`;
  return {
    id,
    tenantId: 'tenant-a',
    kind: 'data-processing',
    resources: { cpuCores: 1, memoryGb: 0.1, gpus: 0, hpcNodes: 0, storageTb: 0 },
    durationS: 60,
    estimatedDurationS: 60,
    submittedAtS: Date.now() / 1000,
    earliestStartS: Date.now() / 1000,
    deadlineS: null,
    originCity: 'hohhot',
    latencySlaMs: null,
    dataGb: 0,
    dataClass: 'general',
    allowedHubs: [],
    pairedOnly: false,
    priority: 0,
    ...(command !== undefined && { command }),
    ...extra,
  };
}

/** A task as the scheduler leaves it: submitted (queued), then placed on a site with its placement row. */
export async function addPlacedTask(
  store: Store,
  task: Task,
  siteId: string,
  startS = Date.now() / 1000,
): Promise<void> {
  await store.tx(async (sql) => {
    await insertTasks(sql, [task]);
    await recordPlacement(sql, {
      taskId: task.id,
      siteId,
      startS,
      endS: startS + task.durationS,
      profile: 'balanced',
      score: { total: 0, parts: {}, carbonG: 0, costFen: 0, latencyMs: 0, energyKwh: 0 },
      runnersUp: [],
      explanation: 'test placement',
      decidedAtS: Date.now() / 1000,
    });
    await changeTaskState(sql, task.id, 'placed', { reason: 'test placement', atS: Date.now() / 1000, siteId });
  });
}

export async function taskRow(
  store: Store,
  id: string,
): Promise<{ state: TaskState; site_id: string | null; state_reason: string | null }> {
  const [r] = await store.query<{ state: TaskState; site_id: string | null; state_reason: string | null }>(
    `SELECT state, site_id, state_reason FROM tasks WHERE id = $1`,
    [id],
  );
  if (!r) throw new Error(`no task ${id}`);
  return r;
}

export async function taskEvents(
  store: Store,
  id: string,
): Promise<{ from_state: string | null; to_state: string; reason: string | null }[]> {
  return store.query(`SELECT from_state, to_state, reason FROM task_events WHERE task_id = $1 ORDER BY id`, [id]);
}

export async function jobRows(store: Store, id: string): Promise<Record<string, unknown>[]> {
  return store.query(`SELECT * FROM dispatch_jobs WHERE task_id = $1 ORDER BY attempt`, [id]);
}

export async function usageRows(store: Store, id: string): Promise<Record<string, unknown>[]> {
  return store.query(`SELECT * FROM usage_records WHERE task_id = $1 ORDER BY attempt`, [id]);
}
