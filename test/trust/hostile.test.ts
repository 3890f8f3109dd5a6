/**
 * Hostile input, generated (fast-check, fixed seed): 10,000+ requests across
 * every route of the live platform through `inject`, and a few hundred over
 * real HTTP including malformed raw requests — wrong types, huge numbers,
 * unicode, NUL and lone surrogates, deep nesting, SQL and JSON injection
 * strings, prototype pollution, oversized bodies, wrong methods, bad
 * headers and credentials. Never a 5xx, never a crash, every error in the
 * API's own shape, and afterwards the server still answers correctly.
 *
 * Valid submissions generated here never carry a `command`: the platform's
 * local executor really runs commands, and hostile shell strings must not
 * run on the test machine.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createApiKey } from '../../src/auth/key-store.js';
import type { RouteAccess } from '../../src/auth/plugin.js';
import { systemClock } from '../../src/domain/clock.js';
import { type RunningPlatform, startPlatform } from '../../src/runtime/serve.js';
import { type Store, seedNationalTopology } from '../../src/store/index.js';
import { newSite } from '../helpers/fixtures.js';
import { freshStore, scratchDir } from '../helpers/stores.js';
import { type Keys, makeKeys, send, task } from './helpers.js';

const SEED = 20261123;
const INJECT_REQUESTS = 10_500;
const HTTP_REQUESTS = 300;

const HOSTILE_STRINGS = [
  "' OR 1=1 --",
  "'; DROP TABLE tasks; --",
  '" OR ""="',
  '1; SELECT pg_sleep(10)',
  '$1',
  '{"$gt": ""}',
  '{"__proto__": {"admin": true}}',
  '../../../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  '%ZZ',
  '%E0%A4%A',
  '\u202e\u0041\u0042',
  '😀🚀💥',
  '北京\u3000上海',
  'Ω≈ç√∫',
  '\u0000',
  '\ud800',
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell probe, meant literally
  '${jndi:ldap://x}',
  '{{7*7}}',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e309',
  '-1e309',
  '9007199254740993',
  '0x7fffffff',
  '-2147483649',
  ' ',
  '',
  'a'.repeat(5000),
];
const HOSTILE_NUMBERS = [0, -1, -0, 1e308, -1e308, 1e21, 0.1, 2 ** 53 + 1, Number.MIN_VALUE, 4294967296, 1e-320];

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 200, maxLength: 3000 }) },
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(...HOSTILE_NUMBERS, true, false, null, [], {}, [1, 'a'], { a: 1 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);

/** Valid ids of the store, so some requests get past validation and into the repositories. */
interface Pools {
  tasks: string[];
  sites: string[];
  keys: string[];
}

function pathValue(pools: Pools): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...pools.tasks, ...pools.sites, ...pools.keys, 'jingjinji', 'chengdu') },
    { weight: 3, arbitrary: hostileString.map(enc) },
    // Raw, unencoded: may not even be a valid URL.
    { weight: 1, arbitrary: fc.constantFrom('%ZZ', '%E0%A4%A', '..', '.', '%2e%2e%2f', '%u0000', 'a b', '😀', '%') },
  );
}

const QUERY_KEYS = [
  'limit',
  'cursor',
  'state',
  'tenantId',
  'siteId',
  'taskId',
  'kind',
  'from',
  'to',
  'center',
  'ms',
  'role',
  'revoked',
  'offset',
  'maxBytes',
  'attempt',
  'hubId',
  'demand',
  'current',
  'expectedVersion',
  'tier',
  'side',
  'status',
  '__proto__',
  'constructor',
];

const queryString = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 10 })),
      fc.oneof(hostileString, fc.constantFrom('1', '500', '501', '0', '-1', 'true', 'queued,placed', 'shanghai')),
    ),
    { maxLength: 5 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${enc(k)}=${enc(String(v))}`).join('&')}`));

