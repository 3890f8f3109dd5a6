/**
 * When demand arrives: a 24-hour curve (Beijing time, UTC+8) and a weekly
 * curve per pattern of work. The curves are ASSUMED typical shapes, not
 * measured series (none is published for Chinese compute networks):
 * - interactive: user traffic, low before dawn, a midday plateau and the
 *   evening peak (20:00–22:00) of Chinese internet traffic; weekends busier;
 * - office: jobs people submit at work (training, rendering, HPC): two
 *   working-day peaks around 10:00 and 15:00, quiet weekends;
 * - nightly: batch pipelines and backups that start after business hours
 *   and peak after midnight; a little lighter at weekends.
 * Each curve is normalised to mean 1, so a pattern changes when work
 * arrives, never how much arrives per week.
 */
import { DAY_S } from '../../domain/clock.js';

export type DemandPattern = 'interactive' | 'office' | 'nightly';

const UTC8_OFFSET_S = 8 * 3600;

function normalised(values: readonly number[]): Float64Array {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Float64Array.from(values, (v) => v / mean);
}

/** Relative arrival rate by hour of day, Beijing time (index 0 = 00:00–01:00). */
export const HOURLY_SHAPE: Readonly<Record<DemandPattern, Float64Array>> = {
  interactive: normalised([
    0.55, 0.38, 0.27, 0.22, 0.2, 0.24, 0.38, 0.62, 0.92, 1.12, 1.25, 1.3, 1.22, 1.18, 1.25, 1.3, 1.3, 1.28, 1.3, 1.45,
    1.6, 1.65, 1.42, 0.98,
  ]),
  office: normalised([
    0.22, 0.16, 0.13, 0.12, 0.12, 0.16, 0.3, 0.65, 1.3, 1.85, 1.95, 1.75, 1.2, 1.5, 1.9, 1.95, 1.8, 1.6, 1.2, 1.0, 0.9,
    0.8, 0.6, 0.38,
  ]),
  nightly: normalised([
    1.8, 2.0, 2.0, 1.7, 1.25, 0.8, 0.55, 0.45, 0.5, 0.65, 0.75, 0.75, 0.7, 0.7, 0.75, 0.75, 0.75, 0.8, 0.85, 1.0, 1.15,
    1.3, 1.5, 1.65,
  ]),
};

/** Relative arrival rate by day of week, Monday first. */
export const WEEKLY_SHAPE: Readonly<Record<DemandPattern, Float64Array>> = {
  interactive: normalised([0.96, 0.96, 0.97, 0.98, 1.02, 1.06, 1.05]),
  office: normalised([1.1, 1.12, 1.12, 1.1, 1.05, 0.78, 0.73]),
  nightly: normalised([1.03, 1.03, 1.03, 1.03, 1.03, 0.93, 0.92]),
};

/** Hour of day (0..23) in Beijing time. */
export function hourUtc8(tS: number): number {
  const h = Math.floor((tS + UTC8_OFFSET_S) / 3600) % 24;
  return h < 0 ? h + 24 : h;
}

/** Day of week in Beijing time, Monday = 0 … Sunday = 6. */
export function weekdayUtc8(tS: number): number {
  // 1970-01-01 was a Thursday (index 3 with Monday = 0)
  const d = (Math.floor((tS + UTC8_OFFSET_S) / DAY_S) + 3) % 7;
  return d < 0 ? d + 7 : d;
}

/** The pattern's rate multiplier at a time (mean 1 over a week). */
export function shapeAt(pattern: DemandPattern, tS: number): number {
  return HOURLY_SHAPE[pattern][hourUtc8(tS)]! * WEEKLY_SHAPE[pattern][weekdayUtc8(tS)]!;
}

/** The largest multiplier the pattern reaches (the thinning bound of the arrival process). */
export function shapeMax(pattern: DemandPattern): number {
  return Math.max(...HOURLY_SHAPE[pattern]) * Math.max(...WEEKLY_SHAPE[pattern]);
}
