/** `suanwang tasks submit|get|list|cancel`: work on the network, through the API. */
import { type Command, Option } from 'commander';
import type { TaskDetail, TaskQuery, TaskRecord, TaskSubmission } from '../../client/index.js';
import type { TaskState, WorkKind } from '../../domain/task.js';
import {
  action,
  addUrlOption,
  CliError,
  clientFor,
  formatDurationS,
  formatTimeS,
  parseDurationS,
  parseInteger,
  parseNumber,
  parseTimeS,
  printFields,
  printJson,
  printTable,
  readJsonInput,
} from './common.js';

const KINDS: WorkKind[] = ['training', 'inference', 'rendering', 'data-processing', 'backup', 'hpc'];
const STATES: TaskState[] = [
  'queued',
  'placed',
  'dispatched',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'timed-out',
];

interface SubmitOptions {
  file?: string;
  tenant?: string;
  kind?: WorkKind;
  cpu?: number;
  memoryGb?: number;
  gpus?: number;
  gpuModel?: string;
  minGpuTflops?: number;
  hpcNodes?: number;
  storageTb?: number;
  duration?: number;
  estimate?: number;
  start?: number;
  deadline?: number;
  origin?: string;
  latencySla?: number;
  dataGb?: number;
  dataClass?: 'core' | 'important' | 'general';
  hubs?: string;
  pairedOnly?: boolean;
  priority?: number;
  command?: string;
  idempotencyKey?: string;
  json?: boolean;
}

/** The submission: the --file JSON (if any), then every flag given on top of it. */
async function submissionFrom(o: SubmitOptions): Promise<TaskSubmission> {
  let base: Record<string, unknown> = {};
  if (o.file) {
    const v = await readJsonInput(o.file);
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      throw new CliError(`${o.file} must hold one task (a JSON object)`);
    base = v as Record<string, unknown>;
  }
  const resources = { ...((base.resources as Record<string, unknown> | undefined) ?? {}) };
  const setRes = (k: string, v: unknown) => {
    if (v !== undefined) resources[k] = v;
  };
  setRes('cpuCores', o.cpu);
  setRes('memoryGb', o.memoryGb);
  setRes('gpus', o.gpus);
  setRes('gpuModel', o.gpuModel);
  setRes('minGpuFp16Tflops', o.minGpuTflops);
  setRes('hpcNodes', o.hpcNodes);
  setRes('storageTb', o.storageTb);
  const out: Record<string, unknown> = { ...base, resources };
  const set = (k: string, v: unknown) => {
    if (v !== undefined) out[k] = v;
  };
  set('tenantId', o.tenant);
  set('kind', o.kind);
  set('durationS', o.duration);
  set('estimatedDurationS', o.estimate);
  set('earliestStartS', o.start);
  set('deadlineS', o.deadline);
  set('originCity', o.origin);
  set('latencySlaMs', o.latencySla);
  set('dataGb', o.dataGb);
  set('dataClass', o.dataClass);
  set(
    'allowedHubs',
    o.hubs
      ?.split(',')
      .map((h) => h.trim())
      .filter(Boolean),
  );
  set('pairedOnly', o.pairedOnly);
  set('priority', o.priority);
  set('command', o.command);
  // No --tenant needed with a tenant key: the server takes the tenant from the key.
  for (const [k, flag] of [
    ['kind', '--kind'],
    ['durationS', '--duration'],
    ['originCity', '--origin'],
  ] as const) {
    if (out[k] === undefined) throw new CliError(`${flag} is required (or give ${k} in --file)`);
  }
  return out as TaskSubmission;
}

type Placed = NonNullable<TaskDetail['placement']>;

/** Decimals, three to six, at which the winner's score reads differently from every runner-up's. */
function scoreDecimals(p: Placed): number {
  for (let d = 3; d < 6; d++) {
    const mine = p.score.total.toFixed(d);
    if (p.runnersUp.every((r) => r.score.total.toFixed(d) !== mine)) return d;
  }
  return 6;
}

const figures = (s: Placed['score']): string =>
  `${s.carbonG.toFixed(0)} gCO2, ${(s.costFen / 100).toFixed(2)} CNY, ${s.latencyMs.toFixed(1)} ms, ${s.energyKwh.toFixed(2)} kWh`;

/**
 * A placement for `tasks get`: where and when, why, and each runner-up with the same figures as the
 * winner (and its start when it differs), the scores written to the decimal that tells them apart.
 */
