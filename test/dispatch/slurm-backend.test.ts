/**
 * The Slurm backend against real local Slurm clusters: REST (JWT over TCP and
 * local auth over a unix socket) and the CLI fallback. The time-limit job is
 * submitted first and checked last: Slurm enforces minutes with ~30 s slack.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  BackendError,
  isTerminalJobState,
  type JobRef,
  type JobSpec,
  type JobStatus,
} from '../../src/dispatch/backend.js';
import { SlurmBackend } from '../../src/dispatch/slurm/slurm-backend.js';
import { type ClusterInfo, type SlurmEnv, slurmSite, slurmUnavailable, useSlurm } from './slurm-env.js';

const run = promisify(execFile);
const resources = { cpuCores: 1, memoryGb: 0.1, gpus: 0, hpcNodes: 0, storageTb: 0 };
const runId = Date.now().toString(36);
const spec = (task: string, command: string, extra: Partial<JobSpec> = {}): JobSpec => ({
  taskId: `${runId}-${task}`,
  attempt: 1,
  command,
  resources,
  timeLimitS: 120,
  ...extra,
});

async function waitFor(
  b: SlurmBackend,
  ref: JobRef,
  done: (s: JobStatus) => boolean,
  timeoutMs = 30_000,
): Promise<JobStatus> {
  const t0 = Date.now();
  let last: JobStatus | undefined;
  for (;;) {
    last = (await b.status([ref])).get(ref.jobId);
    if (last && done(last)) return last;
    if (Date.now() - t0 > timeoutMs)
      assert.fail(`timeout waiting for ${ref.name} (job ${ref.jobId}): last ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
const ended = (s: JobStatus) => isTerminalJobState(s.state);

const skip = slurmUnavailable();
describe('Slurm backend on real clusters', { skip: skip && !process.env.CI ? skip : false }, () => {
  let env: SlurmEnv;
  let dc1: ClusterInfo;
  let dc2: ClusterInfo;
  let rest: SlurmBackend;
  let timeoutRef: JobRef;
  let timeoutSubmittedAt: number;

  before(async () => {
    env = await useSlurm({ clusters: 2 });
    [dc1, dc2] = env.clusters as [ClusterInfo, ClusterInfo];
    rest = SlurmBackend.fromSite(slurmSite(dc1, 'site-dc1'));
    // 30 s → a 1-minute Slurm limit; ends TIMEOUT 60–90 s from now
    timeoutRef = await rest.submit(spec('overtime', 'echo started; sleep 300', { timeLimitS: 30 }));
    timeoutSubmittedAt = Date.now();
  });
  after(async () => {
    await env?.stop();
  });

  test('negotiates the newest REST version the server offers', async () => {
    assert.equal(rest.mode, 'rest');
    assert.equal(await rest.apiVersion(), 'v0.0.38');
    await rest.ping();
  });

  test('a task runs as a Slurm job, completes, and its accounting and output come back', async () => {
    const ref = await rest.submit(spec('ok', 'echo "hello from $SLURM_CLUSTER_NAME task $SUANWANG_TASK_ID"; sleep 1'));
    assert.equal(ref.cluster, dc1.name);
    assert.match(ref.jobId, /^\d+$/);
    assert.equal(ref.name, `sw-${runId}-ok-1`);
    const s = await waitFor(rest, ref, ended);
    assert.equal(s.state, 'succeeded', JSON.stringify(s));
    const a = s.accounting!;
    assert.equal(a.exitCode, 0);
    assert.equal(a.cpus, 1);
    assert.ok(a.wallS >= 1 && a.wallS <= 5, `wall ${a.wallS}`);
    assert.equal(a.cpuCoreS, a.cpus * a.wallS);
    assert.ok(a.submittedAtS! <= a.startedAtS! && a.startedAtS! <= a.endedAtS!);
    assert.equal(a.nodes, dc1.nodes[0]);
    const out = await rest.readOutput(ref);
    assert.match(out.text, new RegExp(`hello from ${dc1.name} task ${runId}-ok`));
  });

  test('a failing script reports its exit code (decoded from the raw wait status) and Slurm reason', async () => {
    const ref = await rest.submit(spec('fail', 'echo failing; exit 3'));
    const s = await waitFor(rest, ref, ended);
    assert.equal(s.state, 'failed');
    assert.equal(s.accounting!.exitCode, 3);
    assert.equal(s.retryable, false);
    assert.match(s.reason!, /NonZeroExitCode/);
    assert.match(s.reason!, /exit code 3/);
  });

  test('cancel cancels the Slurm job', async () => {
    const ref = await rest.submit(spec('cancel', 'sleep 120'));
    await waitFor(rest, ref, (s) => s.state === 'running');
    await rest.cancel(ref);
    const s = await waitFor(rest, ref, ended);
    assert.equal(s.state, 'cancelled');
    const { stdout } = await run('squeue', ['-h', '-j', ref.jobId, '-t', 'all', '-o', '%T'], {
      env: { ...process.env, SLURM_CONF: dc1.slurm_conf },
    });
    assert.equal(stdout.trim(), 'CANCELLED');
    // cancelling a job that already ended is not an error
    await rest.cancel(ref);
  });

  test('an infeasible job is refused and does not stay pending; over-size memory too', async () => {
    // more CPUs than the whole cluster has
    const big = spec('huge', 'true', {
      resources: { ...resources, cpuCores: dc1.cpus_per_node * dc1.nodes.length + 1 },
    });
    await assert.rejects(
      rest.submit(big),
      (e: unknown) =>
        e instanceof BackendError && e.code === 'rejected' && !e.retryable && /not available/i.test(e.message),
    );
    const { stdout } = await run('squeue', ['-h', '-t', 'pending', '-n', `sw-${runId}-huge-1`, '-o', '%i'], {
      env: { ...process.env, SLURM_CONF: dc1.slurm_conf },
    });
    assert.equal(stdout.trim(), '', 'the accepted-with-errors job was cancelled');
    await assert.rejects(
      rest.submit(
        spec('mem', 'true', { resources: { ...resources, memoryGb: Math.ceil((2 * dc1.mem_mb_per_node) / 1024) } }),
      ),
      (e: unknown) => {
        return e instanceof BackendError && e.code === 'rejected' && !e.retryable;
      },
    );
  });

  test('a job is found again by its deterministic name', async () => {
    const ref = await rest.submit(spec('findme', 'sleep 1'));
    const found = await rest.find(ref.name);
    assert.equal(found?.jobId, ref.jobId);
    assert.equal(found?.cluster, dc1.name);
    assert.equal(await rest.find(`sw-${runId}-nothere-1`), null);
    await waitFor(rest, ref, ended);
  });

  test('the CLI fallback (no REST): submit, state, exit code, cancel, find', async () => {
    const cli = SlurmBackend.fromSite(slurmSite(dc2, 'site-dc2', 'cli'));
    assert.equal(cli.mode, 'cli');
    await cli.ping();
    const ok = await cli.submit(spec('cli-ok', 'echo via sbatch; echo "$SUANWANG_ATTEMPT"'));
    const bad = await cli.submit(spec('cli-bad', 'exit 7'));
    const long = await cli.submit(spec('cli-long', 'sleep 120'));
    const s1 = await waitFor(cli, ok, ended);
    assert.equal(s1.state, 'succeeded');
    assert.ok(s1.accounting!.endedAtS! >= s1.accounting!.startedAtS!);
    assert.match((await cli.readOutput(ok)).text, /via sbatch\n1\n/);
    const s2 = await waitFor(cli, bad, ended);
    assert.equal(s2.state, 'failed');
    assert.equal(s2.accounting!.exitCode, 7);
    await waitFor(cli, long, (s) => s.state === 'running');
    assert.equal((await cli.find(long.name))?.jobId, long.jobId);
    await cli.cancel(long);
    assert.equal((await waitFor(cli, long, ended)).state, 'cancelled');
  });

  test('local auth over the unix socket, and a JWT minted with scontrol when none is configured', async () => {
    const sock = SlurmBackend.fromSite(slurmSite(dc2, 'site-dc2s', 'socket'));
    await sock.ping();
    const r1 = await sock.submit(spec('sock', 'echo socket'));
    assert.equal((await waitFor(sock, r1, ended)).state, 'succeeded');
    const site = slurmSite(dc2, 'site-dc2m');
    if (site.backend?.kind === 'slurm') delete site.backend.token;
    const minted = SlurmBackend.fromSite(site);
    const r2 = await minted.submit(spec('minted', 'echo minted'));
    assert.equal((await waitFor(minted, r2, ended)).state, 'succeeded');
  });

  test('statuses of many jobs come back from one listing', async () => {
    const refs: JobRef[] = [];
    for (let i = 0; i < 12; i++) refs.push(await rest.submit(spec(`many${i}`, 'true')));
    const t0 = Date.now();
    for (;;) {
      const m = await rest.status(refs);
      assert.equal(m.size, refs.length);
      if ([...m.values()].every(ended)) {
        assert.ok([...m.values()].every((s) => s.state === 'succeeded'));
        break;
      }
      assert.ok(Date.now() - t0 < 30_000, 'jobs did not finish');
      await new Promise((r) => setTimeout(r, 300));
    }
  });

  test('bad configuration is refused naming the field', () => {
    assert.throws(() => new SlurmBackend({ cluster: 'x', workDir: 'relative' }), /backend\.workDir/);
    assert.throws(() => new SlurmBackend({ cluster: 'x', workDir: '/tmp' }), /backend\.restUrl/);
    assert.throws(
      () => new SlurmBackend({ cluster: 'x', workDir: '/tmp', restUrl: 'http://h', apiVersion: 'v9' }),
      /backend\.apiVersion/,
    );
  });

  test('a task over its time limit is reported as timed out (Slurm: minutes, ~30 s slack)', {
    timeout: 150_000,
  }, async () => {
    const s = await waitFor(rest, timeoutRef, ended, 140_000 - (Date.now() - timeoutSubmittedAt));
    assert.equal(s.state, 'timed-out', JSON.stringify(s));
    assert.match(s.reason!, /TIMEOUT/);
    assert.ok(s.accounting!.wallS >= 60, `wall ${s.accounting!.wallS}`);
    assert.match((await rest.readOutput(timeoutRef)).text, /started/);
  });
});
