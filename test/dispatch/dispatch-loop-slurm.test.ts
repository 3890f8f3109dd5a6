/**
 * The dispatch loop against real Slurm clusters ("two data centers"): tasks
 * placed on them run as Slurm jobs and their states, accounting and output
 * come back; cancel reaches Slurm; and a platform restart (a new loop on the
 * same store) reconciles every task — including one whose job was submitted
 * but never recorded — without a single job submitted twice.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { jobName } from '../../src/dispatch/backend.js';
import { DispatchLoop } from '../../src/dispatch/dispatch-loop.js';
import { insertJobRow } from '../../src/dispatch/job-rows.js';
import { BackendRegistry } from '../../src/dispatch/registry.js';
import { SlurmBackend } from '../../src/dispatch/slurm/slurm-backend.js';
import type { Site } from '../../src/domain/site.js';
import type { TaskState } from '../../src/domain/task.js';
import { type ClusterInfo, type SlurmEnv, slurmSite, slurmUnavailable, useSlurm } from './slurm-env.js';
import {
  addPlacedTask,
  addSite,
  jobRows,
  makeTask,
  openTestStore,
  type TestStore,
  taskEvents,
  taskRow,
  usageRows,
} from './store-fixtures.js';

const run = promisify(execFile);
const TERMINAL: TaskState[] = ['succeeded', 'failed', 'cancelled', 'timed-out'];

/** Jobs Slurm holds with this name, any state. */
async function slurmJobsNamed(c: ClusterInfo, name: string): Promise<string[]> {
  const { stdout } = await run('squeue', ['-h', '-t', 'all', '-n', name, '-o', '%i %T'], {
    env: { ...process.env, SLURM_CONF: c.slurm_conf },
  });
  return stdout.trim() ? stdout.trim().split('\n') : [];
}

