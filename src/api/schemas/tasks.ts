/**
 * Tasks in the API. A submission is a Task without the fields the platform
 * fills (id, state, submittedAtS); the optional ones get their defaults.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { Task, TaskState } from '../../domain/task.js';
import { PageOf, PageQuery, strict } from './common.js';
import { PlacementRecordSchema } from './placements.js';

const KINDS = ['training', 'inference', 'rendering', 'data-processing', 'backup', 'hpc'] as const;
const DATA_CLASSES = ['core', 'important', 'general'] as const;
export const TASK_STATES = [
  'queued',
  'placed',
  'dispatched',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'timed-out',
] as const satisfies readonly TaskState[];

export const WorkKindSchema = Type.Union(
  KINDS.map((k) => Type.Literal(k)),
  { description: 'What kind of work' },
);
export const DataClassSchema = Type.Union(
  DATA_CLASSES.map((k) => Type.Literal(k)),
  { description: 'Data classification (数据分类分级): core data stays in its home region' },
);
export const TaskStateSchema = Type.Union(TASK_STATES.map((s) => Type.Literal(s)));

const Amount = (description: string) => Type.Number({ minimum: 0, maximum: 1e9, description });
const TimeS = (description: string) => Type.Number({ minimum: 0, maximum: 1e11, description });
const TenantId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'Tenant (organisation) id' });
const PlaceId = Type.String({ minLength: 1, maxLength: 64, description: 'A city or site id of the topology' });

export const TaskResourcesInput = Type.Object(
  {
    cpuCores: Type.Optional(Amount('CPU cores (default 0)')),
    memoryGb: Type.Optional(Amount('Memory, GB (default 0)')),
    gpus: Type.Optional(Amount('GPUs (default 0)')),
    gpuModel: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Exact GPU model required' })),
    minGpuFp16Tflops: Type.Optional(Amount('Minimum dense FP16 TFLOPS per GPU')),
    hpcNodes: Type.Optional(Type.Integer({ minimum: 0, maximum: 1e6, description: 'HPC nodes (default 0)' })),
    storageTb: Type.Optional(Amount('Storage, TB (default 0)')),
  },
  { ...strict, title: 'TaskResourcesInput' },
);

export const TaskSubmissionSchema = Type.Object(
  {
    tenantId: TenantId,
    kind: WorkKindSchema,
    resources: TaskResourcesInput,
    durationS: Type.Number({ exclusiveMinimum: 0, maximum: 3.2e7, description: 'Expected run time, s' }),
    estimatedDurationS: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 3.2e7, description: 'Wall-time limit, s (default durationS)' }),
    ),
    earliestStartS: Type.Optional(TimeS('Not before (Unix s; default now)')),
    deadlineS: Type.Optional(Type.Union([TimeS('Finish by (Unix s)'), Type.Null()])),
    originCity: PlaceId,
    latencySlaMs: Type.Optional(
      Type.Union([
        Type.Number({ exclusiveMinimum: 0, maximum: 10000, description: 'Round-trip bound, ms' }),
        Type.Null(),
      ]),
    ),
    dataGb: Type.Optional(Amount('Data to move to the site, GB (default 0)')),
    dataClass: Type.Optional(DataClassSchema),
    allowedHubs: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 64 })),
    pairedOnly: Type.Optional(Type.Boolean({ description: 'Only the origin hub and its western partners' })),
    priority: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000, description: 'Higher first (default 0)' })),
    command: Type.Optional(Type.String({ minLength: 1, maxLength: 65536, description: 'Shell command to run' })),
  },
  { ...strict, title: 'TaskSubmission' },
);

export const TaskResourcesSchema = Type.Object(
  {
    cpuCores: Type.Number(),
    memoryGb: Type.Number(),
    gpus: Type.Number(),
    gpuModel: Type.Optional(Type.String()),
    minGpuFp16Tflops: Type.Optional(Type.Number()),
    hpcNodes: Type.Number(),
    storageTb: Type.Number(),
  },
  { ...strict, title: 'TaskResources' },
);

const taskProperties = {
  id: Type.String(),
  tenantId: Type.String(),
  kind: WorkKindSchema,
  resources: TaskResourcesSchema,
  durationS: Type.Number(),
  estimatedDurationS: Type.Number(),
  submittedAtS: Type.Number(),
  earliestStartS: Type.Number(),
  deadlineS: Type.Union([Type.Number(), Type.Null()]),
  originCity: Type.String(),
  latencySlaMs: Type.Union([Type.Number(), Type.Null()]),
  dataGb: Type.Number(),
  dataClass: DataClassSchema,
  allowedHubs: Type.Array(Type.String()),
  pairedOnly: Type.Boolean(),
  priority: Type.Number(),
  command: Type.Optional(Type.String()),
};

export const TaskSchema = Type.Object(taskProperties, { ...strict, title: 'Task' });

const recordProperties = {
  ...taskProperties,
  state: TaskStateSchema,
  siteId: Type.Union([Type.String(), Type.Null()], { description: 'Where it is placed / runs' }),
  stateReason: Type.Union([Type.String(), Type.Null()]),
  updatedAtS: Type.Number(),
  version: Type.Integer(),
};

export const TaskRecordSchema = Type.Object(recordProperties, { ...strict, title: 'TaskRecord' });

export const TaskEventSchema = Type.Object(
  {
    atS: Type.Number(),
    from: Type.Union([TaskStateSchema, Type.Null()]),
    to: TaskStateSchema,
    reason: Type.Union([Type.String(), Type.Null()]),
  },
  { ...strict, title: 'TaskEvent' },
);

export const TaskDetailSchema = Type.Object(
  {
    ...recordProperties,
    placement: Type.Union([PlacementRecordSchema, Type.Null()], {
      description: 'The current placement: site, start, score breakdown, explanation, runners-up',
    }),
    history: Type.Array(TaskEventSchema, { description: 'State changes, oldest first' }),
  },
  { ...strict, title: 'TaskDetail' },
);

export const TaskPage = PageOf(TaskRecordSchema, 'TaskPage');

export const TaskQuery = Type.Object(
  {
    state: Type.Optional(
      Type.String({
        pattern: `^(${TASK_STATES.join('|')})(,(${TASK_STATES.join('|')}))*$`,
        description: 'A state, or several separated by commas',
      }),
    ),
    tenantId: Type.Optional(Type.String({ maxLength: 64 })),
    siteId: Type.Optional(Type.String({ maxLength: 64 })),
    kind: Type.Optional(WorkKindSchema),
    ...PageQuery,
  },
  strict,
);

export const CancelBody = Type.Object(
  { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })) },
  { ...strict, title: 'Cancel' },
);

export type TaskSubmission = Static<typeof TaskSubmissionSchema>;
export type TaskQueryT = Static<typeof TaskQuery>;
export type TaskBody = Static<typeof TaskSchema>;

// The schema and the domain type must agree both ways (compile-time check).
const _taskFromSchema: Task = {} as TaskBody;
const _schemaFromTask: TaskBody = {} as Task;
void _taskFromSchema;
void _schemaFromTask;
