/**
 * The typed TypeScript client of the Suanwang HTTP API
 * (`import { SuanwangClient } from 'suanwang/client'`). Its types come from
 * the same TypeBox schemas the server validates with; errors arrive as
 * `SuanwangApiError` with the server's `{error, message, field}`.
 */
import type { Static } from '@sinclair/typebox';
import type { PageOf } from '../api/schemas/common.js';
import type { CircleSchema, LatencySchema } from '../api/schemas/network.js';
import type { PlacementRecordSchema } from '../api/schemas/placements.js';
import type { SitePatchSchema, SiteRecordSchema, SiteSchema } from '../api/schemas/sites.js';
import type {
  TaskDetailSchema,
  TaskEventSchema,
  TaskRecordSchema,
  TaskSubmissionSchema,
} from '../api/schemas/tasks.js';
import type { CitySchema, ClusterSchema, HubSchema, PairingSchema, SummarySchema } from '../api/schemas/topology.js';
import type {
  ApiKeyRecordSchema,
  CreatedApiKeySchema,
  NewApiKeySchema,
  RoleSchema,
  WhoAmISchema,
} from '../auth/schemas.js';
import type { TaskLogs } from '../dispatch/dispatch-loop.js';
import type { Site } from '../domain/site.js';
import type { TaskState, WorkKind } from '../domain/task.js';

export type Hub = Static<typeof HubSchema>;
export type Cluster = Static<typeof ClusterSchema>;
export type City = Static<typeof CitySchema>;
export type Pairing = Static<typeof PairingSchema>;
export type Summary = Static<typeof SummarySchema>;
/** What a site write sends: the domain Site (the server checks the closed sets, e.g. gridRegion). */
export type SiteInput = Site | Static<typeof SiteSchema>;
export type SiteRecord = Static<typeof SiteRecordSchema>;
export type SitePatch = Static<typeof SitePatchSchema>;
export type TaskSubmission = Static<typeof TaskSubmissionSchema>;
export type TaskRecord = Static<typeof TaskRecordSchema>;
export type TaskDetail = Static<typeof TaskDetailSchema>;
export type TaskEvent = Static<typeof TaskEventSchema>;
export type PlacementRecord = Static<typeof PlacementRecordSchema>;
export type Latency = Static<typeof LatencySchema>;
export type Circle = Static<typeof CircleSchema>;
export type Page<T> = { items: T[]; nextCursor: string | null };
export type Role = Static<typeof RoleSchema>;
export type ApiKey = Static<typeof ApiKeyRecordSchema>;
export type NewApiKey = Static<typeof NewApiKeySchema>;
export type CreatedApiKey = Static<typeof CreatedApiKeySchema>;
export type WhoAmI = Static<typeof WhoAmISchema>;
// Keeps Page in step with the server's page schema.
type _PageCheck = Static<ReturnType<typeof PageOf<typeof TaskRecordSchema>>> extends Page<TaskRecord> ? true : never;
const _pageCheck: _PageCheck = true;
void _pageCheck;

export interface PageParams {
  limit?: number;
  cursor?: string;
}

export interface SiteQuery extends PageParams {
  tier?: 'cluster' | 'city' | 'edge';
  hubId?: string;
  clusterId?: string;
  side?: 'east' | 'west';
  status?: 'up' | 'down' | 'draining';
  city?: string;
}

export interface TaskQuery extends PageParams {
  state?: TaskState | readonly TaskState[];
  tenantId?: string;
  siteId?: string;
  kind?: WorkKind;
}

export interface PlacementQuery extends PageParams {
  taskId?: string;
  siteId?: string;
  current?: boolean;
}

/** The API answered with an error. */
export class SuanwangApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'SuanwangApiError';
  }
}

/** The server could not be reached (refused, timed out, DNS…). */
export class SuanwangConnectionError extends Error {
  constructor(
    readonly url: string,
    override readonly cause: unknown,
  ) {
    const why = (cause as { cause?: { code?: string; message?: string } })?.cause;
    super(
      `cannot reach the Suanwang API at ${url}: ${why?.code ?? why?.message ?? (cause as Error)?.message ?? cause}`,
    );
    this.name = 'SuanwangConnectionError';
  }
}

