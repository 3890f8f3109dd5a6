/**
 * Limits on request text beyond its size, checked before anything parses or
 * stores it:
 * - nesting depth: no request of this API nests deeper than a few levels, but
 *   a 1 MiB body of `[[[[…` is half a million levels, which recursive code
 *   downstream (validation, error messages, serialisers) cannot take;
 * - characters PostgreSQL cannot store: NUL (`\u0000`, `%00`) and unpaired
 *   UTF-16 surrogates (`\ud800`) — refused as bad input instead of failing
 *   deep in the database.
 */
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../domain/errors.js';

export const MAX_JSON_DEPTH = 64;

export interface JsonScan {
  /** Deepest nesting of arrays and objects (counting stops a little past the limit). */
  depth: number;
  /** A `\u0000` escape inside a string. */
  nul: boolean;
  /** A `\uD800`–`\uDFFF` escape that is not part of a surrogate pair. */
  loneSurrogate: boolean;
}

const hexAt = (text: string, i: number): number =>
  /^[0-9a-fA-F]{4}$/.test(text.slice(i, i + 4)) ? Number.parseInt(text.slice(i, i + 4), 16) : -1;

/** One pass over JSON text (strings and their escapes understood); stops once deeper than `maxDepth`. */
export function scanJson(text: string, maxDepth = Number.POSITIVE_INFINITY): JsonScan {
  const out: JsonScan = { depth: 0, nul: false, loneSurrogate: false };
  let depth = 0;
  let inString = false;
  let pendingHigh = false; // the previous escape was a high surrogate awaiting its low half
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) {
        if (text.charCodeAt(i + 1) === 0x75) {
          const u = hexAt(text, i + 2);
          if (u === 0) out.nul = true;
          const high = u >= 0xd800 && u <= 0xdbff;
          const low = u >= 0xdc00 && u <= 0xdfff;
          if ((low && !pendingHigh) || (pendingHigh && !low)) out.loneSurrogate = true;
          pendingHigh = high;
          i += 5;
          continue;
        }
        i++; // another escape: skip the escaped character
      } else if (c === 0x22) inString = false;
      if (pendingHigh) out.loneSurrogate = true;
      pendingHigh = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > out.depth) {
        out.depth = depth;
        if (depth > maxDepth) return out;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return out;
}

/** Why this JSON body is refused before parsing, or null. */
export function jsonBodyProblem(text: string, maxDepth = MAX_JSON_DEPTH): string | null {
  const s = scanJson(text, maxDepth);
  if (s.depth > maxDepth) return `the body nests deeper than ${maxDepth} levels`;
  if (s.nul) return 'the body contains a NUL character (\\u0000), which cannot be stored';
  if (s.loneSurrogate) return 'the body contains an unpaired UTF-16 surrogate (e.g. \\ud800), which is not text';
  return null;
}

/** A percent-encoded NUL in the path or query (every id and filter ends up as database text). */
export function urlProblem(url: string): string | null {
  return /%00/.test(url) || url.includes('\0') ? 'the URL contains a NUL character (%00)' : null;
}

/**
 * Replaces the JSON body parser with one that refuses the bodies above (400
 * naming the body) and otherwise parses exactly as Fastify does
 * (secure-json-parse: `__proto__` and `constructor.prototype` refused).
 */
export function limitJsonBodies(app: FastifyInstance, maxDepth = MAX_JSON_DEPTH): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const problem = jsonBodyProblem(body as string, maxDepth);
    if (problem) {
      done(new DomainError('bad_request', problem, 'body'), undefined);
      return;
    }
    parse(req, body as string, done);
  });
}
