import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError, type core } from 'zod';
import { DomainError, type FieldErrors } from '../kernel/errors.ts';
import { langFromHeader, translate } from '../kernel/messages.ts';

/** Domain error code → HTTP status. The only place that knows both. */
const STATUS: Record<string, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_many_requests: 429,
  unavailable: 503,
};

const TYPE_KEYS = new Set(['string', 'number', 'int', 'boolean', 'array', 'object']);

export type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

/** A Zod issue → our field message key, so the user reads Japanese, not Zod's English. */
export function issueToField(issue: core.$ZodIssue): { field: string; key: string; params?: Record<string, unknown> } {
  const path = issue.path.map(String).join('.');
  switch (issue.code) {
    case 'invalid_type':
      // Zod does not keep the input in its issues by default; its message says "received undefined".
      return issue.input === undefined && (!issue.message || /received undefined/.test(issue.message))
        ? { field: path, key: 'field.required' }
        : {
            field: path,
            key: TYPE_KEYS.has(issue.expected) ? `field.invalid_type.${issue.expected}` : 'field.invalid_type',
          };
    case 'too_small':
      return issue.origin === 'string'
        ? issue.minimum === 1
          ? { field: path, key: 'field.required' }
          : { field: path, key: 'field.too_short', params: { min: issue.minimum } }
        : { field: path, key: 'field.too_small', params: { min: issue.minimum } };
    case 'too_big':
      return issue.origin === 'string'
        ? { field: path, key: 'field.too_long', params: { max: issue.maximum } }
        : { field: path, key: 'field.too_big', params: { max: issue.maximum } };
    case 'invalid_format':
      return { field: path, key: 'field.invalid_format' };
    case 'invalid_value':
      return { field: path, key: 'field.invalid_value' };
    default:
      return { field: path, key: 'field.invalid' };
  }
}

export function zodFields(issues: readonly core.$ZodIssue[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) out[[...issue.path.map(String), k].join('.')] = { key: 'field.unknown' };
      continue;
    }
    const f = issueToField(issue);
    out[f.field || '_'] ??= { key: f.key, params: f.params };
  }
  return out;
}

function body(code: string, key: string, params: Record<string, unknown>, fields: FieldErrors, req: FastifyRequest): ErrorBody {
  const lang = langFromHeader(req.headers['accept-language']);
  const f = Object.entries(fields);
  return {
    error: {
      code,
      message: translate(key, params, lang),
      ...(f.length ? { fields: Object.fromEntries(f.map(([name, v]) => [name, translate(v.key, v.params, lang)])) } : {}),
    },
  };
}

/** The one error handler: domain errors, validation errors and Fastify's own errors → JSON. */
export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof DomainError) {
    reply.status(STATUS[err.code] ?? 400).send(body(err.code, err.key, err.params, err.fields, req));
    return;
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    // The provider flattens each Zod issue into { keyword, instancePath, params }: put it back together.
    const issues = err.validation.map(
      (v) =>
        ({
          ...(v.params as object),
          code: v.keyword,
          path: v.instancePath.split('/').filter(Boolean),
          message: v.message,
        }) as unknown as core.$ZodIssue,
    );
    reply.status(400).send(body('invalid_input', 'error.invalid_input', {}, zodFields(issues), req));
    return;
  }
  if (err instanceof ZodError) {
    reply.status(400).send(body('invalid_input', 'error.invalid_input', {}, zodFields(err.issues), req));
    return;
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      reply.status(413).send(body('payload_too_large', 'error.payload_too_large', { limit: '256 KiB' }, {}, req));
      return;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      reply.status(415).send(body('unsupported_media_type', 'error.unsupported_media_type', {}, {}, req));
      return;
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      reply.status(400).send(body('malformed_json', 'error.malformed_json', {}, {}, req));
      return;
  }
  if (err.statusCode === 429) {
    reply.status(429).send(body('too_many_requests', 'error.too_many_requests', {}, {}, req));
    return;
  }
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
    reply.status(400).send(body('malformed_json', 'error.malformed_json', {}, {}, req));
    return;
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    reply.status(err.statusCode).send(body('bad_request', 'error.invalid_input', {}, {}, req));
    return;
  }
  req.log.error({ err }, 'unhandled error');
  reply.status(500).send(body('internal', 'error.internal', {}, {}, req));
}

export function notFoundBody(req: FastifyRequest): ErrorBody {
  return body('not_found', 'error.route_not_found', {}, {}, req);
}