export interface ClientOptions {
  /** Default env SUANWANG_URL, else http://127.0.0.1:8080 */
  baseUrl?: string;
  /** Sent as `Authorization: Bearer …` (for servers with API keys). */
  apiKey?: string;
  /** Per request (default 30 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  headers?: Record<string, string>;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';

type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

function queryString(q: Query = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    p.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

const id = (s: string) => encodeURIComponent(s);

export class SuanwangClient {
  readonly baseUrl: string;
  private readonly opts: ClientOptions;
  private readonly fetchImpl: typeof fetch;

  constructor(opts: ClientOptions = {}) {
    this.baseUrl = (opts.baseUrl ?? process.env.SUANWANG_URL ?? DEFAULT_URL).replace(/\/+$/, '');
    this.opts = opts;
    this.fetchImpl = opts.fetch ?? fetch;
  }

  /** One request; JSON in and out; errors as SuanwangApiError / SuanwangConnectionError. */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ status: number; data: T }> {
    const url = this.baseUrl + path;
    const headers: Record<string, string> = { accept: 'application/json', ...this.opts.headers, ...extraHeaders };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.opts.apiKey) headers.authorization = `Bearer ${this.opts.apiKey}`;
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw new SuanwangConnectionError(this.baseUrl, err);
    }
    const text = await res.text();
    let data: unknown = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = text;
      }
    }
    if (!res.ok) {
      const e = (data ?? {}) as { error?: string; message?: string; field?: string };
      throw new SuanwangApiError(
        res.status,
        e.error ?? `http_${res.status}`,
        e.message ?? `${method} ${path} answered ${res.status}`,
        e.field,
      );
    }
    return { status: res.status, data: data as T };
  }

  private async get<T>(path: string, q?: Query): Promise<T> {
    return (await this.request<T>('GET', path + queryString(q))).data;
  }

  /** Every item of a paged list, page after page. */
  async *paginate<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
    let cursor: string | undefined;
    do {
      const page = await fetchPage(cursor);
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  // health
  health = () => this.get<{ status: 'ok' }>('/healthz');
  ready = () => this.get<{ status: 'ok' }>('/readyz');
  summary = () => this.get<Summary>('/summary');

  // topology
  hubs = async () => (await this.get<{ items: Hub[] }>('/hubs')).items;
  hub = (hubId: string) => this.get<Hub>(`/hubs/${id(hubId)}`);
  clusters = async (q: { hubId?: string } = {}) => (await this.get<{ items: Cluster[] }>('/clusters', q)).items;
  cluster = (clusterId: string) => this.get<Cluster>(`/clusters/${id(clusterId)}`);
  cities = async (q: { hubId?: string; demand?: boolean } = {}) =>
    (await this.get<{ items: City[] }>('/cities', q)).items;
  city = (cityId: string) => this.get<City>(`/cities/${id(cityId)}`);
  pairings = async () => (await this.get<{ items: Pairing[] }>('/pairings')).items;

  // sites
  listSites = (q: SiteQuery = {}) => this.get<Page<SiteRecord>>('/sites', q as Query);
  allSites = (q: Omit<SiteQuery, 'cursor'> = {}) =>
    this.paginate((cursor) => this.listSites({ ...q, ...(cursor !== undefined && { cursor }) }));
  getSite = (siteId: string) => this.get<SiteRecord>(`/sites/${id(siteId)}`);
  createSite = async (site: SiteInput) => (await this.request<SiteRecord>('POST', '/sites', site)).data;
  /** A site registering itself (upsert by id); `created` tells which. */
  registerSite = async (site: SiteInput) => {
    const r = await this.request<SiteRecord>('POST', '/sites/register', site);
    return { site: r.data, created: r.status === 201 };
  };
  replaceSite = async (siteId: string, site: SiteInput, opts: { expectedVersion?: number } = {}) =>
    (await this.request<SiteRecord>('PUT', `/sites/${id(siteId)}${queryString(opts)}`, site)).data;
  patchSite = async (siteId: string, patch: SitePatch, opts: { expectedVersion?: number } = {}) =>
    (await this.request<SiteRecord>('PATCH', `/sites/${id(siteId)}${queryString(opts)}`, patch)).data;
  deleteSite = async (siteId: string): Promise<void> => {
    await this.request('DELETE', `/sites/${id(siteId)}`);
  };

  // tasks
  /**
   * With `idempotencyKey`, retrying (after a timeout or a dropped connection) returns the
   * same task instead of submitting a second one.
   */
  submitTask = async (task: TaskSubmission, opts: { idempotencyKey?: string } = {}) =>
    (
      await this.request<TaskRecord>(
        'POST',
        '/tasks',
        task,
        opts.idempotencyKey !== undefined ? { 'idempotency-key': opts.idempotencyKey } : {},
      )
    ).data;
  getTask = (taskId: string) => this.get<TaskDetail>(`/tasks/${id(taskId)}`);
  listTasks = (q: TaskQuery = {}) => this.get<Page<TaskRecord>>('/tasks', q as Query);
  allTasks = (q: Omit<TaskQuery, 'cursor'> = {}) =>
    this.paginate((cursor) => this.listTasks({ ...q, ...(cursor !== undefined && { cursor }) }));
  cancelTask = async (taskId: string, reason?: string) =>
    (await this.request<TaskRecord>('POST', `/tasks/${id(taskId)}/cancel`, reason === undefined ? {} : { reason }))
      .data;
  /** Output of the task's latest job (or of one attempt), from `offset` on. */
  taskLogs = (taskId: string, q: { offset?: number; maxBytes?: number; attempt?: number } = {}) =>
    this.get<TaskLogs>(`/tasks/${id(taskId)}/logs`, q);
  taskPlacements = async (taskId: string) =>
    (await this.get<{ items: PlacementRecord[] }>(`/tasks/${id(taskId)}/placements`)).items;

  // placements
  listPlacements = (q: PlacementQuery = {}) => this.get<Page<PlacementRecord>>('/placements', q as Query);

  // API keys (operator), and who the caller is
  whoami = () => this.get<WhoAmI>('/whoami');
  /** A new key: `key` is its secret form, shown in this answer only. */
  createKey = async (k: NewApiKey) => (await this.request<CreatedApiKey>('POST', '/keys', k)).data;
  listKeys = (q: PageParams & { role?: Role; tenantId?: string; revoked?: boolean } = {}) =>
    this.get<Page<ApiKey>>('/keys', q as Query);
  getKey = (keyId: string) => this.get<ApiKey>(`/keys/${id(keyId)}`);
  revokeKey = async (keyId: string) => (await this.request<ApiKey>('POST', `/keys/${id(keyId)}/revoke`, {})).data;

  // network
  latency = (from: string, to: string) => this.get<Latency>('/network/latency', { from, to });
  circle = (center: string, oneWayMs: number, kind?: 'site' | 'city') =>
    this.get<Circle>('/network/circle', { center, ms: oneWayMs, kind });
}
