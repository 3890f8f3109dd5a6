/**
 * A Slurm cluster as a dispatch backend: through slurmrestd's REST API when
 * the site has a REST URL (or socket), else through sbatch/scontrol/scancel
 * with the site's slurm.conf. Either way, a job Slurm has already forgotten
 * (finished more than MinJobAge ago) is read from the jobcomp file with
 * `sacct -c` when the slurm.conf is known.
 *
 * Jobs are named deterministically (sw-<task>-<attempt>), never requeued by
 * Slurm itself (the platform decides retries and re-placements), and write
 * stdout+stderr to `<workDir>/<name>.out`.
 */
import { join } from 'node:path';
import type { Clock } from '../../domain/clock.js';
import { systemClock } from '../../domain/clock.js';
import type { Site } from '../../domain/site.js';
import {
  type Backend,
  BackendError,
  checkJobSpec,
  type JobRef,
  type JobSpec,
  type JobStatus,
  jobName,
  type OutputChunk,
} from '../backend.js';
import { readChunk } from '../local/local-backend.js';
import { SlurmCli } from './cli-client.js';
import { SlurmRest, type SlurmSubmitRequest } from './rest-client.js';
import { type SlurmJobInfo, toJobStatus } from './slurm-job.js';

export interface SlurmBackendOptions {
  /** Cluster name: the job key's second half (Slurm job ids restart at 1 per cluster). */
  cluster: string;
  /** slurmrestd base URL (JWT over TCP). */
  restUrl?: string;
  /** slurmrestd unix socket (local auth); used instead of restUrl when set. */
  restSocket?: string;
  /** JWT for restUrl; when absent and slurmConf is known, one is minted with `scontrol token`. */
  token?: string;
  /** X-SLURM-USER-NAME, and the user tokens are minted for (default root). */
  userName?: string;
  /** slurm.conf of the cluster, for the CLI (fallback, sacct -c, token minting). */
  slurmConf?: string;
  partition?: string;
  account?: string;
  /** Absolute directory on the cluster for job output (and the job's working directory). */
  workDir: string;
  /** Pin the REST version instead of negotiating (e.g. 'v0.0.38'). */
  apiVersion?: string;
  /** Per-request timeout (a slurmrestd whose slurmctld is down takes 9–18 s to say so). */
  timeoutMs?: number;
  clock?: Clock;
  /** PATH for the job (default: a standard system PATH). */
  path?: string;
}

/** Above this many jobs per poll one list-all request beats one request per job. */
const LIST_ALL_ABOVE = 16;
const TOKEN_LIFESPAN_S = 86_400;

export class SlurmBackend implements Backend {
  readonly kind = 'slurm';
  readonly cluster: string;
  readonly mode: 'rest' | 'cli';
  private readonly rest: SlurmRest | null;
  private readonly cli: SlurmCli | null;
  private readonly clock: Clock;
  private minted: { token: string; atS: number } | null = null;

  constructor(private readonly opts: SlurmBackendOptions) {
    if (!opts.cluster)
      throw new BackendError('config', 'backend.clusterName: a Slurm site needs a cluster name', false);
    if (!opts.workDir?.startsWith('/')) {
      throw new BackendError(
        'config',
        `backend.workDir: must be an absolute directory on the cluster, got '${opts.workDir ?? ''}'`,
        false,
      );
    }
    if (!opts.restUrl && !opts.restSocket && !opts.slurmConf) {
      throw new BackendError(
        'config',
        'backend.restUrl: a Slurm site needs a REST URL (slurmrestd) or backend.slurmConf (CLI)',
        false,
      );
    }
    this.cluster = opts.cluster;
    this.clock = opts.clock ?? systemClock;
    this.cli = opts.slurmConf ? new SlurmCli({ slurmConf: opts.slurmConf, cluster: opts.cluster }) : null;
    if (opts.restUrl || opts.restSocket) {
      this.mode = 'rest';
      const fixed = opts.token;
      this.rest = new SlurmRest({
        cluster: opts.cluster,
        url: opts.restUrl,
        socketPath: opts.restSocket,
        userName: opts.userName ?? 'root',
        timeoutMs: opts.timeoutMs,
        apiVersion: opts.apiVersion,
        token: async () => fixed ?? (await this.mintedToken(false)),
        renewToken: fixed || !this.cli ? undefined : () => this.mintedToken(true),
      });
    } else {
      this.mode = 'cli';
      this.rest = null;
    }
  }

  /** From a site's `backend` (kind 'slurm'). */
  static fromSite(site: Site, extra: Partial<SlurmBackendOptions> = {}): SlurmBackend {
    const b = site.backend;
    if (b?.kind !== 'slurm') throw new BackendError('config', `site '${site.id}': backend.kind is not 'slurm'`, false);
    return new SlurmBackend({
      cluster: b.clusterName ?? site.id,
      restUrl: b.restUrl,
      restSocket: b.restSocket,
      token: b.token,
      userName: b.userName,
      slurmConf: b.slurmConf,
      partition: b.partition,
      account: b.account,
      workDir: b.workDir ?? '',
      apiVersion: b.apiVersion,
      ...extra,
    });
  }

  /** The REST API version in use ('cli' without REST). */
  async apiVersion(): Promise<string> {
    return this.rest ? this.rest.apiVersion() : 'cli';
  }

