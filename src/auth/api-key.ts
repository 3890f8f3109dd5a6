/**
 * API keys on the wire and at rest. A key reads `sw_<keyId>_<secret>`: the
 * key id finds the stored row without a scan, the secret is checked against
 * a slow scrypt hash (kept with its parameters, so they can be raised later
 * without breaking stored keys). Only the hash is ever stored.
 */
import { createHash, randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

export const KEY_PREFIX = 'sw_';
/** 16 characters of [a-z0-9]: 80 random bits, so ids cannot be enumerated. */
export const KEY_ID_RE = /^[a-z0-9]{16}$/;
/** 32 random bytes as hex: 256 bits. */
const SECRET_RE = /^[0-9a-f]{64}$/;
const KEY_RE = /^sw_([a-z0-9]{16})_([0-9a-f]{64})$/;

/**
 * scrypt cost: N = 2^15, r = 8, p = 1 (32 MiB, tens of ms per check on one core).
 * Verified keys are cached (see KeyVerifier), so this is paid once per key per cache lifetime.
 */
export const SCRYPT_PARAMS = { N: 32768, r: 8, p: 1 } as const;
const HASH_BYTES = 32;
const SALT_BYTES = 16;

export interface ParsedKey {
  keyId: string;
  secret: string;
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export function newKeyId(): string {
  let out = '';
  for (const b of randomBytes(16)) out += ID_ALPHABET[b & 31];
  return out;
}

export function newSecret(): string {
  return randomBytes(32).toString('hex');
}

export function formatKey(keyId: string, secret: string): string {
  if (!KEY_ID_RE.test(keyId)) throw new Error(`bad key id '${keyId}'`);
  if (!SECRET_RE.test(secret)) throw new Error('bad key secret');
  return `${KEY_PREFIX}${keyId}_${secret}`;
}

/** The key id and secret of a presented key, or null when it is not shaped like one of ours. */
export function parseKey(text: string): ParsedKey | null {
  const m = KEY_RE.exec(text);
  return m ? { keyId: m[1]!, secret: m[2]! } : null;
}

function scryptAsync(secret: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const opts: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, HASH_BYTES, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N$r$p$<salt>$<hash>` (base64). */
export async function hashSecret(secret: string, params = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(secret, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** True when `secret` matches the stored hash; false for a mismatch or a hash this code cannot read. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length !== HASH_BYTES) return false;
  const actual = await scryptAsync(secret, salt, { N, r, p });
  return timingSafeEqual(actual, expected);
}

/** A fast digest of the secret: what the verified-key cache compares (never the secret itself). */
export function secretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
