/**
 * Fibre latency rules. Light in standard single-mode fibre (group index
 * 1.4682, SMF-28 at 1550 nm) travels 204,190 km/s: 4.9 µs per km one way
 * ("5 µs/km" is the rounded rule of thumb). Real routes are longer than the
 * great circle and add equipment delay; data/SOURCES.md gives the sources.
 */

/** One-way propagation delay, ms per km of fibre. */
export const FIBER_MS_PER_KM = 0.0049;

/**
 * Route factor of the modelled real path: fibre km / great-circle km. 1.3
 * models the direct-connect links the policy asks for (hub links ≤ 1.5× the
 * theoretical latency, seed policy doc 003).
 */
export const DEFAULT_ROUTE_FACTOR = 1.3;

/** Fixed delay of a modelled path between two places: amplifiers, ROADMs, access (assumed). */
export const DEFAULT_EQUIPMENT_MS = 0.1;

/**
 * The route factor the CAICT 2024-Q1 measurements imply: optical-layer
 * latency between hub-cluster cities averaged 9.7 ms (taken as one-way)
 * while the straight-line fibre delay of the 45 cluster pairs averages
 * 5.31 ms (mean 1,083.86 km × 4.9 µs/km). With the default equipment delay
 * the model then reproduces the 9.7 ms mean; use it for today's network
 * rather than the policy's direct links (most hub links then fail 1.5×).
 */
export const CAICT_2024Q1_ROUTE_FACTOR = (9.7 - DEFAULT_EQUIPMENT_MS) / (1083.86 * FIBER_MS_PER_KM);

/**
 * One-way latency between two points of the same city (or of the same
 * place): the floor of every modelled path. Inner Mongolia's plan asks for
 * ≤ 1 ms between a city's important compute facilities; we assume 0.5 ms.
 */
export const DEFAULT_INTRA_CITY_MS = 0.5;

/** The latency circles of the policy (时延圈), one-way ms: city, region, national. */
export const LATENCY_CIRCLES_MS = [1, 5, 20] as const;

/** The policy bound on hub-to-hub links: at most this multiple of the theoretical latency. */
export const HUB_LINK_MAX_FACTOR = 1.5;

/** Straight-line fibre delay over `km` (route factor 1 = the theoretical bound). */
export function fiberOneWayMs(km: number, routeFactor = 1): number {
  return km * FIBER_MS_PER_KM * routeFactor;
}
