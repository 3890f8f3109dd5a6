import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { replayTrace } from '../../src/sim/batch/replay.js';
import { parseBatsim, readBatsimFile } from '../../src/sim/traces/batsim.js';
import { readTraceFile } from '../../src/sim/traces/read-trace.js';

const data = (f: string) => fileURLToPath(new URL(`../data/traces/${f}`, import.meta.url));

test("Batsim's test_delays.json: 10 delay jobs on 2 resources, replayed FCFS", async () => {
  const w = await readTraceFile(data('batsim-test_delays.json.gz'));
  assert.equal(w.format, 'batsim');
  assert.equal(w.machineNodes, 2);
  assert.equal(w.jobs.length, 10);
  assert.deepEqual(
    w.jobs.map((j) => [j.id, j.submitS, j.runS, j.requestedS, j.nodes]),
    Array.from({ length: 10 }, (_, i) => [String(i), 3 * i, 10, 100, 1]),
  );
  // One job every 3 s, each 10 s long, on 2 resources: by hand, starts 0,3,10,13,20,23,30,33,40,43.
  const r = replayTrace(w, { policy: 'fcfs' });
  assert.deepEqual(
    r.records.map((x) => x.waitS),
    [0, 0, 4, 4, 8, 8, 12, 12, 16, 16],
  );
  assert.equal(r.metrics.makespanS, 53);
});

test("Batsim's test_walltime.json: profiles that need a platform are refused, naming the profile", async () => {
  await assert.rejects(
    readBatsimFile(data('batsim-test_walltime.json.gz')),
    (e: Error & { field?: string }) =>
      e.field === 'profiles.compute_only_10s.type' && /ptask_homogeneous/.test(e.message),
  );
});

test('walltime kills, -1 and missing walltimes, DelayProfile, composed profiles', () => {
  const w = parseBatsim({
    nb_res: 4,
    jobs: [
      { id: 'a', subtime: 0, walltime: 5, res: 2, profile: 'd10' }, // killed at 5
      { id: 'b', subtime: 0.5, walltime: -1, res: 2, profile: 'd10' },
      { id: 'c', subtime: 1, res: 4, profile: 'seq' },
      { id: 'd', subtime: 2, res: 1, profile: 'zero' }, // no run time: dropped
      { id: 7, subtime: 3, walltime: 100, res: 1, profile: 'old', user: 'u1' },
    ],
    profiles: {
      d10: { type: 'delay', delay: 10 },
      zero: { type: 'delay', delay: 0 },
      old: { type: 'DelayProfile', delay: 2.5 },
      seq: { type: 'composed', repeat: 3, seq: ['d10', 'old'] },
    },
  });
  assert.deepEqual(
    w.jobs.map((j) => [j.id, j.runS, j.requestedS]),
    [
      ['a', 10, 5],
      ['b', 10, null],
      ['c', 37.5, null],
      ['7', 2.5, 100],
    ],
  );
  assert.deepEqual(w.dropped, { nonPositiveRunTime: 1 });
  assert.equal(w.jobs[3]!.userId, 'u1');
  const r = replayTrace(w, { policy: 'fcfs' });
  const byId = Object.fromEntries(r.records.map((x) => [x.id, x]));
  assert.equal(byId.a!.endS, 5);
  assert.equal(byId.a!.killed, true);
  // c needs all 4 resources: after a (5) and b (0.5 + 10) end.
  assert.equal(byId.c!.startS, 10.5);
});

test('bad Batsim input names the field', () => {
  const ok = {
    nb_res: 2,
    jobs: [{ id: 1, subtime: 0, res: 1, profile: 'p' }],
    profiles: { p: { type: 'delay', delay: 1 } },
  };
  const bad = (patch: (d: typeof ok & Record<string, unknown>) => void, field: string) => {
    const d = structuredClone(ok) as typeof ok & Record<string, unknown>;
    patch(d);
    assert.throws(
      () => parseBatsim(d),
      (e: Error & { field?: string }) => e.field === field,
      field,
    );
  };
  bad((d) => (d.nb_res = 0), 'nb_res');
  bad((d) => (d.jobs = 'x' as never), 'jobs');
  bad((d) => (d.profiles = [] as never), 'profiles');
  bad((d) => ((d.jobs[0] as Record<string, unknown>).res = 1.5), 'jobs[0].res');
  bad((d) => ((d.jobs[0] as Record<string, unknown>).subtime = -1), 'jobs[0].subtime');
  bad((d) => ((d.jobs[0] as Record<string, unknown>).walltime = 0), 'jobs[0].walltime');
  bad((d) => ((d.jobs[0] as Record<string, unknown>).profile = 'nope'), 'jobs[0].profile');
  bad((d) => d.jobs.push({ id: 1, subtime: 0, res: 1, profile: 'p' }), 'jobs[1].id');
  bad((d) => ((d.profiles.p as Record<string, unknown>).delay = 'long'), 'profiles.p.delay');
  bad((d) => ((d.profiles as Record<string, unknown>).p = { type: 'composed', seq: ['p'] }), 'profiles.p');
  assert.throws(() => parseBatsim('{not json', 'w.json'), /w\.json: not valid JSON/);
});
