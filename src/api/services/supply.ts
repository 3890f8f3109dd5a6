/**
 * The supply side behind the API: topology reads, and site registration with
 * every rule a site must meet (its shape, its own rules, and agreement with
 * the stored cities, hubs and clusters).
 */
import type { Clock } from '../../domain/clock.js';
import { DomainError, invalid, notFound } from '../../domain/errors.js';
import type { Site, SiteBackend } from '../../domain/site.js';
import type { Page } from '../../store/repos/json.js';
import {
  deleteSite,
  getSite,
  insertSite,
  listSites,
  type PageRequest,
  type SiteFilter,
  type SiteRecord,
  siteOf,
  updateSite,
  upsertSite,
} from '../../store/repos/sites.js';
import {
  getCity,
  getCluster,
  getHub,
  listCities,
  listClusters,
  listHubs,
  listPairings,
} from '../../store/repos/topology.js';
import type { Sql, Store } from '../../store/sql.js';
import type { City, Cluster, Hub, Pairing } from '../../topology/types.js';
import { validateSite } from '../../topology/validate.js';
import type { SitePatch } from '../schemas/sites.js';

export interface SupplyService {
  listHubs(): Promise<Hub[]>;
  getHub(id: string): Promise<Hub>;
  listClusters(filter?: { hubId?: string }): Promise<Cluster[]>;
  getCluster(id: string): Promise<Cluster>;
  listCities(filter?: { hubId?: string; demand?: boolean }): Promise<City[]>;
  getCity(id: string): Promise<City>;
  listPairings(): Promise<Pairing[]>;
  listSites(filter: SiteFilter, page: PageRequest): Promise<Page<SiteRecord>>;
  getSite(id: string): Promise<SiteRecord>;
  /** A new site; conflict if the id is taken. */
  createSite(site: Site): Promise<SiteRecord>;
  /** A site registering itself: created, or replaced if it exists. */
  registerSite(site: Site): Promise<{ site: SiteRecord; created: boolean }>;
  replaceSite(id: string, site: Site, expectedVersion?: number): Promise<SiteRecord>;
  patchSite(id: string, patch: SitePatch, expectedVersion?: number): Promise<SiteRecord>;
  deleteSite(id: string): Promise<void>;
}

/** Shape and per-site rules (from the topology), with fields named as in the request body. */
function checkSite(site: Site): void {
  try {
    // The backend is checked by the API's own schema, which knows every backend field.
    const { backend: _b, ...rest } = site;
    validateSite(rest, 'site');
  } catch (err) {
    if (err instanceof DomainError && err.field?.startsWith('site.')) {
      const field = err.field.slice(5);
      throw new DomainError(err.code, err.message.replace(/^site\./, ''), field);
    }
    throw err;
  }
}

/** The rules that tie a site to the stored cities, hubs and clusters. */
async function checkReferences(sql: Sql, site: Site): Promise<void> {
  const clash = await getCity(sql, site.id);
  if (clash) throw invalid('id', `'${site.id}' is a city id; sites and cities share one namespace of places`);
  const city = await getCity(sql, site.city);
  if (!city) throw invalid('city', `unknown city '${site.city}' (GET /cities lists them)`);
  if (site.province !== city.province) {
    throw invalid('province', `must be '${city.province}', the province of city '${city.id}'`);
  }
  if (site.hubId !== city.hubId) {
    throw invalid(
      'hubId',
      `must be ${city.hubId === null ? 'null' : `'${city.hubId}'`} (the hub of city '${city.id}')`,
    );
  }
  if (site.side !== city.side) throw invalid('side', `must be '${city.side}' like city '${city.id}'`);
  if (site.gridRegion !== city.gridRegion) {
    throw invalid('gridRegion', `must be '${city.gridRegion}' like city '${city.id}'`);
  }
  if (site.clusterId !== null) {
    const cluster = await getCluster(sql, site.clusterId);
    if (!cluster) throw invalid('clusterId', `unknown cluster '${site.clusterId}'`);
    if (cluster.hubId !== site.hubId) {
      throw invalid('clusterId', `cluster '${cluster.id}' is in hub '${cluster.hubId}', the site in '${site.hubId}'`);
    }
  }
}

