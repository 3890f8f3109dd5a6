import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DomainError } from '../../src/domain/errors.js';
import {
  CHINA_BBOX,
  hubOfCity,
  loadNationalTopology,
  nationalTopologyIndex,
  placeById,
  sitePflops,
  totalPflops,
} from '../../src/topology/index.js';

const topo = loadNationalTopology();
const inChina = (p: { lat: number; lon: number }) =>
  p.lat >= CHINA_BBOX.minLat && p.lat <= CHINA_BBOX.maxLat && p.lon >= CHINA_BBOX.minLon && p.lon <= CHINA_BBOX.maxLon;
const near = (actual: number, expected: number, relTol: number) =>
  assert.ok(Math.abs(actual - expected) <= relTol * expected, `${actual} not within ${relTol * 100}% of ${expected}`);

test('the 8 national hubs, with their side and grid region', () => {
  const byId = new Map(topo.hubs.map((h) => [h.id, h]));
  const expected: Record<string, [string, string, string]> = {
    jingjinji: ['京津冀', 'east', '华北'],
    changsanjiao: ['长三角', 'east', '华东'],
    yuegangao: ['粤港澳大湾区', 'east', '南方'],
    chengyu: ['成渝', 'east', '西南'],
    neimenggu: ['内蒙古', 'west', '华北'],
    guizhou: ['贵州', 'west', '南方'],
    gansu: ['甘肃', 'west', '西北'],
    ningxia: ['宁夏', 'west', '西北'],
  };
  assert.equal(topo.hubs.length, 8);
  for (const [id, [zh, side, grid]] of Object.entries(expected)) {
    const h = byId.get(id);
    assert.ok(h, `hub ${id}`);
    assert.equal(h.nameZh, zh);
    assert.equal(h.side, side);
    assert.equal(h.gridRegion, grid);
    assert.ok(inChina(h), `${id} coordinates`);
    assert.equal(placeById(h.anchorCityId).hubId, id, `anchor city of ${id}`);
  }
});

test('every hub has partners across the pairing, east with west only', () => {
  const side = new Map(topo.hubs.map((h) => [h.id, h.side]));
  for (const h of topo.hubs) {
    assert.ok(h.pairedWith.length > 0, `${h.id} has a partner`);
    for (const p of h.pairedWith) assert.notEqual(side.get(p), h.side, `${h.id}–${p} crosses sides`);
  }
  const jjj = topo.hubs.find((h) => h.id === 'jingjinji')!;
  assert.ok(jjj.pairedWith.includes('neimenggu'), '京津冀↔内蒙古 (approval)');
  const gba = topo.hubs.find((h) => h.id === 'yuegangao')!;
  assert.ok(gba.pairedWith.includes('guizhou'), '粤港澳↔贵州');
  assert.ok(topo.pairings.every((p) => p.note.length > 0));
});

test('the 10 clusters, each in its hub, with sites and sane coordinates', () => {
  const expected: Record<string, string> = {
    zhangjiakou: 'jingjinji',
    'csj-demo-zone': 'changsanjiao',
    wuhu: 'changsanjiao',
    shaoguan: 'yuegangao',
    tianfu: 'chengyu',
    chongqing: 'chengyu',
    helinger: 'neimenggu',
    guian: 'guizhou',
    qingyang: 'gansu',
    zhongwei: 'ningxia',
  };
  assert.equal(topo.clusters.length, 10);
  for (const c of topo.clusters) {
    assert.equal(expected[c.id], c.hubId, `cluster ${c.id}`);
    assert.ok(inChina(c));
    assert.ok(c.siteIds.length >= 1 && c.siteIds.includes(c.primarySiteId));
    for (const id of c.siteIds) {
      const s = topo.sites.find((x) => x.id === id)!;
      assert.equal(s.tier, 'cluster');
      assert.equal(s.hubId, c.hubId);
    }
  }
});