  async ping(): Promise<void> {
    if (this.rest) await this.rest.ping(Math.min(this.opts.timeoutMs ?? 8000, 5000));
    else await this.cli!.ping();
  }

  async submit(spec: JobSpec): Promise<JobRef> {
    checkJobSpec(spec);
    const name = jobName(spec.taskId, spec.attempt);
    const stdout = join(this.opts.workDir, `${name}.out`);
    const r = spec.resources;
    const req: SlurmSubmitRequest = {
      name,
      script: `#!/bin/sh\n${spec.command}\n`,
      partition: this.opts.partition,
      account: this.opts.account,
      workDir: this.opts.workDir,
      stdout,
      environment: {
        PATH: this.opts.path ?? '/usr/local/bin:/usr/bin:/bin',
        ...spec.env,
        SUANWANG_TASK_ID: spec.taskId,
        SUANWANG_ATTEMPT: String(spec.attempt),
        SUANWANG_JOB_NAME: name,
      },
      // Slurm limits are whole minutes; round up so a job is never cut short
      timeLimitMin: Math.max(1, Math.ceil(spec.timeLimitS / 60)),
      cpusPerTask: Math.max(1, Math.ceil(r.cpuCores)),
      memoryMb: r.memoryGb > 0 ? Math.ceil(r.memoryGb * 1024) : undefined,
      nodes: r.hpcNodes > 0 ? Math.ceil(r.hpcNodes) : undefined,
      gpus: r.gpus > 0 ? Math.ceil(r.gpus) : undefined,
    };
    const jobId = this.rest ? await this.rest.submit(req) : await this.cli!.submit(req);
    return { backend: this.kind, cluster: this.cluster, jobId, name, outputPath: stdout };
  }

  async status(refs: readonly JobRef[]): Promise<Map<string, JobStatus>> {
    const out = new Map<string, JobStatus>();
    if (refs.length === 0) return out;
    const byId = new Map<string, SlurmJobInfo>();
    if (refs.length > LIST_ALL_ABOVE) {
      for (const j of this.rest ? await this.rest.jobs() : await this.cli!.jobs()) byId.set(j.jobId, j);
    } else {
      // a few jobs: one small request each, four at a time (slurmrestd serves them one by one anyway)
      for (let i = 0; i < refs.length; i += 4) {
        const got = await Promise.all(
          refs.slice(i, i + 4).map((r) => (this.rest ? this.rest.job(r.jobId) : this.cli!.job(r.jobId))),
        );
        for (const j of got) if (j) byId.set(j.jobId, j);
      }
    }
    // forgotten by slurmctld (MinJobAge): the jobcomp file still has the end state
    const missing = refs.filter((r) => !byId.has(r.jobId));
    if (missing.length > 0 && this.cli) {
      for (const j of await this.cli.completed(missing.map((r) => r.jobId))) byId.set(j.jobId, j);
    }
    for (const ref of refs) {
      const j = byId.get(ref.jobId);
      // a job id reused after a cluster was recreated from scratch is not our job
      if (!j || (j.name && j.name !== ref.name)) continue;
      if (!j.stdout) j.stdout = ref.outputPath;
      out.set(ref.jobId, toJobStatus(ref, j));
    }
    return out;
  }

  async find(name: string): Promise<JobRef | null> {
    const live = this.rest ? await this.rest.jobs() : await this.cli!.jobs();
    let hits = live.filter((j) => j.name === name);
    if (hits.length === 0 && this.cli) hits = (await this.cli.completed()).filter((j) => j.name === name);
    if (hits.length === 0) return null;
    // several (a resubmission by hand?): the newest is the one that counts
    const j = hits.reduce((a, b) => (Number(b.jobId) > Number(a.jobId) ? b : a));
    return {
      backend: this.kind,
      cluster: this.cluster,
      jobId: j.jobId,
      name,
      outputPath: j.stdout ?? join(this.opts.workDir, `${name}.out`),
    };
  }

  async cancel(ref: JobRef): Promise<void> {
    const known = this.rest ? await this.rest.cancel(ref.jobId) : await this.cli!.cancel(ref.jobId);
    if (known) return;
    // already forgotten by slurmctld: fine if it ended (jobcomp has it), an error if it never existed
    if (this.cli && (await this.cli.completed([ref.jobId])).length > 0) return;
    throw new BackendError('not_found', `${this.cluster}: no job ${ref.jobId}`, false);
  }

  /** Reads `<workDir>/<name>.out`: needs the cluster's workDir reachable from here (a shared filesystem). */
  async readOutput(ref: JobRef, opts?: { offset?: number; maxBytes?: number }): Promise<OutputChunk> {
    const path = ref.outputPath ?? join(this.opts.workDir, `${ref.name}.out`);
    return readChunk(path, opts);
  }

  async close(): Promise<void> {}

  private async mintedToken(renew: boolean): Promise<string | null> {
    if (!this.cli) return null;
    const now = this.clock.nowS();
    // renew at most once a minute: with slurmctld down every call fails the same way
    if (this.minted && (!renew || now - this.minted.atS < 60) && now - this.minted.atS < TOKEN_LIFESPAN_S / 2) {
      return this.minted.token;
    }
    const token = await this.cli.token(this.opts.userName ?? 'root', TOKEN_LIFESPAN_S);
    this.minted = { token, atS: now };
    return token;
  }
}
