/**
 * Authenticated task submissions per second through the real server:
 * `suanwang serve --api-only` in its own process, autocannon POSTing valid
 * tasks over loopback with a tenant API key (checked by scrypt once, then
 * from the verified-key cache) — without and with a unique Idempotency-Key
 * per request (the key row is written with the task). PGlite (a fresh data
 * directory) always; PostgreSQL too when SUANWANG_TEST_PG_URL or
 * DATABASE_URL is set (a fresh database, dropped after). Afterwards it checks
 * that every acknowledged (201) task is stored.
 *
 *   npx tsx bench/submit.ts [--duration 10] [--connections 50] [--with-platform]
 * Prints one JSON object on stdout; progress on stderr.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

interface Histogram {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}
interface AutocannonResult {
  requests: Histogram & { total: number };
  latency: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a number > 0`);
  return v;
};
const DURATION_S = arg('duration', 10);
const CONNECTIONS = arg('connections', 50);
const WITH_PLATFORM = process.argv.includes('--with-platform');
const WARMUP_S = 2;
const TARGETS = { pgliteSubmissionsPerS: 2000, postgresSubmissionsPerS: 5000, p99Ms: 50 };

const log = (s: string) => process.stderr.write(`${s}\n`);

function serve(
  args: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; key: string }> {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/suanwang.js'),
      'serve',
      '--port',
      '0',
      '--log-level',
      'warn',
      ...(WITH_PLATFORM ? [] : ['--api-only']),
      ...args,
    ],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      const key = /^\s+(sw_[a-z0-9]{16}_[0-9a-f]{64})$/m.exec(out)?.[1];
      if (m && !key) reject(new Error(`the server printed no operator key (not a fresh store?): ${out}`));
      if (m && key) resolve({ child, url: m[1]!, key });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const body = JSON.stringify({
  kind: 'inference',
  resources: { cpuCores: 4, memoryGb: 16, gpus: 1 },
  durationS: 600,
  originCity: 'shanghai',
  latencySlaMs: 30,
  dataGb: 2,
});

async function run(url: string, key: string, seconds: number, idempotent: boolean): Promise<AutocannonResult> {
  const prefix = randomBytes(6).toString('hex');
  let n = 0;
  return autocannon({
    url: `${url}/tasks`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body,
        ...(idempotent && {
          setupRequest: (req: { headers: Record<string, string> }) => {
            req.headers = { ...req.headers, 'idempotency-key': `${prefix}-${n++}` };
            return req;
          },
        }),
      },
    ],
  });
}

async function api<T>(url: string, key: string, method: string, path: string, data?: unknown): Promise<T> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(data !== undefined && { 'content-type': 'application/json' }) },
    ...(data !== undefined && { body: JSON.stringify(data) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function measure(label: string, args: string[], env: Record<string, string>) {
  log(`${label}: starting server${WITH_PLATFORM ? ' (with scheduler and dispatch)' : ' (--api-only)'}`);
  const { child, url, key } = await serve(args, env);
  try {
    const tenant = await api<{ key: string }>(url, key, 'POST', '/keys', {
      name: 'bench tenant',
      role: 'tenant',
      tenantId: 'bench',
    });
    const out: Record<string, unknown> = {};
    let acknowledged = 0;
    for (const idempotent of [false, true]) {
      const what = idempotent ? 'withIdempotencyKey' : 'plain';
      log(`${label} ${what}: warm-up ${WARMUP_S} s`);
      acknowledged += (await run(url, tenant.key, WARMUP_S, idempotent))['2xx'];
      log(`${label} ${what}: measuring ${DURATION_S} s with ${CONNECTIONS} connections`);
      const r = await run(url, tenant.key, DURATION_S, idempotent);
      acknowledged += r['2xx'];
      const perS = Math.round(r['2xx'] / r.duration);
      out[what] = {
        submissionsPerS: perS,
        latencyMs: {
          mean: r.latency.mean,
          p50: r.latency.p50,
          p90: r.latency.p90,
          p99: r.latency.p99,
          max: r.latency.max,
        },
        non2xx: r.non2xx,
        statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([s, v]) => [s, v.count])),
        errors: r.errors,
        timeouts: r.timeouts,
      };
      log(`${label} ${what}: ${perS}/s, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}`);
    }
    const summary = await api<{ tasks: number }>(url, key, 'GET', '/summary');
    out.acknowledged = acknowledged;
    out.stored = summary.tasks;
    out.lostAcknowledged = Math.max(0, acknowledged - summary.tasks);
    return out;
  } finally {
    await stop(child);
  }
}

const result: Record<string, unknown> = {
  bench: 'submit',
  what:
    `POST /tasks with a tenant API key through suanwang serve${WITH_PLATFORM ? '' : ' --api-only'} ` +
    '(separate process), autocannon on loopback; plain and with a unique Idempotency-Key per request',
  durationS: DURATION_S,
  connections: CONNECTIONS,
  targets: TARGETS,
  machine: { cpus: cpus().length, node: process.version, loadAvg1mAtStart: Number(loadavg()[0]!.toFixed(2)) },
};

const dataDir = mkdtempSync(join(tmpdir(), 'suanwang-bench-submit-'));
try {
  result.pglite = await measure('pglite', ['--data-dir', dataDir], { DATABASE_URL: '' });
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

const admin = process.env.SUANWANG_TEST_PG_URL || process.env.DATABASE_URL;
if (admin) {
  const name = `bench_${randomBytes(5).toString('hex')}`;
  const q = async (text: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      return await c.query(text);
    } finally {
      await c.end();
    }
  };
  await q(`CREATE DATABASE ${name}`);
  try {
    const settings = await q(
      `SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'server_version')`,
    );
    const u = new URL(admin);
    u.pathname = `/${name}`;
    result.postgres = {
      settings: Object.fromEntries(settings.rows.map((r: { name: string; setting: string }) => [r.name, r.setting])),
      ...(await measure('postgres', [], { DATABASE_URL: u.toString() })),
    };
  } finally {
    await q(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
} else {
  result.postgres = null;
  log('postgres: skipped (set SUANWANG_TEST_PG_URL or DATABASE_URL)');
}

process.stdout.write(`${JSON.stringify(result)}\n`);
