/** Placements: the scheduler's decisions, with score breakdown, runners-up and explanation. */
import { type Static, Type } from '@sinclair/typebox';
import type { Placement } from '../../domain/placement.js';
import { PageOf, PageQuery, strict } from './common.js';

export const ScoreBreakdownSchema = Type.Object(
  {
    total: Type.Number({ description: 'Weighted, normalised total (lower is better)' }),
    parts: Type.Record(Type.String(), Type.Number(), { description: 'Per score plugin, normalised to [0,1]' }),
    carbonG: Type.Number(),
    costFen: Type.Number(),
    latencyMs: Type.Number(),
    energyKwh: Type.Number(),
  },
  { ...strict, title: 'ScoreBreakdown' },
);

export const RunnerUpSchema = Type.Object(
  { siteId: Type.String(), startS: Type.Number(), score: ScoreBreakdownSchema },
  { ...strict, title: 'RunnerUp' },
);

const placementProperties = {
  taskId: Type.String(),
  siteId: Type.String(),
  startS: Type.Number(),
  endS: Type.Number(),
  profile: Type.String(),
  score: ScoreBreakdownSchema,
  runnersUp: Type.Array(RunnerUpSchema),
  explanation: Type.String(),
  decidedAtS: Type.Number(),
};

export const PlacementRecordSchema = Type.Object(
  {
    id: Type.String(),
    ...placementProperties,
    superseded: Type.Boolean({ description: 'True once the task was placed again' }),
  },
  { ...strict, title: 'Placement' },
);

export const PlacementPage = PageOf(PlacementRecordSchema, 'PlacementPage');
export const PlacementList = Type.Object({ items: Type.Array(PlacementRecordSchema) }, strict);

export const PlacementQuery = Type.Object(
  {
    taskId: Type.Optional(Type.String({ maxLength: 128 })),
    siteId: Type.Optional(Type.String({ maxLength: 64 })),
    current: Type.Optional(Type.Boolean({ description: 'Only current (true) or only superseded (false)' })),
    ...PageQuery,
  },
  strict,
);

const PlacementSchema = Type.Object(placementProperties, strict);
type PlacementBody = Static<typeof PlacementSchema>;
const _a: Placement = {} as PlacementBody;
const _b: PlacementBody = {} as Placement;
void _a;
void _b;
