import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelData } from 'highs';
import { nowS, OPTIMAL } from '../../src/scheduler/optimal/highs-run.js';
import { HighsThread, type MipJob } from '../../src/scheduler/optimal/highs-thread.js';
import { WASM_STOP_BYTES } from '../../src/scheduler/optimal/memory-guard.js';

/**
 * Tasks × sites assignment MIP: x[t,s] ∈ {0,1}, Σ_s x[t,s] = 1, Σ_t demand·x ≤ capacity
 * per site; seeded costs. Columns are task-major, so column t·S + s is task t on site s.
 */
function assignmentMip(tasks: number, sites: number): { model: ModelData; feasibleStart: Float64Array } {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const numCols = tasks * sites;
  const numRows = tasks + sites;
  const demand = Float64Array.from({ length: tasks }, () => 1 + Math.floor(rand() * 8));
  const total = demand.reduce((a, d) => a + d, 0);
  const starts = new Int32Array(numCols + 1);
  const indices = new Int32Array(2 * numCols);
  const values = new Float64Array(2 * numCols);
  const colCost = new Float64Array(numCols);
  for (let c = 0; c < numCols; c++) {
    const t = Math.floor(c / sites);
    const s = c % sites;
    starts[c] = 2 * c;
    indices[2 * c] = t;
    values[2 * c] = 1;
    indices[2 * c + 1] = tasks + s;
    values[2 * c + 1] = demand[t]!;
    colCost[c] = Math.round(100 * demand[t]! * (0.5 + rand()));
  }
  starts[numCols] = 2 * numCols;
  const rowLower = new Float64Array(numRows).fill(Number.NEGATIVE_INFINITY).fill(1, 0, tasks);
  // room for 1.25× the total demand, so capacity binds on the cheap sites
  const rowUpper = new Float64Array(numRows).fill(1, 0, tasks).fill(Math.ceil((1.25 * total) / sites) + 8, tasks);
  // a feasible start: tasks round-robin over the sites
  const feasibleStart = new Float64Array(numCols);
  for (let t = 0; t < tasks; t++) feasibleStart[t * sites + (t % sites)] = 1;
  const model: ModelData = {
    numCols,
    numRows,
    colCost,
    colLower: new Float64Array(numCols),
    colUpper: new Float64Array(numCols).fill(1),
    rowLower,
    rowUpper,
    matrix: { format: 'csc', numRows, numCols, starts, indices, values },
    integrality: new Int32Array(numCols).fill(1),
  };
  return { model, feasibleStart };
}

/** One MIP on a thread of its own (released after, as a solve does). */
async function runMip(job: MipJob) {
  const thread = HighsThread.acquire();
  try {
    return await thread.mip(job);
  } finally {
    thread.release();
  }
}

const job = (model: ModelData, start: Float64Array, seconds: number): MipJob => ({
  model,
  options: { output_flag: false },
  start,
  deadlineS: nowS() + seconds,
  stopBytes: WASM_STOP_BYTES,
});

describe('the HiGHS thread', () => {
  it('solves a small MIP to optimality, better than its start, and again on the reused thread', async () => {
    const { model, feasibleStart } = assignmentMip(30, 4);
    const startCost = feasibleStart.reduce((a, x, c) => a + x * model.colCost![c]!, 0);
    for (let run = 0; run < 2; run++) {
      const out = await runMip(job(model, feasibleStart, 30));
      assert.equal(out.modelStatus, OPTIMAL);
      assert.equal(out.colValue?.length, model.numCols);
      const cost = out.colValue!.reduce((a, x, c) => a + x * model.colCost![c]!, 0);
      assert.ok(cost <= startCost, `optimum ${cost} vs start ${startCost}`);
      assert.ok(Math.abs(out.dualBound - cost) <= 1e-6 * cost + 1e-6, `bound ${out.dualBound} proves ${cost}`);
    }
  });

  it('keeps the deadline while HiGHS is inside a long step (presolve of 1M columns)', async () => {
    // HiGHS checks its clock between steps only: run in-process with a 0.3 s
    // limit (and the same interrupt callback), this model took 0.75–1.06 s here
    const { model, feasibleStart } = assignmentMip(10_000, 100);
    const t0 = nowS();
    const out = await runMip(job(model, feasibleStart, 0.3));
    const seconds = nowS() - t0;
    assert.ok(seconds < 0.3 + 0.25, `stopped after ${seconds.toFixed(2)} s for a 0.3 s limit`);
    assert.ok(out.modelStatus === undefined || out.modelStatus !== OPTIMAL, 'it cannot have finished');
  });

  it('rejects with HiGHS’s own message when the job is malformed, and the next job still runs', async () => {
    const { model, feasibleStart } = assignmentMip(6, 2);
    await assert.rejects(runMip(job(model, feasibleStart.subarray(1), 5)), /colValue/);
    const out = await runMip(job(model, feasibleStart, 5));
    assert.equal(out.modelStatus, OPTIMAL);
  });
});