export function placementLines(p: Placed): string[] {
  const d = scoreDecimals(p);
  const lines = [
    `placement (${p.profile}): ${p.siteId} from ${formatTimeS(p.startS)} to ${formatTimeS(p.endS)}`,
    `  why: ${p.explanation}`,
    `  score ${p.score.total.toFixed(d)}: ${figures(p.score)}`,
  ];
  for (const r of p.runnersUp) {
    const when = r.startS === p.startS ? '' : ` from ${formatTimeS(r.startS)}`;
    lines.push(`  runner-up ${r.siteId}${when}: score ${r.score.total.toFixed(d)}: ${figures(r.score)}`);
  }
  return lines;
}

/** The state with its reason, unless the reason is the placement's explanation (printed below as "why"). */
export function stateText(t: Pick<TaskDetail, 'state' | 'stateReason' | 'placement'>): string {
  return t.stateReason && t.stateReason !== t.placement?.explanation ? `${t.state} (${t.stateReason})` : t.state;
}

function resourcesText(t: TaskRecord): string {
  const r = t.resources;
  const parts: string[] = [];
  if (r.cpuCores) parts.push(`${r.cpuCores} cores`);
  if (r.gpus) parts.push(`${r.gpus} GPU${r.gpuModel ? ` ${r.gpuModel}` : ''}`);
  if (r.hpcNodes) parts.push(`${r.hpcNodes} HPC nodes`);
  if (r.storageTb) parts.push(`${r.storageTb} TB`);
  return parts.join(', ') || '-';
}

