import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DomainError } from '../../src/domain/errors.js';
import {
  CAICT_2024Q1_ROUTE_FACTOR,
  DEFAULT_INTRA_CITY_MS,
  NetworkModel,
  nationalNetworkModel,
} from '../../src/network/index.js';
import { loadNationalTopology } from '../../src/topology/index.js';

const topo = loadNationalTopology();
const net = new NetworkModel(topo);
const isDomain = (code: string, field?: string, text?: string) => (e: unknown) => {
  assert.ok(e instanceof DomainError, String(e));
  assert.equal(e.code, code, e.message);
  if (field !== undefined) assert.equal(e.field, field, e.message);
  if (text !== undefined) assert.ok(e.message.includes(text), e.message);
  return true;
};
const between = (x: number, lo: number, hi: number, what: string) => assert.ok(x >= lo && x <= hi, `${what}: ${x}`);

test('known pairs fall in the expected ranges', () => {
  between(net.distanceKm('beijing', 'shanghai'), 1060, 1075, 'Beijing–Shanghai km');
  between(net.theoreticalOneWayMs('beijing', 'shanghai'), 5.15, 5.3, 'Beijing–Shanghai theoretical');
  between(net.oneWayMs('beijing', 'shanghai'), 6.5, 7.5, 'Beijing–Shanghai modelled');
  between(net.theoreticalOneWayMs('beijing', 'helinger-1'), 1.8, 2.2, 'Beijing–Horinger theoretical');
  between(net.oneWayMs('beijing', 'helinger-1'), 2, 3, 'Beijing–Horinger modelled');
  assert.ok(net.oneWayMs('shanghai', 'guian-1') > 8, 'Shanghai–Gui’an > 8 ms');
  assert.ok(net.theoreticalOneWayMs('shanghai', 'guian-1') > 7);
  assert.equal(net.rttMs('beijing', 'shanghai'), 2 * net.oneWayMs('beijing', 'shanghai'));
  // Chinese names resolve to the same places.
  assert.equal(net.oneWayMs('北京', '上海市'), net.oneWayMs('beijing', 'shanghai'));
});

test('every pair has a finite, positive, symmetric latency; the same place gets the intra-city latency', () => {
  const n = net.size;
  assert.equal(n, topo.sites.length + topo.cities.length);
  for (let i = 0; i < n; i++) {
    assert.equal(net.oneWayMsByIndex(i, i), DEFAULT_INTRA_CITY_MS);
    for (let j = 0; j < n; j++) {
      const ms = net.oneWayMsByIndex(i, j);
      assert.ok(Number.isFinite(ms) && ms >= DEFAULT_INTRA_CITY_MS, `${i},${j}: ${ms}`);
      assert.equal(ms, net.oneWayMsByIndex(j, i));
    }
  }
  assert.equal(net.oneWayMs('shanghai', 'shanghai'), 0.5);
  assert.equal(net.oneWayMs('shaoguan-1', 'shaoguan-2'), 0.5, 'two campuses at one point');
  assert.equal(net.oneWayMs('shanghai', 'csj-qingpu'), 0.5, '35 km inside the city floor');
});

test('the index API and the string API agree', () => {
  const ids = net.placeIds();
  fc.assert(
    fc.property(fc.nat(ids.length - 1), fc.nat(ids.length - 1), (i, j) => {
      const a = ids[i]!;
      const b = ids[j]!;
      assert.equal(net.placeIndex(a), i);
      assert.equal(net.oneWayMs(a, b), net.oneWayMsByIndex(i, j));
      assert.equal(net.oneWayMatrix[i * net.size + j], net.oneWayMsByIndex(i, j));
      assert.equal(net.rttMsByIndex(i, j), net.rttMs(a, b));
      // The model never beats physics.
      assert.ok(net.oneWayMs(a, b) >= net.theoreticalOneWayMs(a, b));
    }),
    { numRuns: 300 },
  );
});

test('a longer route factor never makes a path faster', () => {
  const slow = new NetworkModel(topo, { routeFactor: 1.8 });
  for (let i = 0; i < net.size; i += 7) {
    for (let j = 0; j < net.size; j += 5) assert.ok(slow.oneWayMsByIndex(i, j) >= net.oneWayMsByIndex(i, j));
  }
});

test('unknown places are not_found naming the id; bad options name the field', () => {
  assert.throws(() => net.oneWayMs('beijing', 'gotham'), isDomain('not_found', undefined, "'gotham'"));
  assert.throws(() => net.placeIndex('mars-1'), isDomain('not_found', undefined, "'mars-1'"));
  assert.throws(() => net.bandwidthGbps('nowhere', 'beijing'), isDomain('not_found', undefined, "'nowhere'"));
  assert.throws(() => new NetworkModel(topo, { routeFactor: 0.5 }), isDomain('validation', 'routeFactor'));
  assert.throws(() => new NetworkModel(topo, { intraCityMs: 0 }), isDomain('validation', 'intraCityMs'));
  assert.throws(() => new NetworkModel(topo, { equipmentMs: Number.NaN }), isDomain('validation', 'equipmentMs'));
  assert.throws(
    () =>
      new NetworkModel(topo, {
        bandwidth: {
          accessGbps: { cluster: 100, city: 40, edge: -1, cityPlace: 10 },
          backboneGbps: { sameHub: 1, pairedHubs: 1, otherHubs: 1, offHub: 1 },
        },
      }),
    isDomain('validation', 'bandwidth.accessGbps.edge'),
  );
});

