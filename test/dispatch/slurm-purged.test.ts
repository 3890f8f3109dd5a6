/**
 * A finished job that slurmctld has already forgotten (MinJobAge passed): its
 * end state, exit code and times still come back, from the jobcomp file
 * (`sacct -c`), and it can still be found by name. A cluster of the test's own
 * with MinJobAge = 2 s.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SlurmRest } from '../../src/dispatch/slurm/rest-client.js';
import { SlurmBackend } from '../../src/dispatch/slurm/slurm-backend.js';
import { type ClusterInfo, type SlurmEnv, slurmSite, slurmUnavailable, useSlurm } from './slurm-env.js';

const skip = slurmUnavailable();
describe('jobs slurmctld has forgotten', { skip: skip && !process.env.CI ? skip : false }, () => {
  let env: SlurmEnv;
  before(async () => {
    env = await useSlurm({ own: true, clusters: 1, env: { LOCAL_SLURM_MIN_JOB_AGE: '2', LOCAL_SLURM_SMOKE: '0' } });
  });
  after(async () => {
    await env?.stop();
  });

  test('status, find and cancel fall back to the jobcomp file', { timeout: 120_000 }, async () => {
    const c = env.clusters[0] as ClusterInfo;
    const backend = SlurmBackend.fromSite(slurmSite(c, 'purge-site'));
    const rest = new SlurmRest({
      cluster: c.name,
      url: c.rest!.url,
      userName: 'root',
      token: async () => c.rest!.token,
    });
    const ref = await backend.submit({
      taskId: 'purged',
      attempt: 1,
      command: 'echo bye; exit 4',
      resources: { cpuCores: 2, memoryGb: 0, gpus: 0, hpcNodes: 0, storageTb: 0 },
      timeLimitS: 60,
    });
    // wait until slurmctld drops the record (its purge runs periodically after MinJobAge)
    const t0 = Date.now();
    while ((await rest.job(ref.jobId)) !== null) {
      assert.ok(Date.now() - t0 < 100_000, 'slurmctld kept the job record');
      await new Promise((r) => setTimeout(r, 1000));
    }
    const s = (await backend.status([ref])).get(ref.jobId);
    assert.ok(s, 'status came back from sacct -c');
    assert.equal(s.state, 'failed');
    assert.equal(s.accounting!.exitCode, 4);
    assert.equal(s.accounting!.cpus, 2);
    assert.ok(s.accounting!.endedAtS! >= s.accounting!.startedAtS!);
    assert.equal((await backend.find(ref.name))?.jobId, ref.jobId);
    // cancelling a job that ended long ago is not an error; one that never existed is
    await backend.cancel(ref);
    await assert.rejects(backend.cancel({ ...ref, jobId: '999999' }), /no job 999999/);
    assert.match((await backend.readOutput(ref)).text, /bye/);
  });
});
