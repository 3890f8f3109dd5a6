/**
 * The Standard Workload Format of the Parallel Workloads Archive
 * (https://www.cs.huji.ac.il/labs/parallel/workload/swf.html): header
 * comments `; Key: value`, then one job per line in 18 whitespace-separated
 * fields, -1 meaning unknown.
 *
 * Cleaning, as simulation studies of these logs usually do it: a job with a
 * non-positive run time, or with neither allocated nor requested processors,
 * is dropped (it cannot be replayed); the size is the allocated processors,
 * else the requested ones. Times may be fractional.
 */
import { DomainError } from '../../domain/errors.js';
import type { TraceJob, Workload } from './job.js';
import { readLines, splitLines } from './text-input.js';

/** The 18 SWF fields, in order, by the names the format's definition gives them. */
export const SWF_FIELDS = [
  'job_number',
  'submit_time',
  'wait_time',
  'run_time',
  'allocated_processors',
  'average_cpu_time_used',
  'used_memory',
  'requested_processors',
  'requested_time',
  'requested_memory',
  'status',
  'user_id',
  'group_id',
  'executable_number',
  'queue_number',
  'partition_number',
  'preceding_job_number',
  'think_time',
] as const;

/** Positions of the fields a replay uses. */
const F = {
  submitTime: 1,
  waitTime: 2,
  runTime: 3,
  allocatedProcessors: 4,
  requestedProcessors: 7,
  requestedTime: 8,
  status: 10,
  userId: 11,
  queueNumber: 14,
} as const;

/** The header fields a replay uses; all of them are optional in the format. */
export interface SwfHeader {
  version?: string;
  computer?: string;
  installation?: string;
  maxJobs?: number;
  maxRecords?: number;
  maxNodes?: number;
  maxProcs?: number;
  maxRuntimeS?: number;
  unixStartTime?: number;
  timeZoneString?: string;
  startTime?: string;
  endTime?: string;
}

export interface SwfWorkload extends Workload {
  format: 'swf';
  swfHeader: SwfHeader;
  /**
   * Processors per node, when the header gives both MaxProcs and MaxNodes and
   * they differ by a whole factor: job sizes are then converted to whole nodes.
   */
  procsPerNode: number;
}

const HEADER_NUMBERS: Record<string, keyof SwfHeader> = {
  MaxJobs: 'maxJobs',
  MaxRecords: 'maxRecords',
  MaxNodes: 'maxNodes',
  MaxProcs: 'maxProcs',
  MaxRuntime: 'maxRuntimeS',
  UnixStartTime: 'unixStartTime',
};
const HEADER_STRINGS: Record<string, keyof SwfHeader> = {
  Version: 'version',
  Computer: 'computer',
  Installation: 'installation',
  TimeZoneString: 'timeZoneString',
  StartTime: 'startTime',
  EndTime: 'endTime',
};

/**
 * Incremental parser: feed lines in file order, then `finish()`.
 * Used both for streamed files and for text already in memory.
 */
export class SwfParser {
  private readonly header: Record<string, string> = {};
  private readonly headerLines: string[] = [];
  private lastKey: string | null = null;
  private lineNo = 0;
  private readonly jobs: TraceJob[] = [];
  /** The current record's fields, reused from line to line. */
  private readonly f = new Float64Array(SWF_FIELDS.length);
  private recordsRead = 0;
  private droppedRun = 0;
  private droppedProcs = 0;

  constructor(private readonly source: string) {}

