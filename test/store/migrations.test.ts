import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { loadMigrations, migrate, type Store } from '../../src/store/index.js';
import type { MigratableStore } from '../../src/store/migrate.js';
import { describeStores, freshStore } from '../helpers/stores.js';

it('migration files are numbered uniquely and named NNN_name.sql', () => {
  const ms = loadMigrations();
  assert.ok(ms.length >= 3);
  assert.deepEqual(
    ms.map((m) => m.version),
    [...ms.map((m) => m.version)].sort((a, b) => a - b),
  );
  assert.equal(ms[0]!.file, '001_topology.sql');
});

it('a badly named migration file is refused with its name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mig-'));
  writeFileSync(join(dir, '1_x.sql'), 'SELECT 1');
  assert.throws(() => loadMigrations(dir), /1_x\.sql/);
  const dir2 = mkdtempSync(join(tmpdir(), 'mig-'));
  writeFileSync(join(dir2, '001_a.sql'), 'SELECT 1');
  writeFileSync(join(dir2, '001_b.sql'), 'SELECT 1');
  assert.throws(() => loadMigrations(dir2), /001_a\.sql and 001_b\.sql/);
});

describeStores('migrations', (kind) => {
  let store: Store;
  before(async () => {
    store = await freshStore(kind);
  });
  after(() => store.close());

  it('are idempotent: a second run applies nothing and changes nothing', async () => {
    const before = await store.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    const r = await migrate(store as MigratableStore);
    assert.deepEqual(r.applied, []);
    assert.equal(r.alreadyApplied, loadMigrations().length);
    const after = await store.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(after, before);
    assert.equal(after.length, loadMigrations().length);
  });

  it('create the foundation tables', async () => {
    const rows = await store.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    const names = rows.map((r) => r.table_name);
    for (const t of ['hubs', 'clusters', 'cities', 'hub_pairings', 'sites', 'tasks', 'placements', 'task_events']) {
      assert.ok(names.includes(t), `table ${t} exists`);
    }
  });

  it('refuse a migration that was edited after being applied', async () => {
    const ms = loadMigrations();
    const edited = ms.map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await assert.rejects(
      migrate(store as MigratableStore, edited),
      /001_topology\.sql was changed after it was applied/,
    );
  });

  it('apply a new migration in a transaction: a failing one leaves nothing behind', async () => {
    const bad = {
      version: 999,
      name: 'bad',
      file: '999_bad.sql',
      checksum: 'x',
      sql: 'CREATE TABLE half_done (a int); SELECT * FROM no_such_table;',
    };
    await assert.rejects(migrate(store as MigratableStore, [...loadMigrations(), bad]), /no_such_table/);
    const left = await store.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`);
    assert.equal(left.length, 0);
    const recorded = await store.query('SELECT 1 FROM schema_migrations WHERE version = 999');
    assert.equal(recorded.length, 0);
  });

  it('tx commits on success and rolls back on throw', async () => {
    await store.query('CREATE TABLE tx_probe (a int)');
    await store.tx(async (sql) => {
      await sql.query('INSERT INTO tx_probe VALUES (1)');
    });
    await assert.rejects(
      store.tx(async (sql) => {
        await sql.query('INSERT INTO tx_probe VALUES (2)');
        throw new Error('boom');
      }),
      /boom/,
    );
    const rows = await store.query<{ a: number }>('SELECT a FROM tx_probe ORDER BY a');
    assert.deepEqual(
      rows.map((r) => r.a),
      [1],
    );
  });
});
