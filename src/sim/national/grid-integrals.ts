/**
 * Emissions and green energy of a run, from the sites' hourly grid curves
 * (Beijing-time days, constant within each hour): the effective intensity
 * carbon × (1 − green share) and the green share itself, integrated exactly
 * over [start, end) with per-day prefix sums — O(1) per run however long.
 * Sites without curves use their annual averages at every hour.
 */
import type { Site } from '../../domain/site.js';
import type { HourlyCurve } from '../../topology/grid-profiles.js';

const UTC8_OFFSET_S = 8 * 3600;

interface Curves {
  effective: Float64Array;
  green: Float64Array;
  /** prefixes over one day: [h] = Σ values[0..h) */
  effectivePrefix: Float64Array;
  greenPrefix: Float64Array;
}

function prefix(values: Float64Array): Float64Array {
  const p = new Float64Array(25);
  for (let h = 0; h < 24; h++) p[h + 1] = p[h]! + values[h]!;
  return p;
}

/** ∫ over [epoch, atS) in value·hours of a daily step curve. */
function integral(values: Float64Array, pre: Float64Array, atS: number): number {
  const hours = (atS + UTC8_OFFSET_S) / 3600;
  const days = Math.floor(hours / 24);
  const rest = hours - days * 24;
  const h = Math.min(23, Math.floor(rest));
  return days * pre[24]! + pre[h]! + (rest - h) * values[h]!;
}

export class GridIntegrals {
  private readonly curves: Curves[];

  /** `curveOf` gives a site's 24-hour curves (Beijing time), or undefined for its annual averages. */
  constructor(sites: readonly Site[], curveOf: (siteId: string) => HourlyCurve | undefined) {
    this.curves = sites.map((s) => {
      const c = curveOf(s.id);
      const carbon = c ? Float64Array.from(c.carbonGPerKwh) : new Float64Array(24).fill(s.gridCarbonGPerKwh);
      const green = c
        ? Float64Array.from(c.greenShare, (g) => Math.min(1, Math.max(0, g)))
        : new Float64Array(24).fill(s.greenShare);
      const effective = Float64Array.from(carbon, (v, h) => v * (1 - green[h]!));
      return { effective, green, effectivePrefix: prefix(effective), greenPrefix: prefix(green) };
    });
  }

  /** Mean effective intensity (gCO2 per facility kWh) of a site over [startS, endS). */
  meanCarbonGPerKwh(site: number, startS: number, endS: number): number {
    const c = this.curves[site]!;
    if (!(endS > startS)) return c.effective[hourOf(startS)]!;
    const dH = (endS - startS) / 3600;
    return (integral(c.effective, c.effectivePrefix, endS) - integral(c.effective, c.effectivePrefix, startS)) / dH;
  }

  /** Mean green share of a site's electricity over [startS, endS), 0..1. */
  meanGreenShare(site: number, startS: number, endS: number): number {
    const c = this.curves[site]!;
    if (!(endS > startS)) return c.green[hourOf(startS)]!;
    const dH = (endS - startS) / 3600;
    return (integral(c.green, c.greenPrefix, endS) - integral(c.green, c.greenPrefix, startS)) / dH;
  }
}

function hourOf(tS: number): number {
  const h = Math.floor((tS + UTC8_OFFSET_S) / 3600) % 24;
  return h < 0 ? h + 24 : h;
}
