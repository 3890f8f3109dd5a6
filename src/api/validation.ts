/**
 * Request validation with TypeBox's compiler instead of Fastify's default
 * Ajv: the same schemas, but the first error becomes one clear sentence with
 * the offending field (`resources.gpus`), unknown fields are refused rather
 * than stripped, and only query strings and path parameters are coerced from
 * text ("5" → 5) — a JSON body with "5" for a number is an error.
 */
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type ValueError } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { FastifySchemaCompiler } from 'fastify';

export class RequestValidationError extends Error {
  readonly statusCode = 400;
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'RequestValidationError';
  }
}

/** "/resources/gpus" → "resources.gpus"; "/allowedHubs/0" → "allowedHubs[0]". */
export function fieldOf(pointer: string): string {
  let out = '';
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(key) ? `[${key}]` : out === '' ? key : `.${key}`;
  }
  return out;
}

type AnyOf = {
  anyOf?: (TSchema & { const?: unknown; type?: string; properties?: Record<string, { const?: unknown }> })[];
};

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** The most telling error: for a tagged union ({kind: …}) the error inside the variant the value names. */
function firstError(schema: TSchema, value: unknown, base = ''): ValueError | undefined {
  const first = Value.Errors(schema, value).First();
  if (!first) return undefined;
  const anyOf = (first.schema as AnyOf).anyOf;
  const v = first.value as Record<string, unknown> | null;
  if (anyOf && v && typeof v === 'object' && typeof v.kind === 'string') {
    const variant = anyOf.find((s) => s.properties?.kind?.const === v.kind);
    if (variant) {
      const inner = firstError(variant, v, base + first.path);
      if (inner) return inner;
    }
  }
  return { ...first, path: base + first.path };
}

export function describeError(e: ValueError, part: string): { field: string; message: string } {
  const field = fieldOf(e.path) || part;
  const anyOf = (e.schema as AnyOf).anyOf;
  if (e.message === 'Unexpected property') return { field, message: `unknown field '${field}'` };
  if (e.message === 'Expected required property') return { field, message: `'${field}' is required` };
  if (anyOf?.every((s) => s.const !== undefined || s.type === 'null')) {
    const allowed = anyOf.map((s) => (s.type === 'null' ? 'null' : JSON.stringify(s.const))).join(', ');
    return { field, message: `'${field}' must be one of ${allowed}; got ${show(e.value)}` };
  }
  if (field === part && part === 'body') {
    return { field, message: `the request body must be a JSON object; got ${show(e.value)}` };
  }
  const what = e.message.charAt(0).toLowerCase() + e.message.slice(1);
  return { field, message: `'${field}': ${what}; got ${show(e.value)}` };
}

const PART_NAMES: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'headers' };

export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const checker = TypeCompiler.Compile(schema);
  const part = PART_NAMES[httpPart ?? 'body'] ?? 'body';
  const coerce = httpPart === 'querystring' || httpPart === 'params' || httpPart === 'headers';
  return (data: unknown) => {
    const value = coerce ? Value.Convert(schema, data) : data;
    if (checker.Check(value)) return { value };
    const e = firstError(schema, value);
    if (!e) return { value };
    const { field, message } = describeError(e, part);
    return { error: new RequestValidationError(message, field) };
  };
};
