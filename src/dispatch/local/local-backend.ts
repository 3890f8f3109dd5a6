/**
 * The embedded backend (`suanwang demo`, single-machine installs): runs a
 * task's command with `/bin/sh -c` as a child process on this machine, under a
 * concurrency limit, with output captured to a per-job file and the time limit
 * enforced.
 *
 * Jobs outlive the platform process. Each job is a directory
 * `<dir>/<jobName>/` holding the command, a small shell wrapper, and the files
 * the wrapper writes (pid, start time, exit status + end time + CPU time), so a
 * platform restarted after a crash finds every job again from disk: running
 * ones by pid, finished ones by their exit file, not-yet-started ones (the
 * queue) by having no pid. The directory name is the deterministic job name,
 * so submitting the same attempt twice is impossible.
 */
import { spawn } from 'node:child_process';
import { constants as fsc } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Clock } from '../../domain/clock.js';
import { systemClock } from '../../domain/clock.js';
import {
  type Backend,
  BackendError,
  checkJobSpec,
  errText,
  type JobAccounting,
  type JobRef,
  type JobSpec,
  type JobStatus,
  jobName,
  type OutputChunk,
} from '../backend.js';
import { isProcessAlive, signalProcess } from './proc.js';

const WRAPPER = new URL('./job-wrapper.sh', import.meta.url);
/** timeout(1) exits 124 when the limit hit, 137 when it had to SIGKILL after that. */
const TIMEOUT_EXIT = new Set([124, 137]);
const DEFAULT_MAX_OUTPUT_BYTES = 1 << 20;

export interface LocalBackendOptions {
  /** Directory holding one sub-directory per job (created if missing). */
  dir: string;
  /** Jobs running at once; more wait in the backend's queue. Default: the machine's CPU count. */
  maxConcurrent?: number;
  /** Name used as the job key's cluster (default: this host's name). */
  cluster?: string;
  clock?: Clock;
  /** PATH given to jobs (default: the platform's PATH). */
  path?: string;
}

interface SpecFile {
  name: string;
  taskId: string;
  attempt: number;
  timeLimitS: number;
  cpus: number;
  submittedAtS: number;
  env: Record<string, string>;
}

export class LocalBackend implements Backend {
  readonly kind = 'local';
  readonly cluster: string;
  readonly dir: string;
  readonly maxConcurrent: number;
  private readonly clock: Clock;
  private readonly path: string;
  /** Submitted, not yet started, oldest first. */
  private readonly queue: string[] = [];
  /** Started (or being started) and not yet seen finished. */
  private readonly active = new Set<string>();
  private ready: Promise<void> | null = null;
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  private closed = false;

  constructor(opts: LocalBackendOptions) {
    if (!opts.dir) throw new BackendError('config', 'backend.dir: the local backend needs a directory', false);
    const max = opts.maxConcurrent ?? availableParallelism();
    if (!Number.isInteger(max) || max < 1) {
      throw new BackendError('config', `backend.maxConcurrent: must be a positive integer, got ${max}`, false);
    }
    this.dir = resolve(opts.dir);
    this.maxConcurrent = max;
    this.cluster = opts.cluster ?? hostname();
    this.clock = opts.clock ?? systemClock;
    this.path = opts.path ?? process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
  }

  async ping(): Promise<void> {
    await this.init();
  }

  async submit(spec: JobSpec): Promise<JobRef> {
    checkJobSpec(spec);
    await this.init();
    const name = jobName(spec.taskId, spec.attempt);
    const jobDir = join(this.dir, name);
    try {
      // mkdir without `recursive` fails if the directory exists: one attempt, one job.
      await mkdir(jobDir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new BackendError('rejected', `job ${name} was already submitted on ${this.cluster}`, false);
      }
      throw new BackendError('backend', `cannot create ${jobDir}: ${errText(e)}`, true, { cause: e });
    }
    const file: SpecFile = {
      name,
      taskId: spec.taskId,
      attempt: spec.attempt,
      // timeout(1) takes whole seconds here; round up so a job is never cut short
      timeLimitS: Math.max(1, Math.ceil(spec.timeLimitS)),
      cpus: cpusOf(spec),
      submittedAtS: this.clock.nowS(),
      env: { ...(spec.env ?? {}) },
    };
    try {
      await mkdir(join(jobDir, 'work'));
      await writeFile(join(jobDir, 'command'), spec.command);
      await writeFile(join(jobDir, 'wrapper.sh'), await readFile(WRAPPER));
      // spec.json last, atomically: its presence is what makes the job exist.
      await writeAtomic(join(jobDir, 'spec.json'), JSON.stringify(file));
    } catch (e) {
      await rm(jobDir, { recursive: true, force: true });
      throw new BackendError('backend', `cannot write job ${name}: ${errText(e)}`, true, { cause: e });
    }
    this.queue.push(name);
    this.pump();
    return this.ref(name);
  }

