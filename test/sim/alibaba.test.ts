import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAlibabaGpuPods, readAlibabaGpuPodFile } from '../../src/sim/traces/alibaba-gpu.js';
import { traceJobKind, traceJobToTask } from '../../src/sim/traces/to-task.js';

const POD_LIST = fileURLToPath(new URL('../data/traces/alibaba-openb_pod_list_default.csv.gz', import.meta.url));

test('Alibaba openb pod list: 8,152 pods, 897 never scheduled, the rest become tasks', async () => {
  const w = await readAlibabaGpuPodFile(POD_LIST);
  assert.equal(w.format, 'alibaba-gpu');
  assert.equal(w.recordsRead, 8152);
  assert.deepEqual(w.dropped, { neverScheduled: 897, nonPositiveRunTime: 0 });
  assert.equal(w.jobs.length, 7255);
  assert.equal(w.machineNodes, null);
  // openb-pod-0000,12000,16384,1,1000,,LS,Running,0,12537496,0
  const p = w.jobs[0]!;
  assert.equal(p.id, 'openb-pod-0000');
  assert.deepEqual([p.submitS, p.runS, p.recordedWaitS, p.nodes, p.requestedS], [0, 12537496, 0, 1, null]);
  assert.deepEqual(p.resources, { cpuCores: 12, memoryGb: 16, gpus: 1, hpcNodes: 0, storageTb: 0 });
  assert.deepEqual([p.queue, p.phase, p.gpuMilli, p.gpuSpec], ['LS', 'Running', 1000, undefined]);
  // openb-pod-0001,6000,12288,1,460,,LS,Running,427061,12902960,427061: a 46 % share of one GPU
  assert.equal(w.jobs[1]!.gpuMilli, 460);
  const phases = new Map<string, number>();
  for (const j of w.jobs) phases.set(j.phase!, (phases.get(j.phase!) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(phases), { Running: 5193, Failed: 1870, Succeeded: 192 });
});

test('pods become platform tasks: kind from QoS and GPUs, times shifted onto the scenario axis', async () => {
  const w = await readAlibabaGpuPodFile(POD_LIST);
  const ls = w.jobs.find((j) => j.queue === 'LS' && j.resources.gpus > 0)!;
  const be = w.jobs.find((j) => j.queue === 'BE' && j.resources.gpus > 0)!;
  assert.equal(traceJobKind(ls, 'alibaba-gpu'), 'inference');
  assert.equal(traceJobKind(be, 'alibaba-gpu'), 'training');
  const t = traceJobToTask(be, 'alibaba-gpu', { originCity: 'shanghai', idPrefix: 'ali-', timeOffsetS: 1000 });
  assert.equal(t.id, `ali-${be.id}`);
  assert.equal(t.tenantId, 'trace-alibaba-gpu');
  assert.equal(t.submittedAtS, be.submitS + 1000);
  assert.equal(t.earliestStartS, t.submittedAtS);
  assert.equal(t.durationS, be.runS);
  assert.equal(t.estimatedDurationS, be.runS);
  assert.deepEqual(t.resources, be.resources);
  assert.notEqual(t.resources, be.resources); // a copy: the scheduler may not alias trace data
  assert.equal(t.originCity, 'shanghai');
});

test('quoted CSV fields, extra columns in any order, and errors that name the column', () => {
  const csv = [
    'qos,pod_phase,name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time,scheduled_time,extra',
    'BE,Succeeded,"pod,1",2000,1024,0,0,,10,50,20,"say ""hi"""',
    'LS,Running,p2,4000,2048,2,1000,V100M32,5,9,9,x',
    'BE,Pending,p3,1000,1024,1,500,,7,8,,x',
  ].join('\n');
  const w = parseAlibabaGpuPods(csv, 'mini.csv');
  assert.deepEqual(w.dropped, { neverScheduled: 1, nonPositiveRunTime: 1 });
  assert.equal(w.jobs.length, 1);
  const [p] = w.jobs;
  assert.deepEqual([p!.id, p!.submitS, p!.runS, p!.recordedWaitS, p!.resources.cpuCores], ['pod,1', 10, 30, 10, 2]);
  assert.equal(traceJobKind(p!, 'alibaba-gpu'), 'data-processing');
  const gpu = parseAlibabaGpuPods(csv.replace('5,9,9', '5,19,9'), 'mini.csv').jobs.find((j) => j.id === 'p2')!;
  assert.equal(gpu.resources.gpuModel, 'V100M32');
  assert.equal(gpu.gpuSpec, 'V100M32');

  assert.throws(
    () => parseAlibabaGpuPods('name,cpu_milli\np,1', 'x.csv'),
    (e: Error & { field?: string }) => /missing column\(s\) memory_mib/.test(e.message) && e.field === 'memory_mib',
  );
  assert.throws(
    () => parseAlibabaGpuPods(csv.replace('2000,1024', 'lots,1024'), 'x.csv'),
    (e: Error & { field?: string }) => /x\.csv:2: cpu_milli is not a number/.test(e.message) && e.field === 'cpu_milli',
  );
  assert.throws(
    () => parseAlibabaGpuPods(csv.replace('"say ""hi"""', '"say'), 'x.csv'),
    /x\.csv:2: unterminated quoted field/,
  );
  assert.throws(
    () => parseAlibabaGpuPods(csv.replace('"pod,1"', '"pod"1'), 'x.csv'),
    /x\.csv:2: text after a closing quote/,
  );
  assert.throws(() => parseAlibabaGpuPods('', 'x.csv'), /empty file/);
});