const skip = slurmUnavailable();
describe('dispatch loop on real Slurm clusters', { skip: skip && !process.env.CI ? skip : false }, () => {
  let env: SlurmEnv;
  let ts: TestStore;
  let dataDir: string;
  let dc1: ClusterInfo;
  let dc2: ClusterInfo;
  let siteA: Site;
  let siteB: Site;

  const newLoop = (registry: BackendRegistry) =>
    new DispatchLoop({
      store: ts.store,
      backends: registry,
      hooks: { replace: async () => null },
      pollIntervalMs: 200,
    });

  async function runUntil(loop: DispatchLoop, ids: string[], done?: (s: TaskState[]) => boolean, timeoutMs = 40_000) {
    const t0 = Date.now();
    for (;;) {
      await loop.tick();
      const states = await Promise.all(ids.map(async (id) => (await taskRow(ts.store, id)).state));
      if (done ? done(states) : states.every((s) => TERMINAL.includes(s))) return states;
      if (Date.now() - t0 > timeoutMs) assert.fail(`timeout; states ${states.join(',')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  before(async () => {
    [env, ts] = await Promise.all([useSlurm({ clusters: 2 }), openTestStore('pglite')]);
    [dc1, dc2] = env.clusters as [ClusterInfo, ClusterInfo];
    dataDir = await mkdtemp(join(tmpdir(), 'sw-loop-slurm-'));
    siteA = slurmSite(dc1, 'dc-a');
    siteB = slurmSite(dc2, 'dc-b', 'cli');
    await addSite(ts.store, siteA);
    await addSite(ts.store, siteB);
  });
  after(async () => {
    await ts?.close();
    await env?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('tasks run as Slurm jobs on two clusters, complete, and their accounting and output come back', async () => {
    const registry = new BackendRegistry({ dataDir });
    const loop = newLoop(registry);
    const a = makeTask('echo "on $SLURM_CLUSTER_NAME as job $SLURM_JOB_ID"; sleep 1', {
      resources: { cpuCores: 2, memoryGb: 0.5, gpus: 0, hpcNodes: 0, storageTb: 0 },
    });
    const b = makeTask('echo "on $SLURM_CLUSTER_NAME"');
    const bad = makeTask('echo failing; exit 3');
    await addPlacedTask(ts.store, a, siteA.id);
    await addPlacedTask(ts.store, b, siteB.id);
    await addPlacedTask(ts.store, bad, siteA.id);
    const states = await runUntil(loop, [a.id, b.id, bad.id]);
    assert.deepEqual(states, ['succeeded', 'succeeded', 'failed']);

    const [rowA] = await jobRows(ts.store, a.id);
    assert.equal(rowA!.cluster, dc1.name);
    assert.equal(rowA!.backend, 'slurm');
    assert.match(String(rowA!.job_id), /^\d+$/);
    assert.equal(rowA!.job_name, jobName(a.id, 1));
    assert.equal((await jobRows(ts.store, b.id))[0]!.cluster, dc2.name);

    const [u] = await usageRows(ts.store, a.id);
    assert.equal(Number(u!.cpus), 2);
    assert.ok(Number(u!.wall_s) >= 1, `wall ${u!.wall_s}`);
    assert.equal(Number(u!.cpu_core_s), 2 * Number(u!.wall_s));
    assert.ok(Number(u!.energy_kwh) > 0);
    assert.equal(u!.job_id, rowA!.job_id);

    assert.match((await loop.logs(a.id)).text, new RegExp(`on ${dc1.name} as job ${rowA!.job_id}`));
    assert.match((await loop.logs(b.id)).text, new RegExp(`on ${dc2.name}`));
    const failed = await taskRow(ts.store, bad.id);
    assert.match(failed.state_reason!, /NonZeroExitCode, exit code 3/);
    assert.equal((await usageRows(ts.store, bad.id))[0]!.exit_code, 3);
    const ev = (await taskEvents(ts.store, a.id)).map((e) => e.to_state);
    assert.deepEqual(ev.slice(0, 3), ['queued', 'placed', 'dispatched']);
    assert.equal(ev[ev.length - 1], 'succeeded');
    await registry.close();
  });

  test('cancelling a task cancels its Slurm job', async () => {
    const registry = new BackendRegistry({ dataDir });
    const loop = newLoop(registry);
    const t = makeTask('sleep 120');
    await addPlacedTask(ts.store, t, siteA.id);
    await runUntil(loop, [t.id], (s) => s[0] === 'running');
    await loop.cancel(t.id, 'user asked');
    const jobId = String((await jobRows(ts.store, t.id))[0]!.job_id);
    const t0 = Date.now();
    for (;;) {
      await loop.tick();
      const row = (await jobRows(ts.store, t.id))[0]!;
      if (row.state === 'cancelled') break;
      assert.ok(Date.now() - t0 < 20_000, `job row still ${row.state}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(await slurmJobsNamed(dc1, jobName(t.id, 1)), [`${jobId} CANCELLED`]);
    assert.equal((await taskRow(ts.store, t.id)).state, 'cancelled');
    await registry.close();
  });

  test('restart: a new loop reconciles running tasks, finds a submitted-but-unrecorded job by name, submits nothing twice', async () => {
    const reg1 = new BackendRegistry({ dataDir });
    const loop1 = newLoop(reg1);
    const tasks = [0, 1, 2].map((i) => makeTask(`sleep 3; echo done ${i}`));
    for (const [i, t] of tasks.entries()) await addPlacedTask(ts.store, t, i % 2 ? siteB.id : siteA.id);
    await loop1.tick();
    // the crash window: intent recorded, job submitted, platform died before recording the id
    const orphan = makeTask('echo orphan');
    await addPlacedTask(ts.store, orphan, siteA.id);
    await insertJobRow(
      ts.store,
      {
        taskId: orphan.id,
        attempt: 1,
        siteId: siteA.id,
        backend: 'slurm',
        cluster: dc1.name,
        jobName: jobName(orphan.id, 1),
        state: 'submitting',
        reason: null,
      },
      // a minute ago: longer than a live loop takes to hand a job over (submitGraceS)
      Date.now() / 1000 - 60,
    );
    await SlurmBackend.fromSite(siteA).submit({
      taskId: orphan.id,
      attempt: 1,
      command: 'echo orphan',
      resources: orphan.resources,
      timeLimitS: 60,
    });
    // and a placed task the dead platform never got to
    const fresh = makeTask('echo fresh');
    await addPlacedTask(ts.store, fresh, siteB.id);
    // the platform process dies: the loop and its backends are simply dropped
    await reg1.close();

    const reg2 = new BackendRegistry({ dataDir });
    const loop2 = newLoop(reg2);
    const first = await loop2.reconcile();
    assert.equal(first.found, 1, 'the unrecorded job was found by its name');
    assert.equal(first.submitted, 1, 'only the never-submitted task was submitted');
    const all = [...tasks, orphan, fresh];
    const states = await runUntil(
      loop2,
      all.map((t) => t.id),
    );
    assert.ok(
      states.every((s) => s === 'succeeded'),
      states.join(),
    );
    for (const [i, t] of all.entries()) {
      const rows = await jobRows(ts.store, t.id);
      assert.equal(rows.length, 1, `${t.id}: one job row`);
      const cluster = rows[0]!.cluster === dc1.name ? dc1 : dc2;
      assert.equal((await slurmJobsNamed(cluster, jobName(t.id, 1))).length, 1, `task ${i}: exactly one Slurm job`);
      assert.equal((await taskEvents(ts.store, t.id)).filter((e) => e.to_state === 'succeeded').length, 1);
      assert.equal((await usageRows(ts.store, t.id)).length, 1);
    }
    assert.match((await loop2.logs(orphan.id)).text, /orphan/);
    await reg2.close();
  });
});
