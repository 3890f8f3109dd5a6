/**
 * A simple bandwidth model: what one bulk transfer between two places can
 * expect, the narrowest of the two access links and the backbone between
 * their hubs. The figures are ASSUMPTIONS (data/SOURCES.md): for scale, one
 * large Hohhot data center reports 15.2 Tbps of egress (seed doc 000) and
 * CAICT counts 751 Tbps of inter-hub IP bandwidth at ~16% utilisation; a
 * single tenant transfer gets a small, provisioned slice of that.
 */
import { invalid } from '../domain/errors.js';

export interface BandwidthAssumptions {
  /** Access capacity of a place, Gbps: a site by tier, or a city (the user's or data owner's premises). */
  accessGbps: { cluster: number; city: number; edge: number; cityPlace: number };
  /** Backbone share between the hubs of the two places, Gbps. */
  backboneGbps: { sameHub: number; pairedHubs: number; otherHubs: number; offHub: number };
}

export const DEFAULT_BANDWIDTH: BandwidthAssumptions = {
  accessGbps: { cluster: 100, city: 40, edge: 10, cityPlace: 10 },
  backboneGbps: { sameHub: 400, pairedHubs: 200, otherHubs: 100, offHub: 40 },
};

/** Throws DomainError('validation') naming the first figure that is not a positive finite number. */
export function checkBandwidthAssumptions(b: BandwidthAssumptions, field = 'bandwidth'): void {
  for (const [group, values] of Object.entries(b) as [string, Record<string, number>][]) {
    for (const [key, v] of Object.entries(values)) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
        throw invalid(`${field}.${group}.${key}`, `must be a positive number of Gbps, got ${String(v)}`);
      }
    }
  }
}
