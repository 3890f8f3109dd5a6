/**
 * The live platform end to end on the embedded default: tasks submitted over
 * HTTP are placed by the scheduler, run for real by the local executor, and
 * their state, placement, explanation, accounting and output come back
 * through the API — on PGlite and on PostgreSQL. A second platform started
 * on the same store while jobs run picks them up: nothing lost, nothing twice.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type RunningPlatform, startPlatform } from '../../src/runtime/serve.js';
import { type Store, seedNationalTopology } from '../../src/store/index.js';
import { describeStores, freshStore, scratchDir } from '../helpers/stores.js';

async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers of many shapes
): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, {
    method,
    ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const FAST = { scheduleIntervalMs: 100, dispatch: { pollIntervalMs: 100 }, localMaxConcurrent: 4 };

function start(store: Store, dataDir: string): Promise<RunningPlatform> {
  return startPlatform({ store, dataDir, port: 0, seed: false, auth: false, ...FAST });
}

async function allEnded(base: string, ids: string[]) {
  const tasks = await Promise.all(ids.map((id) => call(base, 'GET', `/tasks/${id}`)));
  return tasks.every((t) => ['succeeded', 'failed', 'cancelled', 'timed-out'].includes(t.body.state))
    ? tasks.map((t) => t.body)
    : undefined;
}

describeStores('live platform', (kind) => {
  it('places, runs and accounts submitted tasks through the local executor', async () => {
    const store = await freshStore(kind);
    await seedNationalTopology(store, { atS: Date.now() / 1000 });
    const dataDir = scratchDir('platform');
    const p = await start(store, dataDir);
    try {
      const ids: string[] = [];
      for (const [i, origin] of ['shanghai', 'beijing', 'guangzhou'].entries()) {
        const r = await call(p.url, 'POST', '/tasks', {
          tenantId: 'lab-a',
          kind: 'data-processing',
          resources: { cpuCores: 2, memoryGb: 4 },
          durationS: 60,
          originCity: origin,
          command: `echo "task ${i} from ${origin}"; exit ${i === 2 ? 3 : 0}`,
        });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        ids.push(r.body.id);
      }
      const done = await until('tasks to end', () => allEnded(p.url, ids));
      assert.deepEqual(
        done.map((t) => t.state),
        ['succeeded', 'succeeded', 'failed'],
      );
      for (const t of done) {
        assert.ok(t.placement, 'a placement is shown');
        assert.ok(t.placement.explanation.length > 10);
        assert.ok(Array.isArray(t.placement.runnersUp));
        assert.equal(t.placement.siteId, t.siteId);
        const states = t.history.map((e: { to: string }) => e.to);
        assert.ok(states.includes('placed') && states.at(-1) === t.state, `history ${states.join('→')}`);
      }
      assert.match(done[2].stateReason ?? '', /exit code 3|exit 3|status 3/i);
      const logs = await call(p.url, 'GET', `/tasks/${ids[1]}/logs`);
      assert.equal(logs.status, 200);
      assert.match(logs.body.text, /task 1 from beijing/);
      const usage = await store.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM usage_records WHERE task_id = ANY($1)',
        [ids],
      );
      assert.equal(usage[0]!.n, 3, 'one usage record per finished job');
      assert.equal((await call(p.url, 'GET', '/tasks/t_nope/logs')).status, 404);
      // the scheduler's work and queues in /metrics, read from the live scheduler
      const metrics = await (await fetch(`${p.url}/metrics`)).text();
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
      const stats = p.platform.schedulerStats();
      assert.ok(value('suanwang_scheduler_walks_total') >= 3, 'at least one walk per task');
      assert.equal(value('suanwang_scheduler_walks_total'), stats.walks);
      assert.ok(value('suanwang_scheduler_candidates_visited_total') >= value('suanwang_scheduler_walks_total'));
      assert.ok(value('suanwang_scheduler_load_reads_total') >= 3, 'at least one site load read per walk');
      assert.equal(value('suanwang_scheduler_capacity_checks_total'), stats.checks);
      assert.ok(value('suanwang_scheduler_task_classes_total') >= 1);
      assert.equal(value('suanwang_scheduler_queued_tasks'), 0, 'nothing waits');
      const held = value('suanwang_scheduler_held_placements');
      assert.ok(held >= 0 && held <= 3, `held ${held}: completions may still be on their way`);
    } finally {
      await p.close();
      await store.close();
    }
  });

  it('a job running past its planned end keeps its capacity booked until it ends', async () => {
    const store = await freshStore(kind);
    await seedNationalTopology(store, { atS: Date.now() / 1000 });
    const p = await start(store, scratchDir('platform-overrun'));
    try {
      const r = await call(p.url, 'POST', '/tasks', {
        tenantId: 'lab-c',
        kind: 'data-processing',
        resources: { cpuCores: 1, memoryGb: 1 },
        durationS: 1,
        estimatedDurationS: 120,
        originCity: 'shanghai',
        command: 'sleep 4',
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const id = r.body.id;
      const placed = await until('the job to run', async () => {
        const t = await call(p.url, 'GET', `/tasks/${id}`);
        return t.body.state === 'running' ? t.body.placement : undefined;
      });
      // past the planned end (start + 1 s) the job still runs: a cycle carries the booking to its time limit
      await until(
        'the booking to be carried to the time limit',
        async () => ((p.platform.bookedEndS(id) ?? 0) >= placed.startS + 120 ? true : undefined),
        10_000,
      );
      assert.ok(Date.now() / 1000 > placed.endS, 'checked after the planned end');
      const done = await until('the job to end', () => allEnded(p.url, [id]));
      assert.equal(done[0].state, 'succeeded');
      await until('the capacity to be given back', async () =>
        p.platform.bookedEndS(id) === undefined ? true : undefined,
      );
    } finally {
      await p.close();
      await store.close();
    }
  });

  it('a restarted platform adopts running jobs: each task completes exactly once', async () => {
    const store = await freshStore(kind);
    await seedNationalTopology(store, { atS: Date.now() / 1000 });
    const dataDir = scratchDir('platform-restart');
    let p = await start(store, dataDir);
    const ids: string[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const r = await call(p.url, 'POST', '/tasks', {
          tenantId: 'lab-b',
          kind: 'rendering',
          resources: { cpuCores: 1, memoryGb: 1 },
          durationS: 30,
          originCity: 'hangzhou',
          command: `sleep 2; echo "ran ${i}" >> ${dataDir}/ran.txt`,
        });
        assert.equal(r.status, 201);
        ids.push(r.body.id);
      }
      await until('jobs to run', async () => {
        const rows = await store.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM tasks WHERE id = ANY($1) AND state = 'running'`,
          [ids],
        );
        return rows[0]!.n >= 1 ? true : undefined;
      });
      await p.close(); // the platform goes away; its detached jobs keep running
      p = await start(store, dataDir);
      const done = await until('tasks to end after restart', () => allEnded(p.url, ids));
      assert.ok(
        done.every((t) => t.state === 'succeeded'),
        done.map((t) => t.state).join(','),
      );
      const { readFileSync } = await import('node:fs');
      const lines = readFileSync(`${dataDir}/ran.txt`, 'utf8').trim().split('\n').sort();
      assert.deepEqual(lines, ['ran 0', 'ran 1', 'ran 2', 'ran 3'], 'every job ran exactly once');
      const jobs = await store.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM dispatch_jobs WHERE task_id = ANY($1)',
        [ids],
      );
      assert.equal(jobs[0]!.n, 4, 'no task was submitted twice');
    } finally {
      await p.close();
      await store.close();
    }
  });
});
