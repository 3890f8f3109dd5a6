/**
 * Stores for tests. Every suite runs against each kind from `storeKinds()`:
 * always PGlite, plus PostgreSQL when SUANWANG_TEST_PG_URL is set (with CI
 * set and no URL, this throws: the suite must not pass without PostgreSQL).
 *
 * A new PGlite takes seconds to initdb, so one migrated template is made per
 * migration set, kept as a tarball under .test-tmp/ (shared by test
 * processes), and every fresh store is a copy of it (~0.5 s).
 * Each PostgreSQL store is a database of its own, `t_<random>`, dropped on close.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  migrate,
  migrationsFingerprint,
  PgliteStore,
  PostgresStore,
  type Store,
  type StoreKind,
} from '../../src/store/index.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TEST_TMP = join(REPO_ROOT, '.test-tmp');

export function pgUrl(): string | undefined {
  return process.env.SUANWANG_TEST_PG_URL || undefined;
}

/** The store kinds this run covers. */
export function storeKinds(): StoreKind[] {
  if (pgUrl()) return ['pglite', 'postgres'];
  if (process.env.CI) {
    throw new Error('CI is set but SUANWANG_TEST_PG_URL is not: the suite must also run against PostgreSQL');
  }
  return ['pglite'];
}

let templatePromise: Promise<Blob> | undefined;

/** The migrated PGlite template, as a dump (made once per migration set). */
export function pgliteTemplate(): Promise<Blob> {
  templatePromise ??= (async () => {
    mkdirSync(TEST_TMP, { recursive: true });
    const file = join(TEST_TMP, `pglite-template-${migrationsFingerprint()}.tar`);
    try {
      return new Blob([readFileSync(file)]);
    } catch {
      // not made yet
    }
    const store = await PgliteStore.open({ memory: true });
    try {
      await migrate(store);
      const blob = await store.dump();
      // Write then rename: a concurrent test process never reads half a file.
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
      renameSync(tmp, file);
      // Templates of older migration sets are dead weight (~40 MB each).
      for (const f of readdirSync(TEST_TMP)) {
        if (/^pglite-template-[0-9a-f]+\.tar$/.test(f) && join(TEST_TMP, f) !== file)
          rmSync(join(TEST_TMP, f), { force: true });
      }
      return blob;
    } finally {
      await store.close();
    }
  })();
  return templatePromise;
}

/** A fresh, migrated, empty store of the given kind; close() also drops a PostgreSQL database. */
export async function freshStore(kind: StoreKind): Promise<Store> {
  if (kind === 'pglite') {
    const store = await PgliteStore.open({ memory: true, loadDataDir: await pgliteTemplate() });
    await migrate(store);
    return store;
  }
  const { url, drop } = await freshPgDatabase();
  try {
    const store = await PostgresStore.open({ databaseUrl: url, maxConnections: 5 });
    await migrate(store);
    const close = store.close.bind(store);
    return Object.assign(store, {
      close: async () => {
        await close();
        await drop();
      },
    });
  } catch (err) {
    await drop();
    throw err;
  }
}

/** A new empty PostgreSQL database on the test server: its URL and how to drop it. */
export async function freshPgDatabase(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const admin = pgUrl();
  if (!admin) throw new Error('SUANWANG_TEST_PG_URL is not set');
  const name = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(admin, `CREATE DATABASE ${name}`);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  let dropped = false;
  return {
    url: u.toString(),
    name,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await adminQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A PGlite data directory that already holds the migrated template (a server starts in ~1 s instead of ~7). */
export async function preparedDataDir(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const store = await PgliteStore.open({ dataDir: dir, loadDataDir: await pgliteTemplate() });
  await store.close();
  return dir;
}

const scratch: string[] = [];
// Data directories are tens of MB each: remove them when the test process ends.
process.once('exit', () => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A unique scratch folder under .test-tmp/, removed when the test process exits. */
export function scratchDir(prefix: string): string {
  const dir = join(TEST_TMP, `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  scratch.push(dir);
  return dir;
}

/**
 * One describe() per store kind; when PostgreSQL is not configured (and not CI),
 * a skipped test says so instead of silently covering less.
 */
export function describeStores(name: string, fn: (kind: StoreKind) => void): void {
  for (const kind of storeKinds()) describe(`${name} [${kind}]`, () => fn(kind));
  if (!pgUrl()) {
    describe(`${name} [postgres]`, () => {
      it('runs against PostgreSQL', (t) => t.skip('SUANWANG_TEST_PG_URL is not set'));
    });
  }
}
