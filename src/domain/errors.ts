/**
 * Errors the domain raises on bad input. The API maps `code` to an HTTP
 * status and returns `{error: code, message, field?}`; nothing else leaks.
 */
export type ErrorCode =
  | 'bad_request'
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string) => new DomainError('not_found', `${what} '${id}' not found`);
export const invalid = (field: string, message: string) => new DomainError('validation', `${field}: ${message}`, field);
