import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import fc from 'fast-check';
import { changeTaskState, recordPlacement } from '../../src/store/index.js';
import { T0, type TestApi, testApi } from '../helpers/api.js';
import { submission } from '../helpers/fixtures.js';
import { describeStores } from '../helpers/stores.js';

describeStores('API tasks', (kind) => {
  let api: TestApi;
  before(async () => {
    api = await testApi(kind);
  });
  after(() => api.close());

  it('submits a task: 201, stored as queued, defaults filled', async () => {
    const res = await api.call('POST', '/tasks', submission());
    assert.equal(res.status, 201);
    const t = res.body;
    assert.match(t.id, /^t_[0-9A-Z]{26}$/);
    assert.equal(res.headers.location, `/tasks/${t.id}`);
    assert.deepEqual(
      { ...t, id: 'x' },
      {
        id: 'x',
        tenantId: 'acme',
        kind: 'training',
        resources: { cpuCores: 32, memoryGb: 128, gpus: 8, hpcNodes: 0, storageTb: 0 },
        durationS: 3600,
        estimatedDurationS: 3600,
        submittedAtS: T0,
        earliestStartS: T0,
        deadlineS: null,
        originCity: 'beijing',
        latencySlaMs: null,
        dataGb: 0,
        dataClass: 'general',
        allowedHubs: [],
        pairedOnly: false,
        priority: 0,
        state: 'queued',
        siteId: null,
        stateReason: null,
        updatedAtS: T0,
        version: 1,
      },
    );
    const got = await api.call('GET', `/tasks/${t.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.state, 'queued');
    assert.equal(got.body.placement, null);
    assert.deepEqual(got.body.history, [{ atS: T0, from: null, to: 'queued', reason: 'submitted' }]);
  });

  it('keeps every optional field given', async () => {
    const body = submission({
      kind: 'inference',
      resources: {
        cpuCores: 4,
        memoryGb: 16,
        gpus: 1,
        gpuModel: 'A800',
        minGpuFp16Tflops: 100,
        hpcNodes: 0,
        storageTb: 1,
      },
      estimatedDurationS: 7200,
      earliestStartS: T0 + 600,
      deadlineS: T0 + 86400,
      latencySlaMs: 20,
      dataGb: 50,
      dataClass: 'important',
      allowedHubs: ['jingjinji', 'neimenggu'],
      pairedOnly: true,
      priority: 5,
      command: 'python serve.py',
    });
    const res = await api.call('POST', '/tasks', body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    for (const [k, v] of Object.entries(body)) assert.deepEqual(res.body[k], v, k);
  });

  it('answers bad input with 400 naming the field, never 5xx', async () => {
    const cases: [unknown, string, RegExp][] = [
      [submission({ extra: 1 }), 'extra', /unknown field 'extra'/],
      [submission({ resources: { gpus: 1, foo: 2 } }), 'resources.foo', /unknown field/],
      [submission({ resources: { gpus: '8' } }), 'resources.gpus', /expected number/],
      [submission({ resources: { gpus: -1 } }), 'resources.gpus', /greater or equal to 0/],
      [submission({ durationS: undefined }), 'durationS', /'durationS' is required/],
      [submission({ tenantId: undefined }), 'tenantId', /required/],
      [submission({ kind: 'mining' }), 'kind', /must be one of "training"/],
      [submission({ dataClass: 'secret' }), 'dataClass', /must be one of/],
      [submission({ priority: 1.5 }), 'priority', /integer/],
      [submission({ allowedHubs: ['jingjinji', 7] }), 'allowedHubs[1]', /expected string/],
      [submission({ allowedHubs: ['atlantis'] }), 'allowedHubs[0]', /unknown hub 'atlantis'/],
      [submission({ allowedHubs: ['jingjinji', 'jingjinji'] }), 'allowedHubs', /twice/],
      [submission({ originCity: 'atlantis' }), 'originCity', /unknown place 'atlantis'/],
      [submission({ resources: {} }), 'resources', /asks for nothing/],
      [submission({ resources: { cpuCores: 1, gpuModel: 'A800' } }), 'resources.gpuModel', /needs gpus > 0/],
      [submission({ deadlineS: T0 + 10 }), 'deadlineS', /can no longer finish|never finish/],
      [submission({ latencySlaMs: 0 }), 'latencySlaMs', /./],
      [[submission()], 'body', /must be a JSON object/],
    ];
    for (const [body, field, message] of cases) {
      const res = await api.call('POST', '/tasks', body);
      assert.equal(res.status, 400, `${field}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error, 'validation');
      assert.equal(res.body.field, field, JSON.stringify(res.body));
      assert.match(res.body.message, message);
    }
  });

  it('answers malformed requests with the right 4xx', async () => {
    const bad = await api.call('POST', '/tasks', '{"tenantId": ');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { error: 'bad_request', message: 'the body is not valid JSON' });

    const huge = await api.inject({
      method: 'POST',
      url: '/tasks',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(submission({ command: 'x'.repeat(2 * 1024 * 1024) })),
    });
    assert.equal(huge.statusCode, 413);
    assert.equal(huge.json().error, 'payload_too_large');

    const text = await api.inject({
      method: 'POST',
      url: '/tasks',
      headers: { 'content-type': 'text/plain' },
      payload: 'hi',
    });
    assert.equal(text.statusCode, 415);
    assert.equal(text.json().error, 'unsupported_media_type');

    const noBody = await api.inject({ method: 'POST', url: '/tasks' });
    assert.equal(noBody.statusCode, 400);
    assert.equal(noBody.json().field, 'body');

    const method = await api.call('DELETE', '/tasks');
    assert.equal(method.status, 405);
    assert.equal(method.body.error, 'method_not_allowed');
    assert.match(String(method.headers.allow), /GET/);
    assert.match(String(method.headers.allow), /POST/);

    const missing = await api.call('GET', '/tasks/t_NOPE');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { error: 'not_found', message: "task 't_NOPE' not found" });
  });

  it('never answers 5xx to arbitrary JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue(),
          fc.record({ tenantId: fc.jsonValue(), resources: fc.jsonValue(), durationS: fc.jsonValue() }),
        ),
        async (body) => {
          const res = await api.call('POST', '/tasks', JSON.stringify(body));
          assert.ok(res.status < 500, `${res.status} for ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
          if (res.status !== 201) assert.equal(typeof res.body.message, 'string');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('lists tasks newest first with filters and cursor pagination', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      api.clock.advance(1);
      const res = await api.call(
        'POST',
        '/tasks',
        submission({ tenantId: 'pager', kind: i % 2 ? 'hpc' : 'rendering', resources: { cpuCores: 1 } }),
      );
      ids.push(res.body.id);
    }
    const seen: string[] = [];
    let url = '/tasks?tenantId=pager&limit=5';
    for (;;) {
      const page = await api.call('GET', url);
      assert.equal(page.status, 200);
      assert.ok(page.body.items.length <= 5);
      seen.push(...page.body.items.map((t: { id: string }) => t.id));
      if (!page.body.nextCursor) break;
      url = `/tasks?tenantId=pager&limit=5&cursor=${page.body.nextCursor}`;
    }
    assert.deepEqual(seen, [...ids].reverse());
    const hpc = await api.call('GET', '/tasks?tenantId=pager&kind=hpc&state=queued,placed');
    assert.equal(hpc.body.items.length, 6);
    assert.ok(hpc.body.items.every((t: { kind: string }) => t.kind === 'hpc'));
    assert.equal(hpc.body.nextCursor, null);
    const none = await api.call('GET', '/tasks?tenantId=pager&state=running');
    assert.deepEqual(none.body, { items: [], nextCursor: null });
    for (const [q, field] of [
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=ten', 'limit'],
      ['state=sleeping', 'state'],
      ['kind=mining', 'kind'],
      ['cursor=%21%21', 'cursor'],
      ['color=red', 'color'],
    ]) {
      const res = await api.call('GET', `/tasks?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.field, field, `${q}: ${JSON.stringify(res.body)}`);
    }
  });

  it('shows the current placement with its explanation, and every placement', async () => {
    const t = (await api.call('POST', '/tasks', submission({ tenantId: 'placed' }))).body;
    const score = {
      total: 0.25,
      parts: { carbon: 0.1, price: 0.4 },
      carbonG: 900,
      costFen: 14400,
      latencyMs: 9,
      energyKwh: 3.2,
    };
    const first = {
      taskId: t.id,
      siteId: 'zhangjiakou-1',
      startS: T0 + 60,
      endS: T0 + 3660,
      profile: 'balanced',
      score,
      runnersUp: [],
      explanation: 'first',
      decidedAtS: T0 + 1,
    };
    await api.store.tx(async (sql) => {
      await recordPlacement(sql, first);
      await changeTaskState(sql, t.id, 'placed', { reason: 'placed', atS: T0 + 1, siteId: 'zhangjiakou-1' });
    });
    await api.store.tx(async (sql) => {
      await changeTaskState(sql, t.id, 'queued', { reason: 'site went down', atS: T0 + 2, siteId: null });
      await recordPlacement(sql, {
        ...first,
        siteId: 'helinger-1',
        explanation: 'cheapest green site within the latency bound',
        runnersUp: [{ siteId: 'ulanqab-1', startS: T0 + 60, score }],
        decidedAtS: T0 + 3,
      });
      await changeTaskState(sql, t.id, 'placed', { reason: 'placed', atS: T0 + 3, siteId: 'helinger-1' });
    });
    const got = (await api.call('GET', `/tasks/${t.id}`)).body;
    assert.equal(got.state, 'placed');
    assert.equal(got.siteId, 'helinger-1');
    assert.equal(got.placement.siteId, 'helinger-1');
    assert.equal(got.placement.explanation, 'cheapest green site within the latency bound');
    assert.deepEqual(got.placement.score, score);
    assert.equal(got.placement.runnersUp[0].siteId, 'ulanqab-1');
    assert.deepEqual(
      got.history.map((e: { to: string }) => e.to),
      ['queued', 'placed', 'queued', 'placed'],
    );
    const all = (await api.call('GET', `/tasks/${t.id}/placements`)).body.items;
    assert.deepEqual(
      all.map((p: { siteId: string; superseded: boolean }) => [p.siteId, p.superseded]),
      [
        ['zhangjiakou-1', true],
        ['helinger-1', false],
      ],
    );
    const bySite = (await api.call('GET', '/placements?siteId=helinger-1&current=true')).body;
    assert.deepEqual(
      bySite.items.map((p: { taskId: string }) => p.taskId),
      [t.id],
    );
    const byTask = (await api.call('GET', `/placements?taskId=${t.id}&limit=1`)).body;
    assert.equal(byTask.items.length, 1);
    assert.ok(byTask.nextCursor);
    assert.equal((await api.call('GET', '/tasks/t_NOPE/placements')).status, 404);
    assert.equal((await api.call('GET', '/placements?current=maybe')).body.field, 'current');
  });

  it('cancels an unfinished task once; a second cancel is a 409', async () => {
    const t = (await api.call('POST', '/tasks', submission())).body;
    api.clock.advance(5);
    const res = await api.call('POST', `/tasks/${t.id}/cancel`, { reason: 'no longer needed' });
    assert.equal(res.status, 200);
    assert.equal(res.body.state, 'cancelled');
    assert.equal(res.body.stateReason, 'no longer needed');
    assert.equal(res.body.version, 2);
    const again = await api.inject({ method: 'POST', url: `/tasks/${t.id}/cancel` });
    assert.equal(again.statusCode, 409);
    assert.match(again.json().message, /already cancelled/);
    const t2 = (await api.call('POST', '/tasks', submission())).body;
    const bare = await api.inject({ method: 'POST', url: `/tasks/${t2.id}/cancel` });
    assert.equal(bare.statusCode, 200);
    assert.equal(bare.json().stateReason, 'cancelled on request');
    assert.equal((await api.call('POST', '/tasks/t_NOPE/cancel', {})).status, 404);
    assert.equal((await api.call('POST', `/tasks/${t2.id}/cancel`, { reason: 5 })).body.field, 'reason');
  });
});
