/**
 * Idempotent submission: a retry with the same Idempotency-Key gets the same
 * answer (status and body) and never a second task — also when the request
 * would no longer pass today's checks, when the retries race each other, and
 * when they land in one group-commit batch. The same key with another body
 * is a 409; keys of different tenants never meet; the key row and the task
 * are written together or not at all.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { insertTasks } from '../../src/store/repos/tasks.js';
import { T0 } from '../helpers/api.js';
import { task as domainTask } from '../helpers/fixtures.js';
import { describeStores } from '../helpers/stores.js';
import { TENANT_A, TENANT_B, type TrustApp, task, trustApp } from './helpers.js';

describeStores('idempotent submission', (kind) => {
  let t: TrustApp;
  const count = async (tenant: string) =>
    (await t.store.query<{ n: number }>('SELECT count(*)::int AS n FROM tasks WHERE tenant_id = $1', [tenant]))[0]!.n;
  before(async () => {
    t = await trustApp(kind);
  });
  after(async () => {
    await t?.close();
  });

  it('answers a retry with the very same response and stores one task', async () => {
    const before = await count(TENANT_A);
    const body = task({ deadlineS: T0 + 7200 });
    const h = { 'idempotency-key': 'order-42' };
    const first = await t.send('tenantA', 'POST', '/tasks', body, h);
    assert.equal(first.status, 201, first.raw);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    // Field order does not matter; the tenant filled from the key is the same request as naming it.
    const reordered = Object.fromEntries(Object.entries({ ...body, tenantId: undefined }).reverse());
    const again = await t.send('tenantA', 'POST', '/tasks', reordered, h);
    assert.equal(again.status, 201);
    assert.equal(again.raw, first.raw, 'byte for byte');
    assert.equal(again.headers.location, first.headers.location);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    // Later, when the deadline could no longer be met, the retry still gets the original answer.
    t.clock.advance(7200);
    const late = await t.send('tenantA', 'POST', '/tasks', body, h);
    assert.equal(late.status, 201);
    assert.equal(late.raw, first.raw);
    assert.equal(await count(TENANT_A), before + 1);
    // The task moved on meanwhile; the replay still shows the answer that was given.
    await t.send('tenantA', 'POST', `/tasks/${first.body.id}/cancel`, {});
    assert.equal((await t.send('tenantA', 'POST', '/tasks', body, h)).raw, first.raw);
  });

  it('refuses the same key with a different request (409), and writes nothing', async () => {
    const h = { 'idempotency-key': 'reuse-me' };
    const first = await t.send('tenantA', 'POST', '/tasks', task(), h);
    assert.equal(first.status, 201);
    const n = await count(TENANT_A);
    const other = await t.send('tenantA', 'POST', '/tasks', task({ durationS: 601 }), h);
    assert.equal(other.status, 409);
    assert.equal(other.body.error, 'conflict');
    assert.equal(other.body.field, 'Idempotency-Key');
    assert.match(other.body.message, new RegExp(first.body.id));
    assert.equal(await count(TENANT_A), n);
  });

  it('keeps the keys of different tenants and of different operator keys apart', async () => {
    const h = { 'idempotency-key': 'shared-name' };
    const a = await t.send('tenantA', 'POST', '/tasks', task({ tenantId: undefined }), h);
    const b = await t.send('tenantB', 'POST', '/tasks', task({ tenantId: undefined }), h);
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.notEqual(a.body.id, b.body.id, "B does not get A's task");
    assert.equal(b.body.tenantId, TENANT_B);
    const op = await t.send('operator', 'POST', '/tasks', task(), h);
    assert.equal(op.status, 201);
    assert.notEqual(op.body.id, a.body.id, "an operator's keys are its own");
  });

  it('makes one task out of many concurrent retries, on both store kinds', async () => {
    const before = await count(TENANT_B);
    const body = task({ tenantId: TENANT_B, priority: 7 });
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => t.send('tenantB', 'POST', '/tasks', body, { 'idempotency-key': 'storm' })),
    );
    assert.ok(
      answers.every((a) => a.status === 201),
      answers.map((a) => a.status).join(','),
    );
    assert.equal(new Set(answers.map((a) => a.body.id)).size, 1);
    assert.equal(new Set(answers.map((a) => a.raw)).size, 1, 'every answer is the same');
    assert.equal(await count(TENANT_B), before + 1);
  });

  it('forgets keys after their retention: a much later retry is a new request', async () => {
    const h = { 'idempotency-key': 'old-one' };
    const first = await t.send('tenantA', 'POST', '/tasks', task(), h);
    assert.equal(first.status, 201);
    const { storeIdempotencyService } = await import('../../src/auth/idempotency.js');
    const purged = await storeIdempotencyService(t.store).purge(t.clock.nowS() + 1);
    assert.ok(purged >= 1);
    const later = await t.send('tenantA', 'POST', '/tasks', task(), h);
    assert.equal(later.status, 201);
    assert.notEqual(later.body.id, first.body.id);
    assert.equal(later.headers['idempotent-replayed'], undefined);
  });

  it('refuses malformed keys with a 400 naming the header', async () => {
    for (const key of ['', ' spaced out ', 'x'.repeat(256), 'tab\there', 'ключ']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/tasks',
        headers: {
          authorization: `Bearer ${t.keys.tenantA}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        payload: JSON.stringify(task()),
      });
      assert.equal(res.statusCode, 400, `${JSON.stringify(key)}: ${res.body}`);
      assert.equal(res.json().field, 'Idempotency-Key');
    }
  });

  it('writes a task and its key in one statement: a claimed key writes nothing, even inside one batch', async () => {
    const claim = { scope: 'key:unit', key: 'k1', requestHash: 'h' };
    const [x, y, z] = [domainTask({}, T0), domainTask({}, T0), domainTask({}, T0)];
    const r1 = await insertTasks(t.store, [x, y, z], [claim, claim, undefined]);
    assert.deepEqual(r1.taken, [y.id], 'the second claim of one key in a batch loses');
    const r2 = await insertTasks(t.store, [domainTask({}, T0)], [claim]);
    assert.equal(r2.taken.length, 1);
    const ids = (await t.store.query<{ id: string }>('SELECT id FROM tasks WHERE id = ANY($1)', [[x.id, y.id, z.id]]))
      .map((r) => r.id)
      .sort();
    assert.deepEqual(ids, [x.id, z.id].sort());
    // And every stored key points at a task that exists (the foreign key holds).
    const orphans = await t.store.query(
      'SELECT 1 FROM idempotency_keys k LEFT JOIN tasks t ON t.id = k.task_id WHERE t.id IS NULL',
    );
    assert.equal(orphans.length, 0);
  });
});
