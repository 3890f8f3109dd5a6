/**
 * Batsim's JSON workload format (https://batsim.readthedocs.io, "Workload"),
 * so Batsim users can bring their workloads:
 *   { "nb_res": 64,
 *     "jobs": [{"id": 1, "subtime": 0, "walltime": 100, "res": 4, "profile": "p"}],
 *     "profiles": {"p": {"type": "delay", "delay": 20.2}} }
 * A job's run time comes from its profile: `delay` profiles give it directly,
 * `composed` profiles (a sequence repeated `repeat` times) add up their parts.
 * Profiles that describe flops and bytes need a platform to become a time;
 * they are refused with an error naming the profile rather than guessed.
 */
import { DomainError } from '../../domain/errors.js';
import type { TraceJob, Workload } from './job.js';
import { readText } from './text-input.js';

export interface BatsimWorkload extends Workload {
  format: 'batsim';
}

type Json = unknown;

function fail(field: string, message: string): never {
  throw new DomainError('validation', `${field}: ${message}`, field);
}

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Run time of a profile, following `composed` sequences; cycles are an error. */
function profileRunS(profiles: Record<string, Json>, name: string, field: string, seen: Set<string>): number {
  const p = profiles[name];
  if (p === undefined) fail(field, `profile '${name}' is not defined in profiles`);
  const pf = `profiles.${name}`;
  if (!isObject(p)) fail(pf, 'must be an object');
  const type = p.type;
  if (type === 'delay' || type === 'DelayProfile') {
    const d = p.delay;
    if (typeof d !== 'number' || !Number.isFinite(d) || d < 0)
      fail(`${pf}.delay`, `must be a number ≥ 0, got ${JSON.stringify(d)}`);
    return d;
  }
  if (type === 'composed') {
    if (seen.has(name)) fail(pf, `composed profiles form a cycle through '${name}'`);
    const seq = p.seq;
    if (!Array.isArray(seq) || seq.length === 0) fail(`${pf}.seq`, 'must be a non-empty list of profile names');
    const repeat = p.repeat ?? 1;
    if (typeof repeat !== 'number' || !Number.isInteger(repeat) || repeat < 1) {
      fail(`${pf}.repeat`, `must be a positive integer, got ${JSON.stringify(repeat)}`);
    }
    seen.add(name);
    let sum = 0;
    seq.forEach((sub, i) => {
      if (typeof sub !== 'string') fail(`${pf}.seq[${i}]`, 'must be a profile name');
      sum += profileRunS(profiles, sub, `${pf}.seq[${i}]`, seen);
    });
    seen.delete(name);
    return sum * repeat;
  }
  return fail(
    `${pf}.type`,
    `profile type ${JSON.stringify(type)} describes work, not time; only 'delay' and 'composed' (of delays) give a run time without a platform model`,
  );
}

/** Parses a Batsim workload document (already JSON-decoded or as text). */
export function parseBatsim(input: string | Json, source = 'batsim'): BatsimWorkload {
  let doc: Json = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      throw new DomainError('validation', `${source}: not valid JSON: ${(e as Error).message}`, 'workload');
    }
  }
  if (!isObject(doc)) fail('workload', 'must be a JSON object with nb_res, jobs and profiles');
  let machineNodes: number | null = null;
  if (doc.nb_res !== undefined) {
    const n = doc.nb_res;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
      fail('nb_res', `must be a positive integer, got ${JSON.stringify(n)}`);
    machineNodes = n;
  }
  if (!Array.isArray(doc.jobs)) fail('jobs', 'must be a list of jobs');
  const profiles = doc.profiles;
  if (!isObject(profiles)) fail('profiles', 'must be an object mapping profile names to profiles');

  const runCache = new Map<string, number>();
  const ids = new Set<string>();
  const jobs: TraceJob[] = [];
  let droppedRun = 0;
  doc.jobs.forEach((j: Json, i: number) => {
    const f = `jobs[${i}]`;
    if (!isObject(j)) fail(f, 'must be an object');
    if (typeof j.id !== 'string' && typeof j.id !== 'number') fail(`${f}.id`, 'must be a string or a number');
    const id = String(j.id);
    if (ids.has(id)) fail(`${f}.id`, `duplicate job id '${id}'`);
    ids.add(id);
    const sub = j.subtime;
    if (typeof sub !== 'number' || !Number.isFinite(sub) || sub < 0)
      fail(`${f}.subtime`, `must be a number ≥ 0, got ${JSON.stringify(sub)}`);
    const res = j.res;
    if (typeof res !== 'number' || !Number.isInteger(res) || res < 1)
      fail(`${f}.res`, `must be a positive integer, got ${JSON.stringify(res)}`);
    let requestedS: number | null = null;
    const wt = j.walltime;
    if (wt !== undefined && wt !== -1) {
      if (typeof wt !== 'number' || !Number.isFinite(wt) || wt <= 0) {
        fail(`${f}.walltime`, `must be a positive number of seconds (or -1 for none), got ${JSON.stringify(wt)}`);
      }
      requestedS = wt;
    }
    if (typeof j.profile !== 'string') fail(`${f}.profile`, 'must be a profile name');
    let runS = runCache.get(j.profile);
    if (runS === undefined) {
      runS = profileRunS(profiles, j.profile, `${f}.profile`, new Set());
      runCache.set(j.profile, runS);
    }
    if (!(runS > 0)) {
      droppedRun++;
      return;
    }
    jobs.push({
      id,
      index: jobs.length,
      submitS: sub,
      runS,
      requestedS,
      nodes: res,
      resources: { cpuCores: 0, memoryGb: 0, gpus: 0, hpcNodes: res, storageTb: 0 },
      recordedWaitS: null,
      userId: typeof j.user === 'string' || typeof j.user === 'number' ? String(j.user) : null,
    });
  });
  return {
    format: 'batsim',
    source,
    jobs,
    machineNodes,
    recordsRead: doc.jobs.length,
    dropped: { nonPositiveRunTime: droppedRun },
    header: {},
    headerLines: [],
  };
}

/** Reads a Batsim workload file (plain or gzip JSON). */
export async function readBatsimFile(path: string): Promise<BatsimWorkload> {
  return parseBatsim(await readText(path), path);
}
