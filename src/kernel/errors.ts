/**
 * Domain errors. They carry a message key (see src/kernel/messages.ts) and parameters, never an HTTP
 * status: the HTTP layer maps them in one place (src/http/errors.ts), the CLI maps them to exit codes.
 */
export type FieldErrors = Record<string, { key: string; params?: Record<string, unknown> }>;

export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(
    readonly key: string,
    readonly params: Record<string, unknown> = {},
    readonly fields: FieldErrors = {},
  ) {
    super(key);
    this.name = new.target.name;
  }
}

/** The input is wrong; `fields` names each bad field. Nothing was changed. */
export class InputError extends DomainError {
  readonly code = 'invalid_input';
}
/** The record does not exist, or the caller may not know that it exists. */
export class NotFoundError extends DomainError {
  readonly code = 'not_found';
}
/** The request conflicts with the current state (duplicate, stale version, move not allowed). */
export class ConflictError extends DomainError {
  readonly code = 'conflict';
}
/** The caller is known but may not do this. */
export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
}
/** The caller is not (or no longer) logged in. */
export class UnauthenticatedError extends DomainError {
  readonly code = 'unauthenticated';
}
/** Too many attempts; try later. */
export class TooManyError extends DomainError {
  readonly code = 'too_many_requests';
}

/** A service Kiban depends on (directory, vCenter, …) cannot be reached; nothing was changed. */
export class UnavailableError extends DomainError {
  readonly code = 'unavailable';
}

/** Shorthand for an InputError about one field. */
export function fieldError(field: string, key: string, params?: Record<string, unknown>): InputError {
  return new InputError('error.invalid_input', {}, { [field]: { key, params } });
}