test('sites: 1+10+N tiers, ids, places, positive and consistent capacities', () => {
  assert.ok(topo.sites.length >= 30 && topo.sites.length <= 60, `${topo.sites.length} sites`);
  const byTier = (t: string) => topo.sites.filter((s) => s.tier === t);
  assert.ok(byTier('cluster').length >= 10 && byTier('city').length >= 8 && byTier('edge').length >= 10);
  const cityIds = new Set(topo.cities.map((c) => c.id));
  for (const s of topo.sites) {
    assert.match(s.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok(cityIds.has(s.city), `${s.id} city`);
    assert.ok(inChina(s), `${s.id} coordinates`);
    const c = s.capacity;
    assert.ok(c.cpuCores > 0 && Number.isInteger(c.cpuCores), `${s.id} cores`);
    assert.ok(c.memoryGb >= c.cpuCores, `${s.id} memory`);
    assert.ok(c.racks > 0 && c.storageTb > 0, `${s.id} racks/storage`);
    assert.ok(c.storageSsdShare > 0 && c.storageSsdShare <= 1);
    assert.equal(c.hpcNodes > 0, c.hpcCoresPerNode > 0, `${s.id} hpc`);
    for (const g of c.gpus) assert.ok(g.count > 0 && g.fp16Tflops > 0 && g.memoryGb > 0 && g.powerW > 0);
    assert.ok(s.pue >= 1.1 && s.pue <= 1.5, `${s.id} pue ${s.pue}`);
    assert.ok(s.greenShare >= 0 && s.greenShare <= 1);
    if (s.hubId === null) assert.equal(s.clusterId, null);
  }
  // Scale: every cluster campus is bigger than every city site, and every city site bigger than every edge node.
  const maxCores = (t: string) => Math.max(...byTier(t).map((s) => s.capacity.cpuCores));
  const minCores = (t: string) => Math.min(...byTier(t).map((s) => s.capacity.cpuCores));
  assert.ok(minCores('cluster') > maxCores('city'));
  assert.ok(minCores('city') > maxCores('edge'));
});

test('prices are integer fen, inside the published ranges, and western sites are cheaper', () => {
  for (const s of topo.sites) {
    for (const [k, v] of Object.entries(s.prices)) assert.ok(Number.isInteger(v) && v >= 0, `${s.id}.${k} = ${v}`);
    assert.ok(s.prices.priceFenPerCoreHour >= 4 && s.prices.priceFenPerCoreHour <= 15, `${s.id} core-hour`);
    if (s.capacity.gpus.length > 0) {
      assert.ok(s.prices.priceFenPerGpuHour >= 250 && s.prices.priceFenPerGpuHour <= 2500, `${s.id} GPU-hour`);
    }
  }
  const hubSide = new Map(topo.hubs.map((h) => [h.id, h.side]));
  const clusterA800 = topo.sites.filter((s) => s.tier === 'cluster' && s.capacity.gpus[0]?.model === 'A800');
  const west = clusterA800.filter((s) => hubSide.get(s.hubId!) === 'west').map((s) => s.prices.priceFenPerGpuHour);
  const east = clusterA800.filter((s) => hubSide.get(s.hubId!) === 'east').map((s) => s.prices.priceFenPerGpuHour);
  assert.ok(west.length > 0 && east.length > 0);
  assert.ok(Math.max(...west) < Math.min(...east), 'western A800 hours cost less');
  const core = (side: string) =>
    topo.sites
      .filter((s) => s.tier === 'cluster' && hubSide.get(s.hubId!) === side)
      .map((s) => s.prices.priceFenPerCoreHour);
  assert.ok(Math.max(...core('west')) < Math.min(...core('east')));
});

test("Hohhot's published figures: 10,321 P = 1,040 general + 197 super + 9,084 intelligent, 220k racks", () => {
  const hohhot = topo.sites.filter((s) => s.city === 'hohhot');
  assert.ok(hohhot.length >= 2);
  const p = totalPflops(hohhot);
  near(p.general, 1040, 0.02);
  near(p.super, 197, 0.02);
  near(p.intelligent, 9084, 0.02);
  near(p.total, 10321, 0.02);
  near(
    hohhot.reduce((n, s) => n + s.capacity.racks, 0),
    220_000,
    0.02,
  );
});

test('Qingyang matches the reported 19,000 P and 20,000 racks; the 10 clusters hold > 1.46 M racks', () => {
  const q = topo.sites.filter((s) => s.clusterId === 'qingyang');
  near(totalPflops(q).total, 19_000, 0.03);
  assert.equal(
    q.reduce((n, s) => n + s.capacity.racks, 0),
    20_000,
  );
  const racks = topo.sites.filter((s) => s.tier === 'cluster').reduce((n, s) => n + s.capacity.racks, 0);
  assert.ok(racks > 1_460_000 && racks < 2_000_000, `${racks} racks`);
});

test('sitePflops converts cores at 0.1 TFLOPS FP32, HPC cores at 0.05 FP64, GPUs at their FP16', () => {
  const p = sitePflops({
    capacity: {
      cpuCores: 10_000,
      memoryGb: 40_000,
      gpus: [{ model: 'A800', count: 100, fp16Tflops: 312, memoryGb: 80, powerW: 400 }],
      hpcNodes: 10,
      hpcCoresPerNode: 128,
      storageTb: 1,
      storageSsdShare: 0.3,
      racks: 1,
    },
  });
  near(p.general, 1, 1e-12);
  near(p.super, 0.064, 1e-12);
  near(p.intelligent, 31.2, 1e-12);
  near(p.total, 32.264, 1e-12);
});

test('every site carries the MEE 2022 factor of its province (data/grid-carbon.csv)', () => {
  const csv = readFileSync(new URL('../../data/grid-carbon.csv', import.meta.url), 'utf8')
    .trim()
    .split('\n');
  const header = csv[0]!.split(',');
  const [level, name, f2022] = ['level', 'name', 'factor_2022'].map((k) => header.indexOf(k));
  const byProvince = new Map<string, number>();
  for (const line of csv.slice(1)) {
    const cols = line.split(',');
    if (cols[level!] === 'province') byProvince.set(cols[name!]!, Number(cols[f2022!]) * 1000);
  }
  for (const s of topo.sites) {
    const f = byProvince.get(s.province);
    assert.ok(f !== undefined, `${s.id}: no factor for ${s.province}`);
    assert.ok(Math.abs(s.gridCarbonGPerKwh - f) < 0.06, `${s.id}: ${s.gridCarbonGPerKwh} vs ${f}`);
  }
  for (const s of topo.sites.filter((x) => x.clusterId === 'helinger')) assert.equal(s.greenShare, 0.8457);
});

test('cities: ids, Chinese names, hubs; Hong Kong and Macao outside the mainland hubs', () => {
  assert.ok(topo.cities.length >= 40);
  for (const c of topo.cities) {
    assert.match(c.id, /^[a-z]+$/);
    assert.ok(inChina(c), c.id);
  }
  for (const id of [
    'beijing',
    'shanghai',
    'guangzhou',
    'shenzhen',
    'hangzhou',
    'nanjing',
    'wuhan',
    'xian',
    'tianjin',
  ]) {
    assert.ok(topo.cities.find((c) => c.id === id)?.demand, `${id} is a demand city`);
  }
  assert.equal(hubOfCity('beijing'), 'jingjinji');
  assert.equal(hubOfCity('成都'), 'chengyu');
  assert.equal(hubOfCity('hohhot'), 'neimenggu');
  assert.equal(hubOfCity('wuhan'), null);
  assert.equal(hubOfCity('hongkong'), null);
  assert.equal(placeById('hongkong').gridRegion, null);
  assert.equal(placeById('chifeng').gridRegion, '东北');
});

test('placeById resolves ids and Chinese names, with or without 市; unknown ids are not_found', () => {
  assert.equal(placeById('北京').id, 'beijing');
  assert.equal(placeById('北京市').id, 'beijing');
  assert.equal(placeById('呼和浩特市').hubId, 'neimenggu');
  const site = placeById('helinger-1');
  assert.equal(site.kind, 'site');
  assert.equal(site.hubId, 'neimenggu');
  assert.equal(site.side, 'west');
  assert.equal(site.gridRegion, '华北');
  assert.equal(site.cityId, 'hohhot');
  assert.equal(placeById('和林格尔新区智算园区一').id, 'helinger-1');
  assert.throws(
    () => placeById('atlantis'),
    (e: unknown) => e instanceof DomainError && e.code === 'not_found' && e.message.includes("'atlantis'"),
  );
  assert.throws(
    () => hubOfCity('helinger-1'),
    (e: unknown) => e instanceof DomainError && e.code === 'not_found',
  );
  assert.deepEqual(nationalTopologyIndex().pairedHubIds('neimenggu'), ['neimenggu', 'jingjinji', 'changsanjiao']);
});

test('loadNationalTopology returns a fresh copy on every call', () => {
  const a = loadNationalTopology();
  a.sites[0]!.capacity.cpuCores = -1;
  a.hubs.pop();
  const b = loadNationalTopology();
  assert.ok(b.sites[0]!.capacity.cpuCores > 0);
  assert.equal(b.hubs.length, 8);
});
