/** Latency between places and latency circles (thin over src/network). */
import { Type } from '@sinclair/typebox';
import { strict } from './common.js';

const Place = Type.String({ minLength: 1, maxLength: 64, description: 'A city or site id (or Chinese name)' });

export const LatencyQuery = Type.Object({ from: Place, to: Place }, strict);

export const LatencySchema = Type.Object(
  {
    from: Type.String(),
    to: Type.String(),
    oneWayMs: Type.Number(),
    rttMs: Type.Number(),
    distanceKm: Type.Number({ description: 'Great-circle distance' }),
    theoreticalOneWayMs: Type.Number({ description: 'Straight fibre at 4.9 µs/km' }),
    source: Type.Union([Type.Literal('measured'), Type.Literal('modelled')]),
    bandwidthGbps: Type.Number(),
  },
  { ...strict, title: 'Latency' },
);

export const CircleQuery = Type.Object(
  {
    center: Place,
    ms: Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: 'One-way latency bound, ms' }),
    kind: Type.Optional(Type.Union([Type.Literal('site'), Type.Literal('city')])),
  },
  strict,
);

export const CircleSchema = Type.Object(
  {
    center: Type.String(),
    oneWayMs: Type.Number(),
    members: Type.Array(
      Type.Object(
        { id: Type.String(), kind: Type.Union([Type.Literal('site'), Type.Literal('city')]), oneWayMs: Type.Number() },
        strict,
      ),
    ),
  },
  { ...strict, title: 'Circle' },
);