  async status(refs: readonly JobRef[]): Promise<Map<string, JobStatus>> {
    await this.init();
    const out = new Map<string, JobStatus>();
    for (const ref of refs) {
      const s = await this.readStatus(ref.jobId);
      if (s) out.set(ref.jobId, s);
    }
    this.pump();
    return out;
  }

  async find(name: string): Promise<JobRef | null> {
    await this.init();
    if (!isJobDirName(name)) return null;
    return (await readSpec(join(this.dir, name))) ? this.ref(name) : null;
  }

  async cancel(ref: JobRef): Promise<void> {
    await this.init();
    const d = join(this.dir, ref.jobId);
    if (!isJobDirName(ref.jobId) || !(await readSpec(d))) {
      throw new BackendError('not_found', `no local job ${ref.jobId} on ${this.cluster}`, false);
    }
    if (await exists(join(d, 'exit'))) return;
    await writeFile(join(d, 'cancelled'), String(this.clock.nowS()));
    const queued = this.queue.indexOf(ref.jobId);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      return;
    }
    // timeout(1) leads the job's process group: signal the group so every process the command started stops.
    const pgid = await readInt(join(d, 'pgid'));
    if (pgid !== null && signalProcess(-pgid, 'SIGTERM')) return;
    const pid = await readInt(join(d, 'pid'));
    if (pid !== null && isProcessAlive(pid, d)) signalProcess(-pid, 'SIGTERM') || signalProcess(pid, 'SIGTERM');
  }

  async readOutput(ref: JobRef, opts: { offset?: number; maxBytes?: number } = {}): Promise<OutputChunk> {
    const path = join(this.dir, ref.jobId, 'output.log');
    if (!isJobDirName(ref.jobId)) throw new BackendError('not_found', `no local job ${ref.jobId}`, false);
    return readChunk(path, opts);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pumping;
  }

  /** Deletes the directories of jobs that ended more than `olderThanS` ago; returns how many. */
  async pruneFinished(olderThanS: number): Promise<number> {
    await this.init();
    let n = 0;
    for (const name of await this.jobNames()) {
      const exit = await readExit(join(this.dir, name));
      if (exit && exit.endedAtS < this.clock.nowS() - olderThanS) {
        await rm(join(this.dir, name), { recursive: true, force: true });
        n++;
      }
    }
    return n;
  }

  /** Jobs waiting for a free slot, and jobs running. */
  counts(): { queued: number; running: number } {
    return { queued: this.queue.length, running: this.active.size };
  }

  private ref(name: string): JobRef {
    return {
      backend: this.kind,
      cluster: this.cluster,
      jobId: name,
      name,
      outputPath: join(this.dir, name, 'output.log'),
    };
  }

  /** Recovers the queue and the running set from disk, once. */
  private init(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.dir, { recursive: true });
      const pending: { name: string; at: number }[] = [];
      for (const name of await this.jobNames()) {
        const d = join(this.dir, name);
        const spec = await readSpec(d);
        if (!spec || (await exists(join(d, 'exit'))) || (await exists(join(d, 'cancelled')))) continue;
        const pid = await readInt(join(d, 'pid'));
        if (pid === null) {
          const claimer = await readInt(join(d, 'claim'));
          // claimed by a live process: it starts the job; a dead claimer's claim is void
          if (claimer !== null && claimer !== process.pid && isProcessAlive(claimer)) continue;
          await rm(join(d, 'claim'), { force: true });
          pending.push({ name, at: spec.submittedAtS });
        } else if (isProcessAlive(pid, d)) this.active.add(name);
      }
      pending.sort((a, b) => a.at - b.at || (a.name < b.name ? -1 : 1));
      this.queue.push(...pending.map((p) => p.name));
      this.pump();
    })();
    return this.ready;
  }

  private async jobNames(): Promise<string[]> {
    return (await readdir(this.dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && isJobDirName(e.name))
      .map((e) => e.name);
  }

  /** Starts queued jobs while there are free slots. Never throws; one pass at a time. */
  private pump(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = (async () => {
      do {
        this.pumpAgain = false;
        // Jobs adopted after a restart are not our children: notice their end by their exit file.
        for (const name of [...this.active]) {
          const d = join(this.dir, name);
          if (await exists(join(d, 'exit'))) this.active.delete(name);
          else {
            const pid = await readInt(join(d, 'pid'));
            if (pid !== null && !isProcessAlive(pid, d)) this.active.delete(name);
          }
        }
        while (!this.closed && this.active.size < this.maxConcurrent && this.queue.length > 0) {
          const name = this.queue.shift()!;
          await this.start(name);
        }
      } while (this.pumpAgain && !this.closed);
    })()
      .catch(() => {
        // a start failure is recorded in the job's own files; the pump itself must keep going
      })
      .finally(() => {
        this.pumping = null;
      });
  }

  private async start(name: string): Promise<void> {
    const d = join(this.dir, name);
    const spec = await readSpec(d);
    if (!spec || (await exists(join(d, 'cancelled'))) || (await exists(join(d, 'pid')))) return;
    // claim it (exclusive create): two platform processes sharing a directory never both start a job
    try {
      await writeFile(join(d, 'claim'), String(process.pid), { flag: 'wx' });
    } catch {
      return;
    }
    const out = await open(join(d, 'output.log'), fsc.O_WRONLY | fsc.O_CREAT | fsc.O_APPEND, 0o644);
    try {
      this.active.add(name);
      const child = spawn('/bin/sh', [join(d, 'wrapper.sh'), String(spec.timeLimitS), d], {
        cwd: d,
        // own session: the job survives the platform, and signals to the platform do not reach it
        detached: true,
        stdio: ['ignore', out.fd, out.fd],
        env: {
          PATH: this.path,
          HOME: process.env.HOME ?? '/',
          LANG: process.env.LANG ?? 'C.UTF-8',
          ...spec.env,
          SUANWANG_TASK_ID: spec.taskId,
          SUANWANG_ATTEMPT: String(spec.attempt),
          SUANWANG_JOB_NAME: spec.name,
          SUANWANG_CPUS: String(spec.cpus),
        },
      });
      child.on('error', (e) => {
        this.active.delete(name);
        void writeAtomic(join(d, 'exit'), `127\n${this.clock.nowS()}\n0m0s 0m0s\n0m0s 0m0s\nspawn: ${errText(e)}\n`);
      });
      child.on('exit', () => {
        this.active.delete(name);
        this.pump();
      });
      child.unref();
    } finally {
      await out.close();
    }
  }

  private async readStatus(name: string): Promise<JobStatus | null> {
    if (!isJobDirName(name)) return null;
    const d = join(this.dir, name);
    const spec = await readSpec(d);
    if (!spec) return null;
    const ref = this.ref(name);
    const cancelled = await exists(join(d, 'cancelled'));
    const startedAtS = await readFloat(join(d, 'started'));
    let exit = await readExit(d);
    if (!exit) {
      const pid = await readInt(join(d, 'pid'));
      if (pid === null) {
        if (cancelled)
          return { ref, state: 'cancelled', reason: 'cancelled before it started', retryable: false, accounting: null };
        return {
          ref,
          state: 'pending',
          reason: this.queue.includes(name) ? 'waiting for a free slot' : null,
          retryable: false,
          accounting: null,
        };
      }
      if (isProcessAlive(pid, d)) {
        return {
          ref,
          state: 'running',
          reason: null,
          retryable: false,
          accounting: this.accounting(spec, startedAtS, null, null),
        };
      }
      // it may have finished between the two reads
      exit = await readExit(d);
      if (!exit) {
        if (cancelled) {
          return {
            ref,
            state: 'cancelled',
            reason: 'cancelled',
            retryable: false,
            accounting: this.accounting(spec, startedAtS, null, null),
          };
        }
        return {
          ref,
          state: 'failed',
          reason: `lost: the job's process ${pid} is gone without recording an exit (killed, or the machine restarted)`,
          retryable: true,
          accounting: this.accounting(spec, startedAtS, null, null),
        };
      }
    }
    // `started` is written before the command runs, so once the exit is there it is too; read it again in
    // case the job started and ended between the first read and the exit read (a fast job)
    const started = startedAtS ?? (await readFloat(join(d, 'started')));
    const acct = this.accounting(spec, started, exit.endedAtS, exit);
    if (cancelled) return { ref, state: 'cancelled', reason: 'cancelled', retryable: false, accounting: acct };
    if (TIMEOUT_EXIT.has(exit.rc) && acct.wallS >= spec.timeLimitS - 0.5) {
      return {
        ref,
        state: 'timed-out',
        reason: `time limit of ${spec.timeLimitS} s reached`,
        retryable: false,
        accounting: { ...acct, exitCode: null, signal: exit.rc === 137 ? 9 : 15 },
      };
    }
    if (exit.rc === 0) return { ref, state: 'succeeded', reason: null, retryable: false, accounting: acct };
    const reason = exit.note
      ? exit.note
      : acct.signal !== null
        ? `killed by signal ${acct.signal}`
        : `exit code ${exit.rc}`;
    return { ref, state: 'failed', reason, retryable: false, accounting: acct };
  }

  private accounting(
    spec: SpecFile,
    startedAtS: number | null,
    endedAtS: number | null,
    exit: ExitFile | null,
  ): JobAccounting {
    const end = endedAtS ?? this.clock.nowS();
    const wallS = startedAtS === null ? 0 : Math.max(0, end - startedAtS);
    // sh reports a command killed by signal N as 128+N
    const signal = exit && exit.rc > 128 && exit.rc < 160 ? exit.rc - 128 : null;
    return {
      submittedAtS: spec.submittedAtS,
      startedAtS,
      endedAtS,
      wallS,
      cpus: spec.cpus,
      cpuCoreS: spec.cpus * wallS,
      cpuUsedS: exit ? exit.cpuUsedS : null,
      exitCode: exit ? (signal === null ? exit.rc : null) : null,
      signal,
      nodes: this.cluster,
      outputPath: join(this.dir, spec.name, 'output.log'),
    };
  }
}

