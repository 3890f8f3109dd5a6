/**
 * Yardsticks that turn raw figures into score parts in [0,1]. They are fixed
 * per task (never the min/max of the current candidates), so a (task, site,
 * start) has one score whatever else is free: the greedy walk, the HiGHS batch
 * and the benchmark all judge by the same objective.
 */

/** A coal-heavy grid with no green power: China's fossil-only factor is 0.83 kg/kWh (MEE 2023). */
export const INTENSITY_REF_G_PER_KWH = 1000;
/** An old data center (the 2021 plan retires PUE > 1.5). */
export const PUE_REF = 1.5;
/** GPU board power of the reference run: above every current accelerator (H800/H20 ≈ 700 W). */
export const GPU_REF_POWER_W = 1000;
/** Round trip that scores 1 for work without an SLA: about twice the farthest hub-to-hub fibre route in China. */
export const LATENCY_REF_MS = 100;
/** A day of waiting scores 1 on the delay part (deferral windows stay within it). */
export const DELAY_REF_S = 86400;
/** Storage is priced per TB-month; the hourly rate uses a 30-day month. */
export const HOURS_PER_MONTH = 720;
/** How far ahead a bound on carbon is guaranteed (runs ending later are checked without pruning). */
export const CARBON_HORIZON_S = 21 * 86400;
/**
 * Class plans are built per epoch of this length; entering a new epoch drops the plans of epochs before
 * the previous one (a plan's bounds hold for CARBON_HORIZON_S from its epoch's start, checked by the walk).
 */
export const PLAN_EPOCH_S = 7 * 86400;
