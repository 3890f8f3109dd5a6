/**
 * Turns a presented API key into a Principal at thousands of requests per
 * second despite the slow hash: the key row is found by its id, the secret is
 * checked with scrypt once, and then (key id → sha256 of the secret) is kept
 * in memory. A cached key is re-read from the store (one cheap query, no
 * hash) at most every `recheckMs`, so a key revoked by another server stops
 * working within that time; revoking through this process forgets it at once.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import type { Sql } from '../store/sql.js';
import { parseKey, secretDigest, verifySecret } from './api-key.js';
import { FailureWindow } from './failure-window.js';
import { getApiKey, type StoredApiKey } from './key-store.js';
import type { Principal } from './principal.js';

export type AuthFailureReason =
  | 'missing' // no credentials on a route that needs them
  | 'malformed' // not `Bearer sw_<id>_<secret>`
  | 'unknown_key' // no key with that id
  | 'bad_secret' // the id exists, the secret is wrong
  | 'revoked'
  | 'expired'
  | 'throttled'; // too many failures: refused before any lookup

export class AuthError extends Error {
  constructor(
    readonly reason: AuthFailureReason,
    message: string,
    readonly keyId?: string,
    /** For 'throttled': when to try again. */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

export interface KeyVerifierOptions {
  /** How long a verified key is trusted before its row is read again (default 1000 ms). */
  recheckMs?: number;
  /** Most keys cached at once (default 10,000). */
  maxCached?: number;
  /** Slow hashes running at once (default 2: the rest of the thread pool stays free for I/O). */
  maxConcurrentHashes?: number;
  /** Wrong secrets for one key id before it is refused for a while (default 20 per minute). */
  failuresPerKey?: { limit: number; windowMs: number };
}

interface Cached {
  digest: Buffer;
  secretHash: string;
  key: StoredApiKey;
  principal: Principal;
  checkedAtMs: number;
}

const INVALID = 'the API key is not valid (unknown, revoked or expired)';

/** Runs at most `n` tasks at once. */
class Semaphore {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly n: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.n) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

export function principalOf(k: StoredApiKey): Principal {
  return { keyId: k.id, name: k.name, role: k.role, tenantId: k.tenantId, siteIds: [...k.siteIds] };
}

export class KeyVerifier {
  private readonly cache = new Map<string, Cached>();
  private readonly inflight = new Map<string, Promise<Principal>>();
  private readonly rechecks = new Map<string, Promise<StoredApiKey | null>>();
  private readonly hashes: Semaphore;
  private readonly failures: FailureWindow;
  private readonly recheckMs: number;
  private readonly maxCached: number;

  constructor(
    private readonly sql: Sql,
    private readonly clock: Clock,
    opts: KeyVerifierOptions = {},
  ) {
    this.recheckMs = opts.recheckMs ?? 1000;
    this.maxCached = opts.maxCached ?? 10_000;
    this.hashes = new Semaphore(opts.maxConcurrentHashes ?? 2);
    const f = opts.failuresPerKey ?? { limit: 20, windowMs: 60_000 };
    this.failures = new FailureWindow(f.limit, f.windowMs);
  }

  /**
   * The principal of an `Authorization` value (`Bearer sw_…`, or the bare key); throws AuthError.
   * `guard` runs before a key not yet verified is looked up and hashed: it may throw to refuse.
   */
  async verifyHeader(value: string | undefined, guard?: () => void): Promise<Principal> {
    if (value === undefined || value.trim() === '') {
      throw new AuthError('missing', 'this route needs an API key: send Authorization: Bearer sw_…');
    }
    const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(value);
    return this.verify(m ? m[1]! : value.trim(), guard);
  }

  async verify(presented: string, guard?: () => void): Promise<Principal> {
    const parsed = parseKey(presented);
    if (!parsed) throw new AuthError('malformed', 'the API key is malformed (expected sw_<id>_<secret>)');
    const { keyId, secret } = parsed;
    const digest = secretDigest(secret);
    const hit = this.cache.get(keyId);
    if (hit && hit.digest.length === digest.length && timingSafeEqual(hit.digest, digest)) {
      if (performance.now() - hit.checkedAtMs <= this.recheckMs) return this.usable(hit.key, hit.principal);
      const fresh = await this.recheck(keyId);
      if (fresh && fresh.secretHash === hit.secretHash) {
        hit.key = fresh;
        hit.principal = principalOf(fresh);
        hit.checkedAtMs = performance.now();
        return this.usable(fresh, hit.principal);
      }
      this.cache.delete(keyId);
      if (!fresh) throw new AuthError('unknown_key', INVALID, keyId);
    }
    guard?.();
    // Concurrent first requests with one key share one slow hash.
    const flightKey = `${keyId}:${digest.toString('hex')}`;
    let flight = this.inflight.get(flightKey);
    if (!flight) {
      flight = this.slowVerify(keyId, secret, digest).finally(() => this.inflight.delete(flightKey));
      this.inflight.set(flightKey, flight);
    }
    return flight;
  }

  /** Forget a key at once (after revoking it here). */
  forget(keyId: string): void {
    this.cache.delete(keyId);
  }

  clear(): void {
    this.cache.clear();
  }

  private usable(key: StoredApiKey, principal: Principal): Principal {
    if (key.revokedAtS !== null) {
      this.cache.delete(key.id);
      throw new AuthError('revoked', 'this API key was revoked', key.id);
    }
    if (key.expiresAtS !== null && key.expiresAtS <= this.clock.nowS()) {
      this.cache.delete(key.id);
      throw new AuthError('expired', 'this API key has expired', key.id);
    }
    return principal;
  }

  private recheck(keyId: string): Promise<StoredApiKey | null> {
    let p = this.rechecks.get(keyId);
    if (!p) {
      p = getApiKey(this.sql, keyId).finally(() => this.rechecks.delete(keyId));
      this.rechecks.set(keyId, p);
    }
    return p;
  }

  private async slowVerify(keyId: string, secret: string, digest: Buffer): Promise<Principal> {
    const wait = this.failures.blockedForS(keyId);
    if (wait > 0) {
      throw new AuthError('throttled', `too many failed attempts with this key id; retry in ${wait} s`, keyId, wait);
    }
    const key = await getApiKey(this.sql, keyId);
    if (!key) throw new AuthError('unknown_key', INVALID, keyId);
    const ok = await this.hashes.run(() => verifySecret(secret, key.secretHash));
    if (!ok) {
      this.failures.add(keyId);
      throw new AuthError('bad_secret', INVALID, keyId);
    }
    // The secret is right: now it is safe to say exactly why the key cannot be used.
    const principal = principalOf(key);
    this.usable(key, principal);
    if (this.cache.size >= this.maxCached) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(keyId, { digest, secretHash: key.secretHash, key, principal, checkedAtMs: performance.now() });
    return principal;
  }
}
