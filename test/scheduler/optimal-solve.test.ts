import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../../src/domain/errors.js';
import {
  type AssignmentProblem,
  evaluateAssignment,
  greedyAssign,
  solveAssignment,
} from '../../src/scheduler/optimal/index.js';

/** Build a problem from readable rows: per task, demand per resource and {site: cost}. */
function problem(
  resources: string[],
  capacity: number[][],
  tasks: { demand: number[]; costs: Record<number, number> }[],
  unassignedCost = 1000,
): AssignmentProblem {
  return {
    taskCount: tasks.length,
    siteCount: capacity.length,
    resources,
    demand: Float64Array.from(tasks.flatMap((t) => t.demand)),
    capacity: Float64Array.from(capacity.flat()),
    candidates: tasks.map((t) => {
      const sites = Object.keys(t.costs).map(Number);
      return { site: Int32Array.from(sites), cost: Float64Array.from(sites.map((s) => t.costs[s]!)) };
    }),
    unassignedCost,
  };
}

// Two sites with 2 cores each. Greedy in task order puts t0 on A, so t1 (2 cores)
// no longer fits A and pays 100 on B, and t2 is pushed to A at 5: 106.
// Optimal: t1 alone on A (1), t0 and t2 share B (2 + 2): 5.
const threeByTwo = problem(
  ['cpuCores'],
  [[2], [2]],
  [
    { demand: [1], costs: { 0: 1, 1: 2 } },
    { demand: [2], costs: { 0: 1, 1: 100 } },
    { demand: [1], costs: { 0: 5, 1: 2 } },
  ],
);

describe('solveAssignment on hand-solvable batches', () => {
  it('finds the optimum where greedy does not', async () => {
    const greedy = greedyAssign(threeByTwo);
    assert.deepEqual(Array.from(greedy), [0, 1, 0]);
    assert.equal(evaluateAssignment(threeByTwo, greedy).objective, 106);

    const r = await solveAssignment(threeByTwo);
    assert.equal(r.status, 'optimal');
    assert.deepEqual(Array.from(r.assignment), [1, 0, 1]);
    assert.equal(r.objective, 5);
    assert.ok(r.lowerBound <= r.objective + 1e-9);
    assert.ok(r.lowerBound >= 5 - 1e-6, `bound ${r.lowerBound} should prove 5`);
    assert.equal(r.lowerBoundScope, 'full');
    assert.equal(r.mipGap, 0);
    assert.equal(r.unassigned, 0);
    assert.equal(r.droppedByK, 0);
  });

  it('LP relaxation + repair returns a valid assignment and a bound below the optimum', async () => {
    const r = await solveAssignment(threeByTwo, { relaxOnly: true });
    assert.equal(r.status, 'optimal');
    assert.ok(evaluateAssignment(threeByTwo, r.assignment).feasible);
    assert.ok(r.lowerBound <= 5 + 1e-9);
    assert.ok(r.relaxation, 'relaxOnly returns the LP values');
    assert.equal(r.relaxation.length, 3);
    for (const f of r.relaxation) for (const v of f.value) assert.ok(v > 0 && v <= 1);
    assert.ok(r.capacityPrices, 'capacity prices come with the LP');
    assert.equal(r.capacityPrices.length, 2);
  });

  it('leaves a task unassigned when it fits nowhere, or has no candidate', async () => {
    const p = problem(
      ['cpuCores', 'gpus'],
      [
        [8, 0],
        [4, 2],
      ],
      [
        { demand: [2, 4], costs: { 0: 1, 1: 1 } }, // 4 GPUs: no site has them
        { demand: [1, 0], costs: {} }, // no candidate at all
        { demand: [4, 1], costs: { 0: 3, 1: 7 } }, // needs a GPU: only site 1
      ],
    );
    const r = await solveAssignment(p);
    assert.deepEqual(Array.from(r.assignment), [-1, -1, 1]);
    assert.equal(r.unassigned, 2);
    assert.equal(r.objective, 2000 + 7);
    assert.equal(r.droppedUseless, 3); // t0 on both sites, t2 on site 0
    assert.equal(r.status, 'optimal');
  });

  it('fills an over-subscribed site with the tasks that save the most, never past capacity', async () => {
    // one site with 4 cores, three 2-core tasks: only two fit; the one left out
    // should be the one whose assignment saves the least against the penalty
    const p = problem(
      ['cpuCores'],
      [[4]],
      [
        { demand: [2], costs: { 0: 300 } },
        { demand: [2], costs: { 0: 10 } },
        { demand: [2], costs: { 0: 20 } },
      ],
    );
    const r = await solveAssignment(p);
    assert.deepEqual(Array.from(r.assignment), [-1, 0, 0]);
    assert.equal(r.objective, 1000 + 30);
    const check = evaluateAssignment(p, r.assignment);
    assert.ok(check.feasible);
    assert.deepEqual(check.violations, []);
  });

  it('never places a task whose cost is no better than the penalty', async () => {
    const p = problem(['cpuCores'], [[10]], [{ demand: [1], costs: { 0: 1000 } }]);
    const r = await solveAssignment(p);
    assert.deepEqual(Array.from(r.assignment), [-1]);
    assert.equal(r.objective, 1000);
  });

  it('treats Infinity capacity as unlimited', async () => {
    const p = problem(
      ['cpuCores'],
      [[Number.POSITIVE_INFINITY], [1]],
      [
        { demand: [500], costs: { 0: 9, 1: 1 } },
        { demand: [1], costs: { 0: 9, 1: 1 } },
      ],
    );
    const r = await solveAssignment(p);
    assert.deepEqual(Array.from(r.assignment), [0, 1]);
    assert.equal(r.objective, 10);
  });

  it('solves an empty batch', async () => {
    const r = await solveAssignment(problem(['cpuCores'], [[1]], []));
    assert.equal(r.status, 'optimal');
    assert.equal(r.objective, 0);
    assert.equal(r.assignment.length, 0);
  });
});

