/**
 * API keys: the wire format and the slow hash, creation rules naming the
 * field, nothing secret at rest, the verified-key cache (and that revocation,
 * expiry and changes in the store get through it), the first operator key,
 * and the /keys routes.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import {
  formatKey,
  hashSecret,
  newKeyId,
  newSecret,
  parseKey,
  SCRYPT_PARAMS,
  verifySecret,
} from '../../src/auth/api-key.js';
import { createApiKey, ensureBootstrapKey, getApiKey } from '../../src/auth/key-store.js';
import { type AuthError, KeyVerifier } from '../../src/auth/verifier.js';
import { ManualClock } from '../../src/domain/clock.js';
import { DomainError } from '../../src/domain/errors.js';
import { T0 } from '../helpers/api.js';
import { describeStores, freshStore } from '../helpers/stores.js';
import { TENANT_A, type TrustApp, trustApp } from './helpers.js';

it('formats, parses and hashes keys; only a salted scrypt hash is kept', async () => {
  const id = newKeyId();
  const secret = newSecret();
  const key = formatKey(id, secret);
  assert.match(key, /^sw_[a-z0-9]{16}_[0-9a-f]{64}$/);
  assert.deepEqual(parseKey(key), { keyId: id, secret });
  for (const bad of ['', 'sw_', `sw_${id}`, `sw_${id}_`, `sw_${id.toUpperCase()}_${secret}`, `${key}x`, ` ${key}`]) {
    assert.equal(parseKey(bad), null, bad);
  }
  const h1 = await hashSecret(secret);
  const h2 = await hashSecret(secret);
  assert.notEqual(h1, h2, 'salted');
  assert.ok(h1.startsWith(`scrypt$${SCRYPT_PARAMS.N}$${SCRYPT_PARAMS.r}$${SCRYPT_PARAMS.p}$`));
  assert.ok(!h1.includes(secret));
  assert.equal(await verifySecret(secret, h1), true);
  assert.equal(await verifySecret(newSecret(), h1), false);
  assert.equal(await verifySecret(secret, 'bcrypt$whatever'), false);
  assert.equal(await verifySecret(secret, `scrypt$${2 ** 30}$8$1$AAAA$AAAA`), false, 'absurd cost is refused');
});

describeStores('API keys', (kind) => {
  let t: TrustApp;
  before(async () => {
    t = await trustApp(kind);
  });
  after(async () => {
    await t?.close();
  });

  it('refuses bad keys to create, naming the field', async () => {
    const cases: [Parameters<typeof createApiKey>[1], string][] = [
      [{ name: '', role: 'operator' }, 'name'],
      [{ name: 'x', role: 'root' as never }, 'role'],
      [{ name: 'x', role: 'tenant' }, 'tenantId'],
      [{ name: 'x', role: 'tenant', tenantId: 'bad tenant' }, 'tenantId'],
      [{ name: 'x', role: 'operator', tenantId: 'acme' }, 'tenantId'],
      [{ name: 'x', role: 'site' }, 'siteIds'],
      [{ name: 'x', role: 'site', siteIds: ['ok', 'Not_OK'] }, 'siteIds[1]'],
      [{ name: 'x', role: 'site', siteIds: ['a', 'a'] }, 'siteIds'],
      [{ name: 'x', role: 'regulator', siteIds: ['a'] }, 'siteIds'],
      [{ name: 'x', role: 'operator', expiresAtS: T0 - 1 }, 'expiresAtS'],
    ];
    for (const [input, field] of cases) {
      await assert.rejects(
        createApiKey(t.store, input, t.clock),
        (e: unknown) => e instanceof DomainError && e.field === field,
        field,
      );
    }
  });

  it('stores no secret: neither the key nor its secret appears in the table', async () => {
    const { key } = await createApiKey(t.store, { name: 'leak check', role: 'regulator' }, t.clock);
    const secret = parseKey(key)!.secret;
    const dump = JSON.stringify(await t.store.query('SELECT * FROM api_keys'));
    assert.ok(!dump.includes(secret));
    assert.ok(!dump.includes(key));
  });

  it('verifies once, then trusts the cache until the stored row changes', async () => {
    const v = new KeyVerifier(t.store, t.clock, { recheckMs: 1000 });
    const { key, record } = await createApiKey(t.store, { name: 'cache', role: 'tenant', tenantId: 'c' }, t.clock);
    const otherHash = await hashSecret(newSecret());
    assert.deepEqual(await v.verify(key), {
      keyId: record.id,
      name: 'cache',
      role: 'tenant',
      tenantId: 'c',
      siteIds: [],
    });
    // Another process swaps the stored hash: the cached verification holds until the next recheck…
    await t.store.query('UPDATE api_keys SET secret_hash = $2 WHERE id = $1', [record.id, otherHash]);
    assert.equal((await v.verify(key)).keyId, record.id, 'served from the cache: no hash, no lookup');
    await new Promise((r) => setTimeout(r, 1100));
    // …then the row is read again, the hash no longer matches, and the key fails its slow check.
    await assert.rejects(v.verify(key), (e: AuthError) => e.reason === 'bad_secret');
  });

  it('stops a key revoked by another process within the recheck time, and at once when revoked here', async () => {
    const v = new KeyVerifier(t.store, t.clock, { recheckMs: 300 });
    const a = await createApiKey(t.store, { name: 'a', role: 'regulator' }, t.clock);
    await v.verify(a.key);
    await t.store.query('UPDATE api_keys SET revoked_at_s = $2 WHERE id = $1', [a.record.id, T0]);
    await new Promise((r) => setTimeout(r, 400));
    await assert.rejects(v.verify(a.key), (e: AuthError) => e.reason === 'revoked' && /revoked/.test(e.message));

    const slow = new KeyVerifier(t.store, t.clock, { recheckMs: 3_600_000 });
    const b = await createApiKey(t.store, { name: 'b', role: 'operator' }, t.clock);
    const rev = await t.send('operator', 'GET', '/whoami', undefined, { authorization: `Bearer ${b.key}` });
    assert.equal(rev.status, 200);
    await slow.verify(b.key);
    const res = await t.send('operator', 'POST', `/keys/${b.record.id}/revoke`, {});
    assert.equal(res.status, 200);
    assert.equal(res.body.revokedAtS, T0);
    // The app's own verifier forgot it at once (its recheck interval is longer than this test).
    const after = await t.send('operator', 'GET', '/whoami', undefined, { authorization: `Bearer ${b.key}` });
    assert.equal(after.status, 401);
    assert.match(after.body.message, /revoked/);
    assert.equal(after.headers['www-authenticate'], 'Bearer realm="suanwang"');
  });

  it('expires keys by the platform clock', async () => {
    const { key } = await createApiKey(t.store, { name: 'short', role: 'regulator', expiresAtS: T0 + 100 }, t.clock);
    const h = { authorization: `Bearer ${key}` };
    assert.equal((await t.send('anonymous', 'GET', '/whoami', undefined, h)).status, 200);
    const clock = t.clock;
    clock.advance(101);
    const res = await t.send('anonymous', 'GET', '/whoami', undefined, h);
    assert.equal(res.status, 401);
    assert.match(res.body.message, /expired/);
  });

  it('answers unknown, malformed and wrong keys alike, without telling which key ids exist', async () => {
    const real = parseKey(t.keys.regulator)!;
    const wrongSecret = formatKey(real.keyId, newSecret());
    const unknown = formatKey(newKeyId(), newSecret());
    const a = await t.send('anonymous', 'GET', '/hubs', undefined, { authorization: `Bearer ${wrongSecret}` });
    const b = await t.send('anonymous', 'GET', '/hubs', undefined, { authorization: `Bearer ${unknown}` });
    assert.equal(a.status, 401);
    assert.deepEqual(a.body, b.body);
    const none = await t.send('anonymous', 'GET', '/hubs');
    assert.equal(none.status, 401);
    assert.match(none.body.message, /needs an API key/);
    const malformed = await t.send('anonymous', 'GET', '/hubs', undefined, { authorization: 'Bearer hunter2' });
    assert.equal(malformed.status, 401);
    assert.match(malformed.body.message, /malformed/);
    // X-Api-Key works as well as Authorization.
    assert.equal((await t.send('anonymous', 'GET', '/hubs', undefined, { 'x-api-key': t.keys.regulator })).status, 200);
  });

  it('makes, lists and revokes keys over HTTP (operator only), never the last operator key', async () => {
    const made = await t.send('operator', 'POST', '/keys', {
      name: 'acme ci',
      role: 'tenant',
      tenantId: TENANT_A,
      expiresInS: 3600,
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.match(made.body.key, /^sw_/);
    assert.equal(made.body.record.expiresAtS, t.clock.nowS() + 3600);
    assert.equal(made.headers.location, `/keys/${made.body.record.id}`);
    const me = await t.send('anonymous', 'GET', '/whoami', undefined, { authorization: `Bearer ${made.body.key}` });
    assert.deepEqual(me.body, {
      keyId: made.body.record.id,
      name: 'acme ci',
      role: 'tenant',
      tenantId: TENANT_A,
      siteIds: [],
    });

    const list = await t.send('operator', 'GET', '/keys?role=tenant&limit=500');
    assert.equal(list.status, 200);
    assert.ok(list.body.items.some((k: { id: string }) => k.id === made.body.record.id));
    assert.ok(!list.raw.includes(parseKey(made.body.key)!.secret));
    assert.ok(!list.raw.includes('scrypt$'), 'no hashes either');
    assert.equal((await t.send('operator', 'GET', `/keys/${made.body.record.id}`)).body.name, 'acme ci');
    assert.equal((await t.send('operator', 'GET', '/keys/nosuchkey0000000')).status, 404);

    const bad = await t.send('operator', 'POST', '/keys', { name: 'x', role: 'tenant' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'tenantId');
    assert.equal((await t.send('tenantA', 'POST', '/keys', { name: 'x', role: 'operator' })).status, 403);

    // Revoke every operator key but one; the last is refused.
    const ops = (await t.send('operator', 'GET', '/keys?role=operator&limit=500')).body.items as { id: string }[];
    const mine = parseKey(t.keys.operator)!.keyId;
    for (const k of ops) if (k.id !== mine) await t.send('operator', 'POST', `/keys/${k.id}/revoke`, {});
    const last = await t.send('operator', 'POST', `/keys/${mine}/revoke`, {});
    assert.equal(last.status, 409);
    assert.match(last.body.message, /last usable operator key/);
  });

  it('creates the first operator key once, even when servers start together', async () => {
    const store = await freshStore(kind);
    try {
      const clock = new ManualClock(T0);
      const results = await Promise.all([1, 2, 3].map(() => ensureBootstrapKey(store, { clock })));
      const made = results.filter((r) => r.created);
      assert.equal(made.length, 1);
      assert.match(made[0]!.key!, /^sw_/);
      const rec = await getApiKey(store, made[0]!.keyId!);
      assert.equal(rec?.role, 'operator');
      assert.equal(rec?.createdBy, 'bootstrap');
      assert.deepEqual(await ensureBootstrapKey(store, { clock }), { created: false });
    } finally {
      await store.close();
    }
  });

  it('refuses a key id after repeated wrong secrets, before any hash', async () => {
    const v = new KeyVerifier(t.store, t.clock, { failuresPerKey: { limit: 3, windowMs: 60_000 } });
    const { key, record } = await createApiKey(t.store, { name: 'target', role: 'regulator' }, t.clock);
    for (let i = 0; i < 3; i++) {
      await assert.rejects(v.verify(formatKey(record.id, newSecret())), (e: AuthError) => e.reason === 'bad_secret');
    }
    await assert.rejects(
      v.verify(formatKey(record.id, newSecret())),
      (e: AuthError) => e.reason === 'throttled' && (e.retryAfterS ?? 0) > 0,
    );
    await assert.rejects(v.verify(key), (e: AuthError) => e.reason === 'throttled', 'the id is blocked for a while');
  });
});
