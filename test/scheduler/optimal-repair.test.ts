import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../../src/domain/errors.js';
import { type AssignmentProblem, evaluateAssignment, repairToIntegral } from '../../src/scheduler/optimal/index.js';

// Site 0 has room for one 2-core task, site 1 for two.
const p: AssignmentProblem = {
  taskCount: 3,
  siteCount: 2,
  resources: ['cpuCores'],
  demand: Float64Array.from([2, 2, 2]),
  capacity: Float64Array.from([2, 4]),
  candidates: [
    { site: Int32Array.from([0, 1]), cost: Float64Array.from([1, 5]) },
    { site: Int32Array.from([0, 1]), cost: Float64Array.from([1, 5]) },
    { site: Int32Array.from([0, 1]), cost: Float64Array.from([9, 5]) },
  ],
  unassignedCost: 100,
};

const frac = (rows: [number[], number[]][]) =>
  rows.map(([site, value]) => ({ site: Int32Array.from(site), value: Float64Array.from(value) }));

describe('repairToIntegral', () => {
  it('follows the largest LP values first, then fills what capacity allows', () => {
    // the LP splits site 0 between tasks 0 and 1; task 1 leans harder on it
    const a = repairToIntegral(
      p,
      frac([
        [
          [0, 1],
          [0.4, 0.6],
        ],
        [
          [0, 1],
          [0.6, 0.4],
        ],
        [[1], [1]],
      ]),
    );
    assert.deepEqual(Array.from(a), [1, 0, 1]);
    assert.ok(evaluateAssignment(p, a).feasible);
  });

  it('never exceeds capacity even when the values ask for it', () => {
    const a = repairToIntegral(
      p,
      frac([
        [[0], [1]],
        [[0], [1]],
        [[0], [1]],
      ]),
    );
    const check = evaluateAssignment(p, a);
    assert.ok(check.feasible);
    assert.equal(Array.from(a).filter((s) => s === 0).length, 1);
    assert.equal(check.unassigned, 0, 'the tasks that lose site 0 go to site 1');
  });

  it('names the field of a bad value or a site that is not a candidate', () => {
    const expectField = (f: ReturnType<typeof frac>, field: string) =>
      assert.throws(
        () => repairToIntegral(p, f),
        (err: unknown) => err instanceof DomainError && err.field === field,
      );
    expectField(
      frac([
        [[0], [1.5]],
        [[], []],
        [[], []],
      ]),
      'fractional[0].value[0]',
    );
    const notCandidate = structuredClone(p);
    notCandidate.candidates[2] = { site: Int32Array.from([1]), cost: Float64Array.from([5]) };
    assert.throws(
      () =>
        repairToIntegral(
          notCandidate,
          frac([
            [[], []],
            [[], []],
            [[0], [1]],
          ]),
        ),
      (err: unknown) => err instanceof DomainError && err.field === 'fractional[2].site[0]',
    );
    expectField(frac([[[], []]]), 'fractional');
  });
});
