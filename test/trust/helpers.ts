/** Trust tests: an app with one key per role, and requests made with any of them. */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { type BuildAppOptions, buildApp } from '../../src/api/app.js';
import { createApiKey } from '../../src/auth/key-store.js';
import { type Clock, ManualClock } from '../../src/domain/clock.js';
import { type Store, type StoreKind, seedNationalTopology } from '../../src/store/index.js';
import { T0 } from '../helpers/api.js';
import { freshStore } from '../helpers/stores.js';

export const TENANT_A = 'acme';
export const TENANT_B = 'beta';
/** The sites the site key speaks for (one seeded, one it may register). */
export const OWN_SITES = ['shanghai-edge', 'trust-site-a'];

export interface Keys {
  operator: string;
  site: string;
  tenantA: string;
  tenantB: string;
  regulator: string;
}

export type Who = keyof Keys | 'anonymous' | 'bogus';

export async function makeKeys(store: Store, clock: Clock): Promise<Keys> {
  const k = async (input: Parameters<typeof createApiKey>[1]) => (await createApiKey(store, input, clock)).key;
  return {
    operator: await k({ name: 'op', role: 'operator' }),
    site: await k({ name: 'site', role: 'site', siteIds: OWN_SITES }),
    tenantA: await k({ name: 'a', role: 'tenant', tenantId: TENANT_A }),
    tenantB: await k({ name: 'b', role: 'tenant', tenantId: TENANT_B }),
    regulator: await k({ name: 'reg', role: 'regulator' }),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: JSON answers of many shapes, checked by the assertions
export type Answer = { status: number; body: any; headers: Record<string, unknown>; raw: string };

export function authHeader(keys: Keys, who: Who): Record<string, string> {
  if (who === 'anonymous') return {};
  if (who === 'bogus') return { authorization: `Bearer sw_${'a'.repeat(16)}_${'0'.repeat(64)}` };
  return { authorization: `Bearer ${keys[who]}` };
}

export async function send(
  app: FastifyInstance,
  keys: Keys,
  who: Who,
  method: InjectOptions['method'],
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await app.inject({
    method,
    url,
    headers: {
      ...authHeader(keys, who),
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const ct = String(res.headers['content-type'] ?? '');
  let parsed: unknown = res.body;
  if (ct.includes('json') && res.body) parsed = JSON.parse(res.body);
  return { status: res.statusCode, body: parsed, headers: res.headers, raw: res.body };
}

export interface TrustApp {
  app: FastifyInstance;
  store: Store;
  clock: ManualClock;
  keys: Keys;
  send(
    who: Who,
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer>;
  close(): Promise<void>;
}

export async function trustApp(kind: StoreKind, opts: Partial<BuildAppOptions> = {}): Promise<TrustApp> {
  const store = await freshStore(kind);
  const clock = new ManualClock(T0);
  await seedNationalTopology(store, { atS: T0 });
  const app = await buildApp({ store, clock, ...opts });
  const keys = await makeKeys(store, clock);
  return {
    app,
    store,
    clock,
    keys,
    send: (who, method, url, body, headers) => send(app, keys, who, method, url, body, headers),
    async close() {
      await app.close();
      await store.close();
    },
  };
}

export function task(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tenantId: TENANT_A,
    kind: 'inference',
    resources: { cpuCores: 2, memoryGb: 4 },
    durationS: 600,
    originCity: 'shanghai',
    ...over,
  };
}
