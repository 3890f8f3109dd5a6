import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { loadNationalTopology } from '../../src/topology/load.js';
import { type TestApi, testApi } from '../helpers/api.js';
import { describeStores } from '../helpers/stores.js';

describeStores('API topology, network, health, docs', (kind) => {
  let api: TestApi;
  before(async () => {
    api = await testApi(kind);
  });
  after(() => api.close());

  it('serves hubs, clusters, cities and pairings as the topology defines them', async () => {
    const topo = loadNationalTopology();
    const hubs = (await api.call('GET', '/hubs')).body.items;
    assert.deepEqual(
      hubs.map((h: { id: string }) => h.id),
      topo.hubs.map((h) => h.id).sort(),
    );
    const hub = (await api.call('GET', '/hubs/neimenggu')).body;
    assert.deepEqual(
      hub,
      topo.hubs.find((h) => h.id === 'neimenggu'),
    );
    assert.equal((await api.call('GET', '/hubs/atlantis')).status, 404);
    const clusters = (await api.call('GET', '/clusters?hubId=neimenggu')).body.items;
    assert.deepEqual(
      clusters.map((c: { id: string }) => c.id),
      topo.clusters
        .filter((c) => c.hubId === 'neimenggu')
        .map((c) => c.id)
        .sort(),
    );
    const cluster = (await api.call('GET', '/clusters/helinger')).body;
    assert.deepEqual(
      cluster,
      topo.clusters.find((c) => c.id === 'helinger'),
    );
    const cities = (await api.call('GET', '/cities')).body.items;
    assert.equal(cities.length, topo.cities.length);
    const demand = (await api.call('GET', '/cities?demand=true')).body.items;
    assert.equal(demand.length, topo.cities.filter((c) => c.demand).length);
    assert.deepEqual(
      (await api.call('GET', '/cities/beijing')).body,
      topo.cities.find((c) => c.id === 'beijing'),
    );
    assert.equal((await api.call('GET', '/cities?demand=perhaps')).body.field, 'demand');
    assert.deepEqual((await api.call('GET', '/pairings')).body.items, topo.pairings);
  });

  it('summarises counts', async () => {
    const s = (await api.call('GET', '/summary')).body;
    assert.equal(s.hubs, 8);
    assert.equal(s.clusters, 10);
    assert.equal(s.sites, 45);
    assert.deepEqual(s.sitesByStatus, { up: 45 });
    assert.equal(s.tasks, 0);
  });

  it('answers latency and circles from the network model, refusing unknown places by field', async () => {
    const lat = await api.call('GET', '/network/latency?from=beijing&to=guiyang');
    assert.equal(lat.status, 200);
    assert.ok(lat.body.oneWayMs > lat.body.theoreticalOneWayMs);
    assert.equal(lat.body.rttMs, 2 * lat.body.oneWayMs);
    assert.ok(lat.body.distanceKm > 1500 && lat.body.distanceKm < 2000);
    const byName = (await api.call('GET', `/network/latency?from=${encodeURIComponent('北京')}&to=guiyang`)).body;
    assert.equal(byName.from, 'beijing');
    const bad = await api.call('GET', '/network/latency?from=beijing&to=atlantis');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'to');
    assert.equal((await api.call('GET', '/network/latency?from=beijing')).body.field, 'to');
    const circle = (await api.call('GET', '/network/circle?center=beijing&ms=5&kind=site')).body;
    assert.equal(circle.center, 'beijing');
    assert.ok(circle.members.length > 0);
    assert.ok(circle.members.every((m: { kind: string; oneWayMs: number }) => m.kind === 'site' && m.oneWayMs <= 5));
    assert.equal((await api.call('GET', '/network/circle?center=beijing&ms=-1')).body.field, 'ms');
  });

  it('serves health, readiness, the OpenAPI document, the docs and the status page', async () => {
    assert.deepEqual((await api.call('GET', '/healthz')).body, { status: 'ok' });
    assert.deepEqual((await api.call('GET', '/readyz')).body, { status: 'ok' });
    const doc = (await api.call('GET', '/openapi.json')).body;
    assert.equal(doc.openapi, '3.0.3');
    for (const p of [
      '/tasks',
      '/tasks/{id}',
      '/tasks/{id}/cancel',
      '/sites',
      '/sites/register',
      '/sites/{id}',
      '/hubs',
      '/placements',
      '/network/latency',
    ]) {
      assert.ok(doc.paths[p], `OpenAPI documents ${p}`);
    }
    const submit = doc.paths['/tasks'].post;
    assert.deepEqual(submit.requestBody.content['application/json'].schema.required, [
      'tenantId',
      'kind',
      'resources',
      'durationS',
      'originCity',
    ]);
    assert.ok(submit.responses['201']);
    assert.ok(submit.responses['400']);
    const docs = await api.app.inject({ method: 'GET', url: '/docs' });
    assert.ok(docs.statusCode === 200 || docs.statusCode === 302);
    const page = await api.app.inject({ method: 'GET', url: '/' });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.body, /fetch\(path/);
  });

  it('refuses to build with a route that declares no roles', async () => {
    const { buildApp } = await import('../../src/api/app.js');
    await assert.rejects(
      buildApp({
        store: api.store,
        clock: api.clock,
        routes: [(app) => app.get('/open', async () => 'x')],
      }),
      /route GET \/open declares no config\.roles/,
    );
  });

  it('reports not ready once its store is gone', async () => {
    await api.store.close();
    const res = await api.call('GET', '/readyz');
    assert.equal(res.status, 503);
    assert.equal(res.body.error, 'unavailable');
    assert.deepEqual((await api.call('GET', '/healthz')).body, { status: 'ok' });
  });
});
