/**
 * Hourly grid carbon intensity and green-power share per site.
 *
 * No public hourly carbon series exists for Chinese grids, so the curves are
 * DERIVED, and say so (data/SOURCES.md, "Hourly grid profiles"):
 * - a site's annual grid factor fixes the grid's non-fossil share
 *   (1 − factor / fossil-only factor); of that, the wind+solar part is the
 *   province's non-hydro share, the rest (hydro, nuclear) runs flat;
 * - solar follows a clear-sky sine between 06:00 and 18:00 local SOLAR time
 *   (Beijing time shifted by longitude: western sites peak after 13:00 BJT);
 *   wind is stronger at night (cosine, peak ~01:00 solar time);
 * - demand follows a typical two-peak daily load curve (Beijing time);
 * - hourly fossil share = 1 − min(1, non-fossil generation / load), but
 *   never below a must-run floor (coal units keep a minimum stable load, so
 *   even a hydro-rich night is not fossil-free); the carbon curve is that
 *   shape rescaled so its 24-hour mean is exactly the annual figure;
 * - a site's procured green power (绿电) follows the province's wind+solar
 *   shape, damped just enough never to exceed 100%, with a 24-hour mean
 *   exactly the site's annual green share.
 * Telemetry can replace any site's curves (`setCurve`).
 *
 * Pure and deterministic: curves are computed once into 24-slot arrays indexed
 * by the hour of day in Beijing time (UTC+8).
 */
import { invalid, notFound } from '../domain/errors.js';
import type { Site } from '../domain/site.js';

export const UTC8_OFFSET_S = 8 * 3600;
export const HOURS_PER_DAY = 24;

/** Hour of day 0..23 in Beijing time (UTC+8) of a Unix time in seconds. */
export function hourOfDayUtc8(atS: number): number {
  const h = Math.floor((atS + UTC8_OFFSET_S) / 3600) % HOURS_PER_DAY;
  return h < 0 ? h + HOURS_PER_DAY : h;
}

/** 24 values, index = hour of day in Beijing time. */
export interface HourlyCurve {
  carbonGPerKwh: number[];
  greenShare: number[];
}

export interface GridProfiles {
  /** Grid emission factor (gCO2/kWh) at a time. */
  carbonGPerKwhAt(siteId: string, atS: number): number;
  /** Share of the site's electricity that is green at a time, 0..1. */
  greenShareAt(siteId: string, atS: number): number;
  /** What the site's energy emits at a time: carbon × (1 − green share). */
  effectiveCarbonGPerKwhAt(siteId: string, atS: number): number;
  /** Time-average of the effective factor over [startS, endS) (the value at startS if empty). */
  meanEffectiveCarbonGPerKwh(siteId: string, startS: number, endS: number): number;
  /** A copy of the site's two 24-hour curves. */
  curve(siteId: string): HourlyCurve;
  /** Replace one or both curves of a site with measured values (telemetry). */
  setCurve(siteId: string, curve: Partial<HourlyCurve>): void;
  hasSite(siteId: string): boolean;
}

/** How the grid of one province generates, for the derivation. */
export interface ProvinceGridShape {
  /** Wind + solar share of consumption (non-hydro renewables), 0..1; null = use the national figure. */
  nonHydroShare: number | null;
  /** Wind's part of the wind + solar energy, 0..1. */
  windFractionOfVre: number;
}

export interface GridShapeParams {
  /** gCO2/kWh of fossil-only generation: the factor a fully fossil hour has. */
  fossilOnlyFactorGPerKwh: number;
  /** Floor of the hourly fossil share, as a fraction of its daily mean (must-run thermal units). */
  fossilMustRunFraction: number;
  /** Relative demand per hour of day (Beijing time), mean 1. */
  loadShape: readonly number[];
  solar: { sunriseSolarHour: number; sunsetSolarHour: number };
  wind: { amplitude: number; peakSolarHour: number };
  national: { nonHydroShare: number; windFractionOfVre: number };
  /** By short Chinese province name. */
  provinces: Readonly<Record<string, ProvinceGridShape>>;
}

export type GridSite = Pick<Site, 'id' | 'province' | 'lon' | 'gridCarbonGPerKwh' | 'greenShare'>;

const SAMPLES_PER_HOUR = 12;

function normaliseMean(values: Float64Array): Float64Array {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  if (mean > 0) for (let i = 0; i < values.length; i++) values[i]! /= mean;
  else values.fill(1);
  return values;
}

