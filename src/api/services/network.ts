/** Latency and latency circles, answered by the network model (src/network). */
import { invalid } from '../../domain/errors.js';
import { type NetworkModel, nationalNetworkModel } from '../../network/network-model.js';

export interface LatencyAnswer {
  from: string;
  to: string;
  oneWayMs: number;
  rttMs: number;
  distanceKm: number;
  theoreticalOneWayMs: number;
  source: 'measured' | 'modelled';
  bandwidthGbps: number;
}

export interface CircleAnswer {
  center: string;
  oneWayMs: number;
  members: { id: string; kind: 'site' | 'city'; oneWayMs: number }[];
}

export interface NetworkService {
  latency(from: string, to: string): LatencyAnswer;
  circle(center: string, oneWayMs: number, kind?: 'site' | 'city'): CircleAnswer;
}

/** Over a model (default: the shipped national topology). Unknown places → DomainError not_found. */
export function modelNetworkService(model: NetworkModel = nationalNetworkModel()): NetworkService {
  const place = (id: string, field: string) => {
    if (!model.hasPlace(id)) throw invalid(field, `unknown place '${id}' (a city or site id, or a Chinese city name)`);
    return model.place(id).id;
  };
  return {
    latency(from, to) {
      const a = place(from, 'from');
      const b = place(to, 'to');
      return {
        from: a,
        to: b,
        oneWayMs: model.oneWayMs(a, b),
        rttMs: model.rttMs(a, b),
        distanceKm: model.distanceKm(a, b),
        theoreticalOneWayMs: model.theoreticalOneWayMs(a, b),
        source: model.measurementFor(a, b) ? 'measured' : 'modelled',
        bandwidthGbps: model.bandwidthGbps(a, b),
      };
    },
    circle(center, oneWayMs, kind) {
      const c = place(center, 'center');
      return { center: c, oneWayMs, members: model.withinCircle(c, oneWayMs, kind) };
    },
  };
}
