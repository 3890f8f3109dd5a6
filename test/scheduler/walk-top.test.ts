/**
 * The walk's best-first list of distinct sites (`offer`) against its definition: of every choice
 * offered, the best per site, then the TOP_K best of those, in the (total, site, pool, start) order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { better, type Choice, offer, TOP_K } from '../../src/scheduler/walk.js';

const choice = fc
  .record({
    site: fc.integer({ min: 0, max: 6 }),
    pool: fc.integer({ min: -1, max: 1 }),
    startS: fc.integer({ min: 0, max: 3 }).map((h) => h * 3600),
    // few distinct totals: ties between sites, pools and starts are common
    total: fc.integer({ min: 0, max: 5 }).map((k) => k / 4),
  })
  .map((r): Choice => ({ cand: 0, staticTotal: r.total, share: 0, ...r }));

const order = (a: Choice, b: Choice) => (better(a, b) ? -1 : better(b, a) ? 1 : 0);

test('offer keeps the best choice of each site, the TOP_K best sites, best first', () => {
  fc.assert(
    fc.property(fc.array(choice, { maxLength: 40 }), (offered) => {
      const top: Choice[] = [];
      for (const c of offered) offer(top, c);
      const bestBySite = new Map<number, Choice>();
      for (const c of offered) {
        const b = bestBySite.get(c.site);
        if (b === undefined || better(c, b)) bestBySite.set(c.site, c);
      }
      const expected = [...bestBySite.values()].sort(order).slice(0, TOP_K);
      assert.deepEqual(top, expected);
    }),
    { numRuns: 2000 },
  );
});
