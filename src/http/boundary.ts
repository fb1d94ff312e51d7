import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type FieldErrors, InputError } from '../kernel/errors.ts';
import { registerMessages } from '../kernel/messages.ts';

/**
 * Text at the boundary: one rule for every route, applied before any schema sees the input
 * (preValidation), to the query string, the path parameters and the JSON body at any depth — values,
 * array items and object keys alike.
 *
 *  - U+0000 (NUL) is refused everywhere: PostgreSQL cannot store it in text, and no form sends it.
 *  - A single-line text refuses every C0 control character (U+0001–U+001F, line breaks and TAB too).
 *  - A multi-line text keeps TAB, LF and CR and refuses the other C0 control characters.
 *
 * What is multi-line: path parameters and object keys never are. A query or body string is when the
 * route's schema lets it hold prose — at least {@link MULTILINE_MIN_LENGTH} characters (descriptions,
 * comments, notes, reasons, procedures, a pasted device configuration, the similar-incident search that
 * sends title + description) — or when its field name is one of the web's textarea fields
 * ({@link MULTILINE_NAMES}), which also covers strings the schema does not describe. Everything else
 * (names, titles, codes, search boxes, ids) is single-line.
 *
 * A refused request answers the standard 400 `invalid_input` naming each bad field by its path
 * (`data.0.value`, `roles.1`), the same names the schema errors use.
 */

/** A string schema allowing this many characters or more holds prose, and prose has line breaks. */
export const MULTILINE_MIN_LENGTH = 1000;

/** Field names the web renders as a textarea (and their kin), multi-line whatever their schema says. */
export const MULTILINE_NAMES: ReadonlySet<string> = new Set([
  'body',
  'businessImpact',
  'cause',
  'checklist',
  'collectionMethod',
  'comment',
  'config',
  'correctiveAction',
  'description',
  'fallback',
  'lateReason',
  'message',
  'note',
  'notes',
  'permanentFix',
  'policy',
  'probableCause',
  'procedure',
  'progress',
  'reason',
  'reasonText',
  'resolution',
  'result',
  'risks',
  'schedule',
  'steps',
  'symptom',
]);

