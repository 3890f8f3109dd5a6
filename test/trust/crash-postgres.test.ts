/**
 * Durability on PostgreSQL: `suanwang serve` with DATABASE_URL (a fresh
 * database) is killed with SIGKILL again and again under concurrent
 * submissions (see crash-harness.ts); nothing acknowledged is lost, nothing
 * is made twice.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { PostgresStore } from '../../src/store/index.js';
import { freshPgDatabase, pgUrl } from '../helpers/stores.js';
import { crashTest } from './crash-harness.js';

it('keeps every acknowledged submission exactly once through SIGKILLs (PostgreSQL)', async (t) => {
  if (!pgUrl()) {
    if (process.env.CI) throw new Error('CI is set but SUANWANG_TEST_PG_URL is not');
    t.skip('SUANWANG_TEST_PG_URL is not set');
    return;
  }
  const db = await freshPgDatabase();
  try {
    const report = await crashTest({
      args: [],
      env: { DATABASE_URL: db.url },
      openStore: () => PostgresStore.open({ databaseUrl: db.url }),
      seed: 11,
    });
    t.diagnostic(JSON.stringify(report));
    assert.ok(report.kills >= 6, JSON.stringify(report));
    assert.ok(report.unansweredAtKills > 0, `some requests were in flight at the kills: ${JSON.stringify(report)}`);
  } finally {
    await db.drop();
  }
});
