/**
 * Errors of the vCenter connector. They name what went wrong in vSphere's terms (the SOAP fault type
 * is kept in `faultType`) so that the sync service can tell "wrong password" from "vCenter is down"
 * from "certificate not trusted" and say so to an operator; they know nothing of HTTP or the UI.
 */
export type VsphereErrorCode =
  | 'invalid_login' // wrong user name or password
  | 'not_authenticated' // the session is gone (expired, terminated, logged out)
  | 'no_permission' // the account lacks a privilege
  | 'not_found' // the managed object no longer exists
  | 'task_failed' // a vCenter task ended in error
  | 'request_canceled' // WaitForUpdatesEx was cancelled (watcher stopped)
  | 'fault' // any other SOAP fault
  | 'tls' // the server's certificate is not trusted
  | 'connection' // could not reach the server
  | 'timeout' // no answer in time
  | 'protocol'; // the answer was not a SOAP response we understand

export class VsphereError extends Error {
  constructor(
    readonly code: VsphereErrorCode,
    message: string,
    /** The vim25 fault type, e.g. `InvalidLogin`, `NotAuthenticated`, `InvalidState`. */
    readonly faultType: string | null = null,
    /** The decoded fault detail (for a task: the LocalizedMethodFault's fault). */
    readonly detail: unknown = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class InvalidLoginError extends VsphereError {
  constructor(message = 'vCenter rejected the user name or password', detail: unknown = null) {
    super('invalid_login', message, 'InvalidLogin', detail);
  }
}

export class NotAuthenticatedError extends VsphereError {
  constructor(message = 'the vCenter session is not (or no longer) authenticated', detail: unknown = null) {
    super('not_authenticated', message, 'NotAuthenticated', detail);
  }
}

export class TaskFailedError extends VsphereError {
  constructor(
    readonly task: string,
    faultType: string | null,
    message: string,
    detail: unknown = null,
  ) {
    super('task_failed', `vCenter task ${task} failed: ${message}`, faultType, detail);
  }
}

/** Maps a fault type name from a SOAP fault (or a MissingProperty) to the error to throw. */
export function faultToError(faultType: string | null, message: string, detail: unknown): VsphereError {
  const text = message || faultType || 'SOAP fault';
  switch (faultType) {
    case 'InvalidLogin':
      return new InvalidLoginError(text, detail);
    case 'NotAuthenticated':
      return new NotAuthenticatedError(text, detail);
    case 'NoPermission':
      return new VsphereError('no_permission', text, faultType, detail);
    case 'ManagedObjectNotFound':
    case 'NotFound':
      return new VsphereError('not_found', text, faultType, detail);
    case 'RequestCanceled':
      return new VsphereError('request_canceled', text, faultType, detail);
    default:
      return new VsphereError('fault', text, faultType, detail);
  }
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Wraps a Node network/TLS error from the transport. */
export function transportError(err: unknown, url: string): VsphereError {
  const code = (err as { code?: string } | null)?.code ?? '';
  const msg = err instanceof Error ? err.message : String(err);
  if (TLS_CODES.has(code)) {
    return new VsphereError('tls', `the certificate of ${url} is not trusted (${code}): ${msg}`, null, null, { cause: err });
  }
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new VsphereError('timeout', `no answer from ${url} in time`, null, null, { cause: err });
  }
  return new VsphereError('connection', `cannot reach ${url}: ${code || msg}`, null, null, { cause: err });
}
