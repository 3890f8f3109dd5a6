import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DomainError } from '../../src/domain/errors.js';
import { buildTopology, validateSite } from '../../src/topology/index.js';

// The stored form, exactly as shipped.
const stored = JSON.parse(readFileSync(new URL('../../data/topology.json', import.meta.url), 'utf8'));
const fresh = () => structuredClone(stored);
const siteIndex = (t: { sites: { id: string }[] }, id: string) => t.sites.findIndex((s) => s.id === id);

// biome-ignore lint/suspicious/noExplicitAny: the tests write invalid values on purpose
function rejects(mutate: (t: any) => void, field: string, messagePart?: string): void {
  const t = fresh();
  mutate(t);
  assert.throws(
    () => buildTopology(t),
    (e: unknown) => {
      assert.ok(e instanceof DomainError, String(e));
      assert.equal(e.code, 'validation');
      assert.equal(e.field, field, e.message);
      if (messagePart) assert.ok(e.message.includes(messagePart), e.message);
      return true;
    },
  );
}

test('the shipped topology validates and derives links', () => {
  const t = buildTopology(fresh());
  assert.equal(t.hubs.length, 8);
  assert.ok(t.cities.every((c) => 'hubId' in c));
  assert.ok(t.clusters.every((c) => c.siteIds.length > 0));
});

test('bad prices are named by field', () => {
  const i = siteIndex(stored, 'helinger-1');
  rejects((t) => {
    t.sites[i].prices.priceFenPerCoreHour = 4.5;
  }, `sites[${i}].prices.priceFenPerCoreHour`);
  rejects((t) => {
    t.sites[i].prices.priceFenPerGpuHour = -1;
  }, `sites[${i}].prices.priceFenPerGpuHour`);
  rejects(
    (t) => {
      t.sites[i].prices.priceFenPerGpuHour = 0;
    },
    `sites[${i}].prices.priceFenPerGpuHour`,
    'has GPUs',
  );
});

test('coordinates outside China, bad enums and unknown fields are rejected', () => {
  const i = siteIndex(stored, 'beijing-edge');
  rejects((t) => {
    t.sites[i].lat = 116.4; // swapped lat/lon
  }, `sites[${i}].lat`);
  rejects(
    (t) => {
      t.sites[i].tier = 'regional';
    },
    `sites[${i}].tier`,
    '"cluster", "city", "edge"',
  );
  rejects((t) => {
    t.sites[i].capacity.cpus = 4;
  }, `sites[${i}].capacity.cpus`);
  rejects((t) => {
    t.cities[0].lon = 200;
  }, 'cities[0].lon');
});

test('references must resolve and agree', () => {
  const i = siteIndex(stored, 'wuhu-1');
  rejects((t) => {
    t.sites[i].city = 'atlantis';
  }, `sites[${i}].city`);
  rejects(
    (t) => {
      t.sites[i].hubId = 'neimenggu';
    },
    `sites[${i}].hubId`,
    "'changsanjiao'",
  );
  rejects((t) => {
    t.sites[i].clusterId = 'nowhere';
  }, `sites[${i}].clusterId`);
  rejects((t) => {
    t.sites[i].side = 'west';
  }, `sites[${i}].side`);
  rejects((t) => {
    t.sites[i].tier = 'edge';
  }, `sites[${i}].tier`);
  rejects(
    (t) => {
      t.sites[siteIndex(t, 'wuhan-edge')].id = 'wuhu-1';
    },
    `sites[${siteIndex(stored, 'wuhan-edge')}].id`,
  );
  rejects(
    (t) => {
      t.sites[i].id = 'wuhu';
    },
    `sites[${i}].id`,
    'cities[',
  );
  rejects((t) => {
    t.clusters[0].primarySiteId = 'wuhu-1';
  }, 'clusters[0].primarySiteId');
  rejects(
    (t) => {
      t.pairings[0].westHubId = 'changsanjiao';
    },
    'pairings[0].westHubId',
    'not a western hub',
  );
  rejects((t) => {
    t.pairings.push({ ...t.pairings[0] });
  }, `pairings[${stored.pairings.length}]`);
});

test('validateSite checks one site on its own', () => {
  const site = structuredClone(stored.sites[0]);
  assert.equal(validateSite(site).id, site.id);
  site.capacity.hpcNodes = 10;
  site.capacity.hpcCoresPerNode = 0;
  assert.throws(
    () => validateSite(site, 'body'),
    (e: unknown) => e instanceof DomainError && e.field === 'body.capacity.hpcCoresPerNode',
  );
  assert.throws(
    () => validateSite({ ...stored.sites[0], greenShare: 1.5 }),
    (e: unknown) => e instanceof DomainError && e.field === 'site.greenShare',
  );
  assert.throws(
    () => validateSite(null),
    (e: unknown) => e instanceof DomainError && e.code === 'validation',
  );
});
