import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Task } from '../../src/domain/task.js';
import { ClassIndex, classHash, sameClass } from '../../src/scheduler/class-index.js';
import { classKey } from '../../src/scheduler/plan.js';
import type { ClassPlan } from '../../src/scheduler/plugins/types.js';
import { makeTask } from './helpers.js';

// few values per field, so that random pairs often agree on most of them
const taskArb: fc.Arbitrary<Task> = fc
  .record({
    originCity: fc.constantFrom('beijing', 'shanghai', 'chengdu'),
    dataClass: fc.constantFrom('core', 'important', 'general'),
    latencySlaMs: fc.constantFrom(null, 5, 10, 10.5),
    cpuCores: fc.constantFrom(1, 2, 2.5),
    memoryGb: fc.constantFrom(0, 8),
    gpus: fc.constantFrom(0, 1, 8),
    gpuModel: fc.constantFrom(undefined, 'A800', 'H20'),
    minGpuFp16Tflops: fc.constantFrom(undefined, 140),
    hpcNodes: fc.constantFrom(0, 16),
    storageTb: fc.constantFrom(0, 0.5),
    allowedHubs: fc.constantFrom([], ['gansu'], ['gansu', 'ningxia'], ['ningxia', 'gansu']),
    pairedOnly: fc.boolean(),
    dataGb: fc.constantFrom(0, 10, 100),
    durationS: fc.constantFrom(60, 3600),
  })
  .map((f) =>
    makeTask({
      originCity: f.originCity,
      dataClass: f.dataClass as Task['dataClass'],
      latencySlaMs: f.latencySlaMs,
      resources: {
        cpuCores: f.cpuCores,
        memoryGb: f.memoryGb,
        gpus: f.gpus,
        hpcNodes: f.hpcNodes,
        storageTb: f.storageTb,
        ...(f.gpuModel ? { gpuModel: f.gpuModel } : {}),
        ...(f.minGpuFp16Tflops ? { minGpuFp16Tflops: f.minGpuFp16Tflops } : {}),
      },
      allowedHubs: [...f.allowedHubs],
      pairedOnly: f.pairedOnly,
      dataGb: f.dataGb,
      durationS: f.durationS,
    }),
  );

describe('ClassIndex', () => {
  it('puts two tasks in one class exactly when their class keys agree, and hashes a class one way', () => {
    fc.assert(
      fc.property(taskArb, taskArb, (a, b) => {
        const same = classKey(a) === classKey(b);
        assert.equal(sameClass(a, b), same);
        if (same) assert.equal(classHash(a), classHash(b));
      }),
      { numRuns: 3000 },
    );
  });

  it('finds the plan of a task’s class among colliding buckets, and drops plans by horizon', () => {
    const index = new ClassIndex();
    const plans: ClassPlan[] = [];
    fc.assert(
      fc.property(fc.array(taskArb, { minLength: 1, maxLength: 60 }), (tasks) => {
        index.clear();
        plans.length = 0;
        for (const t of tasks) {
          if (index.get(t)) continue;
          const plan = { shape: t, key: classKey(t), horizonStartS: plans.length % 2 } as unknown as ClassPlan;
          index.add(plan);
          plans.push(plan);
        }
        assert.equal(index.size, new Set(tasks.map(classKey)).size);
        for (const t of tasks) assert.equal(index.get(t)?.key, classKey(t));
        index.dropStartingBefore(1);
        assert.equal(index.size, plans.filter((p) => p.horizonStartS >= 1).length);
        for (const t of tasks) {
          const p = plans.find((x) => x.key === classKey(t))!;
          assert.equal(index.get(t), p.horizonStartS >= 1 ? p : undefined);
        }
      }),
      { numRuns: 300 },
    );
  });
});
