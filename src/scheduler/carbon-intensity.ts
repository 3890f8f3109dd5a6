/**
 * Effective carbon intensity of a site's electricity over time:
 * grid factor × (1 − green share), in gCO2 per facility kWh.
 *
 * The grid profiles are hourly curves, so the intensity is taken as constant
 * within each clock hour (sampled at the hour's midpoint) and a run's mean is
 * an exact integral of that step function, read from per-week prefix sums in
 * O(1). Without profiles each site's yearly averages apply at every hour.
 */
import { DomainError } from '../domain/errors.js';
import type { Site } from '../domain/site.js';
import type { GridProfileSource } from './world.js';

const HOUR_S = 3600;
/** Hours per cached chunk (a week: long runs touch few chunks). */
const CHUNK_H = 168;

interface Chunk {
  /** Intensity of each hour of the chunk. */
  value: Float64Array;
  /** prefix[h] = Σ value[0..h) (in g/kWh·hours). */
  prefix: Float64Array;
  min: number;
}

export class CarbonIntensity {
  private readonly chunks: Map<number, Chunk>[];
  private readonly constant: Float64Array;

  constructor(
    private readonly sites: readonly Site[],
    private readonly grid?: GridProfileSource,
  ) {
    this.chunks = sites.map(() => new Map());
    this.constant = Float64Array.from(sites, (s) => s.gridCarbonGPerKwh * (1 - s.greenShare));
  }

  get timeVarying(): boolean {
    return this.grid !== undefined;
  }

  /** Intensity of the clock hour containing tS. */
  at(site: number, tS: number): number {
    if (!this.grid) return this.constant[site]!;
    const h = Math.floor(tS / HOUR_S);
    const c = this.chunk(site, Math.floor(h / CHUNK_H));
    return c.value[h - Math.floor(h / CHUNK_H) * CHUNK_H]!;
  }

  /** Mean intensity over [startS, endS) (endS > startS). */
  mean(site: number, startS: number, endS: number): number {
    if (!this.grid) return this.constant[site]!;
    return this.integralH(site, startS / HOUR_S, endS / HOUR_S) / ((endS - startS) / HOUR_S);
  }

  /** Lowest hourly intensity over the hours touching [fromS, toS). */
  min(site: number, fromS: number, toS: number): number {
    if (!this.grid) return this.constant[site]!;
    const h0 = Math.floor(fromS / HOUR_S);
    const h1 = Math.ceil(toS / HOUR_S);
    let best = Number.POSITIVE_INFINITY;
    let h = h0;
    while (h < h1) {
      const ci = Math.floor(h / CHUNK_H);
      const c = this.chunk(site, ci);
      const base = ci * CHUNK_H;
      const end = Math.min(h1, base + CHUNK_H);
      if (h === base && end === base + CHUNK_H) {
        if (c.min < best) best = c.min;
      } else {
        for (let k = h - base; k < end - base; k++) if (c.value[k]! < best) best = c.value[k]!;
      }
      h = end;
    }
    return best;
  }

  /** ∫ intensity dt over [a, b) in hours (a ≤ b). */
  private integralH(site: number, a: number, b: number): number {
    let sum = 0;
    let x = a;
    while (x < b) {
      const ci = Math.floor(x / CHUNK_H);
      const base = ci * CHUNK_H;
      const c = this.chunk(site, ci);
      const y = Math.min(b, base + CHUNK_H);
      sum += cumulative(c, y - base) - cumulative(c, x - base);
      x = y;
    }
    return sum;
  }

  private chunk(site: number, ci: number): Chunk {
    const map = this.chunks[site]!;
    let c = map.get(ci);
    if (c) return c;
    const grid = this.grid!;
    const id = this.sites[site]!.id;
    const value = new Float64Array(CHUNK_H);
    const prefix = new Float64Array(CHUNK_H + 1);
    let min = Number.POSITIVE_INFINITY;
    for (let k = 0; k < CHUNK_H; k++) {
      const t = (ci * CHUNK_H + k) * HOUR_S + HOUR_S / 2;
      const g = grid.carbonGPerKwhAt(id, t);
      const green = grid.greenShareAt(id, t);
      if (!(g >= 0 && Number.isFinite(g)) || !(green >= 0 && green <= 1)) {
        throw new DomainError(
          'unavailable',
          `grid profile of site '${id}' at ${t}: carbon ${g} g/kWh, green share ${green} (need ≥ 0 and 0..1)`,
        );
      }
      const v = g * (1 - green);
      value[k] = v;
      prefix[k + 1] = prefix[k]! + v;
      if (v < min) min = v;
    }
    c = { value, prefix, min };
    map.set(ci, c);
    return c;
  }
}

/** ∫ over [0, x) hours of a chunk, 0 ≤ x ≤ CHUNK_H. */
function cumulative(c: Chunk, x: number): number {
  if (x <= 0) return 0;
  if (x >= CHUNK_H) return c.prefix[CHUNK_H]!;
  const h = Math.floor(x);
  return c.prefix[h]! + (x - h) * c.value[h]!;
}
