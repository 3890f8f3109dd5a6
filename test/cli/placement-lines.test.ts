/** `suanwang tasks get`'s state and placement lines: runners-up with their figures, scores told apart. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { placementLines, stateText } from '../../src/cli/commands/tasks.js';

const score = (total: number, carbonG: number) => ({
  total,
  parts: {},
  carbonG,
  costFen: 800_697,
  latencyMs: 11.5,
  energyKwh: 0.65,
});

const placement = {
  taskId: 't_1',
  siteId: 'guian-2',
  startS: 1_796_612_400,
  endS: 1_796_623_200,
  profile: 'balanced',
  decidedAtS: 1_796_551_902,
  explanation: 'Runs at guian-2 …',
  score: score(0.27866, 3.9),
  runnersUp: [
    { siteId: 'guian-1', startS: 1_796_612_400, score: score(0.27868, 4.0) },
    { siteId: 'helinger-1', startS: 1_796_598_000, score: score(0.29, 5) },
  ],
};

test('runners-up show their figures, a different start, and scores to the decimal that tells them apart', () => {
  const lines = placementLines(placement as Parameters<typeof placementLines>[0]);
  assert.equal(lines[0], 'placement (balanced): guian-2 from 2026-12-07T03:00:00Z to 2026-12-07T06:00:00Z');
  assert.equal(lines[2], '  score 0.27866: 4 gCO2, 8006.97 CNY, 11.5 ms, 0.65 kWh');
  // 0.279 vs 0.279 at three decimals: five are needed to tell the first runner-up from the winner
  assert.equal(lines[3], '  runner-up guian-1: score 0.27868: 4 gCO2, 8006.97 CNY, 11.5 ms, 0.65 kWh');
  assert.equal(
    lines[4],
    '  runner-up helinger-1 from 2026-12-06T23:00:00Z: score 0.29000: 5 gCO2, 8006.97 CNY, 11.5 ms, 0.65 kWh',
  );
  const apart = placementLines({ ...placement, runnersUp: placement.runnersUp.slice(1) } as Parameters<
    typeof placementLines
  >[0]);
  assert.equal(apart[2], '  score 0.279: 4 gCO2, 8006.97 CNY, 11.5 ms, 0.65 kWh', 'three decimals when they suffice');
});

test('the state says its reason once: the explanation of a placement is left to its "why" line', () => {
  const p = placement as Parameters<typeof placementLines>[0];
  assert.equal(stateText({ state: 'placed', stateReason: p.explanation, placement: p }), 'placed');
  assert.equal(
    stateText({ state: 'succeeded', stateReason: 'vm job 7 completed', placement: p }),
    'succeeded (vm job 7 completed)',
  );
  assert.equal(
    stateText({ state: 'queued', stateReason: 'No site can take it now', placement: null }),
    'queued (No site can take it now)',
  );
  assert.equal(stateText({ state: 'queued', stateReason: null, placement: null }), 'queued');
});