/**
 * The backend token is write-only: responses never carry it, so a client that
 * reads a site and writes it back must not erase it. An omitted token keeps the
 * stored one (same backend kind); "" removes it.
 */
function keepToken(incoming: Site, stored: SiteRecord | null): Site {
  const b = incoming.backend;
  if (b?.kind !== 'slurm') return incoming;
  if (b.token === '') {
    const { token: _t, ...rest } = b;
    return { ...incoming, backend: rest };
  }
  const old = stored?.backend;
  if (b.token === undefined && old?.kind === 'slurm' && old.token) {
    return { ...incoming, backend: { ...b, token: old.token } };
  }
  return incoming;
}

/** What the API returns: the record without secrets. */
export function publicSite(site: SiteRecord): SiteRecord {
  if (site.backend?.kind !== 'slurm' || site.backend.token === undefined) return site;
  const { token: _t, ...backend } = site.backend;
  return { ...site, backend: backend as SiteBackend };
}

export function storeSupplyService(store: Store, clock: Clock, onSitesChanged: () => void = () => {}): SupplyService {
  const must = <T>(v: T | null, what: string, id: string): T => {
    if (v === null) throw notFound(what, id);
    return v;
  };
  const write = async <T>(fn: (sql: Sql) => Promise<T>): Promise<T> => {
    const out = await store.tx(fn);
    onSitesChanged();
    return out;
  };
  return {
    listHubs: () => listHubs(store),
    getHub: async (id) => must(await getHub(store, id), 'hub', id),
    listClusters: (filter = {}) => listClusters(store, filter),
    getCluster: async (id) => must(await getCluster(store, id), 'cluster', id),
    listCities: (filter = {}) => listCities(store, filter),
    getCity: async (id) => must(await getCity(store, id), 'city', id),
    listPairings: () => listPairings(store),
    listSites: async (filter, page) => {
      const p = await listSites(store, filter, page);
      return { ...p, items: p.items.map(publicSite) };
    },
    getSite: async (id) => publicSite(must(await getSite(store, id), 'site', id)),
    createSite: (site) =>
      write(async (sql) => {
        const s = keepToken(site, null);
        checkSite(s);
        await checkReferences(sql, s);
        return publicSite(await insertSite(sql, s, clock.nowS()));
      }),
    registerSite: (site) =>
      write(async (sql) => {
        const s = keepToken(site, await getSite(sql, site.id));
        checkSite(s);
        await checkReferences(sql, s);
        const r = await upsertSite(sql, s, clock.nowS());
        return { site: publicSite(r.site), created: r.created };
      }),
    replaceSite: (id, site, expectedVersion) =>
      write(async (sql) => {
        if (site.id !== id) throw invalid('id', `must be '${id}' as in the path (ids cannot change)`);
        const stored = must(await getSite(sql, id), 'site', id);
        const s = keepToken(site, stored);
        checkSite(s);
        await checkReferences(sql, s);
        return publicSite(await updateSite(sql, s, clock.nowS(), expectedVersion ?? stored.version));
      }),
    patchSite: (id, patch, expectedVersion) =>
      write(async (sql) => {
        const stored = must(await getSite(sql, id), 'site', id);
        const { backend, ...rest } = patch;
        const merged: Site = { ...siteOf(stored), ...rest };
        if (backend === null) delete merged.backend;
        else if (backend !== undefined) merged.backend = backend;
        const s = keepToken(merged, stored);
        checkSite(s);
        await checkReferences(sql, s);
        return publicSite(await updateSite(sql, s, clock.nowS(), expectedVersion ?? stored.version));
      }),
    deleteSite: (id) =>
      write(async (sql) => {
        if (!(await deleteSite(sql, id))) throw notFound('site', id);
      }),
  };
}