test('measurements override the model in both directions; the latest wins; clearing restores the model', () => {
  const m = nationalNetworkModel();
  const modelled = m.oneWayMs('beijing', 'zhongwei-1');
  m.addMeasurement({ from: 'beijing', to: 'zhongwei-1', rttMs: 30, atS: 1000 });
  assert.equal(m.oneWayMs('beijing', 'zhongwei-1'), 15);
  assert.equal(m.oneWayMs('zhongwei-1', 'beijing'), 15);
  assert.equal(m.rttMs('zhongwei-1', 'beijing'), 30);
  m.addMeasurement({ from: 'zhongwei-1', to: '北京', oneWayMs: 9, atS: 2000 });
  assert.equal(m.oneWayMs('beijing', 'zhongwei-1'), 9);
  m.addMeasurement({ from: 'beijing', to: 'zhongwei-1', oneWayMs: 20, atS: 1500 }); // older: ignored
  assert.equal(m.oneWayMs('beijing', 'zhongwei-1'), 9);
  assert.deepEqual(m.measurementFor('zhongwei-1', 'beijing'), {
    from: 'zhongwei-1',
    to: 'beijing',
    oneWayMs: 9,
    atS: 2000,
  });
  m.clearMeasurement('beijing', 'zhongwei-1');
  assert.equal(m.oneWayMs('beijing', 'zhongwei-1'), modelled);
  assert.equal(m.measurementFor('beijing', 'zhongwei-1'), undefined);
  // Other models of the same topology are not affected.
  assert.equal(net.oneWayMs('beijing', 'zhongwei-1'), modelled);
  // Measurements passed to the constructor apply too.
  const m2 = new NetworkModel(topo, { measurements: [{ from: 'shanghai', to: 'wuhu-1', oneWayMs: 4.2, atS: 1 }] });
  assert.equal(m2.oneWayMs('wuhu-1', 'shanghai'), 4.2);
});

test('bad measurements are rejected naming the field', () => {
  const m = nationalNetworkModel();
  assert.throws(() => m.addMeasurement({ from: 'beijing', to: 'shanghai', atS: 1 }), isDomain('validation', 'rttMs'));
  assert.throws(
    () => m.addMeasurement({ from: 'beijing', to: 'shanghai', rttMs: 10, oneWayMs: 5, atS: 1 }),
    isDomain('validation', 'oneWayMs'),
  );
  assert.throws(
    () => m.addMeasurement({ from: 'beijing', to: 'shanghai', oneWayMs: -3, atS: 1 }),
    isDomain('validation', 'oneWayMs'),
  );
  assert.throws(
    () => m.addMeasurement({ from: 'beijing', to: 'shanghai', oneWayMs: 3, atS: Number.NaN }),
    isDomain('validation', 'atS'),
  );
  assert.throws(
    () => m.addMeasurement({ from: 'beijing', to: 'atlantis', oneWayMs: 3, atS: 1 }),
    isDomain('not_found', undefined, 'atlantis'),
  );
});

test('hub links: the modelled network meets 1.5× theoretical; a slow measurement fails it', () => {
  const m = nationalNetworkModel();
  const checks = m.checkHubLinks();
  assert.equal(checks.length, 45, 'every pair of the 10 clusters');
  for (const c of checks) {
    assert.equal(c.source, 'modelled');
    assert.ok(c.pass, `${c.fromClusterId}–${c.toClusterId}: ${c.factor}`);
    assert.ok(c.oneWayMs < 20, 'the 20 ms national circle');
    assert.equal(c.limitMs, 1.5 * c.theoreticalMs);
  }
  const link = (cs: typeof checks) =>
    cs.find(
      (c) =>
        (c.fromClusterId === 'zhangjiakou' && c.toClusterId === 'helinger') ||
        (c.fromClusterId === 'helinger' && c.toClusterId === 'zhangjiakou'),
    )!;
  const theoretical = link(checks).theoreticalMs;
  m.addMeasurement({ from: 'helinger-1', to: 'zhangjiakou-1', oneWayMs: 1.6 * theoretical, atS: 1 });
  const after = m.checkHubLinks();
  assert.equal(link(after).source, 'measured');
  assert.equal(link(after).pass, false);
  assert.equal(after.filter((c) => !c.pass).length, 1);
  assert.equal(m.checkHubLinks(1.7).filter((c) => !c.pass).length, 0, 'a looser bound passes');
  assert.throws(() => m.checkHubLinks(0.5), isDomain('validation', 'maxFactor'));
});