/** CPUs a job holds: at least one, as on Slurm. */
function cpusOf(spec: JobSpec): number {
  return Math.max(1, Math.ceil(spec.resources.cpuCores));
}

function isJobDirName(name: string): boolean {
  return /^sw-[A-Za-z0-9_.-]+-[1-9][0-9]*$/.test(name);
}

interface ExitFile {
  rc: number;
  endedAtS: number;
  cpuUsedS: number;
  note: string | null;
}

/** The wrapper's exit file: rc, end time, then `times` (shell, then children: user and system). */
async function readExit(d: string): Promise<ExitFile | null> {
  const text = await readText(join(d, 'exit'));
  if (text === null) return null;
  const lines = text.split('\n');
  const rc = Number(lines[0]);
  const endedAtS = Number(lines[1]);
  if (!Number.isInteger(rc) || !Number.isFinite(endedAtS)) return null;
  const children = (lines[3] ?? '').match(/(\d+)m([\d.]+)s/g) ?? [];
  const cpuUsedS = children.reduce((sum, part) => {
    const m = /(\d+)m([\d.]+)s/.exec(part)!;
    return sum + Number(m[1]) * 60 + Number(m[2]);
  }, 0);
  const note = lines[4]?.trim() || null;
  return { rc, endedAtS, cpuUsedS, note };
}

