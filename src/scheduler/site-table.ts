/**
 * The sites of a world as flat arrays, plus what is derived from them once:
 * reference prices (the dearest rate of each kind, which normalises the price
 * score), round trips from each origin, and the carbon-intensity table.
 */
import { invalid } from '../domain/errors.js';
import type { Site, SiteStatus } from '../domain/site.js';
import type { TaskResources } from '../domain/task.js';
import { CarbonIntensity } from './carbon-intensity.js';
import { HOURS_PER_MONTH } from './references.js';
import { type SchedulerWorld, WorldIndex } from './world.js';

/** Latency circles (round trip, ms) in which a city looks for its nearest sites: the usual SLA tiers. */
export const NEAR_CIRCLES_MS: readonly number[] = [5, 10, 20, 50];

export const STATUS_UP = 0;
export const STATUS_DRAINING = 1;
export const STATUS_DOWN = 2;
const STATUS_CODE: Record<SiteStatus, number> = { up: STATUS_UP, draining: STATUS_DRAINING, down: STATUS_DOWN };
export const STATUS_NAME: readonly SiteStatus[] = ['up', 'draining', 'down'];

/** The dearest rate of each kind over all sites: the price score's yardstick. */
export interface ReferencePrices {
  fenPerCoreHour: number;
  fenPerGpuHour: number;
  fenPerHpcNodeHour: number;
  fenPerTbMonth: number;
  fenPerGbMoved: number;
}

export function checkStatus(status: string, field = 'status'): SiteStatus {
  if (status !== 'up' && status !== 'down' && status !== 'draining') {
    throw invalid(field, `must be 'up', 'down' or 'draining', got '${status}'`);
  }
  return status;
}

export class SiteTable {
  readonly n: number;
  readonly sites: readonly Site[];
  readonly index: WorldIndex;
  /** 1 for sites on the eastern side of 东数西算. */
  readonly east: Uint8Array;
  readonly pue: Float64Array;
  readonly capCpu: Float64Array;
  readonly capMem: Float64Array;
  readonly capHpc: Float64Array;
  readonly capStorage: Float64Array;
  /** Per site, per GPU pool: count and board power. */
  readonly gpuCount: Float64Array[];
  readonly gpuPowerW: Float64Array[];
  readonly priceMoved: Float64Array;
  private readonly priceCore: Float64Array;
  private readonly priceGpu: Float64Array;
  private readonly priceHpc: Float64Array;
  private readonly priceTbMonth: Float64Array;
  private readonly rateCache = new Map<string, Float64Array>();
  /** Live status code per site (the scheduler's own copy: failures flip it). */
  readonly status: Uint8Array;
  readonly refPrices: ReferencePrices;
  readonly intensity: CarbonIntensity;
  private readonly rttCache = new Map<string, Float64Array>();
  private scarcity: Float64Array | undefined;

  constructor(readonly world: SchedulerWorld) {
    this.sites = world.sites;
    this.n = world.sites.length;
    this.index = new WorldIndex(world);
    this.east = Uint8Array.from(world.sites, (s) => (s.side === 'east' ? 1 : 0));
    this.pue = Float64Array.from(world.sites, (s) => s.pue);
    const col = (f: (s: Site) => number) => Float64Array.from(world.sites, f);
    this.capCpu = col((s) => s.capacity.cpuCores);
    this.capMem = col((s) => s.capacity.memoryGb);
    this.capHpc = col((s) => s.capacity.hpcNodes);
    this.capStorage = col((s) => s.capacity.storageTb);
    this.gpuCount = world.sites.map((s) => Float64Array.from(s.capacity.gpus, (g) => g.count));
    this.gpuPowerW = world.sites.map((s) => Float64Array.from(s.capacity.gpus, (g) => g.powerW));
    this.priceCore = col((s) => s.prices.priceFenPerCoreHour);
    this.priceGpu = col((s) => s.prices.priceFenPerGpuHour);
    this.priceHpc = col((s) => s.prices.priceFenPerHpcNodeHour);
    this.priceTbMonth = col((s) => s.prices.priceFenPerTbMonth);
    this.priceMoved = col((s) => s.prices.priceFenPerGbMoved);
    this.status = Uint8Array.from(world.sites, (s, i) => STATUS_CODE[checkStatus(s.status, `sites[${i}].status`)]);
    const max = (f: (s: Site) => number) => world.sites.reduce((m, s) => Math.max(m, f(s)), 0);
    this.refPrices = {
      fenPerCoreHour: max((s) => s.prices.priceFenPerCoreHour),
      fenPerGpuHour: max((s) => s.prices.priceFenPerGpuHour),
      fenPerHpcNodeHour: max((s) => s.prices.priceFenPerHpcNodeHour),
      fenPerTbMonth: max((s) => s.prices.priceFenPerTbMonth),
      fenPerGbMoved: max((s) => s.prices.priceFenPerGbMoved),
    };
    this.intensity = new CarbonIntensity(world.sites, world.grid);
  }

  /**
   * Per site, how much some city depends on it for low latency: for each city, the sites inside its
   * nearest non-empty latency circle (NEAR_CIRCLES_MS, round trip) share it — 1/k each of k — and a
   * site keeps its highest share over all cities (0 when it is no city's nearest choice).
   */
  nearScarcity(): Float64Array {
    if (this.scarcity) return this.scarcity;
    const out = new Float64Array(this.n);
    const near: number[] = [];
    for (const city of this.world.cities) {
      let rtt: Float64Array;
      try {
        rtt = this.rttFrom(city.id);
      } catch {
        continue; // a city the network cannot reach is nobody's near choice
      }
      for (const r of NEAR_CIRCLES_MS) {
        near.length = 0;
        for (let i = 0; i < this.n; i++) if (rtt[i]! <= r) near.push(i);
        if (near.length === 0) continue;
        for (const i of near) out[i] = Math.max(out[i]!, 1 / near.length);
        break;
      }
    }
    this.scarcity = out;
    return out;
  }

  /** Round trip from an origin place to every site, in ms (cached per origin). */
  rttFrom(origin: string): Float64Array {
    let row = this.rttCache.get(origin);
    if (row) return row;
    row = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) {
      const v = this.world.network.rttMs(origin, this.sites[i]!.id);
      if (!(v >= 0 && Number.isFinite(v))) {
        throw invalid('originCity', `network has no finite round trip from '${origin}' to '${this.sites[i]!.id}'`);
      }
      row[i] = v;
    }
    this.rttCache.set(origin, row);
    return row;
  }

  /** Fen per hour of running `need` at each site (cached per resource shape). */
  computeRates(need: TaskResources): Float64Array {
    const key = `${need.cpuCores},${need.gpus},${need.hpcNodes},${need.storageTb}`;
    let out = this.rateCache.get(key);
    if (out) return out;
    out = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) {
      // the same sum, in the same order, as computeRateFenPerHour (the price plugin's raw cost)
      out[i] =
        need.cpuCores * this.priceCore[i]! +
        need.gpus * this.priceGpu[i]! +
        need.hpcNodes * this.priceHpc[i]! +
        (need.storageTb * this.priceTbMonth[i]!) / HOURS_PER_MONTH;
    }
    this.rateCache.set(key, out);
    return out;
  }

  setStatus(site: number, status: SiteStatus): void {
    this.status[site] = STATUS_CODE[checkStatus(status)];
  }
}