/** encodeURIComponent, which throws on a lone surrogate (such a string then goes as U+FFFD). */
function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd'));
  }
}

function deepNest(depth: number, open: string, close: string, inner = '1'): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

/** A body: a valid one with one field broken, arbitrary JSON, or text that is not what it claims. */
function bodyFor(valid: Record<string, unknown>): fc.Arbitrary<string | undefined> {
  const keys = Object.keys(valid);
  const mutated = fc
    .tuple(fc.constantFrom(...keys, 'extra', '__proto__', 'constructor'), hostileValue, fc.boolean())
    .map(([k, v, drop]) => {
      const o: Record<string, unknown> = { ...valid };
      if (drop) delete o[k];
      else o[k] = v;
      // A command must never be valid here (it would run): keep it the wrong type.
      if ('command' in o) o.command = 42;
      return JSON.stringify(o);
    });
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.constant(JSON.stringify(valid)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        deepNest(100_000, '[', ']'),
        deepNest(70, '{"a":', '}'),
        `{"resources":${deepNest(5000, '[', ']')}}`,
        '{"__proto__":{"polluted":true},"tenantId":"x"}',
        '{"constructor":{"prototype":{"polluted":true}}}',
        '{"tenantId": "a", "tenantId": "b"}',
        '{"a":"\\u0000"}',
        '{"a":"\\ud800"}',
        '{"a":"\\udc00\\ud800"}',
        '{"a": 1e99999}',
        '{"a": -}',
        '[',
        '',
        'null',
        '"just a string"',
        '12',
        `{"command":"${'x'.repeat(2 * 1024 * 1024)}"}`,
        `[${'1,'.repeat(300_000)}1]`,
      ),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const VALID_BODIES: Record<string, Record<string, unknown>> = {
  'POST /tasks': task({ earliestStartS: 1.9e9 }),
  'POST /sites': newSite('fuzz-site') as unknown as Record<string, unknown>,
  'POST /sites/register': newSite('fuzz-site') as unknown as Record<string, unknown>,
  'PUT /sites/:id': newSite('fuzz-site') as unknown as Record<string, unknown>,
  'PATCH /sites/:id': { status: 'draining', name: 'x' },
  'POST /tasks/:id/cancel': { reason: 'fuzz' },
  'POST /keys': { name: 'fuzz', role: 'tenant', tenantId: 'fuzz' },
  'POST /keys/:id/revoke': {},
};

const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/json, text/plain',
  '',
  ';;;',
  'application/jsonx',
];

interface Req {
  method: string;
  url: string;
  body: string | undefined;
  headers: Record<string, string>;
}

function requests(routes: RouteAccess[], pools: Pools, keys: Keys): fc.Arbitrary<Req> {
  const goodKeys = [keys.operator, keys.operator, keys.operator, keys.tenantA, keys.tenantB, keys.site, keys.regulator];
  const auth = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...goodKeys).map((k) => `Bearer ${k}`) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        hostileString,
        fc.constantFrom(
          'Bearer',
          'Bearer ',
          'Basic dXNlcjpwYXNz',
          `Bearer sw_${'a'.repeat(16)}_${'f'.repeat(64)}`,
          `Bearer ${keys.operator}x`,
          `Bearer ${keys.operator.slice(0, -1)}0`,
          `bearer ${keys.regulator}`,
          `Bearer ${'x'.repeat(8000)}`,
        ),
      ),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
  const routeArb = fc.constantFrom(...routes.filter((r) => r.method !== 'HEAD'));
  return fc
    .record({
      route: routeArb,
      wrongMethod: fc.option(fc.constantFrom(...methods), { freq: 5 }),
      params: fc.array(pathValue(pools), { minLength: 2, maxLength: 2 }),
      query: queryString,
      auth,
      contentType: fc.constantFrom(...CONTENT_TYPES),
      idem: fc.option(fc.oneof(fc.uuid(), hostileString), { freq: 3 }),
      extraHeader: fc.option(
        fc.tuple(fc.constantFrom('x-api-key', 'accept', 'content-encoding', 'x-forwarded-for'), hostileString),
        { freq: 4 },
      ),
      seed: fc.integer(),
    })
    .chain((r) => {
      const key = `${r.route.method} ${r.route.url}`;
      const valid = VALID_BODIES[key] ?? { a: 1 };
      return bodyFor(valid).map((body): Req => {
        let i = 0;
        const url = r.route.url.replace(/:[a-zA-Z]+|\*/g, () => r.params[i++ % 2]!) + r.query;
        const headers: Record<string, string> = {};
        if (r.auth !== undefined) headers.authorization = String(r.auth).replace(/[\r\n\0]/g, '');
        if (body !== undefined && r.contentType) headers['content-type'] = r.contentType;
        if (r.idem !== null) headers['idempotency-key'] = String(r.idem).replace(/[\r\n\0]/g, '');
        if (r.extraHeader) headers[r.extraHeader[0]] = r.extraHeader[1].replace(/[\r\n\0]/g, '');
        return { method: r.wrongMethod ?? r.route.method, url, body, headers };
      });
    });
}

