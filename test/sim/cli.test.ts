import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { replayTrace } from '../../src/sim/batch/replay.js';
import { readSwfFile } from '../../src/sim/traces/swf.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SDSC = join(ROOT, 'test/data/traces/SDSC-SP2-1998-4.2-cln.first11088.swf.gz');
const PODS = join(ROOT, 'test/data/traces/alibaba-openb_pod_list_default.csv.gz');

async function sim(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['bin/suanwang.js', 'sim', ...args], {
      cwd: ROOT,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

test('suanwang sim --json replays a slice and writes per-job CSV matching the library', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'suanwang-sim-'));
  try {
    const out = join(dir, 'jobs.csv');
    const r = await sim([
      '--trace',
      SDSC,
      '--policy',
      'easy',
      '--from',
      '500',
      '--jobs',
      '3000',
      '--jobs-out',
      out,
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    const lib = replayTrace(await readSwfFile(SDSC), { policy: 'easy', from: 500, jobs: 3000 });
    for (const k of ['avgWaitS', 'avgBoundedSlowdown', 'avgSlowdown', 'utilization', 'makespanS'] as const) {
      assert.equal(report[k], lib.metrics[k], k);
    }
    assert.equal(report.jobs, 3000);
    assert.equal(report.from, 500);
    assert.equal(report.machineNodes, 128);
    assert.equal(report.policy, 'easy');
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    assert.equal(lines[0], 'id,submit,start,end,nodes,wait,killed');
    assert.equal(lines.length, 3001);
    const first = lib.records[0]!;
    assert.equal(
      lines[1],
      `${first.id},${first.submitS},${first.startS},${first.endS},${first.nodes},${first.waitS},${first.killed ? 1 : 0}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('suanwang sim prints a readable table without --json', async () => {
  const r = await sim(['--trace', SDSC, '--policy', 'fcfs', '--jobs', '200']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^policy\s+fcfs$/m);
  assert.match(r.stdout, /^machine\s+128 nodes$/m);
  assert.match(r.stdout, /^avg bounded slowdown\s+\d+\.\d{3} \(τ = 10 s\)$/m);
  assert.match(r.stdout, /^utilization\s+\d+\.\d{2} %$/m);
});

test('suanwang sim: a pod list replays only with --nodes; bad options are named', async () => {
  const noNodes = await sim(['--trace', PODS, '--json']);
  assert.notEqual(noNodes.code, 0);
  assert.match(noNodes.stderr, /--nodes: a pod list has no machine size/);
  const pods = await sim(['--trace', PODS, '--nodes', '1213', '--policy', 'fcfs', '--json']);
  assert.equal(pods.code, 0, pods.stderr);
  assert.equal(JSON.parse(pods.stdout).jobs, 7255);

  const badPolicy = await sim(['--trace', SDSC, '--policy', 'lifo']);
  assert.notEqual(badPolicy.code, 0);
  assert.match(badPolicy.stderr, /policy: must be one of fcfs, sjf, easy, got 'lifo'/);
  const badFrom = await sim(['--trace', SDSC, '--from', '-3']);
  assert.notEqual(badFrom.code, 0);
  assert.match(badFrom.stderr, /--from/);
  const pastEnd = await sim(['--trace', SDSC, '--from', '10000']);
  assert.equal(pastEnd.code, 2);
  assert.match(pastEnd.stderr, /from: index 10000 is past the trace's last job \(it has 10000\)/);
  const missing = await sim(['--trace', join(ROOT, 'no-such.swf')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /trace: no such file/);
  const noTrace = await sim([]);
  assert.equal(noTrace.code, 2);
  assert.match(noTrace.stderr, /--trace: a trace file is required/);
});