/** Many tasks competing for the same cheap sites: pruning to k=1 must not lose the optimum. */
function crowded(tasks: number, sites: number): AssignmentProblem {
  const capacity = Array.from({ length: sites }, () => [3]);
  const rows = Array.from({ length: tasks }, (_, t) => ({
    demand: [1],
    // site 0 is cheapest for everyone, then 1, 2, …; small per-task differences
    costs: Object.fromEntries(Array.from({ length: sites }, (_, s) => [s, 10 + 10 * s + ((t * 7 + s * 3) % 5)])),
  }));
  return problem(['cpuCores'], capacity, rows, 10_000);
}

describe('k-best pruning and pricing', () => {
  it('prices pruned candidates back in: k=1 reaches the same optimum as k=all', async () => {
    const p = crowded(12, 5);
    const all = await solveAssignment(p, { kBest: 5 });
    const k1 = await solveAssignment(p, { kBest: 1 });
    assert.equal(all.status, 'optimal');
    assert.equal(k1.objective, all.objective);
    assert.equal(k1.unassigned, 0);
    assert.ok(k1.pricingRounds > 0, 'needed at least one pricing round');
    assert.ok(k1.pricingConverged);
    assert.ok(k1.fullLowerBound <= all.objective + 1e-6);
  });

  it('without pricing, reports the bound as valid for the pruned problem only', async () => {
    const p = crowded(12, 5);
    const r = await solveAssignment(p, { kBest: 1, pricingRounds: 0 });
    assert.ok(r.droppedByK > 0);
    assert.ok(evaluateAssignment(p, r.assignment).feasible);
    assert.ok(r.fullLowerBound <= r.lowerBound + 1e-9);
    if (r.lowerBoundSource === 'mip-dual-bound') assert.equal(r.lowerBoundScope, 'pruned');
    const exact = await solveAssignment(p, { kBest: 5 });
    assert.ok(r.fullLowerBound <= exact.objective + 1e-6, 'the full bound holds for the full problem');
    assert.ok(r.objective >= exact.objective - 1e-6);
  });

  it('takes capacity prices back as a warm start', async () => {
    const p = crowded(40, 6);
    const first = await solveAssignment(p, { relaxOnly: true });
    assert.ok(first.capacityPrices);
    const warm = await solveAssignment(p, { relaxOnly: true, capacityPrices: first.capacityPrices });
    assert.ok(evaluateAssignment(p, warm.assignment).feasible);
    assert.ok(Math.abs(warm.fullLowerBound - first.fullLowerBound) <= 1e-6 * Math.abs(first.fullLowerBound));
  });

  it('is deterministic: the same batch gives the same answer', async () => {
    const p = crowded(30, 6);
    const a = await solveAssignment(p);
    const b = await solveAssignment(p);
    assert.deepEqual(Array.from(a.assignment), Array.from(b.assignment));
    assert.equal(a.objective, b.objective);
  });

  it('returns a valid assignment at least as good as greedy when the time limit cuts the solve', async () => {
    const p = crowded(400, 20);
    const r = await solveAssignment(p, { timeLimitS: 0.001 });
    assert.equal(r.status, 'time-limit');
    assert.ok(evaluateAssignment(p, r.assignment).feasible);
    assert.ok(r.objective <= evaluateAssignment(p, greedyAssign(p)).objective);
    assert.ok(r.lowerBound <= r.objective);
  });
});

