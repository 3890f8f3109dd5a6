/**
 * The crash test, for either store: a real `suanwang serve` process takes
 * concurrent task submissions (each with its own Idempotency-Key and a
 * unique marker in `dataGb`) and is killed with SIGKILL at random moments —
 * under load, and once while still starting. After each restart every
 * request that got no answer is sent again with its key. In the end every
 * acknowledged (201) task is there exactly once, every request made exactly
 * one task, and every retry of an acknowledged request named the same task.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { Rng } from '../../src/domain/rng.js';
import type { Store } from '../../src/store/sql.js';
import { BIN } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/stores.js';

export interface CrashOptions {
  /** serve arguments besides --port/--api-only (e.g. --data-dir). */
  args: string[];
  env: Record<string, string>;
  /** Opens the store once the server is gone, for the final count. */
  openStore: () => Promise<Store>;
  seed: number;
  /** Kills under load (default 6). */
  killsUnderLoad?: number;
  workers?: number;
}

export interface CrashReport {
  requests: number;
  acknowledgedBeforeKills: number;
  unansweredAtKills: number;
  /** Unanswered requests whose task had been committed before the kill: the retry got it back, not a second one. */
  committedButUnanswered: number;
  kills: number;
}

interface Server {
  child: ChildProcess;
  url: string | null;
  exited: Promise<void>;
  ready: Promise<string>;
  output: () => string;
}

function spawnServer(opts: CrashOptions): Server {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--api-only', '--log-level', 'error', ...opts.args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const s: Server = { child, url: null, exited, output: () => out, ready: Promise.resolve('') };
  s.ready = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m && !s.url) {
        s.url = m[1]!;
        resolve(s.url);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`server exited before it listened:\n${out}`)));
  });
  s.ready.catch(() => {}); // a server killed while starting never listens: that is the point
  return s;
}

async function kill(s: Server): Promise<void> {
  if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  await s.exited;
}

interface Request {
  key: string;
  marker: number;
  body: string;
}

type Outcome = { ok: true; taskId: string; replayed: boolean } | { ok: false; why: string };

