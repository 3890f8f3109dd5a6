import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../src/domain/rng.js';
import { replayTrace } from '../../src/sim/batch/replay.js';
import type { TraceJob } from '../../src/sim/traces/job.js';
import { readSwfFile } from '../../src/sim/traces/swf.js';

const SDSC = fileURLToPath(new URL('../data/traces/SDSC-SP2-1998-4.2-cln.first11088.swf.gz', import.meta.url));

test('replays are deterministic: same input, same records, node for node', async () => {
  const w = await readSwfFile(SDSC);
  for (const policy of ['fcfs', 'sjf', 'easy'] as const) {
    const a = replayTrace(w, { policy, jobs: 4000 });
    const b = replayTrace(w, { policy, jobs: 4000 });
    assert.deepEqual(a.records, b.records, policy);
    assert.deepEqual(a.metrics, b.metrics, policy);
    assert.equal(a.events, b.events);
  }
});

test('the order jobs are listed in does not matter, only (submit time, trace index)', async () => {
  const w = await readSwfFile(SDSC);
  const jobs = w.jobs.slice(0, 3000);
  // Shuffle with the seeded generator: replay sorts arrivals itself.
  const rng = new Rng(99);
  const shuffled: TraceJob[] = [...jobs];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const k = rng.int(0, i);
    [shuffled[i], shuffled[k]] = [shuffled[k]!, shuffled[i]!];
  }
  const a = replayTrace({ jobs, machineNodes: 128 }, { policy: 'easy' });
  const b = replayTrace({ jobs: shuffled, machineNodes: 128 }, { policy: 'easy' });
  assert.deepEqual(b.records, a.records);
});
