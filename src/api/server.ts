/**
 * `startServer`: the store, the API and graceful shutdown, reusable by
 * `suanwang serve`, the demo and tests. Closing stops the listener first
 * (in-flight requests finish), then the store, which releases its lock.
 */
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { type Clock, systemClock } from '../domain/clock.js';
import { openStore } from '../store/index.js';
import { seedNationalTopology } from '../store/seed.js';
import type { Store } from '../store/sql.js';
import { type BuildAppOptions, buildApp } from './app.js';
import type { RouteModule } from './routes/types.js';
import { type Services, storeServices } from './services/index.js';

export interface StartServerOptions {
  port?: number;
  host?: string;
  /** PGlite data directory (default ./.suanwang/). */
  dataDir?: string;
  /** PostgreSQL URL (default env DATABASE_URL; absent = PGlite). */
  databaseUrl?: string;
  /** In-memory PGlite (demos, tests). */
  memory?: boolean;
  /** Use this store instead of opening one (it is not closed by close()). */
  store?: Store;
  clock?: Clock;
  /** Load the national topology into the store (default true; idempotent). */
  seed?: boolean;
  logger?: FastifyServerOptions['logger'];
  /**
   * Build the services (default: the store-backed ones). The runtime uses this
   * to start its loops and wrap the services; its `close` runs before the store closes.
   */
  services?: (
    base: Services,
    ctx: { store: Store; clock: Clock },
  ) =>
    | Services
    | { services: Services; close?: () => Promise<void> }
    | Promise<Services | { services: Services; close?: () => Promise<void> }>;
  routes?: readonly RouteModule[];
  /** Close on SIGINT/SIGTERM (default false; `suanwang serve` turns it on). */
  handleSignals?: boolean;
  /** Enforce API keys (default true; `false` only in tests of other capabilities). */
  auth?: boolean;
  /** Per-key rate limit (default: generous); false turns it off. */
  rateLimit?: BuildAppOptions['rateLimit'];
  trust?: BuildAppOptions['trust'];
}

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  close(): Promise<void>;
}

export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const clock = opts.clock ?? systemClock;
  const ownStore = !opts.store;
  const store =
    opts.store ??
    (await openStore({
      ...(opts.dataDir !== undefined && { dataDir: opts.dataDir }),
      ...(opts.databaseUrl !== undefined && { databaseUrl: opts.databaseUrl }),
      ...(opts.memory !== undefined && { memory: opts.memory }),
    }));
  let closeServices: (() => Promise<void>) | undefined;
  let app: FastifyInstance | undefined;
  try {
    if (opts.seed ?? true) await seedNationalTopology(store, { atS: clock.nowS() });
    const base = storeServices(store, clock);
    const built = opts.services ? await opts.services(base, { store, clock }) : base;
    const services = 'services' in built ? built.services : built;
    closeServices = 'services' in built ? built.close : undefined;
    app = await buildApp({
      store,
      clock,
      services,
      ...(opts.logger !== undefined && { logger: opts.logger }),
      ...(opts.routes && { routes: opts.routes }),
      ...(opts.auth !== undefined && { auth: opts.auth }),
      ...(opts.rateLimit !== undefined && { rateLimit: opts.rateLimit }),
      ...(opts.trust && { trust: opts.trust }),
    });
    await app.listen({ port: opts.port ?? 8080, host: opts.host ?? '127.0.0.1' });
  } catch (err) {
    await app?.close().catch(() => {});
    await closeServices?.().catch(() => {});
    if (ownStore) await store.close().catch(() => {});
    throw err;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 8080);
  const host = opts.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    app?.log.info(`${signal}: shutting down`);
    void close().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`shutdown failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  const close = () => {
    closing ??= (async () => {
      if (opts.handleSignals) {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
      try {
        await app!.close();
      } finally {
        try {
          await closeServices?.();
        } finally {
          if (ownStore) await store.close();
        }
      }
    })();
    return closing;
  };
  if (opts.handleSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return { app, store, url, close };
}
