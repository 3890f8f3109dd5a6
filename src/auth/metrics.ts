/**
 * What `/metrics` shows (Prometheus text, prom-client): authentication
 * failures by reason, permission denials by role and route, rate-limited
 * requests, and HTTP requests by route and status with their durations.
 * One registry per app, so several apps in one process (tests) never clash.
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { AuthFailureReason } from './verifier.js';

export class TrustMetrics {
  readonly registry = new Registry();
  readonly authFailures = new Counter({
    name: 'suanwang_auth_failures_total',
    help: 'Requests refused with 401 (or 429 after repeated failures), by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly denials = new Counter({
    name: 'suanwang_auth_denials_total',
    help: 'Authenticated requests refused: 403 (role or scope) or 404 for another tenant’s resource',
    labelNames: ['role', 'route', 'why'] as const,
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'suanwang_rate_limited_total',
    help: 'Requests refused with 429 by the per-key rate limit',
    labelNames: ['role'] as const,
    registers: [this.registry],
  });
  readonly requests = new Counter({
    name: 'suanwang_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly durations = new Histogram({
    name: 'suanwang_http_request_duration_seconds',
    help: 'Time from request to response, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(opts: { processMetrics?: boolean } = {}) {
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'suanwang_' });
  }

  authFailure(reason: AuthFailureReason): void {
    this.authFailures.inc({ reason });
  }

  denial(role: string, route: string, why: 'role' | 'scope'): void {
    this.denials.inc({ role, route, why });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