export function register(program: Command): void {
  const tasks = addUrlOption(program.command('tasks').description('Submit, follow and cancel work on the network'));

  tasks
    .command('submit')
    .description('Submit a task (flags, or a JSON file with flags on top)')
    .option('-f, --file <path>', "a task submission as JSON ('-' reads stdin)")
    .option('--tenant <id>', "tenant id (with a tenant key: the key's own tenant when omitted)")
    .addOption(new Option('--kind <kind>', 'kind of work').choices(KINDS))
    .option('--cpu <cores>', 'CPU cores', parseNumber)
    .option('--memory-gb <gb>', 'memory, GB', parseNumber)
    .option('--gpus <n>', 'GPUs', parseNumber)
    .option('--gpu-model <model>', 'exact GPU model, e.g. A800')
    .option('--min-gpu-tflops <tflops>', 'minimum dense FP16 TFLOPS per GPU', parseNumber)
    .option('--hpc-nodes <n>', 'HPC nodes', parseInteger)
    .option('--storage-tb <tb>', 'storage, TB', parseNumber)
    .option('--duration <duration>', 'expected run time: 3600, 90m, 2h, 1d12h', parseDurationS)
    .option('--estimate <duration>', 'wall-time limit (default: --duration)', parseDurationS)
    .option('--start <time>', 'not before: +2h, Unix seconds or ISO time (default now)', (v) => parseTimeS(v))
    .option('--deadline <time>', 'finish by: +6h, Unix seconds or ISO time', (v) => parseTimeS(v))
    .option('--origin <place>', 'city (or site) of the user or the data, e.g. beijing')
    .option('--latency-sla <ms>', 'round-trip latency bound from the origin, ms', parseNumber)
    .option('--data-gb <gb>', 'data to move to the site, GB', parseNumber)
    .addOption(new Option('--data-class <class>', 'data classification').choices(['core', 'important', 'general']))
    .option('--hubs <ids>', 'comma-separated hubs the task may run in')
    .option('--paired-only', 'only the origin hub and its western partners')
    .option('--priority <n>', 'higher runs first (-1000..1000)', parseInteger)
    .option('--command <cmd>', 'shell command to run at the site')
    .option('--idempotency-key <key>', 'run the same command again safely: the same key never makes a second task')
    .option('--json', 'print the stored task as JSON')
    .action(
      action(async (o: SubmitOptions, cmd: Command) => {
        const t = await clientFor(cmd).submitTask(await submissionFrom(o), {
          ...(o.idempotencyKey !== undefined && { idempotencyKey: o.idempotencyKey }),
        });
        if (o.json) return printJson(t);
        process.stdout.write(`${t.id}\n`);
      }),
    );

  tasks
    .command('get <id>')
    .description('Show a task: its state, placement (score, explanation, runners-up) and history')
    .option('--json', 'print JSON')
    .action(
      action(async (taskId: string, o: { json?: boolean }, cmd: Command) => {
        const t = await clientFor(cmd).getTask(taskId);
        if (o.json) return printJson(t);
        printFields([
          ['id', t.id],
          ['tenant', t.tenantId],
          ['kind', t.kind],
          ['state', stateText(t)],
          ['site', t.siteId],
          ['resources', resourcesText(t)],
          ['duration', `${formatDurationS(t.durationS)} (limit ${formatDurationS(t.estimatedDurationS)})`],
          ['submitted', formatTimeS(t.submittedAtS)],
          ['earliest start', formatTimeS(t.earliestStartS)],
          ['deadline', formatTimeS(t.deadlineS)],
          ['origin', t.originCity],
          ['latency SLA', t.latencySlaMs === null ? null : `${t.latencySlaMs} ms RTT`],
          ['data', `${t.dataGb} GB, ${t.dataClass}`],
          ['allowed hubs', t.allowedHubs.length ? t.allowedHubs.join(', ') : 'any'],
          ['priority', t.priority],
        ]);
        if (t.placement) process.stdout.write(`\n${placementLines(t.placement).join('\n')}\n`);
        process.stdout.write('\nhistory\n');
        printTable(
          ['AT', 'FROM', 'TO', 'REASON'],
          t.history.map((e) => [formatTimeS(e.atS), e.from ?? '-', e.to, e.reason ?? '']),
        );
      }),
    );

  tasks
    .command('list')
    .description('List tasks, newest first')
    .option('--state <states>', `comma-separated: ${STATES.join(', ')}`)
    .option('--tenant <id>', 'only this tenant')
    .option('--site <id>', 'only tasks placed on / running at this site')
    .addOption(new Option('--kind <kind>').choices(KINDS))
    .option('--limit <n>', 'at most n tasks (1–500)', parseInteger, 50)
    .option('--all', 'every matching task (all pages)')
    .option('--json', 'print JSON')
    .action(
      action(
        async (
          o: {
            state?: string;
            tenant?: string;
            site?: string;
            kind?: WorkKind;
            limit: number;
            all?: boolean;
            json?: boolean;
          },
          cmd: Command,
        ) => {
          const client = clientFor(cmd);
          const states = o.state?.split(',').map((s) => s.trim()) as TaskState[] | undefined;
          for (const s of states ?? []) {
            if (!STATES.includes(s)) throw new CliError(`unknown state '${s}' (one of ${STATES.join(', ')})`);
          }
          const q: TaskQuery = {
            ...(states && { state: states }),
            ...(o.tenant !== undefined && { tenantId: o.tenant }),
            ...(o.site !== undefined && { siteId: o.site }),
            ...(o.kind !== undefined && { kind: o.kind }),
          };
          let items: TaskRecord[];
          if (o.all) {
            items = [];
            for await (const t of client.allTasks({ ...q, limit: 500 })) items.push(t);
          } else items = (await client.listTasks({ ...q, limit: o.limit })).items;
          if (o.json) return printJson(items);
          printTable(
            ['ID', 'TENANT', 'KIND', 'STATE', 'SITE', 'RESOURCES', 'SUBMITTED'],
            items.map((t) => [
              t.id,
              t.tenantId,
              t.kind,
              t.state,
              t.siteId ?? '-',
              resourcesText(t),
              formatTimeS(t.submittedAtS),
            ]),
          );
        },
      ),
    );

  tasks
    .command('logs <id>')
    .description("Print the output of a task's job (the latest attempt unless --attempt)")
    .option('--attempt <n>', 'which attempt', parseInteger)
    .option('--offset <bytes>', 'start at this byte of the output', parseInteger)
    .option('--json', 'print the answer (text, size, offset, which job) as JSON')
    .action(
      action(async (taskId: string, o: { attempt?: number; offset?: number; json?: boolean }, cmd: Command) => {
        const logs = await clientFor(cmd).taskLogs(taskId, {
          ...(o.attempt !== undefined && { attempt: o.attempt }),
          ...(o.offset !== undefined && { offset: o.offset }),
        });
        if (o.json) return printJson(logs);
        if (logs.truncated) process.stderr.write(`(output from byte ${logs.offset} of ${logs.sizeBytes})\n`);
        process.stdout.write(logs.text.endsWith('\n') || logs.text === '' ? logs.text : `${logs.text}\n`);
      }),
    );

  tasks
    .command('cancel <id>')
    .description('Cancel an unfinished task')
    .option('--reason <text>', 'why (kept in the task history)')
    .option('--json', 'print the task as JSON')
    .action(
      action(async (taskId: string, o: { reason?: string; json?: boolean }, cmd: Command) => {
        const t = await clientFor(cmd).cancelTask(taskId, o.reason);
        if (o.json) return printJson(t);
        process.stdout.write(`cancelled ${t.id}\n`);
      }),
    );
}
