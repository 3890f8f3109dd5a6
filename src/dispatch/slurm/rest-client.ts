/**
 * slurmrestd's REST API. The version is negotiated: the server's OpenAPI
 * document (`/openapi/v3`) lists the `/slurm/v0.0.NN/` plugins it loaded, and
 * the newest one this client knows is used, so a newer Slurm works too.
 *
 * Shapes differ by version: up to v0.0.38 (Slurm 22.05) the job environment is
 * an object, numbers are plain and `exit_code` is a raw wait status; from
 * v0.0.39 the environment is a list of NAME=value, numbers may come as
 * `{set, infinite, number}` and exit codes as `{status, return_code, signal}`;
 * from v0.0.40 `job_state` is a list of a base state plus flags. v0.0.36–38
 * are exercised against a real slurmrestd by the tests; v0.0.39–42 follow the
 * published OpenAPI documents of those releases.
 *
 * Errors hide in 200s: an infeasible job is accepted *with* `errors` (and a
 * job id), so every answer's `errors` is checked.
 */
import { BackendError } from '../backend.js';
import { type HttpResult, type HttpTarget, httpJson } from './http.js';
import { BASE_STATES, decodeWaitStatus, type SlurmJobInfo } from './slurm-job.js';

/** REST plugin minor versions this client can speak, oldest first. */
export const SUPPORTED_API_VERSIONS = [36, 37, 38, 39, 40, 41, 42] as const;

/** Slurm's ESLURM_INVALID_JOB_ID: the job never existed, or its record aged out (MinJobAge). */
const INVALID_JOB_ID = 2017;

export interface SlurmRestOptions extends HttpTarget {
  /** X-SLURM-USER-NAME; not sent over a unix socket (local auth). */
  userName?: string;
  /** The JWT to send (X-SLURM-USER-TOKEN). */
  token?: () => Promise<string | null>;
  /** Mints a fresh JWT after an auth failure; null when it cannot (a fixed token). */
  renewToken?: () => Promise<string | null>;
  timeoutMs?: number;
  /** Pin a version (e.g. 'v0.0.38') instead of negotiating. */
  apiVersion?: string;
  /** For messages: the cluster's name. */
  cluster: string;
}

export interface SlurmSubmitRequest {
  name: string;
  script: string;
  partition?: string;
  account?: string;
  workDir: string;
  stdout: string;
  environment: Record<string, string>;
  timeLimitMin: number;
  cpusPerTask: number;
  memoryMb?: number;
  nodes?: number;
  gpus?: number;
}

interface SlurmError {
  error_number?: number;
  error_code?: number;
  error?: string;
  description?: string;
  source?: string;
}

export class SlurmRest {
  private version: number | null;
  private versionProbe: Promise<number> | null = null;
  private readonly timeoutMs: number;

  constructor(private readonly opts: SlurmRestOptions) {
    this.timeoutMs = opts.timeoutMs ?? 8000;
    this.version = null;
    if (opts.apiVersion) {
      const m = /^v0\.0\.(\d+)$/.exec(opts.apiVersion);
      if (!m || !SUPPORTED_API_VERSIONS.includes(Number(m[1]) as (typeof SUPPORTED_API_VERSIONS)[number])) {
        throw new BackendError(
          'config',
          `backend.apiVersion: '${opts.apiVersion}' is not one of ${SUPPORTED_API_VERSIONS.map((v) => `v0.0.${v}`).join(', ')}`,
          false,
        );
      }
      this.version = Number(m[1]);
    }
  }

  /** The negotiated API version, e.g. 'v0.0.38'. */
  async apiVersion(): Promise<string> {
    return `v0.0.${await this.negotiate()}`;
  }