test("at CAICT's measured route factor the mean hub link is ~9.7 ms and most links miss 1.5×", () => {
  const caict = nationalNetworkModel({ routeFactor: CAICT_2024Q1_ROUTE_FACTOR });
  const checks = caict.checkHubLinks();
  const mean = checks.reduce((s, c) => s + c.oneWayMs, 0) / checks.length;
  between(mean, 9.2, 10.2, 'mean one-way');
  between(Math.max(...checks.map((c) => c.oneWayMs)), 15, 18.5, 'max one-way (CAICT max 17.1)');
  assert.ok(checks.filter((c) => !c.pass).length > 40);
});

test('latency circles: Shanghai 5 ms holds Suzhou and Hangzhou, not Zhongwei', () => {
  const circle = net.withinCircle('shanghai', 5);
  const ids = new Set(circle.map((p) => p.id));
  for (const id of ['shanghai', 'suzhou', 'hangzhou', 'csj-qingpu', 'csj-wujiang', 'shanghai-edge']) {
    assert.ok(ids.has(id), id);
  }
  for (const id of ['zhongwei', 'zhongwei-1', 'beijing', 'guian-1']) assert.ok(!ids.has(id), id);
  for (let k = 1; k < circle.length; k++) assert.ok(circle[k - 1]!.oneWayMs <= circle[k]!.oneWayMs);
  assert.ok(circle.every((p) => p.oneWayMs <= 5));
  assert.ok(net.withinCircle('上海', 5, 'site').every((p) => p.kind === 'site'));
  const oneMs = net.withinCircle('shanghai', 1).map((p) => p.id);
  assert.ok(oneMs.includes('shanghai-edge') && !oneMs.includes('hangzhou'), '1 ms is the city circle');
  assert.equal(net.withinCircle('beijing', 20).length > net.withinCircle('beijing', 5).length, true);
  assert.throws(() => net.withinCircle('shanghai', -1), isDomain('validation', 'oneWayMs'));
  assert.throws(() => net.withinCircle('gotham', 5), isDomain('not_found'));
});

test("Inner Mongolia's 2·5·20 circle (seed doc 003): 呼包鄂乌 2 ms, 京津冀 5 ms, 长三角 20 ms", () => {
  // Circles are drawn around the hub: Hohhot and the Horinger cluster.
  for (const centre of ['hohhot', 'helinger-1']) {
    for (const c of ['hohhot', 'baotou', 'ordos', 'ulanqab']) assert.ok(net.oneWayMs(centre, c) <= 2, `${centre}–${c}`);
  }
  for (const c of ['beijing', 'tianjin', 'shijiazhuang', 'zhangjiakou-1']) assert.ok(net.oneWayMs('hohhot', c) <= 5, c);
  for (const c of ['shanghai', 'hangzhou', 'nanjing', 'hefei', 'suzhou']) assert.ok(net.oneWayMs('hohhot', c) <= 20, c);
});

test('bandwidth: access-limited, symmetric, smaller to edges and user premises', () => {
  assert.equal(net.bandwidthGbps('helinger-1', 'zhangjiakou-1'), 100);
  assert.equal(net.bandwidthGbps('helinger-1', 'beijing-edge'), 10);
  assert.equal(net.bandwidthGbps('baotou-1', 'helinger-1'), 40);
  assert.equal(net.bandwidthGbps('beijing', 'helinger-1'), 10);
  const tight = new NetworkModel(topo, {
    bandwidth: {
      accessGbps: { cluster: 1000, city: 40, edge: 10, cityPlace: 10 },
      backboneGbps: { sameHub: 800, pairedHubs: 300, otherHubs: 50, offHub: 20 },
    },
  });
  assert.equal(tight.bandwidthGbps('helinger-1', 'zhangjiakou-1'), 300, 'paired hubs');
  assert.equal(tight.bandwidthGbps('helinger-1', 'shaoguan-1'), 50, 'unpaired hubs');
  assert.equal(tight.bandwidthGbps('helinger-1', 'helinger-2'), 800, 'same hub');
  assert.equal(tight.bandwidthGbps('helinger-1', 'helinger-1'), 1000, 'same place: access only');
  const ids = net.placeIds();
  for (let i = 0; i < ids.length; i += 3) {
    for (let j = 0; j < ids.length; j += 4) {
      const b = net.bandwidthGbps(ids[i]!, ids[j]!);
      assert.ok(b > 0 && b === net.bandwidthGbps(ids[j]!, ids[i]!));
    }
  }
  // 100 GB over a 10 Gbps path: 80 s plus the latency.
  const s = net.transferSeconds('beijing', 'helinger-1', 100);
  assert.equal(s, 80 + net.oneWayMs('beijing', 'helinger-1') / 1000);
  assert.throws(() => net.transferSeconds('beijing', 'helinger-1', -1), isDomain('validation', 'dataGb'));
});
