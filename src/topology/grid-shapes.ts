/**
 * Loading the parameters of the derived grid curves (data/grid-shapes.json)
 * and building the national grid profiles from them.
 */
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { invalid } from '../domain/errors.js';
import { type GridShapeParams, type GridSite, HourlyGridProfiles } from './grid-profiles.js';
import { nationalTopologyShared, readDataJson } from './load.js';

const SHAPES_URL = new URL('../../data/grid-shapes.json', import.meta.url);

const Share = Type.Number({ minimum: 0, maximum: 1 });
const GridShapeParamsSchema = Type.Object({
  _meta: Type.Optional(Type.Unknown()),
  fossilOnlyFactorGPerKwh: Type.Number({ exclusiveMinimum: 0, maximum: 2000 }),
  fossilMustRunFraction: Type.Number({ minimum: 0, maximum: 1 }),
  loadShape: Type.Array(Type.Number({ exclusiveMinimum: 0, maximum: 5 }), { minItems: 24, maxItems: 24 }),
  solar: Type.Object({
    sunriseSolarHour: Type.Number({ minimum: 0, maximum: 12 }),
    sunsetSolarHour: Type.Number({ minimum: 12, maximum: 24 }),
  }),
  wind: Type.Object({ amplitude: Type.Number({ minimum: 0, maximum: 1 }), peakSolarHour: Type.Number() }),
  national: Type.Object({ nonHydroShare: Share, windFractionOfVre: Share }),
  provinces: Type.Record(
    Type.String(),
    Type.Object({ nonHydroShare: Type.Union([Share, Type.Null()]), windFractionOfVre: Share }),
  ),
});

let cached: GridShapeParams | undefined;

/** The shipped derivation parameters (validated once, shared read-only). */
export function loadGridShapeParams(): Readonly<GridShapeParams> {
  if (!cached) {
    const raw = readDataJson(SHAPES_URL);
    const err = Value.Errors(GridShapeParamsSchema, raw).First();
    if (err) throw invalid(`grid-shapes.json${err.path.replace(/\//g, '.')}`, err.message);
    cached = raw as GridShapeParams;
  }
  return cached;
}

/** Hourly profiles for the given sites (default: every site of the national topology). */
export function nationalGridProfiles(sites?: readonly GridSite[]): HourlyGridProfiles {
  return new HourlyGridProfiles(sites ?? nationalTopologyShared().sites, loadGridShapeParams());
}