  line(raw: string): void {
    this.lineNo++;
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith(';')) {
      this.headerLine(raw, line);
      return;
    }
    this.lastKey = null;
    this.recordsRead++;
    const parts = line.split(/\s+/);
    if (parts.length < SWF_FIELDS.length) {
      throw new DomainError(
        'validation',
        `${this.source}:${this.lineNo}: expected ${SWF_FIELDS.length} fields, found ${parts.length}`,
        `line ${this.lineNo}`,
      );
    }
    const f = this.f;
    for (let i = 0; i < SWF_FIELDS.length; i++) {
      const text = parts[i] as string;
      const v = Number(text);
      if (!Number.isFinite(v)) {
        const name = SWF_FIELDS[i] as string;
        throw new DomainError(
          'validation',
          `${this.source}:${this.lineNo}: field ${i + 1} (${name}) is not a number: '${text}'`,
          name,
        );
      }
      f[i] = v;
    }
    const runS = f[F.runTime] as number;
    if (!(runS > 0)) {
      this.droppedRun++;
      return;
    }
    const allocated = f[F.allocatedProcessors] as number;
    const procs = allocated > 0 ? allocated : (f[F.requestedProcessors] as number);
    if (!(procs > 0)) {
      this.droppedProcs++;
      return;
    }
    const requested = f[F.requestedTime] as number;
    const wait = f[F.waitTime] as number;
    const user = f[F.userId] as number;
    const queue = f[F.queueNumber] as number;
    // `nodes` holds processors until finish() knows the header's processors per node.
    this.jobs.push({
      id: parts[0] as string,
      index: this.jobs.length,
      submitS: f[F.submitTime] as number,
      runS,
      requestedS: requested > 0 ? requested : null,
      nodes: procs,
      resources: { cpuCores: 0, memoryGb: 0, gpus: 0, hpcNodes: procs, storageTb: 0 },
      recordedWaitS: wait >= 0 ? wait : null,
      userId: user >= 0 ? String(user) : null,
      status: f[F.status] as number,
      queue: queue >= 0 ? String(queue) : undefined,
    });
  }

  private headerLine(raw: string, line: string): void {
    this.headerLines.push(raw);
    const body = line.slice(1).trim();
    if (body !== '' && this.lastKey !== null && /^;\s{2,}/.test(line)) {
      // An indented comment line continues the previous key's value (Copyright, Note, Information).
      this.header[this.lastKey] = `${this.header[this.lastKey]}\n${body}`;
      return;
    }
    const m = /^([A-Za-z][A-Za-z0-9_]*)\s*:\s*(.*)$/.exec(body);
    if (m) {
      const key = m[1] as string;
      const value = (m[2] as string).trim();
      // Keys such as `Queue` or `Note` repeat: keep every value.
      this.header[key] = key in this.header ? `${this.header[key]}\n${value}` : value;
      this.lastKey = key;
    } else {
      this.lastKey = null;
    }
  }

  finish(): SwfWorkload {
    const swfHeader = this.typedHeader();
    const { maxNodes, maxProcs } = swfHeader;
    // Node-level allocation: if a node has several processors, a job holds whole nodes.
    let procsPerNode = 1;
    let machineNodes: number | null = maxProcs ?? maxNodes ?? null;
    if (maxNodes !== undefined && maxProcs !== undefined && maxProcs > maxNodes && maxProcs % maxNodes === 0) {
      procsPerNode = maxProcs / maxNodes;
      machineNodes = maxNodes;
    }
    if (procsPerNode !== 1) {
      for (const j of this.jobs) {
        j.nodes = Math.ceil(j.nodes / procsPerNode);
        j.resources.hpcNodes = j.nodes;
      }
    }
    return {
      format: 'swf',
      source: this.source,
      jobs: this.jobs,
      machineNodes,
      recordsRead: this.recordsRead,
      dropped: { nonPositiveRunTime: this.droppedRun, noProcessors: this.droppedProcs },
      header: { ...this.header },
      headerLines: [...this.headerLines],
      swfHeader,
      procsPerNode,
    };
  }

  private typedHeader(): SwfHeader {
    const h: SwfHeader = {};
    for (const [key, value] of Object.entries(this.header)) {
      const numKey = HEADER_NUMBERS[key];
      if (numKey) {
        const v = Number(value.split(/\s+/)[0]);
        if (!Number.isFinite(v) || (numKey !== 'unixStartTime' && v <= 0)) {
          // A wrong MaxProcs would size the replay machine wrongly: refuse it rather than guess.
          throw new DomainError('validation', `${this.source}: header ${key} is not a valid number: '${value}'`, key);
        }
        (h as Record<string, number>)[numKey] = v;
        continue;
      }
      const strKey = HEADER_STRINGS[key];
      if (strKey) (h as Record<string, string>)[strKey] = value;
    }
    return h;
  }
}

/** Parses SWF text that is already in memory. */
export function parseSwf(text: string, source = 'swf'): SwfWorkload {
  const p = new SwfParser(source);
  for (const line of splitLines(text)) p.line(line);
  return p.finish();
}

/** Reads an SWF file, plain or gzip, streaming it line by line. */
export async function readSwfFile(path: string): Promise<SwfWorkload> {
  const p = new SwfParser(path);
  for await (const line of readLines(path)) p.line(line);
  return p.finish();
}