  async ping(timeoutMs?: number): Promise<void> {
    const v = await this.negotiate();
    const res = await this.call('GET', `/slurm/v0.0.${v}/ping`, undefined, timeoutMs);
    const body = this.check(res, 'ping');
    const pings = (body.pings as { ping?: string; pinged?: string }[] | undefined) ?? [];
    // v0.0.38 says ping: "UP"; v0.0.40+ says pinged: "UP" (and responding: true)
    if (!pings.some((p) => (p.ping ?? p.pinged ?? '').toUpperCase() === 'UP')) {
      throw new BackendError(
        'unreachable',
        `${this.opts.cluster}: slurmctld is not UP (${JSON.stringify(pings)})`,
        true,
      );
    }
  }

  /** Submits a batch job; returns its id. A job accepted with errors is cancelled and refused. */
  async submit(req: SlurmSubmitRequest): Promise<string> {
    const v = await this.negotiate();
    const body = submitBody(v, req);
    const res = await this.call('POST', `/slurm/v0.0.${v}/job/submit`, body);
    const json = asObject(res.json);
    const errors = errorsOf(json);
    const jobId = json?.job_id;
    if (res.status === 200 && errors.length > 0 && jobId !== undefined && jobId !== null) {
      // accepted but infeasible (e.g. more CPUs than any node has): it would pend forever
      await this.cancel(String(jobId)).catch(() => undefined);
      throw new BackendError('rejected', `${this.opts.cluster}: job ${req.name} refused: ${describe(errors)}`, false);
    }
    const ok = this.check(res, `submit ${req.name}`);
    if (ok.job_id === undefined || ok.job_id === null) {
      throw new BackendError(
        'backend',
        `${this.opts.cluster}: submit answered without a job id: ${res.text.slice(0, 300)}`,
        true,
      );
    }
    return String(ok.job_id);
  }

  /** One job, or null when Slurm no longer knows it (finished longer than MinJobAge ago, or never existed). */
  async job(jobId: string): Promise<SlurmJobInfo | null> {
    const v = await this.negotiate();
    const res = await this.call('GET', `/slurm/v0.0.${v}/job/${encodeURIComponent(jobId)}`);
    if (isInvalidJob(res)) return null;
    const body = this.check(res, `job ${jobId}`);
    const jobs = (body.jobs as unknown[] | undefined) ?? [];
    const j = jobs.map(parseJob).find((x) => x.jobId === jobId);
    return j ?? null;
  }

  /** Every job the controller still holds (running, pending and recently finished). */
  async jobs(): Promise<SlurmJobInfo[]> {
    const v = await this.negotiate();
    const res = await this.call('GET', `/slurm/v0.0.${v}/jobs`);
    const body = this.check(res, 'jobs');
    return ((body.jobs as unknown[] | undefined) ?? []).map(parseJob);
  }

  /** Cancels a job; false when Slurm does not know the job (any more). */
  async cancel(jobId: string): Promise<boolean> {
    const v = await this.negotiate();
    const res = await this.call('DELETE', `/slurm/v0.0.${v}/job/${encodeURIComponent(jobId)}`);
    if (isInvalidJob(res)) return false;
    const body = asObject(res.json);
    // cancelling a job that already ended: Slurm says "Job/step already completing or completed"
    if (
      errorsOf(body).some((e) =>
        /already (completing|completed)|already finished/i.test(e.description ?? e.error ?? ''),
      )
    ) {
      return true;
    }
    this.check(res, `cancel ${jobId}`);
    return true;
  }

  private negotiate(): Promise<number> {
    if (this.version !== null) return Promise.resolve(this.version);
    this.versionProbe ??= (async () => {
      let res = await this.call('GET', '/openapi/v3', undefined, undefined, false);
      if (res.status === 404) res = await this.call('GET', '/openapi', undefined, undefined, false);
      if (res.status === 401 || res.status === 403) {
        throw new BackendError(
          'unauthorized',
          `${this.opts.cluster}: slurmrestd refused the credentials (HTTP ${res.status})`,
          true,
        );
      }
      const paths = Object.keys((asObject(res.json)?.paths as object | undefined) ?? {});
      const offered = new Set<number>();
      for (const p of paths) {
        const m = /^\/slurm\/v0\.0\.(\d+)\/job\/submit$/.exec(p);
        if (m) offered.add(Number(m[1]));
      }
      const usable = SUPPORTED_API_VERSIONS.filter((v) => offered.has(v));
      if (usable.length === 0) {
        throw new BackendError(
          'config',
          `${this.opts.cluster}: slurmrestd offers ${offered.size ? [...offered].map((v) => `v0.0.${v}`).join(', ') : 'no /slurm/ job API'}; this platform speaks ${SUPPORTED_API_VERSIONS.map((v) => `v0.0.${v}`).join(', ')}`,
          false,
        );
      }
      this.version = usable[usable.length - 1]!;
      return this.version;
    })().finally(() => {
      this.versionProbe = null;
    });
    return this.versionProbe;
  }

