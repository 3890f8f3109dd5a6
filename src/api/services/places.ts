/**
 * The ids a request may refer to (cities, sites, hubs), cached briefly: task
 * submission checks its origin and hubs on every request, and these tables
 * change rarely. A miss refreshes the cache (at most once per second) before
 * the request is refused, so a site registered a moment ago is found.
 */
import type { Sql } from '../../store/sql.js';

const TTL_MS = 5000;
const MIN_REFRESH_MS = 1000;

export class PlaceIds {
  private cities = new Set<string>();
  private sites = new Set<string>();
  private hubs = new Set<string>();
  private loadedAtMs = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | null = null;

  constructor(private readonly sql: Sql) {}

  /** Is `id` a city or a site? */
  async isPlace(id: string): Promise<boolean> {
    return this.has((s) => s.cities.has(id) || s.sites.has(id));
  }

  async isHub(id: string): Promise<boolean> {
    return this.has((s) => s.hubs.has(id));
  }

  /** Forget what is cached (after a write that changes the ids). */
  invalidate(): void {
    this.loadedAtMs = Number.NEGATIVE_INFINITY;
  }

  private async has(test: (s: PlaceIds) => boolean): Promise<boolean> {
    // The TTL is wall time on purpose: it is a cache lifetime, not a domain time.
    const age = performance.now() - this.loadedAtMs;
    if (age > TTL_MS) await this.refresh();
    if (test(this)) return true;
    if (performance.now() - this.loadedAtMs > MIN_REFRESH_MS) {
      await this.refresh();
      return test(this);
    }
    return false;
  }

  private refresh(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const rows = await this.sql.query<{ kind: string; id: string }>(
          `SELECT 'city' AS kind, id FROM cities UNION ALL SELECT 'site', id FROM sites
           UNION ALL SELECT 'hub', id FROM hubs`,
        );
        const next = { city: new Set<string>(), site: new Set<string>(), hub: new Set<string>() };
        for (const r of rows) next[r.kind as keyof typeof next].add(r.id);
        this.cities = next.city;
        this.sites = next.site;
        this.hubs = next.hub;
        this.loadedAtMs = performance.now();
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }
}