/** Hourly solar and wind output (each mean 1 over the day) at a longitude. */
function renewableShapes(lonDeg: number, p: GridShapeParams): { solar: Float64Array; wind: Float64Array } {
  const solar = new Float64Array(HOURS_PER_DAY);
  const wind = new Float64Array(HOURS_PER_DAY);
  const { sunriseSolarHour: rise, sunsetSolarHour: set } = p.solar;
  const dayLength = set - rise;
  // Local solar time runs behind Beijing time by 4 minutes per degree west of 120°E.
  const shiftH = (lonDeg - 120) / 15;
  for (let h = 0; h < HOURS_PER_DAY; h++) {
    let s = 0;
    let w = 0;
    for (let k = 0; k < SAMPLES_PER_HOUR; k++) {
      const bjt = h + (k + 0.5) / SAMPLES_PER_HOUR;
      const solarT = (((bjt + shiftH) % 24) + 24) % 24;
      s += solarT > rise && solarT < set ? Math.sin((Math.PI * (solarT - rise)) / dayLength) : 0;
      w += 1 + p.wind.amplitude * Math.cos((2 * Math.PI * (solarT - p.wind.peakSolarHour)) / 24);
    }
    solar[h] = s / SAMPLES_PER_HOUR;
    wind[h] = w / SAMPLES_PER_HOUR;
  }
  return { solar: normaliseMean(solar), wind: normaliseMean(wind) };
}

/** The derived 24-hour curves of one site (see the module comment). */
export function deriveHourlyCurves(
  site: GridSite,
  params: GridShapeParams,
): { carbon: Float64Array; green: Float64Array } {
  const province = params.provinces[site.province];
  const vreShare = province?.nonHydroShare ?? params.national.nonHydroShare;
  const windFraction = province?.windFractionOfVre ?? params.national.windFractionOfVre;
  const annual = site.gridCarbonGPerKwh;
  const nonFossil = Math.min(1, Math.max(0, 1 - annual / params.fossilOnlyFactorGPerKwh));
  const vre = Math.min(vreShare, nonFossil);
  const solarShare = vre * (1 - windFraction);
  const windShare = vre * windFraction;
  const baseShare = nonFossil - vre;
  const { solar, wind } = renewableShapes(site.lon, params);

  const carbon = new Float64Array(HOURS_PER_DAY);
  let rawSum = 0;
  for (let h = 0; h < HOURS_PER_DAY; h++) {
    const load = params.loadShape[h]!;
    const nonFossilGen = baseShare + solarShare * solar[h]! + windShare * wind[h]!;
    carbon[h] = 1 - Math.min(1, nonFossilGen / load);
    rawSum += carbon[h]!;
  }
  const floor = (params.fossilMustRunFraction * rawSum) / HOURS_PER_DAY;
  let fossilSum = 0;
  for (let h = 0; h < HOURS_PER_DAY; h++) {
    carbon[h] = Math.max(floor, carbon[h]!);
    fossilSum += carbon[h]!;
  }
  const fossilMean = fossilSum / HOURS_PER_DAY;
  for (let h = 0; h < HOURS_PER_DAY; h++) carbon[h] = fossilMean > 0 ? (annual * carbon[h]!) / fossilMean : annual;

  // Green power is bought from wind and solar, so it follows their mix.
  const green = new Float64Array(HOURS_PER_DAY);
  const annualGreen = site.greenShare;
  let shapeMax = 1;
  for (let h = 0; h < HOURS_PER_DAY; h++) {
    green[h] = vre > 0 ? (solarShare * solar[h]! + windShare * wind[h]!) / vre : 1;
    shapeMax = Math.max(shapeMax, green[h]!);
  }
  // Damp the swing so the peak hour stays ≤ 100%; damping keeps the mean.
  const damping = annualGreen > 0 && shapeMax > 1 ? Math.min(1, (1 / annualGreen - 1) / (shapeMax - 1)) : 1;
  for (let h = 0; h < HOURS_PER_DAY; h++) green[h] = annualGreen * (1 + damping * (green[h]! - 1));
  return { carbon, green };
}

interface SiteCurves {
  carbon: Float64Array;
  green: Float64Array;
  effective: Float64Array;
  /** prefix[h] = Σ effective[0..h) in g/kWh·hours; prefix[24] is one day. */
  prefix: Float64Array;
}

function withEffective(carbon: Float64Array, green: Float64Array): SiteCurves {
  const effective = new Float64Array(HOURS_PER_DAY);
  const prefix = new Float64Array(HOURS_PER_DAY + 1);
  for (let h = 0; h < HOURS_PER_DAY; h++) {
    effective[h] = carbon[h]! * (1 - green[h]!);
    prefix[h + 1] = prefix[h]! + effective[h]!;
  }
  return { carbon, green, effective, prefix };
}

