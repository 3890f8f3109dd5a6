/**
 * Effective carbon intensity of a site's electricity over time:
 * grid factor × (1 − green share), in gCO2 per facility kWh.
 *
 * The grid profiles are hourly curves, so the intensity is taken as constant
 * within each clock hour (sampled at the hour's midpoint) and a run's mean is
 * an exact integral of that step function, read from prefix sums in O(1).
 * Hours are filled on demand, for every site at once, into hour-major tables
 * starting at the first hour asked about (decisions only look forward; an
 * earlier question is answered by summing directly). Without profiles each
 * site's annual averages apply at every hour; profiles that repeat daily are
 * sampled for one day and copied to the next.
 */
import { DomainError } from '../domain/errors.js';
import type { Site } from '../domain/site.js';
import type { GridProfileSource } from './world.js';

const HOUR_S = 3600;
const HOURS_PER_DAY = 24;

export class CarbonIntensity {
  /**
   * value[k·n + site] is the intensity of hour baseH + k, hour-major (`minimums` reads every site of
   * an hour). A run's mean reads `sums`, site-major, two numbers per (site, hour) side by side: at
   * 2(site·stride + k) the prefix Σ value of the hours before hour k (g/kWh·hours), then hour k's
   * value. A decision's candidates are scattered sites, each tried at a few consecutive start hours:
   * this way a candidate's run ends fall in a line or two, where hour-major tables with the prefix
   * and the value apart took two lines a run end (cache-simulated, the walk's L1 read misses: −32%
   * for the interleaving, −48% with the site-major order).
   */
  private baseH = 0;
  private len = 0;
  private value = new Float64Array(0);
  private sums = new Float64Array(0);
  /** Hours per site in `sums` (rows + 1: the prefix after the last filled hour). */
  private stride = 0;
  private readonly n: number;
  private readonly constant: Float64Array;
  private readonly minCache = new Map<string, Float64Array>();

  constructor(
    private readonly sites: readonly Site[],
    private readonly grid?: GridProfileSource,
  ) {
    this.n = sites.length;
    this.constant = Float64Array.from(sites, (s) => s.gridCarbonGPerKwh * (1 - s.greenShare));
  }

  get timeVarying(): boolean {
    return this.grid !== undefined;
  }

  /** Intensity of the clock hour containing tS. */
  at(site: number, tS: number): number {
    if (!this.grid) return this.constant[site]!;
    const h = Math.floor(tS / HOUR_S);
    this.ensure(h, h + 1);
    return h >= this.baseH ? this.value[(h - this.baseH) * this.n + site]! : this.sample(site, h);
  }

  /** Mean intensity over [startS, endS) (endS > startS). */
  mean(site: number, startS: number, endS: number): number {
    if (!this.grid) return this.constant[site]!;
    const a = startS / HOUR_S;
    const b = endS / HOUR_S;
    // fill the hours first unless they are (the usual case); before the tables, sum directly
    if (!(this.len > 0 && a >= this.baseH && b <= this.baseH + this.len)) {
      this.ensure(Math.floor(a), Math.ceil(b));
      if (a < this.baseH) return this.slowIntegral(site, a, b) / (b - a);
    }
    return (this.cumulative(site, b) - this.cumulative(site, a)) / (b - a);
  }

  /** Lowest hourly intensity of every site over the hours touching [fromS, toS) (cached per window). */
  minimums(fromS: number, toS: number): Float64Array {
    const key = `${fromS}:${toS}`;
    let out = this.minCache.get(key);
    if (out) return out;
    const n = this.n;
    out = new Float64Array(n);
    const h0 = Math.floor(fromS / HOUR_S);
    const h1 = Math.ceil(toS / HOUR_S);
    if (!this.grid) out.set(this.constant);
    else {
      out.fill(Number.POSITIVE_INFINITY);
      this.ensure(h0, h1);
      for (let h = h0; h < h1; h++) {
        // hours before the tables' start are sampled directly
        if (h < this.baseH) for (let i = 0; i < n; i++) out[i] = Math.min(out[i]!, this.sample(i, h));
        else {
          const row = (h - this.baseH) * n;
          for (let i = 0; i < n; i++) {
            const v = this.value[row + i]!;
            if (v < out[i]!) out[i] = v;
          }
        }
      }
    }
    if (this.minCache.size > 16) this.minCache.clear();
    this.minCache.set(key, out);
    return out;
  }

  /** Make sure hours [h0, h1) of every site are filled (when h0 is not before the tables' start). */
  private ensure(h0: number, h1: number): void {
    const n = this.n;
    if (this.len === 0 && this.value.length === 0) {
      const cap = Math.max(1024, h1 - h0 + 256);
      this.baseH = h0;
      this.value = new Float64Array(cap * n);
      this.stride = cap + 1;
      this.sums = new Float64Array(2 * this.stride * n);
    }
    const need = h1 - this.baseH;
    if (need <= this.len) return;
    const rows = this.value.length / n;
    if (need > rows) {
      const cap = Math.max(need + 256, rows * 2);
      const value = new Float64Array(cap * n);
      value.set(this.value.subarray(0, this.len * n));
      const stride = cap + 1;
      const sums = new Float64Array(2 * stride * n);
      for (let site = 0; site < n; site++) {
        const from = 2 * site * this.stride;
        sums.set(this.sums.subarray(from, from + 2 * (this.len + 1)), 2 * site * stride);
      }
      this.value = value;
      this.sums = sums;
      this.stride = stride;
    }
    const daily = this.grid?.repeatsDaily === true;
    for (let k = this.len; k < need; k++) {
      const row = k * n;
      // the same hour a day before, when the profiles repeat daily and it is in the tables
      if (daily && k >= HOURS_PER_DAY) this.value.copyWithin(row, row - HOURS_PER_DAY * n, row - HOURS_PER_DAY * n + n);
      else for (let site = 0; site < n; site++) this.value[row + site] = this.sample(site, this.baseH + k);
      const sums = this.sums;
      for (let site = 0; site < n; site++) {
        const v = this.value[row + site]!;
        const i = 2 * (site * this.stride + k);
        sums[i + 1] = v;
        sums[i + 2] = sums[i]! + v;
      }
    }
    this.len = need;
  }

  /** ∫ over [baseH, x) hours of a site, baseH ≤ x ≤ baseH + len. */
  private cumulative(site: number, x: number): number {
    const off = x - this.baseH;
    const h = Math.floor(off);
    const base = 2 * site * this.stride;
    if (h >= this.len) return this.sums[base + 2 * this.len]!;
    const i = base + 2 * h;
    return this.sums[i]! + (off - h) * this.sums[i + 1]!;
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
