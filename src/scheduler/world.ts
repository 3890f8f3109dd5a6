/**
 * What the scheduler needs to know about the world, as minimal structural
 * interfaces: the topology, network and grid-profile modules satisfy them
 * without importing anything from here, and tests can hand-make small worlds.
 */
import type { Side, Site } from '../domain/site.js';

/** Latency between places (cities and sites), from the network model. */
export interface LatencyModel {
  /** Round-trip time between two places, in ms. Throws for an unknown place. */
  rttMs(a: string, b: string): number;
}

/** Hourly grid carbon and green-power profiles per site (UTC+8 curves). */
export interface GridProfileSource {
  carbonGPerKwhAt(siteId: string, atS: number): number;
  greenShareAt(siteId: string, atS: number): number;
  /**
   * True when every day repeats the one before (hourly curves of a day): a time and the same time a
   * day later have the same figures, so the scheduler samples each site 24 times, not once an hour.
   */
  readonly repeatsDaily?: boolean;
}

/** A national hub (国家枢纽节点) as far as placement rules care. */
export interface HubInfo {
  id: string;
  side: Side;
  /** Provinces the hub covers (a city there belongs to the hub's home region). */
  provinces?: readonly string[];
  /** Hubs on the other side this hub is paired with (结对子). */
  pairedWith?: readonly string[];
}

/** A place work can come from: a demand city (or a hub city). */
export interface CityInfo {
  id: string;
  province: string;
  /** Hub the city belongs to, if any; derived from the hubs' provinces when absent. */
  hubId?: string | null;
  /** Hubs this city is paired with directly (a 结对子 of a non-hub city with a western hub). */
  pairedHubs?: readonly string[];
}

export interface SchedulerWorld {
  sites: readonly Site[];
  network: LatencyModel;
  /** Absent: each site's average grid factor and green share, constant in time. */
  grid?: GridProfileSource;
  hubs: readonly HubInfo[];
  cities: readonly CityInfo[];
  /** Resolves another spelling of a place (e.g. a Chinese name, "上海") to its id; undefined if unknown. */
  resolvePlace?(idOrName: string): string | undefined;
}

/** Where a task's origin is, resolved once: its province and home hub. */
export interface OriginInfo {
  id: string;
  province: string;
  hubId: string | null;
  /** Hubs pairedOnly tasks from here may use: the home hub and its partners, plus direct pairings. */
  pairedHubs: readonly string[];
}

/** Per-world lookups the filters share; built once per world. */
export class WorldIndex {
  readonly siteIndex = new Map<string, number>();
  private readonly hubs = new Map<string, HubInfo>();
  private readonly hubOfProvince = new Map<string, string>();
  private readonly origins = new Map<string, OriginInfo | null>();
  private readonly cities = new Map<string, CityInfo>();

  constructor(readonly world: SchedulerWorld) {
    world.sites.forEach((s, i) => {
      if (this.siteIndex.has(s.id)) throw new Error(`duplicate site id '${s.id}' in the scheduler world`);
      this.siteIndex.set(s.id, i);
    });
    for (const h of world.hubs) {
      this.hubs.set(h.id, h);
      for (const p of h.provinces ?? []) this.hubOfProvince.set(p, h.id);
    }
    for (const c of world.cities) this.cities.set(c.id, c);
  }

  hub(id: string): HubInfo | undefined {
    return this.hubs.get(id);
  }

  /** Hub whose provinces include `province`, or null. */
  hubOfProvinceName(province: string): string | null {
    return this.hubOfProvince.get(province) ?? null;
  }

  /** The hub region a site belongs to: its own hub, else the hub covering its province. */
  regionHubOfSite(site: Site): string | null {
    return site.hubId ?? this.hubOfProvinceName(site.province);
  }

  /** An origin is a known city, or a site (data already stored there). Null when unknown. */
  origin(id: string): OriginInfo | null {
    const cached = this.origins.get(id);
    if (cached !== undefined) return cached;
    let info: OriginInfo | null = null;
    const key = this.cities.has(id) || this.siteIndex.has(id) ? id : (this.world.resolvePlace?.(id) ?? id);
    const city = this.cities.get(key);
    const siteIdx = this.siteIndex.get(key);
    if (city) {
      const hubId = city.hubId !== undefined ? city.hubId : this.hubOfProvinceName(city.province);
      info = { id: key, province: city.province, hubId, pairedHubs: this.pairedOf(hubId, city.pairedHubs ?? []) };
    } else if (siteIdx !== undefined) {
      const site = this.world.sites[siteIdx]!;
      const hubId = this.regionHubOfSite(site);
      info = { id: key, province: site.province, hubId, pairedHubs: this.pairedOf(hubId, []) };
    }
    this.origins.set(id, info);
    return info;
  }

  private pairedOf(hubId: string | null, direct: readonly string[]): string[] {
    const out = new Set<string>(direct);
    if (hubId !== null) {
      out.add(hubId);
      for (const p of this.hubs.get(hubId)?.pairedWith ?? []) out.add(p);
    }
    return [...out].sort();
  }
}
