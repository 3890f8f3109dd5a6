/**
 * The dispatch loop with the embedded local backend, on a real store (PGlite,
 * and PostgreSQL when SUANWANG_TEST_PG_URL is set): states flow back, usage is
 * recorded, cancels and time limits work, failures are retried, and a new loop
 * on the same store after a "crash" reconciles every task without submitting
 * anything twice.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jobName } from '../../src/dispatch/backend.js';
import { DispatchLoop, type DispatchLoopOptions } from '../../src/dispatch/dispatch-loop.js';
import { insertJobRow } from '../../src/dispatch/job-rows.js';
import { LocalBackend } from '../../src/dispatch/local/local-backend.js';
import { isProcessAlive } from '../../src/dispatch/local/proc.js';
import { BackendRegistry } from '../../src/dispatch/registry.js';
import type { TaskState } from '../../src/domain/task.js';
import { testSite } from './slurm-env.js';
import {
  addPlacedTask,
  addSite,
  jobRows,
  makeTask,
  openTestStore,
  storeKinds,
  type TestStore,
  taskEvents,
  taskRow,
  usageRows,
} from './store-fixtures.js';

const TERMINAL: TaskState[] = ['succeeded', 'failed', 'cancelled', 'timed-out'];

for (const kind of storeKinds()) {
  describe(`dispatch loop, local backend (${kind})`, () => {
    let ts: TestStore;
    let dataDir: string;
    const site = testSite('local-1', { kind: 'local', maxConcurrent: 4 });
    const ended: string[] = [];

    const newLoop = (registry: BackendRegistry, extra: Partial<DispatchLoopOptions> = {}) =>
      new DispatchLoop({
        store: ts.store,
        backends: registry,
        hooks: { replace: async () => null, taskEnded: (id) => void ended.push(id) },
        retryBackoffS: 0,
        ...extra,
      });

    /** Ticks until every task is in an end state (or the predicate holds). */
    async function runUntil(
      loop: DispatchLoop,
      ids: string[],
      done?: (states: TaskState[]) => boolean,
      timeoutMs = 60_000, // generous: CI machines may be loaded; the checks are about correctness, not speed
    ) {
      const t0 = Date.now();
      for (;;) {
        await loop.tick();
        const states = await Promise.all(ids.map(async (id) => (await taskRow(ts.store, id)).state));
        if (done ? done(states) : states.every((s) => TERMINAL.includes(s))) return states;
        if (Date.now() - t0 > timeoutMs) assert.fail(`timeout; states ${states.join(',')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }

    before(async () => {
      ts = await openTestStore(kind);
      dataDir = await mkdtemp(join(tmpdir(), 'sw-loop-'));
      await addSite(ts.store, site);
    });
    after(async () => {
      await ts?.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    test('placed tasks run, their states flow back with events, usage is recorded and logs are readable', async () => {
      const registry = new BackendRegistry({ dataDir });
      const loop = newLoop(registry);
      const ok = makeTask('echo "out of $SUANWANG_TASK_ID"; sleep 0.3', {
        resources: { cpuCores: 2, memoryGb: 1, gpus: 0, hpcNodes: 0, storageTb: 0 },
      });
      const bad = makeTask('echo bad >&2; exit 3');
      const slow = makeTask('sleep 30', { estimatedDurationS: 1 });
      const none = makeTask(undefined);
      for (const t of [ok, bad, slow, none]) await addPlacedTask(ts.store, t, site.id);
      const first = await loop.tick();
      assert.equal(first.submitted, 3);
      assert.equal(first.failedToSubmit, 1);
      assert.equal((await taskRow(ts.store, ok.id)).state, 'dispatched');
      const states = await runUntil(loop, [ok.id, bad.id, slow.id, none.id]);
      assert.deepEqual(states, ['succeeded', 'failed', 'timed-out', 'failed']);

      const evOk = (await taskEvents(ts.store, ok.id)).map((e) => e.to_state);
      assert.deepEqual(evOk.slice(0, 3), ['queued', 'placed', 'dispatched']);
      assert.equal(evOk[evOk.length - 1], 'succeeded');
      assert.ok(evOk.length <= 5, evOk.join());
      assert.match((await taskRow(ts.store, bad.id)).state_reason!, /exit code 3/);
      assert.match((await taskRow(ts.store, none.id)).state_reason!, /command: the task has no command/);
      assert.match((await taskRow(ts.store, slow.id)).state_reason!, /time limit/);

      const [u] = await usageRows(ts.store, ok.id);
      assert.ok(u);
      assert.equal(u.site_id, site.id);
      assert.equal(u.tenant_id, 'tenant-a');
      assert.equal(Number(u.cpus), 2);
      const wall = Number(u.wall_s);
      assert.ok(wall >= 0.3 && wall < 5, `wall ${wall}`);
      assert.ok(Math.abs(Number(u.cpu_core_s) - 2 * wall) < 1e-9);
      // energy = (2 cores × 6 W) × PUE 1.2 × wall / 3600 s/h / 1000 W/kW; carbon at 600 g/kWh × (1 − 0.3)
      const kwh = (2 * 6 * 1.2 * wall) / 3600 / 1000;
      assert.ok(Math.abs(Number(u.energy_kwh) - kwh) < 1e-12);
      assert.ok(Math.abs(Number(u.carbon_g) - kwh * 600 * 0.7) < 1e-9);
      assert.equal(Number(u.exit_code), 0);
      assert.equal((await usageRows(ts.store, bad.id))[0]?.exit_code, 3);
      assert.equal((await usageRows(ts.store, none.id)).length, 0);

      const logs = await loop.logs(ok.id);
      assert.match(logs.text, new RegExp(`out of ${ok.id}`));
      assert.equal(logs.attempt, 1);
      assert.equal(logs.siteId, site.id);
      assert.match((await loop.logs(bad.id)).text, /bad/);
      await assert.rejects(loop.logs(none.id), /never reached its site: .*no command/);
      await assert.rejects(loop.logs('t_nope'), /not found/);
      assert.ok([ok.id, bad.id, slow.id, none.id].every((id) => ended.includes(id)));
      await assert.rejects(loop.cancel(ok.id), /succeeded; only an unfinished task can be cancelled/);
      await registry.close();
    });

    test('cancel: through the loop at once, or by the task state (as the API sets it) on the next tick', async () => {
      const registry = new BackendRegistry({ dataDir });
      const loop = newLoop(registry);
      const a = makeTask('sleep 60 & echo $! > bg.pid; wait');
      const b = makeTask('sleep 60');
      for (const t of [a, b]) await addPlacedTask(ts.store, t, site.id);
      await runUntil(loop, [a.id, b.id], (s) => s.every((x) => x === 'running'));
      await loop.cancel(a.id, 'user asked');
      await ts.store.query(`UPDATE tasks SET state = 'cancelled', state_reason = 'via api' WHERE id = $1`, [b.id]);
      const states = await runUntil(loop, [a.id, b.id], (s) => s.every((x) => x === 'cancelled'));
      assert.deepEqual(states, ['cancelled', 'cancelled']);
      // the job rows reach their end too, and the processes are gone
      const t0 = Date.now();
      while (
        (await jobRows(ts.store, a.id))[0]?.state !== 'cancelled' ||
        (await jobRows(ts.store, b.id))[0]?.state !== 'cancelled'
      ) {
        assert.ok(Date.now() - t0 < 10_000, 'job rows not cancelled');
        await loop.tick();
        await new Promise((r) => setTimeout(r, 100));
      }
      const bg = Number(await readFile(join(dataDir, 'jobs', site.id, jobName(a.id, 1), 'work', 'bg.pid'), 'utf8'));
      assert.equal(isProcessAlive(bg), false);
      // cancelling again is not an error
      await loop.cancel(a.id);
      await registry.close();
    });

    test('a lost job (its processes killed) is retried as the next attempt; the task completes once', async () => {
      const registry = new BackendRegistry({ dataDir });
      const loop = newLoop(registry, { maxAttempts: 2 });
      // the first attempt blocks; the second finds the marker and finishes at once
      const marker = join(dataDir, `marker-${Date.now()}`);
      const t = makeTask(`if [ -e ${marker} ]; then echo second; else touch ${marker}; sleep 60; fi`);
      await addPlacedTask(ts.store, t, site.id);
      await runUntil(loop, [t.id], (s) => s[0] === 'running');
      // like a machine reboot: the wrapper and the job's process group die at once, nothing is written
      const jobDir = join(dataDir, 'jobs', site.id, jobName(t.id, 1));
      let pgid = 0;
      for (let i = 0; i < 100 && !pgid; i++) {
        pgid = Number(await readFile(join(jobDir, 'pgid'), 'utf8').catch(() => '0'));
        if (!pgid) await new Promise((r) => setTimeout(r, 20));
      }
      const pid = Number(await readFile(join(jobDir, 'pid'), 'utf8'));
      process.kill(-pid, 'SIGKILL');
      process.kill(-pgid, 'SIGKILL');
      const [state] = await runUntil(loop, [t.id]);
      assert.equal(state, 'succeeded');
      const rows = await jobRows(ts.store, t.id);
      assert.deepEqual(
        rows.map((r) => [r.attempt, r.state, r.retryable]),
        [
          [1, 'failed', true],
          [2, 'succeeded', false],
        ],
      );
      const events = await taskEvents(ts.store, t.id);
      assert.equal(events.filter((e) => e.to_state === 'succeeded').length, 1);
      assert.ok(events.some((e) => /retrying as attempt 2 of 2/.test(e.reason ?? '')));
      assert.match((await loop.logs(t.id)).text, /second/);
      assert.equal((await loop.logs(t.id, { attempt: 1 })).attempt, 1);
      await registry.close();
    });

    test('restart: a new loop on the same store finds running jobs, queued jobs and a submit whose id was never recorded', async () => {
      const reg1 = new BackendRegistry({ dataDir, local: { maxConcurrent: 2 } });
      const loop1 = newLoop(reg1);
      const tasks = [0, 1, 2, 3].map((i) => makeTask(`sleep 1; echo done ${i}`));
      for (const t of tasks) await addPlacedTask(ts.store, t, site.id);
      await loop1.tick();
      // crash window: the intent row is written and the backend got the job, but the platform died before recording
      // it — a minute ago, longer than a live loop takes to hand a job over (submitGraceS)
      const crashedAtS = Date.now() / 1000 - 60;
      const orphan = makeTask('echo orphan');
      await addPlacedTask(ts.store, orphan, site.id);
      await insertJobRow(
        ts.store,
        {
          taskId: orphan.id,
          attempt: 1,
          siteId: site.id,
          backend: 'local',
          cluster: 'x',
          jobName: jobName(orphan.id, 1),
          state: 'submitting',
          reason: null,
        },
        crashedAtS,
      );
      const direct = new LocalBackend({ dir: join(dataDir, 'jobs', site.id) });
      await direct.submit({
        taskId: orphan.id,
        attempt: 1,
        command: 'echo orphan',
        resources: orphan.resources,
        timeLimitS: 60,
      });
      // and one whose intent was written but the backend never got it
      const unsent = makeTask('echo unsent');
      await addPlacedTask(ts.store, unsent, site.id);
      await insertJobRow(
        ts.store,
        {
          taskId: unsent.id,
          attempt: 1,
          siteId: site.id,
          backend: 'local',
          cluster: 'x',
          jobName: jobName(unsent.id, 1),
          state: 'submitting',
          reason: null,
        },
        crashedAtS,
      );
      // the platform process "dies": loop and backends are dropped, jobs keep running
      await reg1.close();
      await direct.close();

      const reg2 = new BackendRegistry({ dataDir, local: { maxConcurrent: 2 } });
      const loop2 = newLoop(reg2);
      const r = await loop2.reconcile();
      assert.equal(r.found, 1, 'the orphan job was found by name');
      assert.equal(r.submitted, 1, 'only the never-sent one was submitted');
      const all = [...tasks, orphan, unsent].map((t) => t.id);
      const states = await runUntil(loop2, all);
      assert.ok(
        states.every((s) => s === 'succeeded'),
        states.join(),
      );
      for (const id of all) {
        const rows = await jobRows(ts.store, id);
        assert.equal(rows.length, 1, `${id}: one job row`);
        assert.equal(rows[0]!.attempt, 1);
        assert.equal((await usageRows(ts.store, id)).length, 1);
        assert.equal((await taskEvents(ts.store, id)).filter((e) => e.to_state === 'succeeded').length, 1);
      }
      // one job directory per task: nothing ran twice
      const dirs = (await readdir(join(dataDir, 'jobs', site.id))).filter((d) =>
        all.some((id) => d.startsWith(`sw-${id}-`)),
      );
      assert.equal(dirs.length, all.length);
      assert.match((await loop2.logs(orphan.id)).text, /orphan/);
      await reg2.close();
    });

    test('two loops on one store never submit a task twice', async () => {
      const reg1 = new BackendRegistry({ dataDir });
      const reg2 = new BackendRegistry({ dataDir });
      const l1 = newLoop(reg1);
      const l2 = newLoop(reg2);
      const tasks = Array.from({ length: 6 }, (_, i) => makeTask(`echo ${i}`));
      for (const t of tasks) await addPlacedTask(ts.store, t, site.id);
      const [a, b] = await Promise.all([l1.tick(), l2.tick()]);
      assert.equal(a.submitted + b.submitted, tasks.length);
      const states = await runUntil(
        l1,
        tasks.map((t) => t.id),
      );
      const why = await Promise.all(tasks.map(async (t) => (await taskRow(ts.store, t.id)).state_reason));
      assert.deepEqual(
        states,
        tasks.map(() => 'succeeded'),
        JSON.stringify(why),
      );
      for (const t of tasks) assert.equal((await jobRows(ts.store, t.id)).length, 1);
      await reg1.close();
      await reg2.close();
    });

    test('a job another loop is handing over is left to it; one left behind is taken by exactly one loop', async () => {
      const reg1 = new BackendRegistry({ dataDir });
      const reg2 = new BackendRegistry({ dataDir });
      const l1 = newLoop(reg1);
      const l2 = newLoop(reg2);
      const row = (taskId: string) => ({
        taskId,
        attempt: 1,
        siteId: site.id,
        backend: 'local',
        cluster: 'x',
        jobName: jobName(taskId, 1),
        state: 'submitting' as const,
        reason: null,
      });
      const inFlight = makeTask('echo in flight');
      await addPlacedTask(ts.store, inFlight, site.id);
      await insertJobRow(ts.store, row(inFlight.id), Date.now() / 1000);
      const r = await l1.tick();
      assert.equal(r.submitted + r.found, 0, 'a fresh intent row belongs to the loop writing it');
      assert.equal((await jobRows(ts.store, inFlight.id))[0]!.state, 'submitting');
      const leftBehind = makeTask('echo left behind');
      await addPlacedTask(ts.store, leftBehind, site.id);
      await insertJobRow(ts.store, row(leftBehind.id), Date.now() / 1000 - 60);
      const [a, b] = await Promise.all([l1.tick(), l2.tick()]);
      assert.equal(a.submitted + b.submitted, 1, 'handed over once');
      const states = await runUntil(l1, [leftBehind.id]);
      assert.deepEqual(states, ['succeeded']);
      assert.equal((await jobRows(ts.store, leftBehind.id)).length, 1);
      const dirs = (await readdir(join(dataDir, 'jobs', site.id))).filter((d) => d.startsWith(`sw-${leftBehind.id}-`));
      assert.equal(dirs.length, 1, 'one job ran');
      await reg1.close();
      await reg2.close();
    });

    test('bad options name the field', () => {
      const registry = new BackendRegistry({ dataDir });
      assert.throws(() => newLoop(registry, { maxAttempts: 0 }), /maxAttempts/);
      assert.throws(() => newLoop(registry, { downAfterS: -1 }), /downAfterS/);
      assert.throws(
        () => new DispatchLoop({ store: ts.store, backends: registry, hooks: {} as never }),
        /hooks\.replace/,
      );
    });
  });
}