function checkCurve(values: unknown, field: string, max: number): Float64Array {
  if (!Array.isArray(values) && !(values instanceof Float64Array))
    throw invalid(field, 'must be an array of 24 numbers');
  if (values.length !== HOURS_PER_DAY)
    throw invalid(field, `must have 24 values (one per hour, UTC+8), got ${values.length}`);
  const out = new Float64Array(HOURS_PER_DAY);
  for (let h = 0; h < HOURS_PER_DAY; h++) {
    const v = values[h];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) {
      throw invalid(`${field}[${h}]`, `must be a number in [0, ${max}], got ${String(v)}`);
    }
    out[h] = v;
  }
  return out;
}

/** Grid profiles held as precomputed 24-hour arrays per site. */
export class HourlyGridProfiles implements GridProfiles {
  private readonly index = new Map<string, number>();
  private readonly curves: SiteCurves[] = [];
  /** Figures depend on the hour of day only. */
  readonly repeatsDaily = true;

  constructor(
    sites: readonly GridSite[],
    private readonly params: GridShapeParams,
  ) {
    for (const s of sites) this.addSite(s);
  }

  /** Add a site (or re-derive it after its annual figures changed). */
  addSite(site: GridSite): void {
    const { carbon, green } = deriveHourlyCurves(site, this.params);
    const curves = withEffective(carbon, green);
    const i = this.index.get(site.id);
    if (i === undefined) {
      this.index.set(site.id, this.curves.length);
      this.curves.push(curves);
    } else {
      this.curves[i] = curves;
    }
  }

  hasSite(siteId: string): boolean {
    return this.index.has(siteId);
  }

  /** Small integer for a site, for the *ByIndex fast paths. */
  siteIndex(siteId: string): number {
    const i = this.index.get(siteId);
    if (i === undefined) throw notFound('site (grid profile)', siteId);
    return i;
  }

  private of(siteId: string): SiteCurves {
    return this.curves[this.siteIndex(siteId)]!;
  }

  carbonGPerKwhAt(siteId: string, atS: number): number {
    return this.of(siteId).carbon[hourOfDayUtc8(atS)]!;
  }

  greenShareAt(siteId: string, atS: number): number {
    return this.of(siteId).green[hourOfDayUtc8(atS)]!;
  }

  effectiveCarbonGPerKwhAt(siteId: string, atS: number): number {
    return this.of(siteId).effective[hourOfDayUtc8(atS)]!;
  }

  /** Fast path: effective factor by site index and hour of day (0..23, UTC+8). */
  effectiveCarbonByIndex(siteIdx: number, hourOfDay: number): number {
    return this.curves[siteIdx]!.effective[hourOfDay]!;
  }

  meanEffectiveCarbonGPerKwh(siteId: string, startS: number, endS: number): number {
    const c = this.of(siteId);
    if (!(endS > startS)) return c.effective[hourOfDayUtc8(startS)]!;
    return (integral(c, endS) - integral(c, startS)) / ((endS - startS) / 3600);
  }

  curve(siteId: string): HourlyCurve {
    const c = this.of(siteId);
    return { carbonGPerKwh: Array.from(c.carbon), greenShare: Array.from(c.green) };
  }

  setCurve(siteId: string, curve: Partial<HourlyCurve>): void {
    const i = this.siteIndex(siteId);
    const old = this.curves[i]!;
    if (curve.carbonGPerKwh === undefined && curve.greenShare === undefined) {
      throw invalid('curve', 'give carbonGPerKwh and/or greenShare (24 values each)');
    }
    const carbon =
      curve.carbonGPerKwh === undefined ? old.carbon : checkCurve(curve.carbonGPerKwh, 'carbonGPerKwh', 2000);
    const green = curve.greenShare === undefined ? old.green : checkCurve(curve.greenShare, 'greenShare', 1);
    this.curves[i] = withEffective(carbon, green);
  }
}

/** ∫ effective dt from the epoch to atS, in g/kWh·hours (piecewise constant per hour). */
function integral(c: SiteCurves, atS: number): number {
  const hours = (atS + UTC8_OFFSET_S) / 3600;
  const days = Math.floor(hours / HOURS_PER_DAY);
  const rest = hours - days * HOURS_PER_DAY;
  const h = Math.min(HOURS_PER_DAY - 1, Math.floor(rest));
  return days * c.prefix[HOURS_PER_DAY]! + c.prefix[h]! + (rest - h) * c.effective[h]!;
}
