/**
 * Slurm through its command-line tools, addressed by the cluster's slurm.conf
 * (SLURM_CONF): the fallback where slurmrestd is not enabled, and the only way
 * to read a finished job's record once slurmctld forgot it (after MinJobAge)
 * on a cluster without slurmdbd: `sacct -c` reads the jobcomp file.
 * Times are asked as epoch seconds (SLURM_TIME_FORMAT=%s): the tools otherwise
 * print local time without a zone.
 */
import { execFile } from 'node:child_process';
import { BackendError, errText } from '../backend.js';
import type { SlurmSubmitRequest } from './rest-client.js';
import { decodeExitPair, type SlurmJobInfo } from './slurm-job.js';

export interface SlurmCliOptions {
  slurmConf: string;
  cluster: string;
  timeoutMs?: number;
}

interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class SlurmCli {
  private readonly timeoutMs: number;

  constructor(private readonly opts: SlurmCliOptions) {
    this.timeoutMs = opts.timeoutMs ?? 15_000;
  }

  async ping(): Promise<void> {
    const r = await this.run('scontrol', ['ping'], undefined, undefined, 8000);
    if (!/is UP/.test(r.stdout)) {
      throw new BackendError(
        'unreachable',
        `${this.opts.cluster}: slurmctld is not UP: ${(r.stdout + r.stderr).trim()}`,
        true,
      );
    }
  }

  async submit(req: SlurmSubmitRequest): Promise<string> {
    const args = [
      '--parsable',
      `--job-name=${req.name}`,
      `--chdir=${req.workDir}`,
      `--output=${req.stdout}`,
      `--time=${req.timeLimitMin}`,
      `--cpus-per-task=${req.cpusPerTask}`,
      '--no-requeue',
      // only these variables reach the job (values are taken from sbatch's own environment below)
      `--export=${Object.keys(req.environment).join(',')}`,
    ];
    if (req.partition) args.push(`--partition=${req.partition}`);
    if (req.account) args.push(`--account=${req.account}`);
    if (req.memoryMb) args.push(`--mem=${req.memoryMb}`);
    if (req.nodes) args.push(`--nodes=${req.nodes}`);
    if (req.gpus) args.push(`--gres=gpu:${req.gpus}`);
    const r = await this.run('sbatch', args, req.script, req.environment);
    const id = /^(\d+)(;\S+)?\s*$/.exec(r.stdout.trim());
    if (r.code !== 0 || !id) throw this.failure('sbatch', r, `submit ${req.name}`);
    return id[1]!;
  }

  /** One job from slurmctld's memory, or null when it does not know the job (any more). */
  async job(jobId: string): Promise<SlurmJobInfo | null> {
    const r = await this.run('scontrol', ['show', 'job', '-o', jobId]);
    if (r.code !== 0 && /Invalid job id/i.test(r.stderr + r.stdout)) return null;
    if (r.code !== 0) throw this.failure('scontrol', r, `job ${jobId}`);
    return parseScontrol(r.stdout).find((j) => j.jobId === jobId) ?? null;
  }

  async jobs(): Promise<SlurmJobInfo[]> {
    const r = await this.run('scontrol', ['show', 'job', '-o']);
    if (r.code !== 0) throw this.failure('scontrol', r, 'jobs');
    return parseScontrol(r.stdout);
  }

  async cancel(jobId: string): Promise<boolean> {
    const r = await this.run('scancel', [jobId]);
    const text = r.stderr + r.stdout;
    if (/Invalid job id/i.test(text)) return false;
    if (r.code !== 0 && !/already (completing|completed)/i.test(text))
      throw this.failure('scancel', r, `cancel ${jobId}`);
    return true;
  }

  /** Finished jobs from the jobcomp file (sacct -c): all of them, or those with the given ids. */
  async completed(jobIds?: readonly string[]): Promise<SlurmJobInfo[]> {
    const args = [
      '-c',
      '-n',
      '-P',
      '-S',
      '1970-01-02T00:00:00',
      '-o',
      'JobID,JobName,State,ExitCode,Submit,Start,End,NCPUS,NodeList',
    ];
    if (jobIds && jobIds.length > 0) args.push('-j', jobIds.join(','));
    const r = await this.run('sacct', args);
    if (r.code !== 0) throw this.failure('sacct', r, 'sacct -c');
    return parseSacct(r.stdout);
  }

  /** Mints a JWT for slurmrestd (needs this host in the cluster's munge domain). */
  async token(userName: string, lifespanS: number): Promise<string> {
    const r = await this.run('scontrol', ['token', `username=${userName}`, `lifespan=${Math.round(lifespanS)}`]);
    const m = /SLURM_JWT=(\S+)/.exec(r.stdout);
    if (r.code !== 0 || !m) throw this.failure('scontrol', r, 'token');
    return m[1]!;
  }

  private failure(tool: string, r: ExecResult, what: string): BackendError {
    const text = (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ');
    const where = `${this.opts.cluster}: ${what}`;
    if (
      r.code === -1 ||
      /Unable to contact slurm controller|Socket timed out|Connection refused|Zero Bytes|try again/i.test(text)
    ) {
      return new BackendError('unreachable', `${where}: ${tool}: ${text || 'no answer'}`, true);
    }
    if (/Invalid job id/i.test(text)) return new BackendError('not_found', `${where}: ${text}`, false);
    return new BackendError('rejected', `${where}: ${tool}: ${text || `exit code ${r.code}`}`, false);
  }

  private run(
    cmd: string,
    args: string[],
    stdin?: string,
    env?: Record<string, string>,
    timeoutMs?: number,
  ): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        cmd,
        args,
        {
          timeout: timeoutMs ?? this.timeoutMs,
          killSignal: 'SIGKILL',
          maxBuffer: 256 * 1024 * 1024,
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: process.env.HOME ?? '/',
            ...env,
            SLURM_CONF: this.opts.slurmConf,
            SLURM_TIME_FORMAT: '%s',
          },
        },
        (err, stdout, stderr) => {
          if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
            reject(
              new BackendError(
                'config',
                `backend.slurmConf: the Slurm tool '${cmd}' is not installed on this host`,
                false,
              ),
            );
            return;
          }
          if (err && (err as { killed?: boolean }).killed) {
            resolve({
              code: -1,
              stdout,
              stderr: `${stderr}\n${cmd} timed out after ${timeoutMs ?? this.timeoutMs} ms`,
            });
            return;
          }
          const code = err ? Number((err as { code?: unknown }).code ?? 1) || 1 : 0;
          resolve({ code, stdout, stderr });
        },
      );
      if (stdin !== undefined) {
        child.stdin?.on('error', () => undefined);
        child.stdin?.end(stdin);
      }
    }).catch((e) => {
      if (e instanceof BackendError) throw e;
      throw new BackendError('backend', `${this.opts.cluster}: ${cmd}: ${errText(e)}`, true, { cause: e });
    }) as Promise<ExecResult>;
  }
}