  private async call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    timeoutMs?: number,
    retryAuth = true,
  ): Promise<HttpResult> {
    const send = async (token: string | null) => {
      const headers: Record<string, string> = {};
      if (!this.opts.socketPath) {
        if (token) headers['X-SLURM-USER-TOKEN'] = token;
        if (this.opts.userName) headers['X-SLURM-USER-NAME'] = this.opts.userName;
      }
      return httpJson(this.opts, method, path, {
        headers,
        body,
        timeoutMs: timeoutMs ?? this.timeoutMs,
        what: `slurmrestd of ${this.opts.cluster}`,
      });
    };
    const res = await send(this.opts.socketPath || !this.opts.token ? null : await this.opts.token());
    // an expired or revoked JWT: 401, or (22.05) 500 "slurmctld config is unable to load"; try a fresh one once
    if (
      retryAuth &&
      this.opts.renewToken &&
      !this.opts.socketPath &&
      (res.status === 401 || isConfigLoadFailure(res))
    ) {
      const fresh = await this.opts.renewToken().catch(() => null);
      if (fresh) return send(fresh);
    }
    return res;
  }

  /** Throws the right BackendError for a failed answer; returns the body of a good one. */
  private check(res: HttpResult, what: string): Record<string, unknown> {
    const body = asObject(res.json);
    const errors = errorsOf(body);
    if (res.status >= 200 && res.status < 300 && errors.length === 0 && body) return body;
    const where = `${this.opts.cluster}: ${what}`;
    if (res.status === 401 || res.status === 403) {
      throw new BackendError('unauthorized', `${where}: slurmrestd refused the credentials (HTTP ${res.status})`, true);
    }
    if (errors.some((e) => (e.error_number ?? e.error_code) === INVALID_JOB_ID)) {
      throw new BackendError('not_found', `${where}: ${describe(errors)}`, false);
    }
    if (isConfigLoadFailure(res)) {
      // slurmrestd answers, slurmctld does not (or the token is bad: 22.05 cannot tell them apart)
      throw new BackendError('unreachable', `${where}: slurmctld is not answering (${describe(errors)})`, true);
    }
    if (res.status >= 500 && errors.length === 0) {
      throw new BackendError('unreachable', `${where}: HTTP ${res.status} ${res.text.slice(0, 200)}`, true);
    }
    if (res.status === 400 || res.status === 404 || res.status === 405 || res.status === 415) {
      throw new BackendError(
        'rejected',
        `${where}: HTTP ${res.status}: ${errors.length ? describe(errors) : res.text.slice(0, 300)}`,
        false,
      );
    }
    // Slurm's own refusals of a request (no such partition, memory over the node's): final
    const text = describe(errors);
    const transient =
      /unable to contact|connection refused|timed out|try again|temporarily|Socket timed out|Zero Bytes/i.test(text);
    throw new BackendError(
      transient ? 'unreachable' : 'rejected',
      `${where}: ${text || `HTTP ${res.status}`}`,
      transient,
    );
  }
}

function isInvalidJob(res: HttpResult): boolean {
  return errorsOf(asObject(res.json)).some((e) => (e.error_number ?? e.error_code) === INVALID_JOB_ID);
}

function isConfigLoadFailure(res: HttpResult): boolean {
  return (
    res.status >= 500 &&
    errorsOf(asObject(res.json)).some((e) =>
      /unable to load|slurm_load_ctl_conf|Unable to contact slurm controller/i.test(`${e.description} ${e.source}`),
    )
  );
}

