/**
 * Time-sortable ids (ULID layout: 48-bit milliseconds + 80 random bits,
 * Crockford base32), so "newest first" is "largest id first" and cursor
 * pagination needs no second sort key.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

// Random bytes drawn 4 KiB at a time: one system call per ~400 ids, not one per id.
let pool = Buffer.alloc(0);
let poolAt = 0;
function random10(): Buffer {
  if (poolAt + 10 > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  poolAt += 10;
  return pool.subarray(poolAt - 10, poolAt);
}

export function ulid(nowMs: number): string {
  if (!Number.isFinite(nowMs) || nowMs < 0) throw new Error(`ulid time must be ≥ 0 ms, got ${nowMs}`);
  let t = Math.floor(nowMs);
  let time = '';
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = random10();
  let rand = '';
  // 80 bits → 16 characters of 5 bits.
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      rand += ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return time + rand;
}

/** A new task id, `t_` + a ULID of the submission time. */
export function newTaskId(nowS: number): string {
  return `t_${ulid(nowS * 1000)}`;
}