async function submit(url: string, apiKey: string, r: Request): Promise<Outcome> {
  try {
    const res = await fetch(`${url}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, 'idempotency-key': r.key },
      body: r.body,
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    if (res.status !== 201) return { ok: false, why: `${res.status} ${text.slice(0, 200)}` };
    return { ok: true, taskId: JSON.parse(text).id, replayed: res.headers.get('idempotent-replayed') === 'true' };
  } catch (err) {
    return { ok: false, why: `no answer: ${String((err as { cause?: { code?: string } }).cause?.code ?? err)}` };
  }
}

export async function crashTest(opts: CrashOptions): Promise<CrashReport> {
  const rng = new Rng(opts.seed);
  const workers = opts.workers ?? 16;
  const killsUnderLoad = opts.killsUnderLoad ?? 6;
  let next = 1;
  const newRequest = (): Request => {
    const marker = next++;
    return {
      key: `crash-${opts.seed}-${marker}`,
      marker,
      body: JSON.stringify({
        tenantId: 'crash',
        kind: 'inference',
        resources: { cpuCores: 1, memoryGb: 1 },
        durationS: 60,
        originCity: 'shanghai',
        earliestStartS: 1.9e9,
        dataGb: marker,
      }),
    };
  };
  const acked = new Map<string, string>(); // idempotency key → task id
  const pending = new Map<string, Request>(); // sent, no answer yet
  const all: Request[] = [];
  let apiKey = '';
  let kills = 0;
  let unansweredAtKills = 0;
  let ackedBeforeKills = 0;
  let committedButUnanswered = 0;

  const record = (r: Request, o: Outcome) => {
    if (!o.ok) {
      if (!o.why.startsWith('no answer')) throw new Error(`request ${r.key} answered ${o.why}`);
      pending.set(r.key, r);
      return;
    }
    if (pending.has(r.key) && o.replayed) committedButUnanswered++;
    const before = acked.get(r.key);
    if (before !== undefined) assert.equal(o.taskId, before, `a retry of ${r.key} names the task first acknowledged`);
    acked.set(r.key, o.taskId);
    pending.delete(r.key);
  };

  /** Sends every unanswered request again; the server must answer them all. */
  const retryPending = async (url: string) => {
    const retries = [...pending.values()];
    await Promise.all(
      retries.map(async (r) => {
        const o = await submit(url, apiKey, r);
        assert.ok(o.ok, `retry of ${r.key} after restart: ${o.ok ? '' : o.why}`);
        record(r, o);
      }),
    );
    // And a few acknowledged ones: replayed, same task.
    for (const [key, taskId] of [...acked].slice(-5)) {
      const r = all.find((x) => x.key === key)!;
      const o = await submit(url, apiKey, r);
      assert.ok(o.ok && o.replayed && o.taskId === taskId, `replay of ${key}`);
    }
  };

  const start = async () => {
    const s = spawnServer(opts);
    const url = await s.ready;
    const boot = /^\s+(sw_[a-z0-9]{16}_[0-9a-f]{64})$/m.exec(s.output())?.[1];
    if (boot) apiKey = boot;
    assert.ok(apiKey, `the first start prints the operator key:\n${s.output()}`);
    return { s, url };
  };

  for (let round = 0; round < killsUnderLoad; round++) {
    const { s, url } = await start();
    await retryPending(url);
    let stop = false;
    let ackedThisRound = 0;
    const load = Array.from({ length: workers }, async () => {
      while (!stop) {
        const r = newRequest();
        all.push(r);
        const o = await submit(url, apiKey, r);
        record(r, o);
        if (!o.ok) return; // the server is gone
        ackedThisRound++;
      }
    });
    // under load (a busy CI machine) the first answers can take a while: kill only once work is flowing,
    // then at a random moment
    for (let waitedMs = 0; ackedThisRound === 0 && waitedMs < 60_000; waitedMs += 50) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 300 + rng.int(0, 1200)));
    const ackedNow = ackedThisRound;
    await kill(s);
    kills++;
    stop = true;
    await Promise.all(load);
    ackedBeforeKills = acked.size;
    unansweredAtKills += pending.size;
    assert.ok(ackedNow > 0, `round ${round}: the server acknowledged work before it was killed`);
  }

  // One more kill while the server is still starting (opening the store, migrating, seeding).
  {
    const s = spawnServer(opts);
    await new Promise((r) => setTimeout(r, 100 + rng.int(0, 600)));
    await kill(s);
    kills++;
  }

  const { s, url } = await start();
  await retryPending(url);
  assert.equal(pending.size, 0, 'every request answered in the end');
  s.child.kill('SIGTERM');
  await s.exited;

  const store = await opts.openStore();
  try {
    const rows = await store.query<{ id: string; marker: string }>(
      `SELECT id, spec->>'dataGb' AS marker FROM tasks WHERE tenant_id = 'crash'`,
    );
    const byMarker = new Map<number, string[]>();
    for (const r of rows) byMarker.set(Number(r.marker), [...(byMarker.get(Number(r.marker)) ?? []), r.id]);
    const dupes = [...byMarker].filter(([, ids]) => ids.length > 1);
    assert.deepEqual(dupes, [], 'no request made two tasks');
    assert.equal(rows.length, all.length, 'every request made exactly one task');
    const ids = new Set(rows.map((r) => r.id));
    for (const [key, taskId] of acked) assert.ok(ids.has(taskId), `acknowledged ${key} (${taskId}) is stored`);
    const keyRows = await store.query<{ key: string; task_id: string }>(
      `SELECT key, task_id FROM idempotency_keys WHERE key LIKE $1`,
      [`crash-${opts.seed}-%`],
    );
    assert.equal(keyRows.length, all.length);
    for (const k of keyRows) assert.equal(k.task_id, acked.get(k.key), `key ${k.key} names the acknowledged task`);
  } finally {
    await store.close();
  }
  return {
    requests: all.length,
    acknowledgedBeforeKills: ackedBeforeKills,
    unansweredAtKills,
    committedButUnanswered,
    kills,
  };
}
