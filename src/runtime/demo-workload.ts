/**
 * The demo workload: a dozen tasks of the kinds the national network serves,
 * each chosen to show one rule of the scheduler at work. Their commands are
 * short stand-ins run for real by the local executor (a week of training is
 * planned as a week, but its demo script runs for seconds).
 */
import type { TaskSubmission } from '../api/schemas/tasks.js';

export interface DemoTask {
  /** What this task shows. */
  shows: string;
  submission: TaskSubmission;
}

const HOUR = 3600;
const DAY = 86400;

export function demoWorkload(nowS: number): DemoTask[] {
  const step = (what: string, seconds: number) =>
    `echo "[$(date +%T)] ${what} on $(hostname)"; sleep ${seconds}; echo "${what}: done"`;
  return [
    {
      shows: 'interactive inference from 上海: only sites within a 10 ms round trip',
      submission: {
        tenantId: 'shanghai-ai-lab',
        kind: 'inference',
        resources: { cpuCores: 8, memoryGb: 64, gpus: 1 },
        durationS: 2 * HOUR,
        originCity: 'shanghai',
        latencySlaMs: 10,
        command: step('serving a chat model', 2),
      },
    },
    {
      shows: 'a week-long training job from 北京 with no SLA goes west',
      submission: {
        tenantId: 'beijing-llm-co',
        kind: 'training',
        resources: { cpuCores: 64, memoryGb: 1024, gpus: 8, minGpuFp16Tflops: 140 },
        durationS: 7 * DAY,
        originCity: 'beijing',
        dataGb: 2000,
        command: step('training epoch 1 of a 7B model', 3),
      },
    },
    {
      shows: 'core data from 杭州 never leaves its home region',
      submission: {
        tenantId: 'hangzhou-fintech',
        kind: 'data-processing',
        resources: { cpuCores: 32, memoryGb: 128 },
        durationS: 4 * HOUR,
        originCity: 'hangzhou',
        dataGb: 500,
        dataClass: 'core',
        command: step('risk report over core ledger data', 2),
      },
    },
    {
      shows: 'a backup from 深圳 with a two-day deadline may wait, up to a day, for a greener hour',
      submission: {
        tenantId: 'shenzhen-media',
        kind: 'backup',
        resources: { cpuCores: 4, memoryGb: 16, storageTb: 20 },
        durationS: 3 * HOUR,
        originCity: 'shenzhen',
        dataGb: 20_000,
        deadlineS: nowS + 2 * DAY,
        command: step('incremental backup', 1),
      },
    },
    {
      shows: 'film rendering from 广州: no latency need, so cheap and green wins',
      submission: {
        tenantId: 'guangzhou-animation',
        kind: 'rendering',
        resources: { cpuCores: 128, memoryGb: 256, gpus: 4 },
        durationS: 12 * HOUR,
        originCity: 'guangzhou',
        dataGb: 300,
        command: step('rendering frames 1-240', 2),
      },
    },
    {
      shows: 'an HPC job from 武汉 goes where super-compute nodes are',
      submission: {
        tenantId: 'wuhan-cfd',
        kind: 'hpc',
        resources: { hpcNodes: 16, memoryGb: 512 },
        durationS: 6 * HOUR,
        originCity: 'wuhan',
        command: step('CFD solver, 16 nodes', 2),
      },
    },
    {
      shows: 'important data may only go to compliant sites',
      submission: {
        tenantId: 'nanjing-health',
        kind: 'data-processing',
        resources: { cpuCores: 16, memoryGb: 64 },
        durationS: 2 * HOUR,
        originCity: 'nanjing',
        dataGb: 50,
        dataClass: 'important',
        command: step('cohort statistics', 1),
      },
    },
    {
      shows: 'pairing (结对子): only the origin hub and its western partners',
      submission: {
        tenantId: 'beijing-llm-co',
        kind: 'training',
        resources: { cpuCores: 32, memoryGb: 256, gpus: 4 },
        durationS: DAY,
        originCity: 'tianjin',
        pairedOnly: true,
        command: step('fine-tuning run', 2),
      },
    },
    {
      shows: 'low-latency inference from 广州: only sites within an 8 ms round trip',
      submission: {
        tenantId: 'guangzhou-animation',
        kind: 'inference',
        resources: { cpuCores: 4, memoryGb: 32, gpus: 1 },
        durationS: HOUR,
        originCity: 'guangzhou',
        latencySlaMs: 8,
        command: step('real-time preview inference', 1),
      },
    },
    {
      shows: 'a failing job reports its exit code',
      submission: {
        tenantId: 'shanghai-ai-lab',
        kind: 'data-processing',
        resources: { cpuCores: 2, memoryGb: 4 },
        durationS: HOUR,
        originCity: 'suzhou',
        command: 'echo "reading a shard that is not there" >&2; exit 3',
      },
    },
  ];
}