describe('bad input names the field', () => {
  const bad = async (mutate: (p: AssignmentProblem) => void, field: string, opts = {}) => {
    const p = structuredClone(threeByTwo);
    mutate(p);
    await assert.rejects(solveAssignment(p, opts), (err: unknown) => {
      assert.ok(err instanceof DomainError, String(err));
      assert.equal(err.code, 'validation');
      assert.equal(err.field, field);
      return true;
    });
  };

  it('rejects malformed problems', async () => {
    await bad((p) => {
      p.taskCount = -1;
    }, 'taskCount');
    await bad((p) => {
      p.demand = new Float64Array(2);
    }, 'demand');
    await bad((p) => {
      p.demand[1] = Number.NaN;
    }, 'demand[1]');
    await bad((p) => {
      p.capacity[0] = -1;
    }, 'capacity[0]');
    await bad((p) => {
      p.candidates[2]!.site[1] = 7;
    }, 'candidates[2].site[1]');
    await bad((p) => {
      p.candidates[0]!.site[1] = 0;
    }, 'candidates[0].site[1]');
    await bad((p) => {
      p.candidates[1]!.cost[0] = Number.POSITIVE_INFINITY;
    }, 'candidates[1].cost[0]');
    await bad((p) => {
      p.unassignedCost = Number.NaN;
    }, 'unassignedCost');
    await bad((p) => {
      p.resources = ['cpuCores', 'cpuCores'];
    }, 'resources[1]');
  });

  it('rejects bad options', async () => {
    await bad(() => {}, 'kBest', { kBest: 0 });
    await bad(() => {}, 'timeLimitS', { timeLimitS: 0 });
    await bad(() => {}, 'mipGap', { mipGap: -1 });
    await bad(() => {}, 'pricingRounds', { pricingRounds: 1.5 });
    await bad(() => {}, 'capacityPrices', { capacityPrices: new Float64Array(5) });
    await bad(() => {}, 'capacityPrices[1]', { capacityPrices: Float64Array.from([0, -1]) });
  });
});

/** Every task's cheapest sites are the same few (shared price levels), so capacity binds there. */
function sharedLevels(tasks: number, sites: number): AssignmentProblem {
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const level = Array.from({ length: sites }, () => 0.5 + rand());
  const demand = Float64Array.from({ length: tasks * 2 }, (_, i) =>
    i % 2 === 0 ? 1 + Math.floor(rand() * 16) : rand() < 0.2 ? 1 : 0,
  );
  const totalCores = demand.reduce((a, d, i) => (i % 2 === 0 ? a + d : a), 0);
  const totalGpus = demand.reduce((a, d, i) => (i % 2 === 1 ? a + d : a), 0);
  const capacity = Float64Array.from({ length: sites * 2 }, (_, i) =>
    i % 2 === 0 ? Math.floor(totalCores / 0.9 / sites) : Math.floor(totalGpus / 0.9 / sites),
  );
  const candidates = Array.from({ length: tasks }, (_, t) => {
    const site = Int32Array.from({ length: sites }, (_, s) => s);
    const cost = Float64Array.from(site, (s) => Math.round(100 * demand[t * 2]! * level[s]! * (0.9 + 0.2 * rand())));
    return { site, cost };
  });
  return {
    taskCount: tasks,
    siteCount: sites,
    resources: ['cpuCores', 'gpus'],
    demand,
    capacity,
    candidates,
    unassignedCost: 100_000,
  };
}

describe('big batches', () => {
  it('learns capacity prices from a sample and stays valid (2,000 tasks × 30 sites)', async () => {
    const tasks = 2000;
    const p = sharedLevels(tasks, 30);
    const r = await solveAssignment(p, { relaxOnly: true, timeLimitS: 30 });
    assert.ok(evaluateAssignment(p, r.assignment).feasible);
    assert.ok(r.objective <= evaluateAssignment(p, greedyAssign(p)).objective);
    assert.ok(r.capacityPrices, 'prices learned');
    assert.ok(r.variables < tasks * 8, `priced pruning keeps the model small, got ${r.variables} columns`);
    assert.ok(r.fullLowerBound <= r.objective);
    assert.ok(r.mipGap < 0.05, `gap ${r.mipGap}`);
  });

  it('leaves the caller’s event loop free: HiGHS runs in its thread (4,000 tasks × 100 sites)', async () => {
    const p = sharedLevels(4000, 100);
    let last = performance.now();
    let longestStallMs = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      longestStallMs = Math.max(longestStallMs, now - last);
      last = now;
    }, 5);
    const r = await solveAssignment(p, { relaxOnly: true, timeLimitS: 30 });
    clearInterval(tick);
    longestStallMs = Math.max(longestStallMs, performance.now() - last);
    // in one piece, the solve (2.0 s here) stalled the loop for 1.98 s; with HiGHS in its thread, 0.13 s
    assert.ok(r.pricingRounds >= 2, `a solve of several steps, got ${r.pricingRounds} pricing rounds`);
    assert.ok(
      longestStallMs < 0.25 * r.seconds * 1000,
      `longest stall ${longestStallMs.toFixed(0)} ms in a ${r.seconds.toFixed(2)} s solve`,
    );
  });
});

describe('memory guard', () => {
  it('refuses a model HiGHS cannot hold in its 2 GiB heap, naming taskCount', async () => {
    const { assertModelFits, estimateHeapBytes } = await import('../../src/scheduler/optimal/memory-guard.js');
    assert.doesNotThrow(() => assertModelFits(110_000, 330_000, true));
    assert.ok(estimateHeapBytes(110_000, 330_000, true) > estimateHeapBytes(110_000, 330_000, false));
    assert.throws(
      () => assertModelFits(2_000_000, 6_000_000, false),
      (err: unknown) => err instanceof DomainError && err.code === 'payload_too_large' && err.field === 'taskCount',
    );
  });
});
