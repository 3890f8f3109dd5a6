/**
 * The network model: one-way latency and bandwidth between any two places
 * (sites and cities) of a topology.
 *
 * Latency of a pair, in order of preference:
 * 1. a measurement (`{from, to, rttMs | oneWayMs, atS}`; the latest wins and
 *    applies in both directions);
 * 2. the model: great-circle km × 4.9 µs/km × route factor + equipment delay,
 *    never below the intra-city latency (so never 0).
 * The theoretical latency is the straight-line fibre bound (route factor 1).
 *
 * The latency circles (1 · 5 · 20 ms) are ONE-WAY: CAICT's hub-to-hub maximum
 * of 17.1 ms is below the straight-line round trip of the farthest clusters
 * (17.5 ms), and Guizhou's plan states its 20 ms target as 单向 (one-way).
 *
 * The scheduler asks for latencies millions of times per second, so every
 * pair is precomputed in a dense matrix: `placeIndex(id)` gives a small
 * integer and `oneWayMsByIndex(i, j)` reads the Float64Array.
 */
import { invalid, notFound } from '../domain/errors.js';
import { nationalTopologyShared } from '../topology/load.js';
import { TopologyIndex } from '../topology/lookup.js';
import type { Place, Topology } from '../topology/types.js';
import { type BandwidthAssumptions, checkBandwidthAssumptions, DEFAULT_BANDWIDTH } from './bandwidth.js';
import {
  DEFAULT_EQUIPMENT_MS,
  DEFAULT_INTRA_CITY_MS,
  DEFAULT_ROUTE_FACTOR,
  FIBER_MS_PER_KM,
  HUB_LINK_MAX_FACTOR,
} from './fiber.js';
import { greatCircleKm } from './geo.js';

export interface LatencyMeasurement {
  from: string;
  to: string;
  /** Give exactly one of rttMs and oneWayMs. */
  rttMs?: number;
  oneWayMs?: number;
  /** When it was measured (Unix seconds); the latest measurement of a pair wins. */
  atS: number;
}

export interface NetworkModelOptions {
  /** Fibre km per great-circle km of the modelled path (default 1.3). */
  routeFactor?: number;
  /** Fixed delay added to every modelled path between two places, ms (default 0.1). */
  equipmentMs?: number;
  /** Latency within one place or city, and the floor of every modelled path, ms (default 0.5). */
  intraCityMs?: number;
  measurements?: readonly LatencyMeasurement[];
  bandwidth?: BandwidthAssumptions;
}

export interface CircleMember {
  id: string;
  kind: 'site' | 'city';
  oneWayMs: number;
}

export interface HubLinkCheck {
  fromClusterId: string;
  toClusterId: string;
  /** The places that stand for the clusters (each cluster's primary site). */
  fromPlaceId: string;
  toPlaceId: string;
  sameHub: boolean;
  distanceKm: number;
  theoreticalMs: number;
  oneWayMs: number;
  /** maxFactor × theoreticalMs. */
  limitMs: number;
  /** oneWayMs / theoreticalMs. */
  factor: number;
  source: 'measured' | 'modelled';
  pass: boolean;
}

function positive(value: number, field: string, min = 0, inclusive = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (inclusive ? value < min : value <= min)) {
    throw invalid(field, `must be a number ${inclusive ? '≥' : '>'} ${min}, got ${String(value)}`);
  }
  return value;
}

const TIER_CODE = { cluster: 0, city: 1, edge: 2 } as const;
const CITY_PLACE = 3;