/** Header values Node refuses to send at all (the client, not the server) are left out. */
function sendable(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (/^[\t\x20-\x7e\x80-\xff]*$/.test(v)) out[k] = v;
  return out;
}

function assertSane(req: Req, status: number, contentType: string, text: string): void {
  const what = `${req.method} ${req.url.slice(0, 120)} [${req.body?.slice(0, 80)}] → ${status} ${text.slice(0, 200)}`;
  assert.ok(status >= 200 && status < 500, what);
  if (status >= 300 && status < 400) return;
  if (status >= 400 && req.method !== 'HEAD') {
    assert.match(contentType, /application\/json/, what);
    const body = JSON.parse(text);
    assert.equal(typeof body.error, 'string', what);
    assert.equal(typeof body.message, 'string', what);
  }
}

describe('hostile requests', () => {
  let store: Store;
  let p: RunningPlatform;
  let keys: Keys;
  let reqs: Req[];

  before(async () => {
    store = await freshStore('pglite');
    await seedNationalTopology(store, { atS: systemClock.nowS() });
    p = await startPlatform({ store, dataDir: scratchDir('hostile'), port: 0, seed: false, scheduleIntervalMs: 500 });
    keys = await makeKeys(store, systemClock);
    const pools: Pools = { tasks: [], sites: ['langfang-1', 'shanghai-edge', 'trust-site-a'], keys: [] };
    for (let i = 0; i < 5; i++) {
      const r = await send(p.app, keys, 'tenantA', 'POST', '/tasks', task({ earliestStartS: 1.9e9 }));
      pools.tasks.push(r.body.id);
    }
    // Key ids the fuzz may read or revoke: throwaway keys, not the ones this test authenticates with.
    for (const name of ['fuzz-1', 'fuzz-2']) {
      pools.keys.push((await createApiKey(store, { name, role: 'regulator' })).record.id);
    }
    const routes = p.app.trust.routes;
    reqs = fc.sample(requests(routes, pools, keys), { seed: SEED, numRuns: INJECT_REQUESTS + HTTP_REQUESTS });
  });
  after(async () => {
    await p?.close();
    await store?.close();
  });

  it(`answers ${INJECT_REQUESTS} generated requests through inject without a 5xx`, async () => {
    const statuses = new Map<number, number>();
    const queue = reqs.slice(0, INJECT_REQUESTS);
    const worker = async () => {
      for (let req = queue.shift(); req; req = queue.shift()) {
        const res = await p.app.inject({
          method: req.method as 'GET',
          url: req.url,
          headers: req.headers,
          ...(req.body !== undefined && { payload: req.body }),
        });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        assertSane(req, res.statusCode, String(res.headers['content-type'] ?? ''), res.body);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    assert.equal(total, INJECT_REQUESTS);
    // The mix reaches deep: successes, validation errors, auth failures, 404/405/413/415.
    for (const s of [200, 201, 400, 401, 403, 404, 405, 413, 415]) assert.ok(statuses.has(s), `some ${s}s`);
  });

  it(`answers ${HTTP_REQUESTS} generated requests and raw malformed ones over real HTTP`, async () => {
    for (const req of reqs.slice(INJECT_REQUESTS)) {
      let res: Response;
      try {
        res = await fetch(p.url + req.url, {
          method: req.method,
          redirect: 'manual',
          headers: sendable(req.headers),
          ...(req.body !== undefined && !['GET', 'HEAD'].includes(req.method) && { body: req.body }),
        });
      } catch (err) {
        // fetch itself refuses some URLs (e.g. "%ZZ" is fine, but a bare "%" path is not a URL for it).
        if (err instanceof TypeError && /Invalid URL|Failed to parse URL/.test(String(err.message))) continue;
        throw new Error(
          `${req.method} ${req.url.slice(0, 100)} ${JSON.stringify(req.headers).slice(0, 300)}: ${(err as Error).message} ${String((err as { cause?: unknown }).cause)}`,
        );
      }
      assertSane(req, res.status, res.headers.get('content-type') ?? '', await res.text());
    }
    const { port } = new URL(p.url);
    const raw = [
      'GET /tasks HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      'POST /tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello',
      'GET /\u0000 HTTP/1.1\r\nHost: x\r\n\r\n',
      'GARBAGE\r\n\r\n',
      `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
      'POST /tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n',
      'GET /tasks HTTP/9.9\r\nHost: x\r\n\r\n',
      'GET /tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \x7f\x01\r\n\r\n',
    ];
    for (const text of raw) {
      const answer = await new Promise<string>((resolve) => {
        const sock = connect(Number(port), '127.0.0.1');
        let got = '';
        sock.setTimeout(5000, () => sock.destroy());
        sock.on('data', (d) => {
          got += d.toString('latin1');
        });
        sock.on('close', () => resolve(got));
        sock.on('error', () => resolve(got));
        sock.write(text, 'latin1');
        sock.end();
      });
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0);
      // Node's parser may also just close the connection: that is not a 5xx either.
      assert.ok(
        status === 0 || (status >= 400 && status < 500),
        `${JSON.stringify(text.slice(0, 60))} → ${answer.slice(0, 80)}`,
      );
    }
  });

  it('still answers correctly afterwards', async () => {
    assert.deepEqual((await fetch(`${p.url}/readyz`)).status, 200);
    const sub = await send(p.app, keys, 'tenantA', 'POST', '/tasks', task({ tenantId: undefined }), {
      'idempotency-key': 'after-the-storm',
    });
    assert.equal(sub.status, 201, sub.raw);
    const again = await fetch(`${p.url}/tasks/${sub.body.id}`, {
      headers: { authorization: `Bearer ${keys.tenantA}` },
    });
    assert.equal(again.status, 200);
    assert.equal(((await again.json()) as { tenantId: string }).tenantId, 'acme');
    assert.equal((await send(p.app, keys, 'tenantB', 'GET', `/tasks/${sub.body.id}`)).status, 404);
    const hubs = await send(p.app, keys, 'regulator', 'GET', '/hubs');
    assert.equal(hubs.body.items.length, 8);
    // Nothing was polluted: a plain object has no stray properties.
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    // The store is whole: every idempotency key has its task, every task its first event.
    const orphans = await store.query(
      `SELECT 1 FROM idempotency_keys k LEFT JOIN tasks t ON t.id = k.task_id WHERE t.id IS NULL
       UNION ALL
       SELECT 1 FROM tasks t WHERE NOT EXISTS (SELECT 1 FROM task_events e WHERE e.task_id = t.id)`,
    );
    assert.equal(orphans.length, 0);
  });
});
