/**
 * Effective carbon intensity of a site's electricity over time:
 * grid factor × (1 − green share), in gCO2 per facility kWh.
 *
 * The grid profiles are hourly curves, so the intensity is taken as constant
 * within each clock hour (sampled at the hour's midpoint) and a run's mean is
 * an exact integral of that step function, read from prefix sums in O(1).
 * Hours are filled on demand into one dense array per site starting at the
 * first hour asked about (decisions only look forward; an earlier question
 * is answered by summing directly). Without profiles each site's annual
 * averages apply at every hour.
 */
import { DomainError } from '../domain/errors.js';
import type { Site } from '../domain/site.js';
import type { GridProfileSource } from './world.js';

const HOUR_S = 3600;

interface Series {
  /** Hour index (since the epoch) of value[0]. */
  baseH: number;
  /** Hours filled. */
  len: number;
  value: Float64Array;
  /** prefix[h] = Σ value[0..h), g/kWh·hours. */
  prefix: Float64Array;
}

export class CarbonIntensity {
  private readonly series: (Series | undefined)[];
  private readonly constant: Float64Array;
  private readonly minCache = new Map<string, Float64Array>();

  constructor(
    private readonly sites: readonly Site[],
    private readonly grid?: GridProfileSource,
  ) {
    this.series = sites.map(() => undefined);
    this.constant = Float64Array.from(sites, (s) => s.gridCarbonGPerKwh * (1 - s.greenShare));
  }

  get timeVarying(): boolean {
    return this.grid !== undefined;
  }

  /** Intensity of the clock hour containing tS. */
  at(site: number, tS: number): number {
    if (!this.grid) return this.constant[site]!;
    const h = Math.floor(tS / HOUR_S);
    const s = this.ensure(site, h, h + 1);
    return h >= s.baseH ? s.value[h - s.baseH]! : this.sample(site, h);
  }

  /** Mean intensity over [startS, endS) (endS > startS). */
  mean(site: number, startS: number, endS: number): number {
    if (!this.grid) return this.constant[site]!;
    const a = startS / HOUR_S;
    const b = endS / HOUR_S;
    const hit = this.series[site];
    // the usual case: the hours are already filled, read the prefix sums directly
    if (hit !== undefined && a >= hit.baseH && b <= hit.baseH + hit.len) {
      const oa = a - hit.baseH;
      const ob = b - hit.baseH;
      const ha = Math.floor(oa);
      const hb = Math.floor(ob);
      const ca = hit.prefix[ha]! + (oa - ha) * hit.value[ha]!;
      const cb = hb >= hit.len ? hit.prefix[hit.len]! : hit.prefix[hb]! + (ob - hb) * hit.value[hb]!;
      return (cb - ca) / (b - a);
    }
    const s = this.ensure(site, Math.floor(a), Math.ceil(b));
    if (a < s.baseH) return this.slowIntegral(site, a, b) / (b - a);
    return (cumulative(s, b) - cumulative(s, a)) / (b - a);
  }

  /** Lowest hourly intensity of every site over the hours touching [fromS, toS) (cached per window). */
  minimums(fromS: number, toS: number): Float64Array {
    const key = `${fromS}:${toS}`;
    let out = this.minCache.get(key);
    if (out) return out;
    out = new Float64Array(this.sites.length);
    const h0 = Math.floor(fromS / HOUR_S);
    const h1 = Math.ceil(toS / HOUR_S);
    for (let i = 0; i < this.sites.length; i++) {
      if (!this.grid) {
        out[i] = this.constant[i]!;
        continue;
      }
      let m = Number.POSITIVE_INFINITY;
      for (let h = h0; h < h1; h++) {
        const v = this.at(i, h * HOUR_S);
        if (v < m) m = v;
      }
      out[i] = m;
    }
    if (this.minCache.size > 16) this.minCache.clear();
    this.minCache.set(key, out);
    return out;
  }

  /** Make sure hours [h0, h1) are filled (when h0 is not before the series' start). */
  private ensure(site: number, h0: number, h1: number): Series {
    let s = this.series[site];
    if (!s) {
      const cap = Math.max(1024, h1 - h0 + 256);
      s = { baseH: h0, len: 0, value: new Float64Array(cap), prefix: new Float64Array(cap + 1) };
      this.series[site] = s;
    }
    const need = h1 - s.baseH;
    if (need <= s.len) return s;
    if (need > s.value.length) {
      const cap = Math.max(need + 256, s.value.length * 2);
      const value = new Float64Array(cap);
      value.set(s.value.subarray(0, s.len));
      const prefix = new Float64Array(cap + 1);
      prefix.set(s.prefix.subarray(0, s.len + 1));
      s.value = value;
      s.prefix = prefix;
    }
    for (let k = s.len; k < need; k++) {
      const v = this.sample(site, s.baseH + k);
      s.value[k] = v;
      s.prefix[k + 1] = s.prefix[k]! + v;
    }
    s.len = need;
    return s;
  }

  private slowIntegral(site: number, a: number, b: number): number {
    let sum = 0;
    for (let h = Math.floor(a); h < b; h++) sum += (Math.min(b, h + 1) - Math.max(a, h)) * this.sample(site, h);
    return sum;
  }

  private sample(site: number, h: number): number {
    const grid = this.grid!;
    const id = this.sites[site]!.id;
    const t = h * HOUR_S + HOUR_S / 2;
    const g = grid.carbonGPerKwhAt(id, t);
    // derived curves may overshoot 1 by float noise (1.0000000000000002): clamp that, refuse real errors
    const raw = grid.greenShareAt(id, t);
    const green = raw > 1 && raw <= 1 + 1e-9 ? 1 : raw < 0 && raw >= -1e-9 ? 0 : raw;
    if (!(g >= 0 && Number.isFinite(g)) || !(green >= 0 && green <= 1)) {
      throw new DomainError(
        'unavailable',
        `grid profile of site '${id}' at ${t}: carbon ${g} g/kWh, green share ${raw} (need ≥ 0 and 0..1)`,
      );
    }
    return g * (1 - green);
  }
}

/** ∫ over [baseH, x) hours, baseH ≤ x ≤ baseH + len. */
function cumulative(s: Series, x: number): number {
  const off = x - s.baseH;
  const h = Math.floor(off);
  if (h >= s.len) return s.prefix[s.len]!;
  return s.prefix[h]! + (off - h) * s.value[h]!;
}
