import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BackendError, type JobRef, type JobSpec, type JobStatus } from '../../src/dispatch/backend.js';
import { LocalBackend } from '../../src/dispatch/local/local-backend.js';
import { isProcessAlive } from '../../src/dispatch/local/proc.js';

const resources = { cpuCores: 1, memoryGb: 0.1, gpus: 0, hpcNodes: 0, storageTb: 0 };
const spec = (taskId: string, command: string, extra: Partial<JobSpec> = {}): JobSpec => ({
  taskId,
  attempt: 1,
  command,
  resources,
  timeLimitS: 60,
  ...extra,
});

async function waitFor(b: LocalBackend, ref: JobRef, done: (s: JobStatus) => boolean, timeoutMs = 15_000) {
  const t0 = Date.now();
  for (;;) {
    const s = (await b.status([ref])).get(ref.jobId);
    assert.ok(s, `no status for ${ref.jobId}`);
    if (done(s)) return s;
    if (Date.now() - t0 > timeoutMs) assert.fail(`timeout waiting for ${ref.jobId}: last state ${s.state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const ended = (s: JobStatus) => ['succeeded', 'failed', 'cancelled', 'timed-out'].includes(s.state);

/** Processes whose command line mentions the directory: what a job left behind. */
async function processesUnder(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    if (isProcessAlive(Number(e), dir)) pids.push(Number(e));
  }
  return pids;
}

describe('local backend', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'sw-local-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('runs the command with /bin/sh -c, captures output, reports OS accounting', async () => {
    const b = new LocalBackend({ dir: join(root, 'a'), maxConcurrent: 2, cluster: 'host-a' });
    const ref = await b.submit(
      spec('t1', 'echo "hello $SUANWANG_TASK_ID"; echo oops >&2; i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done'),
    );
    assert.equal(ref.name, 'sw-t1-1');
    assert.equal(ref.cluster, 'host-a');
    const s = await waitFor(b, ref, ended);
    assert.equal(s.state, 'succeeded');
    const a = s.accounting!;
    assert.equal(a.exitCode, 0);
    assert.equal(a.signal, null);
    assert.ok(a.startedAtS! >= a.submittedAtS! - 0.01 && a.endedAtS! >= a.startedAtS!);
    assert.ok(a.wallS > 0 && a.wallS < 10, `wall ${a.wallS}`);
    // a busy loop of 200k iterations burns measurable CPU in the kernel's own accounting
    assert.ok(a.cpuUsedS !== null && a.cpuUsedS > 0, `cpu ${a.cpuUsedS}`);
    assert.ok(a.cpuUsedS! <= a.wallS + 0.05);
    assert.equal(a.cpus, 1);
    assert.ok(Math.abs(a.cpuCoreS - a.wallS) < 1e-9);
    const out = await b.readOutput(ref);
    assert.match(out.text, /hello t1/);
    assert.match(out.text, /oops/);
    assert.equal(out.truncated, false);
    const tail = await b.readOutput(ref, { maxBytes: 5 });
    assert.equal(tail.text, 'oops\n');
    assert.equal(tail.truncated, true);
    await b.close();
  });

  test('a failing command reports its exit code; a signal is reported as such', async () => {
    const b = new LocalBackend({ dir: join(root, 'b'), maxConcurrent: 2 });
    const r1 = await b.submit(spec('fail', 'echo about to fail; exit 3'));
    const r2 = await b.submit(spec('sig', 'kill -KILL $$'));
    const s1 = await waitFor(b, r1, ended);
    assert.equal(s1.state, 'failed');
    assert.equal(s1.accounting!.exitCode, 3);
    assert.equal(s1.reason, 'exit code 3');
    assert.equal(s1.retryable, false);
    const s2 = await waitFor(b, r2, ended);
    assert.equal(s2.state, 'failed');
    assert.equal(s2.accounting!.signal, 9);
    assert.equal(s2.accounting!.exitCode, null);
    await b.close();
  });

  test('the time limit is enforced: the whole process group is killed and the job is timed-out', async () => {
    const dir = join(root, 'c');
    const b = new LocalBackend({ dir, maxConcurrent: 2 });
    const ref = await b.submit(spec('slow', 'sleep 30 & echo $! > bg.pid; sleep 30; wait', { timeLimitS: 1 }));
    const s = await waitFor(b, ref, ended);
    assert.equal(s.state, 'timed-out');
    assert.ok(s.accounting!.wallS >= 1 && s.accounting!.wallS < 5, `wall ${s.accounting!.wallS}`);
    // the background sleep the command started is gone too (it would outlive a plain kill of the shell)
    const bg = Number(await readFile(join(dir, ref.jobId, 'work', 'bg.pid'), 'utf8'));
    assert.ok(bg > 0);
    assert.equal(isProcessAlive(bg), false);
    assert.deepEqual(await processesUnder(dir), []);
    await b.close();
  });

  test('cancel stops a running job and everything it started', async () => {
    const dir = join(root, 'd');
    const b = new LocalBackend({ dir, maxConcurrent: 2 });
    const ref = await b.submit(spec('long', 'sleep 60 & echo $! > bg.pid; sleep 60; wait'));
    await waitFor(b, ref, (s) => s.state === 'running');
    const bgFile = join(dir, ref.jobId, 'work', 'bg.pid');
    let bg = 0;
    for (let i = 0; i < 100 && !bg; i++) {
      bg = Number(await readFile(bgFile, 'utf8').catch(() => '0'));
      if (!bg) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(isProcessAlive(bg), true);
    await b.cancel(ref);
    const s = await waitFor(b, ref, ended);
    assert.equal(s.state, 'cancelled');
    assert.equal(isProcessAlive(bg), false);
    assert.deepEqual(await processesUnder(dir), []);
    // cancelling again, after the end, is not an error
    await b.cancel(ref);
    await b.close();
  });

  test('a concurrency limit queues jobs; a queued job can be cancelled before it starts', async () => {
    const b = new LocalBackend({ dir: join(root, 'e'), maxConcurrent: 2 });
    const refs: JobRef[] = [];
    for (let i = 0; i < 5; i++) refs.push(await b.submit(spec(`q${i}`, 'sleep 0.4')));
    const queued = await b.submit(spec('never', 'echo should not run'));
    await b.cancel(queued);
    const states = [...(await b.status(refs)).values()].map((s) => s.state);
    assert.ok(states.filter((s) => s === 'running').length <= 2, states.join());
    const done = await Promise.all(refs.map((r) => waitFor(b, r, ended)));
    assert.ok(done.every((s) => s.state === 'succeeded'));
    // never more than two ran at once: check the recorded start/end intervals
    const iv = done.map((s) => [s.accounting!.startedAtS!, s.accounting!.endedAtS!] as const);
    for (const [t] of iv) {
      const overlapping = iv.filter(([s, e]) => s <= t + 1e-6 && e > t + 1e-6).length;
      assert.ok(overlapping <= 2, `more than 2 jobs overlapped at ${t}`);
    }
    const c = (await b.status([queued])).get(queued.jobId)!;
    assert.equal(c.state, 'cancelled');
    assert.equal(c.accounting, null);
    assert.equal((await b.readOutput(queued)).text, '');
    await b.close();
  });

  test('the same attempt cannot be submitted twice; bad specs name the field', async () => {
    const b = new LocalBackend({ dir: join(root, 'f'), maxConcurrent: 1 });
    await b.submit(spec('dup', 'true'));
    await assert.rejects(
      b.submit(spec('dup', 'true')),
      (e: unknown) => e instanceof BackendError && /already submitted/.test(e.message) && !e.retryable,
    );
    await assert.rejects(
      b.submit(spec('x', '  ')),
      (e: unknown) => e instanceof BackendError && e.message.startsWith('command:'),
    );
    await assert.rejects(b.submit(spec('x', 'true', { timeLimitS: 0 })), /timeLimitS/);
    await assert.rejects(b.submit(spec('bad id!', 'true')), /taskId/);
    await assert.rejects(b.submit(spec('x', 'true', { env: { 'A-B': '1' } })), /env\.A-B/);
    assert.throws(() => new LocalBackend({ dir: root, maxConcurrent: 0 }), /maxConcurrent/);
    await b.close();
  });

  test('jobs survive a platform restart: a new backend on the same directory adopts running jobs and starts queued ones', async () => {
    const dir = join(root, 'g');
    const b1 = new LocalBackend({ dir, maxConcurrent: 1 });
    const running = await b1.submit(spec('r1', 'sleep 1; echo first done'));
    const queued = await b1.submit(spec('r2', 'echo second done'));
    await waitFor(b1, running, (s) => s.state === 'running');
    assert.equal((await b1.status([queued])).get(queued.jobId)!.state, 'pending');
    // the "platform" goes away without waiting for anything
    await b1.close();

    const b2 = new LocalBackend({ dir, maxConcurrent: 1 });
    const found = await b2.find('sw-r1-1');
    assert.deepEqual(found, running);
    assert.equal(await b2.find('sw-nope-1'), null);
    const s1 = await waitFor(b2, running, ended);
    const s2 = await waitFor(b2, queued, ended);
    assert.equal(s1.state, 'succeeded');
    assert.equal(s2.state, 'succeeded');
    assert.match((await b2.readOutput(queued)).text, /second done/);
    // the queued job started only after the adopted one ended (limit 1 holds across the restart)
    assert.ok(s2.accounting!.startedAtS! >= s1.accounting!.endedAtS! - 0.05);
    await b2.close();
  });

  test('a job whose processes vanish without an exit record is reported lost and retryable', async () => {
    const dir = join(root, 'h');
    const b = new LocalBackend({ dir, maxConcurrent: 1 });
    const ref = await b.submit(spec('lost', 'sleep 60'));
    await waitFor(b, ref, (s) => s.state === 'running');
    // like a machine reboot: the wrapper and its job die at once, nothing is written
    let pgid = 0;
    for (let i = 0; i < 100 && !pgid; i++) {
      pgid = Number(await readFile(join(dir, ref.jobId, 'pgid'), 'utf8').catch(() => '0'));
      if (!pgid) await new Promise((r) => setTimeout(r, 20));
    }
    const pid = Number(await readFile(join(dir, ref.jobId, 'pid'), 'utf8'));
    process.kill(-pid, 'SIGKILL');
    process.kill(-pgid, 'SIGKILL');
    const s = await waitFor(b, ref, ended);
    assert.equal(s.state, 'failed');
    assert.equal(s.retryable, true);
    assert.match(s.reason!, /lost/);
    await b.close();
  });
});