export class NetworkModel {
  /** Number of places; matrices are size × size, row = from. */
  readonly size: number;
  readonly routeFactor: number;
  readonly equipmentMs: number;
  readonly intraCityMs: number;
  /** One-way latency of every pair, ms, row-major. Read it through `oneWayMsByIndex`. */
  readonly oneWayMatrix: Float64Array;
  private readonly kmMatrix: Float64Array;
  private readonly ids: string[];
  private readonly index = new Map<string, number>();
  private readonly places: Place[];
  private readonly lookup: TopologyIndex;
  private readonly accessCode: Uint8Array;
  private readonly hubOf: Int32Array;
  private readonly pairedHubs: Uint8Array;
  private readonly hubCount: number;
  private readonly bandwidth: BandwidthAssumptions;
  private readonly measurements = new Map<number, LatencyMeasurement>();
  private readonly topology: Readonly<Topology>;

  constructor(topology: Readonly<Topology>, options: NetworkModelOptions = {}) {
    this.topology = topology;
    this.routeFactor = positive(options.routeFactor ?? DEFAULT_ROUTE_FACTOR, 'routeFactor', 1, true);
    this.equipmentMs = positive(options.equipmentMs ?? DEFAULT_EQUIPMENT_MS, 'equipmentMs', 0, true);
    this.intraCityMs = positive(options.intraCityMs ?? DEFAULT_INTRA_CITY_MS, 'intraCityMs');
    this.bandwidth = options.bandwidth ?? DEFAULT_BANDWIDTH;
    checkBandwidthAssumptions(this.bandwidth);

    this.lookup = new TopologyIndex(topology);
    this.places = this.lookup.allPlaces();
    const n = this.places.length;
    this.size = n;
    this.ids = this.places.map((p) => p.id);
    for (let i = 0; i < n; i++) this.index.set(this.ids[i]!, i);

    const hubIds = topology.hubs.map((h) => h.id);
    this.hubCount = hubIds.length;
    this.hubOf = new Int32Array(this.places.map((p) => (p.hubId === null ? -1 : hubIds.indexOf(p.hubId))));
    this.pairedHubs = new Uint8Array(this.hubCount * this.hubCount);
    for (const p of topology.pairings) {
      const e = hubIds.indexOf(p.eastHubId);
      const w = hubIds.indexOf(p.westHubId);
      if (e >= 0 && w >= 0) {
        this.pairedHubs[e * this.hubCount + w] = 1;
        this.pairedHubs[w * this.hubCount + e] = 1;
      }
    }
    this.accessCode = new Uint8Array(this.places.map((p) => (p.tier === null ? CITY_PLACE : TIER_CODE[p.tier])));

    this.kmMatrix = new Float64Array(n * n);
    this.oneWayMatrix = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const km = i === j ? 0 : greatCircleKm(this.places[i]!, this.places[j]!);
        this.kmMatrix[i * n + j] = km;
        this.kmMatrix[j * n + i] = km;
        const ms = this.modelledMs(i, j);
        this.oneWayMatrix[i * n + j] = ms;
        this.oneWayMatrix[j * n + i] = ms;
      }
    }
    for (const m of options.measurements ?? []) this.addMeasurement(m);
  }

  /** Ids of all places, in index order. */
  placeIds(): readonly string[] {
    return this.ids;
  }

  /** True if the id (or Chinese name) is a place of this model. */
  hasPlace(idOrNameZh: string): boolean {
    return this.lookup.resolve(idOrNameZh) !== undefined;
  }

  /** Small integer of a place (site or city id, or Chinese name). Throws DomainError('not_found'). */
  placeIndex(idOrNameZh: string): number {
    const direct = this.index.get(idOrNameZh);
    if (direct !== undefined) return direct;
    const id = this.lookup.resolve(idOrNameZh);
    if (id === undefined) throw notFound('place', idOrNameZh);
    return this.index.get(id)!;
  }

  /** The place behind an index or id. */
  place(idOrIndex: string | number): Place {
    const i = typeof idOrIndex === 'number' ? idOrIndex : this.placeIndex(idOrIndex);
    const p = this.places[i];
    if (!p) throw notFound('place index', String(idOrIndex));
    return { ...p };
  }

  /** Fast path: one-way ms between two place indices (no checks: indices must be valid). */
  oneWayMsByIndex(i: number, j: number): number {
    return this.oneWayMatrix[i * this.size + j]!;
  }

  rttMsByIndex(i: number, j: number): number {
    return 2 * this.oneWayMatrix[i * this.size + j]!;
  }

  oneWayMs(a: string, b: string): number {
    return this.oneWayMsByIndex(this.placeIndex(a), this.placeIndex(b));
  }

  rttMs(a: string, b: string): number {
    return 2 * this.oneWayMs(a, b);
  }

  /** Great-circle distance between two places, km. */
  distanceKm(a: string, b: string): number {
    return this.kmMatrix[this.placeIndex(a) * this.size + this.placeIndex(b)]!;
  }

  /** Straight-line fibre bound: great-circle km × 4.9 µs/km (0 for the same place). */
  theoreticalOneWayMs(a: string, b: string): number {
    return this.distanceKm(a, b) * FIBER_MS_PER_KM;
  }

  /** What the model says without measurements. */
  modelledOneWayMs(a: string, b: string): number {
    return this.modelledMs(this.placeIndex(a), this.placeIndex(b));
  }

  private modelledMs(i: number, j: number): number {
    if (i === j) return this.intraCityMs;
    const km = this.kmMatrix[i * this.size + j]!;
    return Math.max(this.intraCityMs, km * FIBER_MS_PER_KM * this.routeFactor + this.equipmentMs);
  }

  private pairKey(i: number, j: number): number {
    return i <= j ? i * this.size + j : j * this.size + i;
  }

  /**
   * Record a measured latency; it replaces the model for that pair in both
   * directions unless an equally recent or newer measurement is already held.
   */
  addMeasurement(m: LatencyMeasurement): void {
    if (m === null || typeof m !== 'object') throw invalid('measurement', 'must be an object');
    const i = this.placeIndex(String(m.from));
    const j = this.placeIndex(String(m.to));
    const hasRtt = m.rttMs !== undefined;
    const hasOneWay = m.oneWayMs !== undefined;
    if (hasRtt === hasOneWay) throw invalid(hasRtt ? 'oneWayMs' : 'rttMs', 'give exactly one of rttMs and oneWayMs');
    const oneWay = hasRtt ? positive(m.rttMs!, 'rttMs') / 2 : positive(m.oneWayMs!, 'oneWayMs');
    if (typeof m.atS !== 'number' || !Number.isFinite(m.atS)) throw invalid('atS', 'must be a time in Unix seconds');
    const key = this.pairKey(i, j);
    const held = this.measurements.get(key);
    if (held && held.atS > m.atS) return;
    this.measurements.set(key, { ...m, from: this.ids[i]!, to: this.ids[j]! });
    this.oneWayMatrix[i * this.size + j] = oneWay;
    this.oneWayMatrix[j * this.size + i] = oneWay;
  }

  /** Forget the measurement of a pair: the model applies again. */
  clearMeasurement(a: string, b: string): void {
    const i = this.placeIndex(a);
    const j = this.placeIndex(b);
    this.measurements.delete(this.pairKey(i, j));
    const ms = this.modelledMs(i, j);
    this.oneWayMatrix[i * this.size + j] = ms;
    this.oneWayMatrix[j * this.size + i] = ms;
  }

  /** The measurement in force for a pair, if any. */
  measurementFor(a: string, b: string): LatencyMeasurement | undefined {
    const m = this.measurements.get(this.pairKey(this.placeIndex(a), this.placeIndex(b)));
    return m ? { ...m } : undefined;
  }

  /** Bandwidth one bulk transfer between two places can expect, Gbps (see bandwidth.ts). */
  bandwidthGbps(a: string, b: string): number {
    return this.bandwidthGbpsByIndex(this.placeIndex(a), this.placeIndex(b));
  }

  bandwidthGbpsByIndex(i: number, j: number): number {
    const access = this.bandwidth.accessGbps;
    const accessOf = (k: number): number => {
      const code = this.accessCode[k];
      return code === 0 ? access.cluster : code === 1 ? access.city : code === 2 ? access.edge : access.cityPlace;
    };
    const ha = this.hubOf[i]!;
    const hb = this.hubOf[j]!;
    const bb = this.bandwidth.backboneGbps;
    let backbone: number;
    if (i === j) backbone = Number.POSITIVE_INFINITY;
    else if (ha < 0 || hb < 0) backbone = bb.offHub;
    else if (ha === hb) backbone = bb.sameHub;
    else if (this.pairedHubs[ha * this.hubCount + hb]) backbone = bb.pairedHubs;
    else backbone = bb.otherHubs;
    return Math.min(accessOf(i), accessOf(j), backbone);
  }

  /** Seconds to move `dataGb` gigabytes from a to b: serialisation at the path bandwidth plus latency. */
  transferSeconds(a: string, b: string, dataGb: number): number {
    positive(dataGb, 'dataGb', 0, true);
    const i = this.placeIndex(a);
    const j = this.placeIndex(b);
    return (dataGb * 8) / this.bandwidthGbpsByIndex(i, j) + this.oneWayMsByIndex(i, j) / 1000;
  }

  /**
   * Places (sites and cities) within `oneWayMs` of the centre (inclusive), the
   * centre itself included, nearest first.
   */
  withinCircle(centerId: string, oneWayMs: number, kind?: 'site' | 'city'): CircleMember[] {
    const c = this.placeIndex(centerId);
    positive(oneWayMs, 'oneWayMs');
    const out: CircleMember[] = [];
    for (let j = 0; j < this.size; j++) {
      const ms = this.oneWayMatrix[c * this.size + j]!;
      const p = this.places[j]!;
      if (ms <= oneWayMs && (kind === undefined || p.kind === kind)) out.push({ id: p.id, kind: p.kind, oneWayMs: ms });
    }
    return out.sort((x, y) => x.oneWayMs - y.oneWayMs || (x.id < y.id ? -1 : 1));
  }

  /**
   * For every pair of clusters: the latency in force (measured or modelled)
   * against `maxFactor` × the theoretical latency between the clusters'
   * primary sites. The policy asks ≤ 1.5× between hub clusters.
   */
  checkHubLinks(maxFactor = HUB_LINK_MAX_FACTOR): HubLinkCheck[] {
    positive(maxFactor, 'maxFactor', 1, true);
    const clusters = this.topology.clusters;
    const out: HubLinkCheck[] = [];
    for (let x = 0; x < clusters.length; x++) {
      for (let y = x + 1; y < clusters.length; y++) {
        const a = clusters[x]!;
        const b = clusters[y]!;
        const i = this.placeIndex(a.primarySiteId);
        const j = this.placeIndex(b.primarySiteId);
        const distanceKm = this.kmMatrix[i * this.size + j]!;
        const theoreticalMs = distanceKm * FIBER_MS_PER_KM;
        const oneWayMs = this.oneWayMsByIndex(i, j);
        const limitMs = maxFactor * theoreticalMs;
        out.push({
          fromClusterId: a.id,
          toClusterId: b.id,
          fromPlaceId: this.ids[i]!,
          toPlaceId: this.ids[j]!,
          sameHub: a.hubId === b.hubId,
          distanceKm,
          theoreticalMs,
          oneWayMs,
          limitMs,
          factor: theoreticalMs > 0 ? oneWayMs / theoreticalMs : Number.POSITIVE_INFINITY,
          source: this.measurements.has(this.pairKey(i, j)) ? 'measured' : 'modelled',
          pass: oneWayMs <= limitMs,
        });
      }
    }
    return out;
  }
}

/** A new model of the shipped national topology (cheap: ~100 places). */
export function nationalNetworkModel(options?: NetworkModelOptions): NetworkModel {
  return new NetworkModel(nationalTopologyShared(), options);
}
