/**
 * `suanwang serve`: the HTTP API and status page over PGlite or PostgreSQL,
 * with the live platform (scheduler and dispatch loops) behind it, until
 * SIGINT/SIGTERM. `--api-only` runs the API alone (more API processes on one
 * PostgreSQL, with exactly one process running the platform).
 */
import { type Command, InvalidArgumentError } from 'commander';
import type { Store } from '../../store/sql.js';
import { parseInteger } from './common.js';

interface ServeOptions {
  port: number;
  host: string;
  dataDir?: string;
  databaseUrl?: string;
  memory?: boolean;
  seed: boolean;
  policy: string;
  apiOnly?: boolean;
  logLevel: string;
  rateLimit?: { max: number; timeWindowMs: number } | false;
}

/** "100000/10s", "600/1m", "off" → the per-key rate limit. */
function parseRateLimit(text: string): { max: number; timeWindowMs: number } | false {
  if (text === 'off') return false;
  const m = /^(\d+)\/(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m?.[3] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const max = Number(m?.[1]);
  const windowMs = Number(m?.[2]) * unit;
  if (!m || !(max > 0) || !(windowMs >= 1)) {
    throw new InvalidArgumentError(`'${text}' is not a rate limit (e.g. 100000/10s, 600/1m, off)`);
  }
  return { max, timeWindowMs: windowMs };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function register(program: Command): void {
  program
    .command('serve')
    .description(
      'Run the platform: HTTP API, status page, scheduler and dispatch (PGlite, or PostgreSQL with DATABASE_URL)',
    )
    .option('--port <port>', 'TCP port (0 = any free port)', parseInteger, 8080)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'data directory: the PGlite database and local job files (default ./.suanwang)')
    .option('--database-url <url>', 'PostgreSQL URL (default env DATABASE_URL); the database is then not in --data-dir')
    .option('--memory', 'in-memory PGlite: nothing is kept after exit')
    .option('--no-seed', 'do not load the national topology (hubs, clusters, cities, sites) at start')
    .option('--policy <name>', 'scheduling policy: nearest, cheapest, greenest, balanced, optimal', 'balanced')
    .option('--api-only', 'serve the API without the scheduler and dispatch loops')
    .option(
      '--log-level <level>',
      `${LOG_LEVELS.join(', ')}`,
      (v: string) => {
        if (!LOG_LEVELS.includes(v)) throw new InvalidArgumentError(`one of ${LOG_LEVELS.join(', ')}`);
        return v;
      },
      'info',
    )
    .option(
      '--rate-limit <requests/window>',
      'requests per API key per window, e.g. 100000/10s (the default), 600/1m, or off',
      parseRateLimit,
    )
    .addHelpText(
      'after',
      '\nPGlite keeps its data in --data-dir and runs with fsync off: committed data survives a crash of\n' +
        'the process, not of the machine. Use PostgreSQL (DATABASE_URL) in production.\n' +
        '\nEvery route but /healthz, /readyz and the API documents needs an API key. On the first start with\n' +
        'an empty store the server creates an operator key and prints it once; make more with\n' +
        '`suanwang keys create`.',
    )
    .action(async (o: ServeOptions) => {
      // Loaded here, not at the top: every other command starts faster without the server stack.
      const { redactUrl } = await import('../../store/postgres.js');
      const { POLICY_NAMES } = await import('../../scheduler/index.js');
      if (!o.apiOnly && !(POLICY_NAMES as readonly string[]).includes(o.policy)) {
        process.stderr.write(`error: unknown policy '${o.policy}' (one of ${POLICY_NAMES.join(', ')})\n`);
        process.exit(2);
      }
      const common = {
        port: o.port,
        host: o.host,
        ...(o.dataDir !== undefined && { dataDir: o.dataDir }),
        ...(o.databaseUrl !== undefined && { databaseUrl: o.databaseUrl }),
        ...(o.memory && { memory: true }),
        seed: o.seed,
        logger: { level: o.logLevel },
        handleSignals: true,
        ...(o.rateLimit !== undefined && { rateLimit: o.rateLimit }),
      };
      let server: { url: string; store: Store };
      try {
        if (o.apiOnly) {
          const { startServer } = await import('../../api/server.js');
          server = await startServer(common);
        } else {
          const { startPlatform } = await import('../../runtime/serve.js');
          server = await startPlatform({ ...common, policy: o.policy as 'balanced' });
        }
      } catch (err) {
        process.stderr.write(`error: ${(err as Error).message}\n`);
        process.exit(1);
      }
      const { ensureBootstrapKey } = await import('../../auth/key-store.js');
      const boot = await ensureBootstrapKey(server.store);
      if (boot.key) {
        process.stderr.write(
          `created the first operator API key; it is shown only this once, keep it safe:\n  ${boot.key}\n` +
            '(send it as Authorization: Bearer …, or set SUANWANG_API_KEY for the CLI; more keys: suanwang keys create)\n',
        );
      }
      const db = o.databaseUrl ?? process.env.DATABASE_URL;
      const where =
        server.store.kind === 'postgres' && db
          ? `PostgreSQL ${redactUrl(db)}`
          : o.memory
            ? 'PGlite in memory'
            : `PGlite in ${o.dataDir ?? './.suanwang'}`;
      const what = o.apiOnly ? 'API only' : `policy ${o.policy}`;
      process.stderr.write(`suanwang listening on ${server.url} (${where}; ${what}); docs at ${server.url}/docs\n`);
    });
}
