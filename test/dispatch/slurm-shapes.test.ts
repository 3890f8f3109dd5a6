/** Parsing Slurm's answers across REST versions and tools (no cluster needed). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSacct, parseScontrol } from '../../src/dispatch/slurm/cli-client.js';
import { parseJob, submitBody } from '../../src/dispatch/slurm/rest-client.js';
import { decodeWaitStatus, mapState, toJobStatus } from '../../src/dispatch/slurm/slurm-job.js';

const ref = { backend: 'slurm', cluster: 'dc1', jobId: '7', name: 'sw-t-1', outputPath: '/w/sw-t-1.out' };

test('raw wait statuses decode: exit 3 is 768, a signal is its number', () => {
  assert.deepEqual(decodeWaitStatus(768), { exitCode: 3, signal: null });
  assert.deepEqual(decodeWaitStatus(0), { exitCode: 0, signal: null });
  assert.deepEqual(decodeWaitStatus(15), { exitCode: null, signal: 15 });
  assert.deepEqual(decodeWaitStatus(9 | 0x80), { exitCode: null, signal: 9 });
});

test('Slurm states map to task states; machine failures are retryable, job failures are not', () => {
  assert.deepEqual(mapState('PENDING', 'Priority'), { state: 'pending', retryable: false });
  assert.deepEqual(mapState('CONFIGURING', null), { state: 'pending', retryable: false });
  assert.deepEqual(mapState('RUNNING', null), { state: 'running', retryable: false });
  assert.deepEqual(mapState('COMPLETING', null), { state: 'running', retryable: false });
  assert.deepEqual(mapState('COMPLETED', null), { state: 'succeeded', retryable: false });
  assert.deepEqual(mapState('FAILED', 'NonZeroExitCode'), { state: 'failed', retryable: false });
  assert.deepEqual(mapState('FAILED', 'JobLaunchFailure'), { state: 'failed', retryable: true });
  assert.deepEqual(mapState('NODE_FAIL', null), { state: 'failed', retryable: true });
  assert.deepEqual(mapState('BOOT_FAIL', null), { state: 'failed', retryable: true });
  assert.deepEqual(mapState('OUT_OF_MEMORY', null), { state: 'failed', retryable: false });
  assert.deepEqual(mapState('CANCELLED', null), { state: 'cancelled', retryable: false });
  assert.deepEqual(mapState('TIMEOUT', 'TimeLimit'), { state: 'timed-out', retryable: false });
  assert.deepEqual(mapState('DEADLINE', null), { state: 'timed-out', retryable: false });
});

test('v0.0.38 job objects (plain numbers, raw exit status)', () => {
  const j = parseJob({
    job_id: 7,
    name: 'sw-t-1',
    job_state: 'FAILED',
    state_reason: 'NonZeroExitCode',
    exit_code: 768,
    submit_time: 100,
    start_time: 101,
    end_time: 111,
    cpus: 4,
    nodes: 'dc1n1',
    standard_output: '/w/sw-t-1.out',
  });
  assert.equal(j.exitCode, 3);
  const s = toJobStatus(ref, j);
  assert.equal(s.state, 'failed');
  assert.equal(s.reason, 'FAILED: NonZeroExitCode, exit code 3');
  assert.equal(s.accounting!.wallS, 10);
  assert.equal(s.accounting!.cpuCoreS, 40);
  assert.equal(s.accounting!.cpuUsedS, null);
});

test('v0.0.40+ job objects (state lists, number objects, verbose exit codes)', () => {
  const j = parseJob({
    job_id: 7,
    name: 'sw-t-1',
    job_state: ['COMPLETED'],
    state_reason: 'None',
    exit_code: {
      status: ['SUCCESS'],
      return_code: { set: true, infinite: false, number: 0 },
      signal: { id: { set: false, infinite: false, number: 0 }, name: '' },
    },
    submit_time: { set: true, infinite: false, number: 100 },
    start_time: { set: true, infinite: false, number: 102 },
    end_time: { set: true, infinite: false, number: 107 },
    cpus: { set: true, infinite: false, number: 2 },
    nodes: 'n1',
  });
  assert.equal(j.state, 'COMPLETED');
  assert.equal(j.reason, null);
  assert.equal(j.exitCode, 0);
  const s = toJobStatus(ref, j);
  assert.equal(s.state, 'succeeded');
  assert.equal(s.accounting!.wallS, 5);
  const killed = parseJob({
    job_id: 8,
    job_state: ['CANCELLED', 'COMPLETING'],
    exit_code: {
      status: ['SIGNALED'],
      return_code: { set: true, number: 0 },
      signal: { id: { set: true, number: 15 }, name: 'TERM' },
    },
  });
  assert.equal(killed.state, 'CANCELLED');
  assert.equal(killed.signal, 15);
  assert.equal(killed.exitCode, null);
  // a running job's end_time is its expected end, not a fact: no end, no wall time yet
  const running = toJobStatus(
    ref,
    parseJob({ job_id: 7, job_state: ['RUNNING'], start_time: 100, end_time: 700, cpus: 1 }),
  );
  assert.equal(running.accounting!.endedAtS, null);
  assert.equal(running.accounting!.wallS, 0);
});

test('submit bodies follow the version: environment object ≤ v0.0.38, NAME=value list and number objects after', () => {
  const req = {
    name: 'sw-t-1',
    script: '#!/bin/sh\ntrue\n',
    workDir: '/w',
    stdout: '/w/sw-t-1.out',
    environment: { PATH: '/bin', A: 'b=c' },
    timeLimitMin: 5,
    cpusPerTask: 2,
    memoryMb: 512,
    partition: 'debug',
  };
  const old = submitBody(38, req) as { job: Record<string, unknown> };
  assert.deepEqual(old.job.environment, { PATH: '/bin', A: 'b=c' });
  assert.equal(old.job.time_limit, 5);
  assert.equal(old.job.requeue, false);
  const neu = submitBody(40, req) as { job: Record<string, unknown> };
  assert.deepEqual(neu.job.environment, ['PATH=/bin', 'A=b=c']);
  assert.deepEqual(neu.job.time_limit, { set: true, infinite: false, number: 5 });
  assert.deepEqual(neu.job.memory_per_node, { set: true, infinite: false, number: 512 });
});

test('scontrol -o lines and sacct -c rows parse (epoch times, exit:signal pairs)', () => {
  const line =
    'JobId=12 JobName=sw-a-2 UserId=root(0) JobState=TIMEOUT Reason=TimeLimit Dependency=(null) ExitCode=0:15 ' +
    'RunTime=00:01:27 SubmitTime=1000 StartTime=1001 EndTime=1088 NodeList=dc1n1 NumCPUs=2 ' +
    'Command=(null) WorkDir=/w StdOut=/w/sw-a-2.out';
  const [j] = parseScontrol(`${line}\n`);
  assert.equal(j!.jobId, '12');
  assert.equal(j!.state, 'TIMEOUT');
  assert.equal(j!.reason, 'TimeLimit');
  assert.equal(j!.signal, 15);
  assert.equal(j!.cpus, 2);
  assert.equal(j!.stdout, '/w/sw-a-2.out');
  assert.equal(toJobStatus(ref, j!).accounting!.wallS, 87);
  const rows = parseSacct('3|sw-b-1|FAILED|3:0|10|11|15|1|dc2n1\n4|sw-c-1|CANCELLED by 0|0:15|20|21|22|4|dc2n1\n');
  assert.equal(rows.length, 2);
  assert.equal(rows[0]!.exitCode, 3);
  assert.equal(rows[1]!.state, 'CANCELLED');
  assert.equal(rows[1]!.cpus, 4);
});