function asObject(x: unknown): Record<string, unknown> | null {
  return x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : null;
}

function errorsOf(body: Record<string, unknown> | null): SlurmError[] {
  const e = body?.errors;
  return Array.isArray(e) ? (e as SlurmError[]) : [];
}

function describe(errors: SlurmError[]): string {
  return errors
    .map((e) => [e.description, e.error].filter((s) => s && s !== 'Unspecified error').join(': ') || JSON.stringify(e))
    .join('; ');
}

/** `{set, infinite, number}` (v0.0.39+) or a plain number → number | null. */
function num(x: unknown): number | null {
  if (typeof x === 'number') return Number.isFinite(x) ? x : null;
  const o = asObject(x);
  if (o && o.set !== false && o.infinite !== true && typeof o.number === 'number') return o.number;
  return null;
}

function str(x: unknown): string | null {
  return typeof x === 'string' && x !== '' ? x : null;
}

/** A job object of any supported version → SlurmJobInfo. Exported for tests of the newer shapes. */
export function parseJob(raw: unknown): SlurmJobInfo {
  const j = asObject(raw) ?? {};
  let state = 'UNKNOWN';
  if (typeof j.job_state === 'string') state = j.job_state;
  else if (Array.isArray(j.job_state)) {
    const states = (j.job_state as unknown[]).map(String);
    state = BASE_STATES.find((s) => states.includes(s)) ?? states[0] ?? 'UNKNOWN';
  }
  let exitCode: number | null = null;
  let signal: number | null = null;
  const ec = j.exit_code;
  if (typeof ec === 'number') ({ exitCode, signal } = decodeWaitStatus(ec));
  else if (asObject(ec)) {
    const o = asObject(ec)!;
    const sig = asObject(o.signal);
    const sigId = num(sig?.id ?? sig?.signal_id);
    const statuses = Array.isArray(o.status) ? (o.status as string[]) : [String(o.status ?? '')];
    if (sigId && (statuses.includes('SIGNALED') || !num(o.return_code))) signal = sigId;
    else exitCode = num(o.return_code);
  }
  const reason = str(j.state_reason);
  return {
    jobId: String(j.job_id ?? ''),
    name: String(j.name ?? ''),
    state: state.toUpperCase(),
    reason: reason === 'None' ? null : reason,
    exitCode,
    signal,
    submitTimeS: num(j.submit_time),
    startTimeS: num(j.start_time),
    endTimeS: num(j.end_time),
    cpus: num(j.cpus),
    nodes: str(j.nodes),
    stdout: str(j.standard_output),
  };
}

/** The submit body for an API version. */
export function submitBody(v: number, r: SlurmSubmitRequest): Record<string, unknown> {
  // v0.0.39+ wants uint32/uint64 "no_val" objects for these numbers
  const n = (x: number) => (v >= 39 ? { set: true, infinite: false, number: x } : x);
  const job: Record<string, unknown> = {
    name: r.name,
    current_working_directory: r.workDir,
    standard_output: r.stdout,
    environment: v >= 39 ? Object.entries(r.environment).map(([k, val]) => `${k}=${val}`) : r.environment,
    time_limit: n(r.timeLimitMin),
    cpus_per_task: r.cpusPerTask,
    // the platform decides retries and re-placements: Slurm must not requeue on its own
    requeue: false,
  };
  if (r.partition) job.partition = r.partition;
  if (r.account) job.account = r.account;
  if (r.memoryMb) job.memory_per_node = n(r.memoryMb);
  if (r.nodes) job.nodes = v >= 39 ? String(r.nodes) : r.nodes;
  // v0.0.38 takes gres on the job; later versions take tres_per_node
  if (r.gpus) {
    if (v >= 39) job.tres_per_node = `gres/gpu:${r.gpus}`;
    else job.gres = `gpu:${r.gpus}`;
  }
  return { script: r.script, job };
}
