/**
 * Counts failures per key (an IP, a key id) in fixed windows, so repeated bad
 * credentials are refused before they cost a database lookup or a slow hash.
 * Wall time on purpose: this guards the process, it is not domain time.
 */
export class FailureWindow {
  private readonly counts = new Map<string, { n: number; resetAtMs: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    /** Most keys remembered; the oldest are forgotten first (bounded memory under attack). */
    private readonly maxKeys = 50_000,
  ) {}

  /** Seconds until `key` may try again, or 0 when it is under its limit. */
  blockedForS(key: string): number {
    const c = this.counts.get(key);
    if (!c) return 0;
    const now = performance.now();
    if (now >= c.resetAtMs) {
      this.counts.delete(key);
      return 0;
    }
    return c.n >= this.limit ? Math.max(1, Math.ceil((c.resetAtMs - now) / 1000)) : 0;
  }

  add(key: string): void {
    const now = performance.now();
    const c = this.counts.get(key);
    if (c && now < c.resetAtMs) {
      c.n++;
      return;
    }
    if (c) this.counts.delete(key);
    if (this.counts.size >= this.maxKeys) {
      const oldest = this.counts.keys().next().value;
      if (oldest !== undefined) this.counts.delete(oldest);
    }
    this.counts.set(key, { n: 1, resetAtMs: now + this.windowMs });
  }

  clear(key: string): void {
    this.counts.delete(key);
  }
}