async function readSpec(d: string): Promise<SpecFile | null> {
  const text = await readText(join(d, 'spec.json'));
  if (text === null) return null;
  try {
    return JSON.parse(text) as SpecFile;
  } catch {
    return null;
  }
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

async function readInt(path: string): Promise<number | null> {
  const t = await readText(path);
  const n = t === null ? Number.NaN : Number.parseInt(t, 10);
  return Number.isInteger(n) && n > 0 ? n : null;
}

async function readFloat(path: string): Promise<number | null> {
  const t = await readText(path);
  const n = t === null ? Number.NaN : Number(t.trim());
  return Number.isFinite(n) ? n : null;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function writeAtomic(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

/** Reads a window of a (possibly growing) output file: from `offset`, or the tail. */
export async function readChunk(path: string, opts: { offset?: number; maxBytes?: number } = {}): Promise<OutputChunk> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  if (!Number.isInteger(maxBytes) || maxBytes < 1)
    throw new BackendError('rejected', `maxBytes: must be a positive integer`, false);
  if (opts.offset !== undefined && (!Number.isInteger(opts.offset) || opts.offset < 0)) {
    throw new BackendError('rejected', `offset: must be an integer ≥ 0`, false);
  }
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', sizeBytes: 0, offset: 0, truncated: false };
    throw new BackendError('backend', `cannot read ${path}: ${errText(e)}`, true, { cause: e });
  }
  try {
    const size = (await fh.stat()).size;
    const offset = opts.offset ?? Math.max(0, size - maxBytes);
    const len = Math.max(0, Math.min(maxBytes, size - offset));
    const buf = Buffer.alloc(len);
    if (len > 0) await fh.read(buf, 0, len, offset);
    return { text: buf.toString('utf8'), sizeBytes: size, offset, truncated: offset > 0 || offset + len < size };
  } finally {
    await fh.close();
  }
}
