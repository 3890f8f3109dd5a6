/**
 * Lookups over a topology: places (sites and cities) by id or Chinese name,
 * the hub of a city, a hub's partners. `TopologyIndex` works on any topology
 * (tests and simulations build their own); the free functions use the
 * national one.
 */
import { DomainError, notFound } from '../domain/errors.js';
import type { Site } from '../domain/site.js';
import { nationalTopologyShared } from './load.js';
import type { City, Cluster, Hub, Place, Topology } from './types.js';

function siteToPlace(s: Site): Place {
  return {
    id: s.id,
    kind: 'site',
    name: s.name,
    nameZh: s.nameZh,
    lat: s.lat,
    lon: s.lon,
    hubId: s.hubId,
    province: s.province,
    gridRegion: s.gridRegion,
    side: s.side,
    cityId: s.city,
    tier: s.tier,
  };
}

function cityToPlace(c: City): Place {
  return {
    id: c.id,
    kind: 'city',
    name: c.name,
    nameZh: c.nameZh,
    lat: c.lat,
    lon: c.lon,
    hubId: c.hubId,
    province: c.province,
    gridRegion: c.gridRegion,
    side: c.side,
    cityId: c.id,
    tier: null,
  };
}

/** Chinese place names are often written with their administrative suffix. */
const ZH_SUFFIXES = ['特别行政区', '市', '县', '区'];

function stripZhSuffix(name: string): string {
  for (const suffix of ZH_SUFFIXES) {
    if (name.length > suffix.length + 1 && name.endsWith(suffix)) return name.slice(0, -suffix.length);
  }
  return name;
}

export class TopologyIndex {
  private readonly places = new Map<string, Place>();
  private readonly byZh = new Map<string, string>();
  private readonly hubs: Map<string, Hub>;
  private readonly clusters: Map<string, Cluster>;
  private readonly cities: Map<string, City>;
  private readonly sites: Map<string, Site>;

  constructor(readonly topology: Readonly<Topology>) {
    this.hubs = new Map(topology.hubs.map((h) => [h.id, h]));
    this.clusters = new Map(topology.clusters.map((c) => [c.id, c]));
    this.cities = new Map(topology.cities.map((c) => [c.id, c]));
    this.sites = new Map(topology.sites.map((s) => [s.id, s]));
    for (const c of topology.cities) this.addPlace(cityToPlace(c));
    for (const s of topology.sites) this.addPlace(siteToPlace(s));
  }

  private addPlace(p: Place): void {
    if (this.places.has(p.id)) throw new DomainError('conflict', `place id '${p.id}' is used twice`);
    this.places.set(p.id, p);
    // Cities win a Chinese-name clash with a site: "北京" means the city.
    const zh = stripZhSuffix(p.nameZh);
    if (!this.byZh.has(zh)) this.byZh.set(zh, p.id);
  }

  /** The place id for an id or a Chinese name ("北京", "北京市"); undefined if unknown. */
  resolve(idOrNameZh: string): string | undefined {
    if (this.places.has(idOrNameZh)) return idOrNameZh;
    return this.byZh.get(idOrNameZh) ?? this.byZh.get(stripZhSuffix(idOrNameZh.trim()));
  }

  /** A site or a city by id or Chinese name. Throws DomainError('not_found'). */
  placeById(idOrNameZh: string): Place {
    const id = this.resolve(idOrNameZh);
    if (id === undefined) throw notFound('place', idOrNameZh);
    return { ...this.places.get(id)! };
  }

  hasPlace(idOrNameZh: string): boolean {
    return this.resolve(idOrNameZh) !== undefined;
  }

  allPlaces(): Place[] {
    return [...this.places.values()];
  }

  city(idOrNameZh: string): City {
    const id = this.resolve(idOrNameZh);
    const city = id === undefined ? undefined : this.cities.get(id);
    if (!city) throw notFound('city', idOrNameZh);
    return city;
  }

  site(id: string): Site {
    const site = this.sites.get(id);
    if (!site) throw notFound('site', id);
    return site;
  }

  hub(id: string): Hub {
    const hub = this.hubs.get(id);
    if (!hub) throw notFound('hub', id);
    return hub;
  }

  cluster(id: string): Cluster {
    const cluster = this.clusters.get(id);
    if (!cluster) throw notFound('cluster', id);
    return cluster;
  }

  /** The hub of a city (id or Chinese name), or null when the city is in no hub. */
  hubOfCity(cityIdOrNameZh: string): string | null {
    return this.city(cityIdOrNameZh).hubId;
  }

  /** The hub itself and its partners across the east–west pairing. */
  pairedHubIds(hubId: string): string[] {
    return [hubId, ...this.hub(hubId).pairedWith];
  }
}

let cachedIndex: TopologyIndex | undefined;

/** Index over the shipped national topology (built once). */
export function nationalTopologyIndex(): TopologyIndex {
  if (!cachedIndex) cachedIndex = new TopologyIndex(nationalTopologyShared());
  return cachedIndex;
}

/** Hub of a city of the national topology, or null. Throws not_found for unknown cities. */
export function hubOfCity(cityId: string): string | null {
  return nationalTopologyIndex().hubOfCity(cityId);
}

/** A site or city of the national topology, by id or Chinese name. */
export function placeById(id: string): Place {
  return nationalTopologyIndex().placeById(id);
}
