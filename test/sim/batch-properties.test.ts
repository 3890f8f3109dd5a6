/**
 * Random workloads (fast-check): the node-level batch queues must agree with
 * the independent count-based reference on every start time, and no node may
 * ever be held by two jobs at once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BatchSite, type JobRecord } from '../../src/sim/batch/batch-site.js';
import { Engine } from '../../src/sim/engine.js';
import { type RefJob, referenceStarts } from './reference-batch-sim.js';

const MACHINE = 8;

const jobArb = fc.record({
  gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 }), fc.double({ min: 0.5, max: 30, noNaN: true })),
  run: fc.integer({ min: 1, max: 60 }),
  // requested: unknown, under the run (→ killed), or over it
  reqKind: fc.constantFrom('none', 'under', 'over'),
  reqDelta: fc.integer({ min: 0, max: 40 }),
  procs: fc.integer({ min: 1, max: MACHINE }),
});

function toJobs(spec: { gap: number; run: number; reqKind: string; reqDelta: number; procs: number }[]): RefJob[] {
  let t = 0;
  return spec.map((s) => {
    t += s.gap;
    const req =
      s.reqKind === 'none'
        ? -1
        : s.reqKind === 'under'
          ? Math.max(1, s.run - 1 - (s.reqDelta % s.run))
          : s.run + s.reqDelta;
    return { submit: t, run: s.run, req, procs: s.procs };
  });
}

function simulate(jobs: RefJob[], policy: 'fcfs' | 'sjf' | 'easy'): JobRecord[] {
  const e = new Engine(0);
  const records: JobRecord[] = [];
  const site = new BatchSite(e, { nodes: MACHINE, policy, onEnd: (r) => records.push(r) });
  jobs.forEach((j, i) => {
    e.at(
      j.submit,
      () => site.submit({ id: String(i), index: i, runS: j.run, requestedS: j.req > 0 ? j.req : null, nodes: j.procs }),
      null,
    );
  });
  e.run();
  return records.sort((a, b) => a.index - b.index);
}

function assertNodesNeverShared(records: JobRecord[]): void {
  const byNode = new Map<number, [number, number][]>();
  for (const r of records) {
    assert.equal(new Set(r.nodeIds).size, r.nodes, `job ${r.id} holds ${r.nodes} distinct nodes`);
    for (const id of r.nodeIds) {
      assert.ok(id >= 0 && id < MACHINE);
      const l = byNode.get(id) ?? [];
      l.push([r.startS, r.endS]);
      byNode.set(id, l);
    }
  }
  for (const [id, spans] of byNode) {
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) {
      assert.ok(spans[i]![0] >= spans[i - 1]![1], `node ${id} double-booked at ${spans[i]![0]}`);
    }
  }
}

for (const policy of ['fcfs', 'sjf', 'easy'] as const) {
  test(`${policy}: random workloads agree with the reference and never share a node`, () => {
    fc.assert(
      fc.property(fc.array(jobArb, { minLength: 1, maxLength: 40 }), (spec) => {
        const jobs = toJobs(spec);
        const records = simulate(jobs, policy);
        assert.equal(records.length, jobs.length);
        assert.deepEqual(
          records.map((r) => r.startS),
          referenceStarts(jobs, MACHINE, policy),
        );
        assertNodesNeverShared(records);
        for (const r of records) {
          const j = jobs[r.index]!;
          assert.equal(r.killed, j.req > 0 && j.run > j.req);
          assert.ok(r.startS >= j.submit);
        }
      }),
      { numRuns: 300, seed: 20260 },
    );
  });
}

test('easy keeps its promise: the head starts no later than any shadow time it was given', () => {
  // Estimates are upper bounds (jobs are killed at their request), so backfilling may never push
  // the head past its reservation — the defining guarantee of EASY.
  fc.assert(
    fc.property(fc.array(jobArb, { minLength: 1, maxLength: 40 }), (spec) => {
      const jobs = toJobs(spec);
      const e = new Engine(0);
      const starts = new Map<string, number>();
      const promised = new Map<string, number>();
      const site = new BatchSite(e, { nodes: MACHINE, policy: 'easy', onStart: (r) => starts.set(r.id, r.startS) });
      jobs.forEach((j, i) => {
        e.at(
          j.submit,
          () => site.submit({ id: String(i), runS: j.run, requestedS: j.req > 0 ? j.req : null, nodes: j.procs }),
          null,
        );
      });
      while (e.step()) {
        const res = site.reservation;
        if (res) promised.set(res.jobId, Math.min(promised.get(res.jobId) ?? Number.POSITIVE_INFINITY, res.shadowS));
      }
      for (const [id, shadowS] of promised) {
        const start = starts.get(id);
        assert.ok(start !== undefined && start <= shadowS, `job ${id} promised ${shadowS}, started ${start}`);
      }
    }),
    { numRuns: 300, seed: 7 },
  );
});
