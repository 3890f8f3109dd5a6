/**
 * Schemas shared by every capability: errors, pages, ids. Written once in
 * TypeBox: they validate requests, give the TypeScript types (Static<>), and
 * make the OpenAPI document.
 */
import { type TSchema, Type } from '@sinclair/typebox';

export const strict = { additionalProperties: false } as const;

export const ErrorSchema = Type.Object(
  {
    error: Type.String({ description: 'Machine-readable code: validation, bad_request, not_found, conflict, …' }),
    message: Type.String({ description: 'What went wrong, for people' }),
    field: Type.Optional(Type.String({ description: 'The offending field, e.g. resources.gpus' })),
  },
  { ...strict, $id: 'Error', title: 'Error' },
);

/** The error responses every route may give; routes add their success codes. */
export const errorResponses = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
  413: ErrorSchema,
  415: ErrorSchema,
  429: ErrorSchema,
  500: ErrorSchema,
  503: ErrorSchema,
} as const;

export const MAX_PAGE = 500;

export const PageQuery = {
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 50, description: `Page size, 1–${MAX_PAGE} (default 50)` }),
  ),
  cursor: Type.Optional(
    Type.String({ minLength: 1, maxLength: 400, description: 'The nextCursor of the previous page' }),
  ),
};

export function PageOf<T extends TSchema>(item: T, title: string) {
  return Type.Object(
    {
      items: Type.Array(item),
      nextCursor: Type.Union([Type.String(), Type.Null()], {
        description: 'Pass as cursor for the next page; null at the end',
      }),
    },
    { ...strict, title },
  );
}

/** A place or record id as the topology spells them (lowercase, digits, dashes). */
export const IdSchema = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 64 });

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }, strict);
