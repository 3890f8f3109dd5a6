/**
 * The engine's batch queues against the independent reference
 * (reference-batch-sim.ts) on the first 10,000 jobs of a real log,
 * SDSC-SP2 (128 nodes): every job's start time must agree, and the metrics
 * computed here from the reference's starts must equal the engine's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { replayTrace } from '../../src/sim/batch/replay.js';
import { readSwfFile } from '../../src/sim/traces/swf.js';
import { type RefJob, type RefPolicy, referenceStarts } from './reference-batch-sim.js';

const SDSC = fileURLToPath(new URL('../data/traces/SDSC-SP2-1998-4.2-cln.first11088.swf.gz', import.meta.url));

/** The first 10,000 jobs, read with plain string handling (no src/sim parser), cleaned as the SWF custom is. */
async function referenceJobs(): Promise<RefJob[]> {
  const { createGunzip } = await import('node:zlib');
  const { createReadStream } = await import('node:fs');
  const { text } = await import('node:stream/consumers');
  const body = await text(createReadStream(SDSC).pipe(createGunzip()));
  const out: RefJob[] = [];
  for (const line of body.split('\n')) {
    if (line.startsWith(';') || line.trim() === '') continue;
    const f = line.trim().split(/\s+/).map(Number);
    const run = f[3]!;
    const procs = f[4]! > 0 ? f[4]! : f[7]!;
    if (run <= 0 || procs <= 0) continue;
    out.push({ submit: f[1]!, run, req: f[8]!, procs });
    if (out.length === 10_000) break;
  }
  return out;
}

for (const policy of ['fcfs', 'easy', 'sjf'] as RefPolicy[]) {
  test(`${policy} on SDSC-SP2 (first 10,000 jobs) agrees with the reference simulator`, async () => {
    const ref = await referenceJobs();
    assert.equal(ref.length, 10_000);
    const refStarts = referenceStarts(ref, 128, policy);

    const w = await readSwfFile(SDSC);
    const r = replayTrace(w, { policy, from: 0, jobs: 10_000 });
    assert.equal(r.machineNodes, 128);
    assert.equal(r.records.length, 10_000);
    let mismatches = 0;
    let firstBad = -1;
    r.records.forEach((rec, i) => {
      if (rec.startS !== refStarts[i]) {
        mismatches++;
        if (firstBad < 0) firstBad = i;
      }
    });
    assert.equal(
      mismatches,
      0,
      `first mismatch at job ${firstBad}: ${r.records[firstBad]?.startS} vs ${refStarts[firstBad]}`,
    );

    // Metrics from the reference starts, computed here by the definitions in METRICS.md.
    let wait = 0;
    let bsld = 0;
    let sd = 0;
    let used = 0;
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    ref.forEach((j, i) => {
      const start = refStarts[i]!;
      const ran = j.req > 0 ? Math.min(j.run, j.req) : j.run;
      const end = start + ran;
      wait += start - j.submit;
      bsld += Math.max(1, (end - j.submit) / Math.max(ran, 10));
      sd += (end - j.submit) / ran;
      used += j.procs * ran;
      first = Math.min(first, j.submit);
      last = Math.max(last, end);
    });
    const n = ref.length;
    const close = (a: number, b: number, what: string) =>
      assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
    close(r.metrics.avgWaitS, wait / n, 'avgWaitS');
    close(r.metrics.avgBoundedSlowdown, bsld / n, 'avgBoundedSlowdown');
    close(r.metrics.avgSlowdown, sd / n, 'avgSlowdown');
    close(r.metrics.makespanS, last - first, 'makespanS');
    close(r.metrics.utilization, used / (128 * (last - first)), 'utilization');
  });
}
