/**
 * Task submissions per second through the real server: `suanwang serve` in
 * its own process, autocannon POSTing valid tasks over loopback. PGlite (a
 * fresh data directory on disk) always; PostgreSQL too when
 * SUANWANG_TEST_PG_URL or DATABASE_URL is set (a fresh database, dropped after).
 * Afterwards it checks that every acknowledged (201) task is in the store.
 *
 *   npx tsx bench/api.ts [--duration 10] [--connections 50] [--mode api|platform|both]
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
  average: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p99_9: number;
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
const WARMUP_S = 2;
const MODE = (() => {
  const i = process.argv.indexOf('--mode');
  const m = i >= 0 ? process.argv[i + 1] : 'both';
  if (m !== 'api' && m !== 'platform' && m !== 'both') throw new Error('--mode must be api, platform or both');
  return m;
})();
/**
 * api: `serve --api-only`, the API and the store alone. platform: plain `serve`, with the
 * scheduler and dispatch loops on the same cores, hearing of every submission.
 */
const MODES = MODE === 'both' ? (['api', 'platform'] as const) : ([MODE] as const);

const log = (s: string) => process.stderr.write(`${s}\n`);

/** The server, its URL and the operator key it prints on its first start (a fresh store). */
function serve(
  args: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; key: string }> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/suanwang.js'), 'serve', '--port', '0', '--log-level', 'warn', ...args],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      const key = /^\s+(sw_[a-z0-9]{16}_[0-9a-f]{64})$/m.exec(out)?.[1];
      if (m && !key) reject(new Error(`the server printed no operator key: ${out}`));
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
  tenantId: 'bench',
  kind: 'inference',
  resources: { cpuCores: 4, memoryGb: 16, gpus: 1 },
  durationS: 600,
  originCity: 'shanghai',
  latencySlaMs: 30,
  dataGb: 2,
});

async function run(url: string, key: string, seconds: number): Promise<AutocannonResult> {
  return autocannon({
    url: `${url}/tasks`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
    connections: CONNECTIONS,
    duration: seconds,
  });
}

async function measure(label: string, args: string[], env: Record<string, string>) {
  log(`${label}: starting server`);
  const { child, url, key } = await serve(args, env);
  try {
    log(`${label}: warm-up ${WARMUP_S} s`);
    const warm = await run(url, key, WARMUP_S);
    log(`${label}: measuring ${DURATION_S} s with ${CONNECTIONS} connections`);
    const r = await run(url, key, DURATION_S);
    const summary = (await (await fetch(`${url}/summary`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      tasks: number;
    };
    const acknowledged = warm['2xx'] + r['2xx'];
    if (warm['2xx'] === 0) throw new Error(`${label}: no submission succeeded (${warm.non2xx} non-2xx answers)`);
    const result = {
      submissionsPerS: Math.round(r['2xx'] / r.duration),
      requestsPerS: { mean: r.requests.mean, p50: r.requests.p50 },
      latencyMs: {
        mean: r.latency.mean,
        p50: r.latency.p50,
        p90: r.latency.p90,
        p99: r.latency.p99,
        max: r.latency.max,
      },
      acknowledged,
      stored: summary.tasks,
      lostAcknowledged: Math.max(0, acknowledged - summary.tasks),
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
    };
    log(
      `${label}: ${result.submissionsPerS}/s, p99 ${result.latencyMs.p99} ms, stored ${result.stored}/${acknowledged}`,
    );
    return result;
  } finally {
    await stop(child);
  }
}

const out: Record<string, unknown> = {
  bench: 'api',
  what: 'POST /tasks (API key, 201 after commit) through suanwang serve in its own process, autocannon on loopback',
  modes: {
    api: 'serve --api-only: the API and the store alone',
    platform: 'serve: with the scheduler and dispatch loops on the same cores',
  },
  durationS: DURATION_S,
  connections: CONNECTIONS,
  machine: { cpus: cpus().length, node: process.version, loadAverage1m: loadavg()[0] },
};

const admin = process.env.SUANWANG_TEST_PG_URL || process.env.DATABASE_URL;
const pgQuery = async (text: string) => {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
};
if (admin) {
  const settings = await pgQuery(
    `SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'server_version')`,
  );
  out.postgresSettings = Object.fromEntries(
    settings.rows.map((r: { name: string; setting: string }) => [r.name, r.setting]),
  );
} else {
  log('postgres: skipped (set SUANWANG_TEST_PG_URL or DATABASE_URL)');
}

for (const mode of MODES) {
  const flags = mode === 'api' ? ['--api-only'] : [];
  const results: Record<string, unknown> = {};
  // Every run starts from an empty store: the server prints its first operator key only then.
  const dataDir = mkdtempSync(join(tmpdir(), 'suanwang-bench-'));
  try {
    results.pglite = await measure(`${mode}/pglite`, [...flags, '--data-dir', dataDir], { DATABASE_URL: '' });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (admin) {
    const name = `bench_${randomBytes(5).toString('hex')}`;
    await pgQuery(`CREATE DATABASE ${name}`);
    const jobsDir = mkdtempSync(join(tmpdir(), 'suanwang-bench-'));
    try {
      const u = new URL(admin);
      u.pathname = `/${name}`;
      results.postgres = await measure(`${mode}/postgres`, [...flags, '--data-dir', jobsDir], {
        DATABASE_URL: u.toString(),
      });
    } finally {
      await pgQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      rmSync(jobsDir, { recursive: true, force: true });
    }
  } else results.postgres = null;
  out[mode] = results;
}

process.stdout.write(`${JSON.stringify(out)}\n`);