registerMessages({
  ja: {
    'field.nul_char': 'NUL 文字（U+0000）は入力できません。',
    'field.single_line': 'この項目には改行・タブなどの制御文字は入力できません。',
    'field.control_char': '入力できない制御文字が含まれています（改行とタブは使えます）。',
  },
  en: {
    'field.nul_char': 'The NUL character (U+0000) is not allowed.',
    'field.single_line': 'Line breaks, tabs and other control characters are not allowed in this field.',
    'field.control_char': 'Contains a control character that is not allowed (line breaks and tabs are fine).',
  },
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters we look for
const C0 = /[\u0000-\u001f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: idem
const C0_BUT_TAB_LF_CR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: idem
const C0_ALL = /[\u0000-\u001f]/g;

/** Why a text is refused, or undefined when it is fine. */
export function textProblem(s: string, multiLine: boolean): string | undefined {
  if (s.includes('\u0000')) return 'field.nul_char';
  if (multiLine ? C0_BUT_TAB_LF_CR.test(s) : C0.test(s)) return multiLine ? 'field.control_char' : 'field.single_line';
  return undefined;
}

/** A key as it appears in a field name: its control characters spelt `\u0000` so the name is printable. */
function printable(key: string): string {
  return key.replace(C0_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// ── the route's schema, as JSON Schema (the same conversion the OpenAPI document shows) ──────────────

type Json = Record<string, unknown>;
const converted = new WeakMap<object, Json | null>();

function jsonSchemaOf(schema: unknown): Json | null {
  if (!schema || typeof schema !== 'object') return null;
  const hit = converted.get(schema);
  if (hit !== undefined) return hit;
  let out: Json | null = null;
  try {
    out = '_zod' in schema
      ? (z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any', cycles: 'ref' }) as Json)
      : (schema as Json);
  } catch {
    out = null; // unknown to us: fall back on the field names
  }
  converted.set(schema, out);
  return out;
}

/** The schema nodes a node stands for: $ref followed, anyOf/oneOf/allOf flattened. */
function expand(node: unknown, root: Json, out: Json[] = [], depth = 0): Json[] {
  if (!node || typeof node !== 'object' || depth > 32) return out;
  const n = node as Json;
  if (typeof n.$ref === 'string') {
    const target = n.$ref === '#'
      ? root
      : n.$ref.startsWith('#/')
        ? n.$ref.slice(2).split('/').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Json)[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), root)
        : undefined;
    expand(target, root, out, depth + 1);
  }
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (Array.isArray(n[k])) for (const x of n[k] as unknown[]) expand(x, root, out, depth + 1);
  }
  out.push(n);
  return out;
}

function childrenOfObject(nodes: Json[], key: string, root: Json): Json[] {
  const out: Json[] = [];
  for (const n of nodes) {
    const props = n.properties as Json | undefined;
    if (props && Object.hasOwn(props, key)) expand(props[key], root, out);
    else if (n.additionalProperties && typeof n.additionalProperties === 'object') expand(n.additionalProperties, root, out);
  }
  return out;
}

function childrenOfArray(nodes: Json[], index: number, root: Json): Json[] {
  const out: Json[] = [];
  for (const n of nodes) {
    if (Array.isArray(n.prefixItems) && index < n.prefixItems.length) expand(n.prefixItems[index], root, out);
    else if (n.items && typeof n.items === 'object') expand(n.items, root, out);
  }
  return out;
}

function schemaSaysMultiLine(nodes: Json[]): boolean {
  return nodes.some((n) => typeof n.maxLength === 'number' && n.maxLength >= MULTILINE_MIN_LENGTH);
}

// ── the walk ─────────────────────────────────────────────────────────────────────────────────────

const MAX_FIELDS = 20;

interface Walk {
  root: Json;
  fields: FieldErrors;
  /** false for path parameters: nothing in a URL path is multi-line. */
  allowMultiLine: boolean;
}

function add(w: Walk, field: string, key: string): void {
  if (Object.keys(w.fields).length < MAX_FIELDS) w.fields[field || '_'] ??= { key };
}

function walk(w: Walk, value: unknown, nodes: Json[], path: string, name: string, depth: number): void {
  if (depth > 64) return; // the body parser already bounds the size; this bounds the recursion
  if (typeof value === 'string') {
    const multi = w.allowMultiLine && (MULTILINE_NAMES.has(name) || schemaSaysMultiLine(nodes));
    const problem = textProblem(value, multi);
    if (problem) add(w, path, problem);
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      walk(w, value[i], childrenOfArray(nodes, i, w.root), path ? `${path}.${i}` : String(i), name, depth + 1);
    }
    return;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const field = path ? `${path}.${printable(key)}` : printable(key);
      const problem = textProblem(key, false);
      if (problem) {
        add(w, field, problem);
        continue;
      }
      walk(w, item, childrenOfObject(nodes, key, w.root), field, key, depth + 1);
    }
  }
}

/** The bad fields of one part of a request (query, params or body) against its schema, if any. */
export function controlCharFields(value: unknown, schema: unknown, opts: { allowMultiLine: boolean }): FieldErrors {
  const root = jsonSchemaOf(schema) ?? {};
  const w: Walk = { root, fields: {}, allowMultiLine: opts.allowMultiLine };
  walk(w, value, expand(root, root), '', '', 0);
  return w.fields;
}

/** The route's schemas for the request's parts (fastify-type-provider-zod keeps the zod objects). */
function schemaOf(req: FastifyRequest): { querystring?: unknown; params?: unknown; body?: unknown } {
  return (req.routeOptions.schema ?? {}) as { querystring?: unknown; params?: unknown; body?: unknown };
}

/** Registers the one text rule for every route (see the top of this file). */
export function registerBoundaryHooks(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    // The not-found handler has no route: it answers 404 whatever the input.
    if (!req.routeOptions.url) return;
    const s = schemaOf(req);
    const fields: FieldErrors = {
      ...controlCharFields(req.params, s.params, { allowMultiLine: false }),
      ...controlCharFields(req.query, s.querystring, { allowMultiLine: true }),
      ...controlCharFields(req.body, s.body, { allowMultiLine: true }),
    };
    if (Object.keys(fields).length) throw new InputError('error.invalid_input', {}, fields);
  });
}
