import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import fc from 'fast-check';
import { changeTaskState } from '../../src/store/index.js';
import { T0, type TestApi, testApi } from '../helpers/api.js';
import { newSite, shippedSite, submission } from '../helpers/fixtures.js';
import { describeStores } from '../helpers/stores.js';

describeStores('API sites', (kind) => {
  let api: TestApi;
  before(async () => {
    api = await testApi(kind);
  });
  after(() => api.close());

  it('lists the seeded sites page by page, with filters', async () => {
    const ids: string[] = [];
    let url = '/sites?limit=10';
    for (;;) {
      const page = (await api.call('GET', url)).body;
      ids.push(...page.items.map((s: { id: string }) => s.id));
      if (!page.nextCursor) break;
      url = `/sites?limit=10&cursor=${page.nextCursor}`;
    }
    assert.equal(ids.length, 45);
    assert.deepEqual(ids, [...ids].sort());
    const west = (await api.call('GET', '/sites?side=west&tier=cluster&limit=500')).body.items;
    assert.ok(
      west.length > 0 && west.every((s: { side: string; tier: string }) => s.side === 'west' && s.tier === 'cluster'),
    );
    const inHub = (await api.call('GET', '/sites?hubId=jingjinji&status=up')).body.items;
    assert.ok(inHub.some((s: { id: string }) => s.id === 'zhangjiakou-1'));
    assert.equal((await api.call('GET', '/sites?tier=moon')).body.field, 'tier');
  });

  it('creates, reads, replaces, patches and deletes a site', async () => {
    const site = newSite('api-a');
    const created = await api.call('POST', '/sites', site);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.headers.location, '/sites/api-a');
    assert.deepEqual(
      { ...created.body, version: 0, createdAtS: 0, updatedAtS: 0 },
      { ...site, version: 0, createdAtS: 0, updatedAtS: 0 },
    );
    assert.equal(created.body.version, 1);
    assert.equal(created.body.createdAtS, T0);
    const dup = await api.call('POST', '/sites', site);
    assert.equal(dup.status, 409);
    assert.equal(dup.body.field, 'id');

    api.clock.advance(10);
    const replaced = await api.call('PUT', '/sites/api-a', { ...site, pue: 1.15 });
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.pue, 1.15);
    assert.equal(replaced.body.version, 2);
    assert.equal(replaced.body.updatedAtS, T0 + 10);
    const stale = await api.call('PUT', '/sites/api-a?expectedVersion=1', { ...site, pue: 1.3 });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.field, 'version');
    const wrongId = await api.call('PUT', '/sites/api-a', { ...site, id: 'api-b' });
    assert.equal(wrongId.status, 400);
    assert.equal(wrongId.body.field, 'id');

    const drained = await api.call('PATCH', '/sites/api-a?expectedVersion=2', { status: 'draining' });
    assert.equal(drained.status, 200);
    assert.equal(drained.body.status, 'draining');
    assert.equal(drained.body.pue, 1.15, 'other fields kept');
    assert.equal((await api.call('GET', '/sites/api-a')).body.version, 3);
    assert.equal((await api.call('PATCH', '/sites/api-a', {})).status, 400);
    assert.equal((await api.call('PATCH', '/sites/api-a', { id: 'x' })).body.field, 'id');
    assert.equal((await api.call('PATCH', '/sites/nope', { status: 'up' })).status, 404);

    const del = await api.call('DELETE', '/sites/api-a');
    assert.equal(del.status, 204);
    assert.equal((await api.call('GET', '/sites/api-a')).status, 404);
    assert.equal((await api.call('DELETE', '/sites/api-a')).status, 404);
  });

  it('registers a site by id: 201 the first time, 200 after', async () => {
    const site = newSite('api-reg');
    const first = await api.call('POST', '/sites/register', site);
    assert.equal(first.status, 201);
    const second = await api.call('POST', '/sites/register', { ...site, status: 'down' });
    assert.equal(second.status, 200);
    assert.equal(second.body.status, 'down');
    assert.equal(second.body.version, 2);
  });

  it('never returns a backend token, and keeps it when a client writes back what it read', async () => {
    const site = {
      ...newSite('api-slurm'),
      backend: { kind: 'slurm', restUrl: 'http://127.0.0.1:6820', token: 'secret-jwt', partition: 'debug' },
    };
    const created = await api.call('POST', '/sites', site);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.backend, { kind: 'slurm', restUrl: 'http://127.0.0.1:6820', partition: 'debug' });
    const read = (await api.call('GET', '/sites/api-slurm')).body;
    assert.equal(read.backend.token, undefined);
    const { version: _v, createdAtS: _c, updatedAtS: _u, ...writable } = read;
    await api.call('PUT', '/sites/api-slurm', { ...writable, pue: 1.3 });
    const stored = await api.store.query<{ spec: { backend: { token?: string } } }>(
      "SELECT spec FROM sites WHERE id = 'api-slurm'",
    );
    assert.equal(stored[0]!.spec.backend.token, 'secret-jwt', 'token kept');
    await api.call('PATCH', '/sites/api-slurm', {
      backend: { kind: 'slurm', restUrl: 'http://127.0.0.1:6820', token: '' },
    });
    const cleared = await api.store.query<{ spec: { backend: { token?: string } } }>(
      "SELECT spec FROM sites WHERE id = 'api-slurm'",
    );
    assert.equal(cleared[0]!.spec.backend.token, undefined, '"" removes it');
    const removed = await api.call('PATCH', '/sites/api-slurm', { backend: null });
    assert.equal(removed.body.backend, undefined);
  });

  it('refuses sites that break the rules, naming the field', async () => {
    const base = newSite('api-bad');
    const cases: [unknown, string][] = [
      [{ ...base, extra: true }, 'extra'],
      [{ ...base, pue: 0.5 }, 'pue'],
      [{ ...base, tier: 'moon' }, 'tier'],
      [{ ...base, capacity: { ...base.capacity, cpuCores: -1 } }, 'capacity.cpuCores'],
      [
        { ...base, capacity: { ...base.capacity, gpus: [{ model: 'A800', count: 1, fp16Tflops: 312, memoryGb: 80 }] } },
        'capacity.gpus[0].powerW',
      ],
      [{ ...base, prices: { ...base.prices, priceFenPerCoreHour: 1.5 } }, 'prices.priceFenPerCoreHour'],
      [{ ...base, prices: { ...base.prices, priceFenPerCoreHour: 0 } }, 'prices.priceFenPerCoreHour'],
      [{ ...base, backend: { kind: 'slurm', bogus: 1 } }, 'backend.bogus'],
      [{ ...base, backend: { kind: 'k8s' } }, 'backend'],
      [{ ...base, city: 'atlantis' }, 'city'],
      [{ ...base, province: '广东' }, 'province'],
      [{ ...base, hubId: 'neimenggu' }, 'hubId'],
      [{ ...base, side: 'west' }, 'side'],
      [{ ...base, tier: 'cluster', clusterId: 'helinger' }, 'clusterId'],
      [{ ...base, id: 'beijing' }, 'id'],
      [{ ...base, id: 'Not An Id' }, 'id'],
      [{ ...base, lat: 60 }, 'lat'],
    ];
    for (const [body, field] of cases) {
      const res = await api.call('POST', '/sites', body);
      assert.equal(res.status, 400, `${field}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.field, field, JSON.stringify(res.body));
    }
    assert.equal((await api.call('GET', '/sites/api-bad')).status, 404, 'nothing stored');
  });

  it('never answers 5xx to arbitrary site bodies', async () => {
    const site = shippedSite('helinger-1');
    const keys = Object.keys(site);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...keys), fc.jsonValue(), async (key, value) => {
        const res = await api.call('POST', '/sites/register', { ...site, id: 'fuzz-site', [key]: value });
        assert.ok(res.status < 500, `${res.status} for ${key}=${JSON.stringify(value)}: ${JSON.stringify(res.body)}`);
      }),
      { numRuns: 120 },
    );
  });

  it('refuses to delete a site with active tasks (409)', async () => {
    await api.call('POST', '/sites', newSite('api-busy'));
    const t = (await api.call('POST', '/tasks', submission())).body;
    await changeTaskState(api.store, t.id, 'placed', { reason: 'test', atS: T0, siteId: 'api-busy' });
    const res = await api.call('DELETE', '/sites/api-busy');
    assert.equal(res.status, 409);
    assert.match(res.body.message, /1 active task/);
    await api.call('POST', `/tasks/${t.id}/cancel`, {});
    assert.equal((await api.call('DELETE', '/sites/api-busy')).status, 204);
  });

  it('lets a task name a site registered a moment ago as its origin', async () => {
    await api.call('POST', '/sites', newSite('api-origin'));
    const res = await api.call('POST', '/tasks', submission({ originCity: 'api-origin' }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
  });
});
