/**
 * Durability on the embedded store: `suanwang serve` on PGlite is killed
 * with SIGKILL again and again under concurrent submissions (see
 * crash-harness.ts); nothing acknowledged is lost, nothing is made twice.
 * (PGlite runs without fsync: this is about the process dying, not the machine.)
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { PgliteStore } from '../../src/store/index.js';
import { preparedDataDir, scratchDir } from '../helpers/stores.js';
import { crashTest } from './crash-harness.js';

it('keeps every acknowledged submission exactly once through SIGKILLs (PGlite)', async (t) => {
  const dataDir = await preparedDataDir(scratchDir('crash-pglite'));
  const report = await crashTest({
    args: ['--data-dir', dataDir],
    env: { DATABASE_URL: '' },
    openStore: () => PgliteStore.open({ dataDir }),
    seed: 7,
  });
  t.diagnostic(JSON.stringify(report));
  assert.ok(report.kills >= 6, JSON.stringify(report));
  assert.ok(report.unansweredAtKills > 0, `some requests were in flight at the kills: ${JSON.stringify(report)}`);
});
