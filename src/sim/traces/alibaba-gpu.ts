/**
 * The Alibaba GPU cluster pod list (clusterdata, cluster-trace-gpu-v2023,
 * "openb"): one pod per row with its CPU, memory and GPU demand, QoS class,
 * phase, and creation / scheduling / deletion times in seconds.
 *
 * A pod becomes a task that arrives at creation_time and runs for
 * deletion_time − scheduled_time on one node. Pods that were never scheduled
 * (Pending: empty scheduled_time) have no run time and are dropped, as are
 * pods whose deletion is not after their scheduling. Pods still Running when
 * the trace was taken end at the trace's end time: their run time is a lower bound.
 */
import { DomainError } from '../../domain/errors.js';
import { splitCsvLine } from './csv.js';
import type { TraceJob, Workload } from './job.js';
import { readLines, splitLines } from './text-input.js';

export interface AlibabaGpuWorkload extends Workload {
  format: 'alibaba-gpu';
}

const REQUIRED = [
  'cpu_milli',
  'memory_mib',
  'num_gpu',
  'gpu_milli',
  'qos',
  'pod_phase',
  'creation_time',
  'deletion_time',
  'scheduled_time',
] as const;

export class AlibabaGpuParser {
  private cols: Record<string, number> | null = null;
  private lineNo = 0;
  private readonly jobs: TraceJob[] = [];
  private recordsRead = 0;
  private readonly dropped = { neverScheduled: 0, nonPositiveRunTime: 0 };

  constructor(private readonly source: string) {}

  line(raw: string): void {
    this.lineNo++;
    if (raw.trim() === '') return;
    const fields = splitCsvLine(raw);
    if (!Array.isArray(fields)) {
      throw new DomainError('validation', `${this.source}:${this.lineNo}: ${fields.error}`, `line ${this.lineNo}`);
    }
    if (this.cols === null) {
      this.header(fields);
      return;
    }
    this.recordsRead++;
    const cols = this.cols;
    if (fields.length < Object.keys(cols).length) {
      throw new DomainError(
        'validation',
        `${this.source}:${this.lineNo}: expected ${Object.keys(cols).length} columns, found ${fields.length}`,
        `line ${this.lineNo}`,
      );
    }
    const text = (col: string): string => (fields[cols[col] as number] ?? '').trim();
    const num = (col: string, allowEmpty = false): number | null => {
      const t = text(col);
      if (t === '' && allowEmpty) return null;
      const v = Number(t);
      if (t === '' || !Number.isFinite(v) || v < 0) {
        throw new DomainError('validation', `${this.source}:${this.lineNo}: ${col} is not a number ≥ 0: '${t}'`, col);
      }
      return v;
    };
    const createdS = num('creation_time') as number;
    const scheduledS = num('scheduled_time', true);
    const deletedS = num('deletion_time', true);
    const cpuMilli = num('cpu_milli') as number;
    const memoryMib = num('memory_mib') as number;
    const numGpu = num('num_gpu') as number;
    const gpuMilli = num('gpu_milli') as number;
    if (scheduledS === null || deletedS === null) {
      this.dropped.neverScheduled++;
      return;
    }
    const runS = deletedS - scheduledS;
    if (!(runS > 0)) {
      this.dropped.nonPositiveRunTime++;
      return;
    }
    const gpuSpec = 'gpu_spec' in cols ? text('gpu_spec') : '';
    const id = 'name' in cols && text('name') !== '' ? text('name') : `row-${this.lineNo}`;
    this.jobs.push({
      id,
      index: this.jobs.length,
      submitS: createdS,
      runS,
      requestedS: null,
      nodes: 1,
      resources: {
        cpuCores: cpuMilli / 1000,
        memoryGb: memoryMib / 1024,
        gpus: numGpu,
        ...(gpuSpec !== '' ? { gpuModel: gpuSpec } : {}),
        hpcNodes: 0,
        storageTb: 0,
      },
      recordedWaitS: scheduledS >= createdS ? scheduledS - createdS : null,
      userId: null,
      queue: text('qos'),
      phase: text('pod_phase'),
      gpuMilli,
      ...(gpuSpec !== '' ? { gpuSpec } : {}),
    });
  }

  private header(fields: string[]): void {
    const cols: Record<string, number> = {};
    fields.forEach((f, i) => {
      cols[f.trim()] = i;
    });
    const missing = REQUIRED.filter((c) => !(c in cols));
    if (missing.length > 0) {
      throw new DomainError(
        'validation',
        `${this.source}: not an Alibaba GPU pod list: missing column(s) ${missing.join(', ')}`,
        missing[0],
      );
    }
    this.cols = cols;
  }

  finish(): AlibabaGpuWorkload {
    if (this.cols === null) throw new DomainError('validation', `${this.source}: empty file (no header row)`, 'header');
    return {
      format: 'alibaba-gpu',
      source: this.source,
      jobs: this.jobs,
      machineNodes: null,
      recordsRead: this.recordsRead,
      dropped: { ...this.dropped },
      header: {},
      headerLines: [],
    };
  }
}

export function parseAlibabaGpuPods(text: string, source = 'alibaba-gpu'): AlibabaGpuWorkload {
  const p = new AlibabaGpuParser(source);
  for (const line of splitLines(text)) p.line(line);
  return p.finish();
}

/** Reads an Alibaba GPU pod list CSV (plain or gzip), streaming it. */
export async function readAlibabaGpuPodFile(path: string): Promise<AlibabaGpuWorkload> {
  const p = new AlibabaGpuParser(path);
  for await (const line of readLines(path)) p.line(line);
  return p.finish();
}
