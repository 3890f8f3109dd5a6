/** An API over a fresh store for tests: the real Fastify app, called through inject() (no sockets). */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/api/app.js';
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
  /** The parsed JSON answer is `any`: tests read response fields freely and assert on them. */
  call(method: InjectOptions['method'], url: string, body?: unknown): Promise<ApiAnswer>;
  close(): Promise<void>;
}

export async function testApi(kind: StoreKind, opts: { seed?: boolean } = {}): Promise<TestApi> {
  const store = await freshStore(kind);
  const clock = new ManualClock(T0);
  if (opts.seed ?? true) await seedNationalTopology(store, { atS: T0 });
  const app = await buildApp({ store, clock });
  return {
    app,
    store,
    clock,
    async call(method, url, body) {
      const res = await app.inject({
        method,
        url,
        ...(body !== undefined && {
          payload: typeof body === 'string' ? body : JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        }),
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
