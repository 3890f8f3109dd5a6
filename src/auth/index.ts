/** Trust: API keys, roles, tenant and site scopes, rate limits, idempotent submission, audit metrics. */
export * from './api-key.js';
export * from './client-config.js';
export * from './handler-timeout.js';
export * from './idempotency.js';
export * from './json-limits.js';
export * from './key-store.js';
export * from './metrics.js';
export * from './plugin.js';
export * from './principal.js';
export * from './scope.js';
export * from './verifier.js';
