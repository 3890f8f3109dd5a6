/**
 * Every error leaves as JSON `{error, message, field?}` with the right status:
 * bad input is always a 4xx naming the field, never a 5xx; internal errors
 * are logged and answered without their details.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorCode } from '../domain/errors.js';
import { asDbError } from '../store/db-errors.js';
import { RequestValidationError } from './validation.js';

export interface ApiError {
  error: string;
  message: string;
  field?: string;
}

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

const FASTIFY_CODES: Record<string, { status: number; error: string; message?: (e: FastifyError) => string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    error: 'payload_too_large',
    message: () => 'the request body is too large',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    error: 'unsupported_media_type',
    message: (e) => `${e.message}; send application/json`,
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: 'bad_request' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    error: 'bad_request',
    message: () => "the body is empty but content-type is application/json; send '{}' or no content-type",
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, error: 'bad_request', message: () => 'the body is not valid JSON' },
  FST_ERR_BAD_URL: { status: 400, error: 'bad_request' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, error: 'bad_request' },
  FST_ERR_HANDLER_TIMEOUT: {
    status: 503,
    error: 'unavailable',
    message: () => 'the request took too long to answer; try again (retry a submission with its Idempotency-Key)',
  },
};

function toApiError(err: unknown): { status: number; body: ApiError } | null {
  if (err instanceof RequestValidationError) {
    return { status: 400, body: { error: 'validation', message: err.message, field: err.field } };
  }
  if (err instanceof DomainError) {
    return {
      status: STATUS[err.code] ?? 400,
      body: { error: err.code, message: err.message, ...(err.field !== undefined && { field: err.field }) },
    };
  }
  const fe = err as FastifyError;
  if (fe && typeof fe.code === 'string' && FASTIFY_CODES[fe.code]) {
    const m = FASTIFY_CODES[fe.code]!;
    return { status: m.status, body: { error: m.error, message: m.message ? m.message(fe) : fe.message } };
  }
  if (err instanceof SyntaxError && (fe as { statusCode?: number }).statusCode === 400) {
    return { status: 400, body: { error: 'bad_request', message: `the body is not valid JSON: ${err.message}` } };
  }
  const db = asDbError(err);
  // Text the database cannot hold (bad encoding, NUL) came from the request: bad input, not a fault.
  if (db && ['22021', '22P05'].includes(db.code)) {
    return { status: 400, body: { error: 'bad_request', message: 'the request holds text that cannot be stored' } };
  }
  // Connection lost / server shutting down: the platform is unavailable, not broken.
  if (db && (db.code.startsWith('08') || db.code.startsWith('57P'))) {
    return { status: 503, body: { error: 'unavailable', message: 'the database is not reachable; try again' } };
  }
  const status = (fe as { statusCode?: number })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { error: 'bad_request', message: fe.message } };
  }
  return null;
}

/** Turns a route pattern (/tasks/:id) into a matcher for the 405 check. */
function matcher(url: string): RegExp {
  const parts = url
    .split('/')
    .map((p) => (p.startsWith(':') ? '[^/]+' : p === '*' ? '.*' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${parts.join('/')}/?$`);
}

export function installErrorHandling(app: FastifyInstance): void {
  const routes: { method: string; re: RegExp }[] = [];
  app.addHook('onRoute', (r) => {
    for (const m of Array.isArray(r.method) ? r.method : [r.method]) routes.push({ method: m, re: matcher(r.url) });
  });

  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const known = toApiError(err);
    if (known) {
      if (known.status >= 500) req.log.warn({ err }, known.body.message);
      return reply.status(known.status).send(known.body);
    }
    req.log.error({ err }, 'internal error');
    return reply.status(500).send({ error: 'internal', message: 'internal error; it was logged' });
  });

  app.setNotFoundHandler((req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0] ?? '/';
    const allowed = [...new Set(routes.filter((r) => r.re.test(path)).map((r) => r.method))];
    if (allowed.length > 0) {
      return reply
        .status(405)
        .header('allow', allowed.join(', '))
        .send({
          error: 'method_not_allowed',
          message: `${req.method} is not allowed on ${path}; use ${allowed.join(', ')}`,
        });
    }
    return reply.status(404).send({ error: 'not_found', message: `no route ${req.method} ${path}` });
  });
}
