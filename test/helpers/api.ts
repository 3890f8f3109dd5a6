/**
 * An API over a fresh store for tests: the real Fastify app, called through
 * inject() (no sockets), authenticated as an operator (a real API key, made in the store).
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createApiKey } from '../../src/auth/key-store.js';
import type { Clock } from '../../src/domain/clock.js';
import { ManualClock } from '../../src/domain/clock.js';
import { type Store, type StoreKind, seedNationalTopology } from '../../src/store/index.js';
import { freshStore } from './stores.js';

export const T0 = 1_800_000_000;

// biome-ignore lint/suspicious/noExplicitAny: JSON of many shapes, checked by the assertions
export type ApiAnswer = { status: number; body: any; headers: Record<string, unknown> };

export interface TestApi {
  app: FastifyInstance;
  store: Store;
  clock: ManualClock;
  /** The operator API key every call() sends. */
  apiKey: string;
  /** app.inject() with the operator key added to the headers. */
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** The parsed JSON answer is `any`: tests read response fields freely and assert on them. */
  call(method: InjectOptions['method'], url: string, body?: unknown): Promise<ApiAnswer>;
  close(): Promise<void>;
}

export async function testApi(kind: StoreKind, opts: { seed?: boolean } = {}): Promise<TestApi> {
  const store = await freshStore(kind);
  const clock = new ManualClock(T0);
  if (opts.seed ?? true) await seedNationalTopology(store, { atS: T0 });
  const app = await buildApp({ store, clock });
  const apiKey = await operatorKey(store, clock);
  return {
    app,
    store,
    clock,
    apiKey,
    inject: (o) => app.inject({ ...o, headers: { authorization: `Bearer ${apiKey}`, ...o.headers } }),
    async call(method, url, body) {
      const res = await app.inject({
        method,
        url,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const ct = String(res.headers['content-type'] ?? '');
      return {
        status: res.statusCode,
        body: ct.includes('json') && res.body ? JSON.parse(res.body) : res.body,
        headers: res.headers,
      };
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** A new operator API key in `store` (what a test server's clients authenticate with). */
export async function operatorKey(store: Store, clock?: Clock): Promise<string> {
  return (await createApiKey(store, { name: 'test operator', role: 'operator' }, clock)).key;
}
