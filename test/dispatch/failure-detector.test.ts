/** Pure pieces of dispatch: the failure detector, job names, the backend registry. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobName, parseJobName } from '../../src/dispatch/backend.js';
import { FailureDetector } from '../../src/dispatch/failure-detector.js';
import { LocalBackend } from '../../src/dispatch/local/local-backend.js';
import { BackendRegistry } from '../../src/dispatch/registry.js';
import { SlurmBackend } from '../../src/dispatch/slurm/slurm-backend.js';
import { ManualClock } from '../../src/domain/clock.js';
import { testSite } from './slurm-env.js';

test('a site is down only after failing continuously for downAfterS, and up again on the first answer', () => {
  const clock = new ManualClock(1000);
  const d = new FailureDetector({ downAfterS: 30, clock });
  assert.equal(d.observeFailure('a', 'timeout'), null);
  clock.advance(20);
  assert.equal(d.observeFailure('a', 'timeout'), null);
  // an answer in between resets the run of failures
  assert.equal(d.observeOk('a'), null);
  clock.advance(5);
  assert.equal(d.observeFailure('a', 'refused'), null);
  clock.advance(29);
  assert.equal(d.observeFailure('a', 'refused'), null);
  assert.equal(d.isDown('a'), false);
  clock.advance(1);
  assert.equal(d.observeFailure('a', 'refused'), 'down');
  // only the transition is reported
  assert.equal(d.observeFailure('a', 'refused'), null);
  assert.deepEqual(d.downSites(), ['a']);
  assert.equal(d.health('a').lastError, 'refused');
  assert.equal(d.health('a').downSinceS, 1055);
  assert.equal(d.observeOk('a'), 'recovered');
  assert.equal(d.isDown('a'), false);
  assert.deepEqual(d.downSites(), []);
  assert.throws(() => new FailureDetector({ downAfterS: -1, clock }), /downAfterS/);
});

test('job names are deterministic and parse back; bad task ids are refused', () => {
  assert.equal(jobName('t_01HX', 2), 'sw-t_01HX-2');
  assert.deepEqual(parseJobName('sw-t_01HX-2'), { taskId: 't_01HX', attempt: 2 });
  assert.deepEqual(parseJobName('sw-a-b-12'), { taskId: 'a-b', attempt: 12 });
  assert.equal(parseJobName('wrap'), null);
  assert.equal(parseJobName('sw-x-0'), null);
  assert.throws(() => jobName('has space', 1), /taskId/);
  assert.throws(() => jobName('t', 0), /attempt/);
});

test('the registry gives each site its backend and makes a new one when the site backend changes', async () => {
  const reg = new BackendRegistry({ dataDir: '/tmp/sw-registry-test' });
  const local = testSite('l1', undefined);
  const b1 = reg.backendFor(local);
  assert.ok(b1 instanceof LocalBackend);
  assert.equal((b1 as LocalBackend).dir, '/tmp/sw-registry-test/jobs/l1');
  assert.equal(reg.backendFor({ ...local }), b1);
  const b2 = reg.backendFor({ ...local, backend: { kind: 'local', maxConcurrent: 3 } });
  assert.notEqual(b2, b1);
  assert.equal((b2 as LocalBackend).maxConcurrent, 3);
  const slurm = reg.backendFor(
    testSite('s1', { kind: 'slurm', clusterName: 'dc7', restUrl: 'http://127.0.0.1:1', workDir: '/srv/jobs' }),
  );
  assert.ok(slurm instanceof SlurmBackend);
  assert.equal(slurm.cluster, 'dc7');
  assert.throws(() => reg.backendFor(testSite('s2', { kind: 'slurm', restUrl: 'http://h' })), /backend\.workDir/);
  await reg.close();
});
