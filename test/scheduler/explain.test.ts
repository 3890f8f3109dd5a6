import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScoreBreakdown } from '../../src/domain/placement.js';
import { placedExplanation } from '../../src/scheduler/explain.js';
import { makeSite } from './helpers.js';

const breakdown = (over: Partial<ScoreBreakdown> & { parts: Record<string, number> }): ScoreBreakdown => ({
  total: 0,
  carbonG: 0,
  costFen: 0,
  latencyMs: 0,
  energyKwh: 0,
  ...over,
});

const story = (best: ScoreBreakdown, other: ScoreBreakdown) => ({
  site: makeSite({ id: 'a' }),
  startS: 0,
  readyS: 0,
  profile: 'balanced',
  score: best,
  weights: { carbon: 1, latency: 1, loadBalance: 1 },
  runnerUp: { site: makeSite({ id: 'b' }), score: other },
  eligibleSites: 2,
  removedByFilter: {},
});

describe('placedExplanation', () => {
  it('shows the figures behind each advantage precisely enough to tell the two sites apart', () => {
    const best = breakdown({
      total: 0.27341,
      parts: { carbon: 0.1, latency: 0.2, loadBalance: 0.0012 },
      carbonG: 3.6,
      latencyMs: 14.41,
    });
    const other = breakdown({
      total: 0.27349,
      parts: { carbon: 0.2, latency: 0.3, loadBalance: 0.0014 },
      carbonG: 3.8,
      latencyMs: 14.44,
    });
    const text = placedExplanation(story(best, other));
    assert.match(text, /less carbon \(3\.6 g CO2 vs 3\.8 g CO2\)/);
    assert.match(text, /nearer \(RTT 14\.41 ms vs 14\.44 ms\)/);
    assert.match(text, /score 0\.2734 vs b \(b, 0\.2735\)/);
  });

  it('keeps the usual precision when it already tells them apart, and stops adding digits at three', () => {
    const best = breakdown({
      total: 0.2,
      parts: { carbon: 0.1, latency: 0.1, loadBalance: 0.10001 },
      carbonG: 1234,
      latencyMs: 14.400001,
    });
    const other = breakdown({
      total: 0.3,
      parts: { carbon: 0.4, latency: 0.2, loadBalance: 0.10002 },
      carbonG: 5678,
      latencyMs: 14.400002,
    });
    const weights = { carbon: 1, loadBalance: 100 };
    const text = placedExplanation({ ...story(best, other), weights });
    assert.match(text, /less carbon \(1\.2 kg CO2 vs 5\.7 kg CO2\)/);
    assert.match(text, /score 0\.200 vs b \(b, 0\.300\)/);
    // 10.001% vs 10.002%: three extra decimals is the most a figure gets
    assert.match(text, /less loaded \(10\.001% vs 10\.002% committed\)/);
    const close = placedExplanation({ ...story(best, other), weights: { latency: 1 } });
    // a small task on large sites commits a millionth of each: the figures start at their first digit
    const tiny = placedExplanation({
      ...story(
        breakdown({ total: 0.2, parts: { loadBalance: 2.3e-7 } }),
        breakdown({ total: 0.3, parts: { loadBalance: 4.1e-7 } }),
      ),
      weights: { loadBalance: 1 },
    });
    assert.match(tiny, /less loaded \(0\.00002% vs 0\.00004% committed\)/);
    // totals equal to the sixth decimal: called level, not written as two different scores
    const level = placedExplanation({
      ...story(
        breakdown({ total: 0.2793041, parts: { loadBalance: 2.3e-7 } }),
        breakdown({ total: 0.2793042, parts: { loadBalance: 4.1e-7 } }),
      ),
      weights: { loadBalance: 1 },
    });
    assert.match(level, /\(score 0\.279304, level with b \(b, 0\.279304\) at this precision\): less loaded/);
    assert.match(close, /nearer \(RTT 14\.4000 ms vs 14\.4000 ms\)/);
  });

  it('says what a deferral saves: its emissions against starting at once', () => {
    const best = breakdown({ total: 0.2, parts: { carbon: 0.1 }, carbonG: 3.9 });
    const other = breakdown({ total: 0.3, parts: { carbon: 0.2 }, carbonG: 4.6 });
    const deferred = { ...story(best, other), startS: 17 * 3600 };
    assert.match(
      placedExplanation({ ...deferred, carbonAtOnceG: 6.12 }),
      /deferred 17 h: .*; the later start runs on greener power \(4 g CO2 vs 6 g CO2 if started at once\)\.$/,
    );
    // told apart like every other pair of figures
    assert.match(
      placedExplanation({ ...deferred, carbonAtOnceG: 4.2 }),
      /greener power \(3\.9 g CO2 vs 4\.2 g CO2 if started at once\)/,
    );
    // a later start that is not greener waited for its other parts (or for room), and says no more
    const notGreener = placedExplanation({ ...deferred, carbonAtOnceG: 3.9 });
    assert.doesNotMatch(notGreener, /greener/);
    assert.match(notGreener, /; no earlier start there scored better\.$/);
    assert.doesNotMatch(placedExplanation(story(best, other)), /greener|earlier start/, 'a run that starts at once');
  });
});