/** `scontrol show job -o`: one job per line of Key=Value pairs (values may contain spaces, e.g. Command). */
export function parseScontrol(text: string): SlurmJobInfo[] {
  const jobs: SlurmJobInfo[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('JobId=')) continue;
    const f: Record<string, string> = {};
    // a key starts after a space and runs to '='; keys are CamelCase words (some with ':' or '/')
    const re = /(?:^| )([A-Za-z][A-Za-z0-9_:/]*)=/g;
    const marks: { key: string; start: number; valueStart: number }[] = [];
    for (let m = re.exec(line); m; m = re.exec(line))
      marks.push({ key: m[1]!, start: m.index, valueStart: m.index + m[0].length });
    marks.forEach((mk, i) => {
      f[mk.key] = line.slice(mk.valueStart, i + 1 < marks.length ? marks[i + 1]!.start : line.length).trim();
    });
    const { exitCode, signal } = decodeExitPair(f.ExitCode);
    jobs.push({
      jobId: f.JobId ?? '',
      name: f.JobName ?? '',
      state: (f.JobState ?? 'UNKNOWN').toUpperCase(),
      reason: !f.Reason || f.Reason === 'None' ? null : f.Reason,
      exitCode,
      signal,
      submitTimeS: epoch(f.SubmitTime),
      startTimeS: epoch(f.StartTime),
      endTimeS: epoch(f.EndTime),
      cpus: f.NumCPUs ? Number(f.NumCPUs) : null,
      nodes: f.NodeList && f.NodeList !== '(null)' ? f.NodeList : null,
      stdout: f.StdOut || null,
    });
  }
  return jobs;
}

/** `sacct -c -n -P -o JobID,JobName,State,ExitCode,Submit,Start,End,NCPUS,NodeList`. */
export function parseSacct(text: string): SlurmJobInfo[] {
  const jobs: SlurmJobInfo[] = [];
  for (const line of text.split('\n')) {
    const p = line.split('|');
    if (p.length < 9 || !/^\d+$/.test(p[0]!)) continue;
    // "CANCELLED by 0" → CANCELLED
    const state = p[2]!.split(' ')[0]!.toUpperCase();
    const { exitCode, signal } = decodeExitPair(p[3]);
    jobs.push({
      jobId: p[0]!,
      name: p[1]!,
      state,
      reason: null,
      exitCode,
      signal,
      submitTimeS: epoch(p[4]),
      startTimeS: epoch(p[5]),
      endTimeS: epoch(p[6]),
      cpus: p[7] ? Number(p[7]) : null,
      nodes: p[8] && p[8] !== 'None assigned' ? p[8] : null,
      stdout: null,
    });
  }
  return jobs;
}

function epoch(x: string | undefined): number | null {
  return x && /^\d+$/.test(x) ? Number(x) : null;
}
