/**
 * The national topology of 东数西算: 8 hubs, 10 data-center clusters, the
 * places (cities) demand comes from, the east–west pairings (结对子) and every
 * site (cluster campuses, city sites, edge nodes: "1+10+N"). `Site` itself is
 * the shared domain type (src/domain/site.ts).
 */
import type { Side, Site } from '../domain/site.js';

/** MEE grid regions (区域电网). */
export type GridRegion = '华北' | '东北' | '华东' | '华中' | '西北' | '南方' | '西南';

export const GRID_REGIONS: readonly GridRegion[] = ['华北', '东北', '华东', '华中', '西北', '南方', '西南'];

/** A national compute hub (国家枢纽节点). */
export interface Hub {
  id: string;
  name: string;
  nameZh: string;
  side: Side;
  /** Provinces (short Chinese names, e.g. "内蒙古") whose cities belong to the hub. */
  provinces: string[];
  gridRegion: GridRegion;
  anchorCityId: string;
  lat: number;
  lon: number;
  /** Derived on load: the hub's clusters. */
  clusterIds: string[];
  /** Derived on load from the pairings: partner hubs on the other side (结对子). */
  pairedWith: string[];
}

/** A national data-center cluster (国家数据中心集群). */
export interface Cluster {
  id: string;
  name: string;
  nameZh: string;
  hubId: string;
  provinces: string[];
  /** City the cluster belongs to administratively (a `City` id). */
  cityId: string;
  lat: number;
  lon: number;
  /** Start zones (起步区) named in the approval. */
  startZones: string[];
  note: string;
  /** The site that represents the cluster in network checks (first campus). */
  primarySiteId: string;
  /** Derived on load: every site of the cluster. */
  siteIds: string[];
}

/** How a pairing is known: the NDRC approval, a provincial plan, press reports, or our assumption. */
export type PairingBasis = 'approval' | 'provincial-plan' | 'reported' | 'assumed';

/** An eastern hub paired with a western hub that takes its work (结对子). */
export interface Pairing {
  eastHubId: string;
  westHubId: string;
  basis: PairingBasis;
  note: string;
}

/** A city: where demand (users, data) is, and where sites stand. */
export interface City {
  /** Pinyin (or the established English name for Mongolian-origin names), lowercase ascii. */
  id: string;
  name: string;
  nameZh: string;
  /** Short Chinese province name, e.g. "广东", "内蒙古", "香港". */
  province: string;
  /** MEE grid region; null for Hong Kong and Macao (not in the MEE grid regions). */
  gridRegion: GridRegion | null;
  side: Side;
  lat: number;
  lon: number;
  /** True for cities that generate demand (users, data) in scenarios. */
  demand: boolean;
  coordSource: 'pyecharts' | 'public-knowledge';
  /** Derived on load: the hub whose provinces include this city, or null. */
  hubId: string | null;
}

export interface Topology {
  hubs: Hub[];
  clusters: Cluster[];
  cities: City[];
  sites: Site[];
  pairings: Pairing[];
}

/** A point of the network: a site or a city, with what the network model and data rules need. */
export interface Place {
  id: string;
  kind: 'site' | 'city';
  name: string;
  nameZh: string;
  lat: number;
  lon: number;
  hubId: string | null;
  province: string;
  gridRegion: string | null;
  side: Side;
  /** For a site, the city it stands in; for a city, its own id. */
  cityId: string;
  /** Sites only: tier ('cluster' | 'city' | 'edge'); cities: null. */
  tier: Site['tier'] | null;
}
