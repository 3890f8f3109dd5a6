/**
 * Which sites answer. A site is marked down only after it has failed
 * continuously for `downAfterS` (one lost request is not an outage), and up
 * again on the first answer after that. Pure: time comes from the Clock.
 */
import type { Clock } from '../domain/clock.js';
import { invalid } from '../domain/errors.js';

export interface SiteHealth {
  status: 'up' | 'down';
  /** Start of the current run of failures, null when the last contact worked. */
  failingSinceS: number | null;
  lastOkS: number | null;
  lastError: string | null;
  downSinceS: number | null;
}

export class FailureDetector {
  private readonly sites = new Map<string, SiteHealth>();

  constructor(private readonly opts: { downAfterS: number; clock: Clock }) {
    if (!Number.isFinite(opts.downAfterS) || opts.downAfterS < 0) {
      throw invalid('downAfterS', `must be a number of seconds ≥ 0, got ${opts.downAfterS}`);
    }
  }

  /** The site answered. Returns 'recovered' when that ends an outage. */
  observeOk(siteId: string): 'recovered' | null {
    const h = this.get(siteId);
    const wasDown = h.status === 'down';
    h.status = 'up';
    h.failingSinceS = null;
    h.lastOkS = this.opts.clock.nowS();
    h.lastError = null;
    h.downSinceS = null;
    return wasDown ? 'recovered' : null;
  }

  /** The site did not answer. Returns 'down' when this failure makes it an outage. */
  observeFailure(siteId: string, error: string): 'down' | null {
    const h = this.get(siteId);
    const now = this.opts.clock.nowS();
    h.failingSinceS ??= now;
    h.lastError = error;
    if (h.status === 'up' && now - h.failingSinceS >= this.opts.downAfterS) {
      h.status = 'down';
      h.downSinceS = now;
      return 'down';
    }
    return null;
  }

  isDown(siteId: string): boolean {
    return this.sites.get(siteId)?.status === 'down';
  }

  health(siteId: string): SiteHealth {
    return { ...this.get(siteId) };
  }

  downSites(): string[] {
    return [...this.sites].filter(([, h]) => h.status === 'down').map(([id]) => id);
  }

  private get(siteId: string): SiteHealth {
    let h = this.sites.get(siteId);
    if (!h) {
      h = { status: 'up', failingSinceS: null, lastOkS: null, lastError: null, downSinceS: null };
      this.sites.set(siteId, h);
    }
    return h;
  }
}
