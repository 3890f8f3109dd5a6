/**
 * One entry point for every trace format: by file name (.swf, .json, .csv,
 * each optionally .gz), else by sniffing the first line.
 */
import { DomainError } from '../../domain/errors.js';
import { readAlibabaGpuPodFile } from './alibaba-gpu.js';
import { readBatsimFile } from './batsim.js';
import type { TraceFormat, Workload } from './job.js';
import { readSwfFile } from './swf.js';
import { readLines } from './text-input.js';

export const TRACE_FORMATS: readonly TraceFormat[] = ['swf', 'batsim', 'alibaba-gpu'];

export function parseTraceFormat(v: string): TraceFormat {
  if ((TRACE_FORMATS as readonly string[]).includes(v)) return v as TraceFormat;
  throw new DomainError('validation', `format: must be one of ${TRACE_FORMATS.join(', ')}, got '${v}'`, 'format');
}

function formatFromName(path: string): TraceFormat | null {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.swf')) return 'swf';
  if (name.endsWith('.json')) return 'batsim';
  if (name.endsWith('.csv')) return 'alibaba-gpu';
  return null;
}

async function sniffFormat(path: string): Promise<TraceFormat> {
  for await (const raw of readLines(path)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('{')) return 'batsim';
    if (line.startsWith(';') || /^\d/.test(line)) return 'swf';
    if (line.includes('cpu_milli')) return 'alibaba-gpu';
    break;
  }
  throw new DomainError(
    'validation',
    `format: cannot tell the trace format of ${path}; name it (swf, batsim, alibaba-gpu)`,
    'format',
  );
}

export async function readTraceFile(path: string, format?: TraceFormat): Promise<Workload> {
  const f = format ?? formatFromName(path) ?? (await sniffFormat(path));
  switch (f) {
    case 'swf':
      return readSwfFile(path);
    case 'batsim':
      return readBatsimFile(path);
    case 'alibaba-gpu':
      return readAlibabaGpuPodFile(path);
  }
}
