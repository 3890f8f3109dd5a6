/**
 * Input limits and audit: per-key rate limits (429 + Retry-After), refusal
 * of an address that keeps failing to authenticate (without locking out keys
 * it already proved), body size before and after authentication, page caps,
 * handler and request timeouts, and structured audit logs of every failure
 * and denial.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../src/api/app.js';
import { createApiKey } from '../../src/auth/key-store.js';
import { ManualClock } from '../../src/domain/clock.js';
import { type Store, seedNationalTopology } from '../../src/store/index.js';
import { T0 } from '../helpers/api.js';
import { freshStore } from '../helpers/stores.js';
import { type Keys, makeKeys, send, task } from './helpers.js';

describe('input limits and audit', () => {
  let store: Store;
  let keys: Keys;
  const clock = new ManualClock(T0);
  before(async () => {
    store = await freshStore('pglite');
    await seedNationalTopology(store, { atS: T0 });
    keys = await makeKeys(store, clock);
  });
  after(async () => {
    await store?.close();
  });

  it('limits requests per key, with 429 and Retry-After, each key on its own', async () => {
    const app = await buildApp({ store, clock, rateLimit: { max: 5, timeWindowMs: 60_000 } });
    try {
      for (let i = 0; i < 5; i++) {
        const ok = await send(app, keys, 'regulator', 'GET', '/hubs');
        assert.equal(ok.status, 200);
        assert.equal(ok.headers['x-ratelimit-remaining'], String(4 - i));
      }
      const over = await send(app, keys, 'regulator', 'GET', '/hubs');
      assert.equal(over.status, 429);
      assert.equal(over.body.error, 'rate_limited');
      assert.match(over.body.message, /5 requests per 60 s/);
      assert.ok(Number(over.headers['retry-after']) > 0 && Number(over.headers['retry-after']) <= 60);
      assert.equal((await send(app, keys, 'operator', 'GET', '/hubs')).status, 200, 'another key has its own budget');
      const metrics = (await send(app, keys, 'operator', 'GET', '/metrics')).raw;
      assert.match(metrics, /suanwang_rate_limited_total\{role="regulator"\} 1/);
    } finally {
      await app.close();
    }
  });

  it('refuses an address after repeated failed authentications, but not the keys it already proved', async () => {
    const app = await buildApp({ store, clock, trust: { failuresPerAddress: { limit: 5, windowMs: 60_000 } } });
    try {
      assert.equal((await send(app, keys, 'tenantA', 'GET', '/tasks')).status, 200);
      for (let i = 0; i < 5; i++) assert.equal((await send(app, keys, 'bogus', 'GET', '/tasks')).status, 401);
      const blocked = await send(app, keys, 'bogus', 'GET', '/tasks');
      assert.equal(blocked.status, 429);
      assert.ok(Number(blocked.headers['retry-after']) > 0);
      const fresh = await createApiKey(store, { name: 'new', role: 'regulator' }, clock);
      const unproved = await send(app, keys, 'anonymous', 'GET', '/hubs', undefined, {
        authorization: `Bearer ${fresh.key}`,
      });
      assert.equal(unproved.status, 429, 'no lookup or hash for this address until the window ends');
      assert.equal((await send(app, keys, 'tenantA', 'GET', '/tasks')).status, 200, 'a proved key still works');
      // Other addresses are not affected.
      const other = await app.inject({
        method: 'GET',
        url: '/hubs',
        remoteAddress: '10.1.2.3',
        headers: { authorization: `Bearer ${fresh.key}` },
      });
      assert.equal(other.statusCode, 200);
    } finally {
      await app.close();
    }
  });

  it('refuses oversized bodies (after authentication) and pages beyond the cap', async () => {
    const app = await buildApp({ store, clock, bodyLimitBytes: 64 * 1024 });
    try {
      const big = task({ command: 'x'.repeat(100 * 1024) });
      assert.equal((await send(app, keys, 'operator', 'POST', '/tasks', big)).status, 413);
      assert.equal((await send(app, keys, 'anonymous', 'POST', '/tasks', big)).status, 401, 'not even read');
      const cap = await send(app, keys, 'operator', 'GET', '/tasks?limit=501');
      assert.equal(cap.status, 400);
      assert.equal(cap.body.field, 'limit');
      assert.equal((await send(app, keys, 'operator', 'GET', '/tasks?limit=500')).status, 200);
      assert.equal((await send(app, keys, 'operator', 'GET', '/keys?limit=501')).status, 400);
      const deep = await send(app, keys, 'operator', 'POST', '/tasks', `${'['.repeat(65)}${']'.repeat(65)}`);
      assert.equal(deep.status, 400);
      assert.match(deep.body.message, /nests deeper than 64/);
    } finally {
      await app.close();
    }
  });

  it('answers a handler that takes too long with 503, and drops a client that sends too slowly', async () => {
    const app = await buildApp({
      store,
      clock,
      handlerTimeoutMs: 100,
      requestTimeoutMs: 500,
      routes: [
        (a) =>
          a.get('/slow', { config: { roles: ['operator'] } }, async () => {
            await new Promise((r) => setTimeout(r, 400));
            return { ok: true };
          }),
      ],
    });
    try {
      const slow = await send(app, keys, 'operator', 'GET', '/slow');
      assert.equal(slow.status, 503);
      assert.equal(slow.body.error, 'unavailable');
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as { port: number };
      const t0 = Date.now();
      const answer = await new Promise<string>((resolve) => {
        const sock = connect(port, '127.0.0.1');
        let got = '';
        sock.on('data', (d) => {
          got += d.toString();
        });
        sock.on('close', () => resolve(got));
        // Headers that never end (a slow-loris client).
        sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      });
      assert.match(answer, /^HTTP\/1\.1 408/);
      assert.ok(Date.now() - t0 < 5000, 'dropped within the request timeout');
    } finally {
      await app.close();
    }
  });

  it('logs every authentication failure and denial as a structured audit record', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l));
        done();
      },
    });
    const app = await buildApp({ store, clock, logger: { level: 'info', stream } });
    try {
      await send(app, keys, 'anonymous', 'GET', '/tasks');
      await send(app, keys, 'bogus', 'GET', '/tasks');
      await send(app, keys, 'tenantA', 'POST', '/sites', {});
      const theirs = (await send(app, keys, 'tenantB', 'POST', '/tasks', task({ tenantId: undefined }))).body.id;
      await send(app, keys, 'tenantA', 'GET', `/tasks/${theirs}`);
      await send(app, keys, 'tenantA', 'GET', '/tasks?tenantId=beta');
      const audit = lines.filter((l) => l.audit === true);
      const find = (pred: (l: Record<string, unknown>) => boolean, what: string) => {
        const l = audit.find(pred);
        assert.ok(l, `${what} in ${JSON.stringify(audit)}`);
        return l!;
      };
      const missing = find((l) => l.event === 'auth_failure' && l.reason === 'missing', 'missing key');
      assert.equal(missing.route, '/tasks');
      assert.equal(missing.method, 'GET');
      assert.equal(missing.level, 40);
      const unknown = find((l) => l.event === 'auth_failure' && l.reason === 'unknown_key', 'unknown key');
      assert.equal(unknown.keyId, 'a'.repeat(16));
      find(
        (l) => l.event === 'denied' && l.why === 'role' && l.role === 'tenant' && l.route === '/sites',
        'role denial',
      );
      find((l) => l.event === 'denied' && l.why === 'scope' && l.route === '/tasks/:id', 'tenant scope');
      find((l) => l.event === 'denied' && l.route === '/tasks' && l.method === 'GET', 'foreign tenant filter');
      // No secret ever reaches the log.
      const text = JSON.stringify(lines);
      for (const k of Object.values(keys)) assert.ok(!text.includes(k.slice(20)), 'no key secret in the logs');
    } finally {
      await app.close();
    }
  });
});
