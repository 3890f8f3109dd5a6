import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DataDirLockedError, LOCK_FILE, PgliteStore } from '../../src/store/index.js';
import { preparedDataDir, REPO_ROOT, scratchDir } from '../helpers/stores.js';

const children: ChildProcess[] = [];

/** Starts a process that opens the store in `dir`; resolves with its first line. */
async function holder(dir: string): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/helpers/hold-store.ts'), dir], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  let out = '';
  child.stdout!.setEncoding('utf8');
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.on('exit', (code) => reject(new Error(`holder exited with ${code} before answering: ${out}`)));
  });
  return { child, line };
}

after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('data directory lock (PGlite)', () => {
  it('refuses a second process on the same directory with a clear message, then frees it on close', async () => {
    const dir = await preparedDataDir(scratchDir('lock'));
    const { child, line } = await holder(dir);
    assert.match(line, /^ready \d+$/);
    const pid = Number(line.split(' ')[1]);

    await assert.rejects(PgliteStore.open({ dataDir: dir }), (e: Error) => {
      assert.ok(e instanceof DataDirLockedError);
      assert.match(e.message, new RegExp(`in use by process ${pid}`));
      assert.match(e.message, /--data-dir/);
      return true;
    });
    // A third process is refused too, and says so.
    const third = await holder(dir).catch((e: Error) => e);
    assert.ok(!(third instanceof Error) && third.line.startsWith('refused data directory'), String(third));

    child.stdin!.end();
    await once(child, 'exit');
    assert.equal(existsSync(join(dir, LOCK_FILE)), false, 'lock removed on clean close');
    const store = await PgliteStore.open({ dataDir: dir });
    await store.close();
  });

  it('takes over the lock of a killed process', async () => {
    const dir = await preparedDataDir(scratchDir('lock'));
    const { child } = await holder(dir);
    child.kill('SIGKILL');
    await once(child, 'exit');
    assert.equal(existsSync(join(dir, LOCK_FILE)), true, 'a killed process leaves its lock behind');
    const store = await PgliteStore.open({ dataDir: dir });
    const owner = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    assert.equal(owner.pid, process.pid);
    await store.close();
  });

  it('takes over a torn lock file, and refuses a second open in the same process', async () => {
    const dir = await preparedDataDir(scratchDir('lock'));
    writeFileSync(join(dir, LOCK_FILE), '{"pid": 12');
    const store = await PgliteStore.open({ dataDir: dir });
    try {
      await assert.rejects(PgliteStore.open({ dataDir: dir }), DataDirLockedError);
    } finally {
      await store.close();
    }
  });

  it('does not mistake a reused pid for the owner', async () => {
    const dir = await preparedDataDir(scratchDir('lock'));
    // pid 1 is alive, but it started long before this "owner" claims it did.
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({
        pid: 1,
        host: (await import('node:os')).hostname(),
        procStart: '999999999999',
        acquiredAt: 'then',
      }),
    );
    const store = await PgliteStore.open({ dataDir: dir });
    await store.close();
  });
});
