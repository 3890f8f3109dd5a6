/**
 * Ten jobs on a 4-node machine, worked out by hand for FCFS, SJF and EASY.
 *
 *   job  submit  run  requested  nodes
 *   J1     0     10     10         3
 *   J2     1      4      5         2
 *   J3     2      3      3         1
 *   J4     3     20     20         1
 *   J5     4      2      2         4
 *   J6     5     12      6         1     ← runs past its request: killed after 6 s
 *   J7     6      1      1         2
 *   J8     7      5      5         3
 *   J9     8      2      2         1
 *   J10    9      8      8         2
 *
 * Rules: arrivals and ends at one instant are applied, then one pass runs.
 * A job runs min(run, requested). Estimates = requested time.
 *
 * FCFS (strict arrival order, the head blocks):
 *   t=0  J1 starts (free 1). J2..J10 queue behind J2 (needs 2 > 1 free).
 *   t=10 J1 ends (free 4): J2 [10,14), J3 [10,13), J4 [10,30) start; J5 (4) blocks.
 *   t=30 J4 ends, all 4 free: J5 [30,32).
 *   t=32 J6 [32,38) killed, J7 [32,33); J8 (3) blocks (1 free).
 *   t=33 J8 [33,38).   t=38 J9 [38,40), J10 [38,46).
 *   waits: J1 0, J2 9, J3 8, J4 7, J5 26, J6 27, J7 26, J8 26, J9 30, J10 29.
 *
 * SJF (strict by requested time, ties by arrival):
 *   t=0  J1 [0,10).  t=1 J2 blocks (1 free).  t=2 J3 (req 3) sorts before J2, fits: [2,5).
 *   t=3,4 J4, J5 queue.  t=5 J3 ends (1 free), J6 arrives; head J5 (req 2, 4 nodes) blocks.
 *   t=6..9 J7 (req 1) becomes head; queue J7 J5 J9 J2 J8 J6 J10 J4; J7 needs 2, 1 free: blocks.
 *   t=10 J1 ends: J7 [10,11); J5 blocks.   t=11 J5 [11,13).
 *   t=13 J9 [13,15), J2 [13,17); J8 (3) blocks.   t=17 J8 [17,22), J6 [17,23) killed.
 *   t=22 J10 [22,30), J4 [22,42).
 *   waits: J1 0, J2 12, J3 0, J4 19, J5 7, J6 12, J7 4, J8 10, J9 5, J10 13.
 *
 * EASY (FCFS + backfilling around the head's reservation; nodes 0..3, lowest first):
 *   t=0  J1 on nodes 0,1,2 (est end 10).
 *   t=1  head J2 (2): shadow 10 (J1's end frees 3 ≥ 2), extra = 1 free − 0 reserved = 1.
 *   t=2  J3 ends by 2+3=5 ≤ 10: backfills on node 3, [2,5).
 *   t=5  J3 ends (node 3 free). Head J2: shadow 10, extra 1. J4 (est 20, past the shadow)
 *        fits the 1 extra node: backfills on node 3, [5,25).
 *   t=10 J1 ends: J2 starts on 0,1 [10,14) (est end 15). Head J5 (4): J2 frees 2 at 15,
 *        J4 frees 1 at 25 → shadow 25; reserved = {0,1} ∪ {3} ∪ free node 2; extra 0.
 *        J6 (est 6): 16 ≤ 25 → backfills on reserved node 2, [10,16) killed.
 *   t=14 J2 ends. Head J5: J6 (16) + J4 (25) → shadow 25, free 0,1 reserved, extra 0.
 *        J7 (est 1): 15 ≤ 25 → [14,15) on 0,1.
 *   t=15 J7 ends. J8 (3) > 2 free; J9 (est 2): 17 ≤ 25 → [15,17) on node 0.
 *   t=16 J6 ends. Free 1,2. J10 (est 8): 24 ≤ 25 → [16,24) on 1,2.
 *   t=24 J10 ends, 3 free, shadow 25, extra 0: J8 (est 5, ends 29 > 25) must not start.
 *   t=25 J4 ends: J5 [25,27).   t=27 J8 [27,32).
 *   waits: J1 0, J2 9, J3 0, J4 2, J5 21, J6 5, J7 8, J8 20, J9 7, J10 7.
 *   node-seconds: 30+8+3+20+8+6+2+15+2+16 = 110; span 0..32 → utilization 110/(4·32) = 0.859375.
 *   bounded slowdowns (τ=10): 1, 1.3, 1, 1.1, 2.3, 1.1, 1, 2.5, 1, 1.5 → avg 1.38.
 *   slowdowns: 1, 3.25, 1, 1.1, 11.5, 11/6, 9, 5, 4.5, 1.875 → avg 4.0058333….
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchSite, type JobRecord } from '../../src/sim/batch/batch-site.js';
import type { BatchPolicy } from '../../src/sim/batch/policy.js';
import { replayTrace } from '../../src/sim/batch/replay.js';
import { Engine } from '../../src/sim/engine.js';
import type { TraceJob } from '../../src/sim/traces/job.js';

const TABLE: [number, number, number, number][] = [
  [0, 10, 10, 3],
  [1, 4, 5, 2],
  [2, 3, 3, 1],
  [3, 20, 20, 1],
  [4, 2, 2, 4],
  [5, 12, 6, 1],
  [6, 1, 1, 2],
  [7, 5, 5, 3],
  [8, 2, 2, 1],
  [9, 8, 8, 2],
];

const jobs: TraceJob[] = TABLE.map(([submitS, runS, requestedS, nodes], i) => ({
  id: `J${i + 1}`,
  index: i,
  submitS,
  runS,
  requestedS,
  nodes,
  resources: { cpuCores: 0, memoryGb: 0, gpus: 0, hpcNodes: nodes, storageTb: 0 },
  recordedWaitS: null,
  userId: null,
}));

const WAITS: Record<BatchPolicy, number[]> = {
  fcfs: [0, 9, 8, 7, 26, 27, 26, 26, 30, 29],
  sjf: [0, 12, 0, 19, 7, 12, 4, 10, 5, 13],
  easy: [0, 9, 0, 2, 21, 5, 8, 20, 7, 7],
};

for (const policy of ['fcfs', 'sjf', 'easy'] as const) {
  test(`${policy}: waits match the hand derivation`, () => {
    const r = replayTrace({ jobs, machineNodes: 4 }, { policy });
    assert.deepEqual(
      r.records.map((x) => x.waitS),
      WAITS[policy],
    );
    // J6 is killed at its request in every policy.
    for (const x of r.records) {
      assert.equal(x.killed, x.id === 'J6', x.id);
      assert.equal(x.endS - x.startS, x.id === 'J6' ? 6 : (TABLE[x.index] as number[])[1]);
    }
  });
}

test('easy: metrics match the hand derivation', () => {
  const m = replayTrace({ jobs, machineNodes: 4 }, { policy: 'easy' }).metrics;
  assert.equal(m.jobs, 10);
  assert.equal(m.killedJobs, 1);
  assert.equal(m.avgWaitS, 7.9);
  assert.equal(m.maxWaitS, 21);
  assert.equal(m.makespanS, 32);
  assert.equal(m.nodeSecondsUsed, 110);
  assert.equal(m.utilization, 0.859375);
  assert.ok(Math.abs(m.avgBoundedSlowdown - 1.38) < 1e-12, String(m.avgBoundedSlowdown));
  assert.ok(Math.abs(m.avgSlowdown - (1 + 3.25 + 1 + 1.1 + 11.5 + 11 / 6 + 9 + 5 + 4.5 + 1.875) / 10) < 1e-12);
  // waits sorted: 0 0 2 5 7 7 8 9 20 21 → nearest-rank median is the 5th, p95 the 10th
  assert.equal(m.medianWaitS, 7);
  assert.equal(m.p95WaitS, 21);
});

test('easy: allocation is node-level and the head holds a specific reservation', () => {
  const e = new Engine(0);
  const started: Record<string, number[]> = {};
  const site = new BatchSite(e, {
    nodes: 4,
    policy: 'easy',
    onStart: (rec: JobRecord) => {
      started[rec.id] = [...rec.nodeIds];
    },
  });
  for (const j of jobs) e.at(j.submitS, () => site.submit(j), null);

  e.run({ untilS: 5 });
  // J4 went onto the one extra node (3); J2's reservation is J1's first two nodes at t=10.
  assert.deepEqual(started.J4, [3]);
  let res = site.reservation;
  assert.deepEqual(res && { ...res, nodeIds: [...res.nodeIds] }, {
    jobId: 'J2',
    shadowS: 10,
    nodeIds: [0, 1],
    extraNodes: 0,
  });

  e.run({ untilS: 10 });
  // J5's reservation at 25: nodes J2 frees (0,1), then J4's (3), topped up with free node 2; J6 used node 2.
  res = site.reservation;
  assert.deepEqual(res && { ...res, nodeIds: [...res.nodeIds] }, {
    jobId: 'J5',
    shadowS: 25,
    nodeIds: [0, 1, 3, 2],
    extraNodes: 0,
  });
  assert.deepEqual(started.J2, [0, 1]);
  assert.deepEqual(started.J6, [2]);

  e.run({ untilS: 24 });
  // 3 nodes free, but J8 would end at 29 > 25 and there is no extra node: it waits.
  assert.equal(site.freeNodes, 3);
  assert.equal(started.J8, undefined);
  e.run();
  assert.deepEqual(started.J5, [0, 1, 2, 3]);
  assert.deepEqual(started.J10, [1, 2]);
  assert.equal(site.queuedJobs + site.runningJobs, 0);
});

test('a site refuses jobs it can never run, naming the field', () => {
  const e = new Engine();
  const site = new BatchSite(e, { nodes: 4, policy: 'fcfs' });
  assert.throws(() => site.submit({ id: 'x', runS: 1, requestedS: null, nodes: 5 }), /nodes/);
  assert.throws(() => site.submit({ id: 'x', runS: 0, requestedS: null, nodes: 1 }), /runS/);
  assert.throws(() => site.submit({ id: 'x', runS: 1, requestedS: -3, nodes: 1 }), /requestedS/);
  assert.throws(() => new BatchSite(e, { nodes: 0, policy: 'easy' }), /nodes/);
});

test('replay options: from/jobs select consecutive jobs, too-large jobs are left out, bad values are named', () => {
  const r = replayTrace({ jobs, machineNodes: 4 }, { policy: 'fcfs', from: 2, jobs: 3, machineNodes: 2 });
  // J3, J4, J5 selected; J5 (4 nodes) cannot run on 2 nodes.
  assert.deepEqual(
    r.records.map((x) => x.id),
    ['J3', 'J4'],
  );
  assert.equal(r.skippedTooLarge, 1);
  assert.equal(r.machineNodes, 2);
  // Each replay starts empty: J3 and J4 start on arrival.
  assert.deepEqual(
    r.records.map((x) => x.waitS),
    [0, 0],
  );
  assert.throws(() => replayTrace({ jobs, machineNodes: 4 }, { policy: 'easy', from: 10 }), /from/);
  assert.throws(() => replayTrace({ jobs, machineNodes: 4 }, { policy: 'easy', jobs: 0 }), /jobs/);
  assert.throws(() => replayTrace({ jobs, machineNodes: 4 }, { policy: 'easy', machineNodes: 2.5 }), /machineNodes/);
  // No header size: the largest job sizes the machine.
  assert.equal(replayTrace({ jobs, machineNodes: null }, { policy: 'easy' }).machineNodes, 4);
});
