/** `suanwang serve`: the API (and status page) over PGlite or PostgreSQL, until SIGINT/SIGTERM. */
import type { Command } from 'commander';
import { parseInteger } from './common.js';

interface ServeOptions {
  port: number;
  host: string;
  dataDir?: string;
  databaseUrl?: string;
  memory?: boolean;
  seed: boolean;
  logLevel: string;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP API and status page (PGlite in --data-dir, or PostgreSQL with DATABASE_URL)')
    .option('--port <port>', 'TCP port (0 = any free port)', parseInteger, 8080)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'PGlite data directory (default ./.suanwang)')
    .option('--database-url <url>', 'PostgreSQL URL (default env DATABASE_URL); overrides --data-dir')
    .option('--memory', 'in-memory PGlite: nothing is kept after exit')
    .option('--no-seed', 'do not load the national topology (hubs, clusters, cities, sites) at start')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent', 'info')
    .addHelpText(
      'after',
      '\nPGlite keeps its data in --data-dir and runs with fsync off: committed data survives a crash of\n' +
        'the process, not of the machine. Use PostgreSQL (DATABASE_URL) in production.',
    )
    .action(async (o: ServeOptions) => {
      // Loaded here, not at the top: every other command starts faster without the server stack.
      const { startServer } = await import('../../api/server.js');
      const { redactUrl } = await import('../../store/postgres.js');
      const server = await startServer({
        port: o.port,
        host: o.host,
        ...(o.dataDir !== undefined && { dataDir: o.dataDir }),
        ...(o.databaseUrl !== undefined && { databaseUrl: o.databaseUrl }),
        ...(o.memory && { memory: true }),
        seed: o.seed,
        logger: { level: o.logLevel },
        handleSignals: true,
      }).catch((err: Error) => {
        process.stderr.write(`error: ${err.message}\n`);
        process.exit(1);
      });
      const db = o.databaseUrl ?? process.env.DATABASE_URL;
      const where =
        server.store.kind === 'postgres' && db
          ? `PostgreSQL ${redactUrl(db)}`
          : o.memory
            ? 'PGlite in memory'
            : `PGlite in ${o.dataDir ?? './.suanwang'}`;
      process.stderr.write(`suanwang listening on ${server.url} (${where}); docs at ${server.url}/docs\n`);
    });
}
