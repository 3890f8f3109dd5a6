/**
 * One backend per site, made from the site's `backend` field and kept while
 * that configuration does not change. A site without a backend runs on the
 * embedded local executor, with its jobs under `<dataDir>/jobs/<siteId>/`.
 */
import { join } from 'node:path';
import type { Clock } from '../domain/clock.js';
import { systemClock } from '../domain/clock.js';
import type { Site } from '../domain/site.js';
import type { Backend } from './backend.js';
import { LocalBackend } from './local/local-backend.js';
import { SlurmBackend, type SlurmBackendOptions } from './slurm/slurm-backend.js';

export interface BackendRegistryOptions {
  /** The platform's data directory (local jobs live under `<dataDir>/jobs/`). */
  dataDir: string;
  clock?: Clock;
  /** Defaults for every local site (a site's own backend.maxConcurrent wins). */
  local?: { maxConcurrent?: number };
  /** Extra options for every Slurm backend (e.g. timeoutMs). */
  slurm?: Partial<SlurmBackendOptions>;
}

/** Anything that gives the backend of a site (tests may pass their own). */
export interface BackendSource {
  backendFor(site: Site): Backend;
  close(): Promise<void>;
}

export class BackendRegistry implements BackendSource {
  private readonly cache = new Map<string, { config: string; backend: Backend }>();
  private readonly clock: Clock;

  constructor(private readonly opts: BackendRegistryOptions) {
    this.clock = opts.clock ?? systemClock;
  }

  backendFor(site: Site): Backend {
    const config = JSON.stringify(site.backend ?? null);
    const hit = this.cache.get(site.id);
    if (hit && hit.config === config) return hit.backend;
    if (hit) void hit.backend.close();
    const backend = this.make(site);
    this.cache.set(site.id, { config, backend });
    return backend;
  }

  async close(): Promise<void> {
    await Promise.all([...this.cache.values()].map((c) => c.backend.close()));
    this.cache.clear();
  }

  private make(site: Site): Backend {
    const b = site.backend;
    if (!b || b.kind === 'local') {
      return new LocalBackend({
        dir: join(this.opts.dataDir, 'jobs', site.id),
        maxConcurrent: (b?.kind === 'local' ? b.maxConcurrent : undefined) ?? this.opts.local?.maxConcurrent,
        clock: this.clock,
      });
    }
    return SlurmBackend.fromSite(site, { clock: this.clock, ...this.opts.slurm });
  }
}
