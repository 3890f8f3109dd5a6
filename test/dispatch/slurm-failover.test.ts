/**
 * A data center fails under running work. Two real Slurm clusters of the
 * test's own (it stops one controller); the real Scheduler re-places tasks.
 *
 * Tasks run on cluster A; A's slurmctld is stopped. The loop marks A down
 * after `downAfterS`, the scheduler re-places the tasks on B, they are
 * submitted there and complete. A's controller comes back while A's copies
 * still run: they are cancelled. Every task completes exactly once, none is
 * lost, and nothing is submitted to A again.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { DispatchLoop } from '../../src/dispatch/dispatch-loop.js';
import { BackendRegistry } from '../../src/dispatch/registry.js';
import { systemClock } from '../../src/domain/clock.js';
import type { TaskState } from '../../src/domain/task.js';
import { ReservationBook, Scheduler, type SchedulerWorld } from '../../src/scheduler/index.js';
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

async function liveJobsOn(c: ClusterInfo): Promise<string[]> {
  const { stdout } = await run('squeue', ['-h', '-t', 'pending,running,configuring', '-o', '%j'], {
    env: { ...process.env, SLURM_CONF: c.slurm_conf },
  });
  return stdout.split('\n').filter((n) => n.startsWith('sw-'));
}

const skip = slurmUnavailable();
describe('a cluster fails under running tasks', { skip: skip && !process.env.CI ? skip : false }, () => {
  let env: SlurmEnv;
  let ts: TestStore;
  let dataDir: string;

  before(async () => {
    // own clusters: this test stops a controller
    [env, ts] = await Promise.all([useSlurm({ own: true, clusters: 2 }), openTestStore('pglite')]);
    dataDir = await mkdtemp(join(tmpdir(), 'sw-failover-'));
  });
  after(async () => {
    await ts?.close();
    await env?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('tasks move to the other cluster, complete once, and the stale copies are cancelled when A returns', {
    timeout: 90_000,
  }, async () => {
    const [dc1, dc2] = env.clusters as [ClusterInfo, ClusterInfo];
    // A is cheaper, so the scheduler puts the work there first
    const siteA = slurmSite(dc1, 'dc-a', 'rest', {
      prices: {
        priceFenPerCoreHour: 2,
        priceFenPerGpuHour: 500,
        priceFenPerHpcNodeHour: 300,
        priceFenPerTbMonth: 10000,
        priceFenPerGbMoved: 1,
      },
    });
    const siteB = slurmSite(dc2, 'dc-b');
    await addSite(ts.store, siteA);
    await addSite(ts.store, siteB);
    const world: SchedulerWorld = {
      sites: [siteA, siteB],
      hubs: [],
      cities: [{ id: 'hohhot', province: 'Inner Mongolia', hubId: null }],
      network: { rttMs: () => 10 },
    };
    const scheduler = new Scheduler({
      world,
      profile: 'cheapest',
      clock: systemClock,
      capacity: new ReservationBook(world.sites),
    });

    const tasks = [0, 1, 2, 3].map((i) =>
      makeTask(
        `echo "start $SUANWANG_ATTEMPT on $SLURM_CLUSTER_NAME"; sleep 15; echo "done ${i} on $SLURM_CLUSTER_NAME"`,
        {
          durationS: 30,
          estimatedDurationS: 120,
        },
      ),
    );
    for (const t of tasks) scheduler.submit(t);
    const { placed } = scheduler.cycle();
    assert.deepEqual(
      placed.map((p) => p.siteId),
      tasks.map(() => siteA.id),
    );
    for (const t of tasks) await addPlacedTask(ts.store, t, siteA.id);

    const siteEvents: string[] = [];
    const endedCount = new Map<string, number>();
    const registry = new BackendRegistry({ dataDir, slurm: { timeoutMs: 2500 } });
    const loop = new DispatchLoop({
      store: ts.store,
      backends: registry,
      downAfterS: 3,
      hooks: {
        siteStatus: (id, status) => {
          siteEvents.push(`${id} ${status}`);
          scheduler.setSiteStatus(id, status);
        },
        replace: async (taskId) => {
          scheduler.cycle();
          return scheduler.placement(taskId)?.siteId ?? null;
        },
        taskEnded: (id, _state, atS) => {
          endedCount.set(id, (endedCount.get(id) ?? 0) + 1);
          scheduler.complete(id, atS);
        },
      },
    });
    const ids = tasks.map((t) => t.id);
    const states = async () => Promise.all(ids.map(async (id) => (await taskRow(ts.store, id)).state));
    const tickUntil = async (done: (s: TaskState[]) => boolean, what: string, timeoutMs: number) => {
      const t0 = Date.now();
      for (;;) {
        await loop.tick();
        const s = await states();
        if (done(s)) return;
        if (Date.now() - t0 > timeoutMs) assert.fail(`${what}: timeout; states ${s.join(',')}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    };

    await tickUntil((s) => s.every((x) => x === 'running'), 'running on A', 20_000);
    assert.equal((await liveJobsOn(dc1)).length, 4);

    // data center A's controller fails
    await env.ctl(dc1.name, 'stop');
    const downAt = Date.now();
    await tickUntil(() => siteEvents.includes(`${siteA.id} down`), 'A marked down', 20_000);
    assert.ok(Date.now() - downAt >= 3000, 'not marked down before downAfterS');
    // every task is on B now, as its second attempt
    const t0 = Date.now();
    for (;;) {
      const rows = await Promise.all(ids.map((id) => jobRows(ts.store, id)));
      if (rows.every((r) => r.length === 2 && r[1]!.site_id === siteB.id && r[1]!.job_id !== null)) break;
      assert.ok(Date.now() - t0 < 20_000, 'tasks were not resubmitted on B');
      await loop.tick();
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const id of ids) assert.equal((await taskRow(ts.store, id)).site_id, siteB.id);

    // A comes back while its copies still run (15 s jobs): they are stale and get cancelled
    await env.ctl(dc1.name, 'start');
    await tickUntil((s) => s.every((x) => x === 'succeeded'), 'completed on B', 45_000);
    assert.ok(siteEvents.includes(`${siteA.id} up`), siteEvents.join('; '));

    // the stale rows reach an end state too (cancelled, or finished if A's copy got there first)
    const t1 = Date.now();
    for (;;) {
      const firsts = await Promise.all(ids.map(async (id) => (await jobRows(ts.store, id))[0]!));
      if (firsts.every((r) => r.state === 'cancelled' || r.state === 'succeeded')) {
        for (const r of firsts) assert.equal(r.superseded, true);
        assert.ok(
          firsts.some((r) => r.state === 'cancelled'),
          'at least one stale copy was cancelled',
        );
        break;
      }
      assert.ok(Date.now() - t1 < 20_000, `stale rows: ${firsts.map((r) => r.state).join(',')}`);
      await loop.tick();
      await new Promise((r) => setTimeout(r, 300));
    }
    // a few more ticks with A up: nothing is submitted again, nothing runs on A
    for (let i = 0; i < 3; i++) await loop.tick();
    assert.deepEqual(await liveJobsOn(dc1), []);
    for (const id of ids) {
      const rows = await jobRows(ts.store, id);
      assert.equal(rows.length, 2, `${id}: exactly two attempts`);
      assert.equal(rows[1]!.state, 'succeeded');
      assert.equal(rows[1]!.superseded, false);
      const ev = await taskEvents(ts.store, id);
      assert.equal(ev.filter((e) => e.to_state === 'succeeded').length, 1, 'completed once');
      assert.ok(ev.some((e) => e.to_state === 'queued' && /stopped answering/.test(e.reason ?? '')));
      assert.ok(ev.some((e) => e.to_state === 'placed' && /re-placed on dc-b/.test(e.reason ?? '')));
      assert.equal(endedCount.get(id), 1);
      assert.match((await loop.logs(id)).text, new RegExp(`done \\d on ${dc2.name}`));
      // both copies used resources: both are metered, and only B's is the task's result
      const usage = await usageRows(ts.store, id);
      assert.deepEqual(
        usage.map((u) => u.attempt),
        [1, 2],
      );
    }
    await registry.close();
  });
});
