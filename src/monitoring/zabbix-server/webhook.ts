import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../kernel/clock.ts';
import { fieldError, UnauthenticatedError } from '../../kernel/errors.ts';
import { type CiResolver, kibanSeverity, ZABBIX_SEVERITY_NAMES, type ZabbixAlert, type ZabbixAlertSink } from './alerts.ts';

/**
 * The receiving end of a Zabbix webhook media type. Zabbix runs the media type's script (below) for an
 * action's operation with the macros resolved; the script posts them here as JSON with the shared
 * secret in a header. Parameters arrive as strings; a macro Zabbix could not resolve arrives as its own
 * text ("{EVENT.RECOVERY.ID}") and counts as absent.
 */

export const WEBHOOK_PATH = '/api/monitoring/zabbix/webhook';
export const WEBHOOK_SECRET_HEADER = 'x-kiban-webhook-secret';

/** An unresolved macro ("{EVENT.RECOVERY.ID}") or empty string → undefined. */
const macro = (v: unknown) => {
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return v;
  const t = v.trim();
  return t === '' || /^\{[A-Z0-9_.]+\}$/.test(t) ? undefined : t;
};
const str = (max: number) => z.preprocess(macro, z.string().min(1).max(max));
const optStr = (max: number) => z.preprocess(macro, z.string().max(max).optional());
const digits = z.preprocess(macro, z.string().regex(/^\d{1,20}$/));
const optDigits = z.preprocess(
  macro,
  z
    .string()
    .regex(/^\d{1,20}$/)
    .optional(),
);

const tag = z.object({ tag: z.string().max(255), value: z.string().max(255) });

/** The body the media type's script sends (keys as in ZABBIX_WEBHOOK_PARAMETERS). */
export const webhookBody = z
  .object({
    /** {EVENT.ID} — the problem event (also on recovery). */
    eventId: digits,
    /** {EVENT.VALUE} — 1 problem, 0 recovery (resolved). */
    value: z.preprocess(macro, z.enum(['0', '1'])),
    /** {HOST.HOST} — the technical host name; {HOST.NAME} is the visible one. */
    host: optStr(255),
    hostName: str(255),
    /** {TRIGGER.NAME} (or {EVENT.NAME}). */
    triggerName: str(2048),
    triggerId: optDigits,
    /** {EVENT.SEVERITY} — the severity's name ("High"); {EVENT.NSEVERITY} — its number 0–5. */
    severity: optStr(64),
    nseverity: z.preprocess(macro, z.enum(['0', '1', '2', '3', '4', '5']).optional()),
    /** {EVENT.DATE} "2026.11.27" and {EVENT.TIME} "14:05:43", in the Zabbix server's time zone. */
    date: z.preprocess(
      macro,
      z
        .string()
        .regex(/^\d{4}\.\d{2}\.\d{2}$/)
        .optional(),
    ),
    time: z.preprocess(
      macro,
      z
        .string()
        .regex(/^\d{2}:\d{2}:\d{2}$/)
        .optional(),
    ),
    recoveryDate: z.preprocess(
      macro,
      z
        .string()
        .regex(/^\d{4}\.\d{2}\.\d{2}$/)
        .optional(),
    ),
    recoveryTime: z.preprocess(
      macro,
      z
        .string()
        .regex(/^\d{2}:\d{2}:\d{2}$/)
        .optional(),
    ),
    /** {EVENT.ACK.STATUS} — "Yes" / "No". */
    acknowledged: optStr(16),
    /** {EVENT.TAGSJSON} — a JSON array of {tag, value}, as a string or already parsed. */
    tags: z.preprocess((v) => {
      const m = macro(v);
      if (typeof m !== 'string') return m;
      try {
        return JSON.parse(m);
      } catch {
        return m; // fails the array check below
      }
    }, z.array(tag).max(100).optional()),
  })
  .strip();
export type WebhookBody = z.infer<typeof webhookBody>;

export interface ZabbixWebhookDeps {
  /** The shared secret the media type sends in X-Kiban-Webhook-Secret. */
  secret: string;
  sink: ZabbixAlertSink;
  resolveCi: CiResolver;
  clock: Clock;
  /** The Zabbix server's UTC offset, to read {EVENT.DATE}/{EVENT.TIME} (default "+09:00", JST). */
  zabbixUtcOffset?: string;
  /** Zabbix severity from which an alert is critical (default 4, High). */
  criticalFrom?: number;
}

function severityNumber(b: WebhookBody): number | null {
  if (b.nseverity !== undefined) return Number(b.nseverity);
  if (b.severity === undefined) return null;
  if (/^[0-5]$/.test(b.severity)) return Number(b.severity);
  const i = ZABBIX_SEVERITY_NAMES.findIndex((n) => n.toLowerCase() === b.severity?.toLowerCase());
  return i >= 0 ? i : null;
}

function at(date: string | undefined, time: string | undefined, offset: string): Date | null {
  if (!date || !time) return null;
  const d = new Date(`${date.replace(/\./g, '-')}T${time}${offset}`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A validated webhook body → the same alert shape as pullProblems(). */
export async function webhookAlert(b: WebhookBody, deps: Omit<ZabbixWebhookDeps, 'secret' | 'sink'>): Promise<ZabbixAlert> {
  const sev = severityNumber(b);
  if (sev === null) throw new Error('unreachable: severity checked by the route');
  const offset = deps.zabbixUtcOffset ?? '+09:00';
  const hostName = b.host ?? b.hostName;
  const cis = await deps.resolveCi([...new Set([hostName, b.hostName])]);
  const resolved = b.value === '0';
  return {
    source: 'zabbix',
    eventId: b.eventId,
    status: resolved ? 'resolved' : 'problem',
    hostName,
    triggerName: b.triggerName,
    triggerId: b.triggerId ?? null,
    zabbixSeverity: sev,
    severity: kibanSeverity(sev, deps.criticalFrom),
    clock: at(b.date, b.time, offset) ?? deps.clock.now(),
    resolvedAt: resolved ? (at(b.recoveryDate, b.recoveryTime, offset) ?? deps.clock.now()) : null,
    acknowledged: b.acknowledged?.toLowerCase() === 'yes',
    tags: b.tags ?? [],
    ci: cis.get(hostName.toLowerCase()) ?? cis.get(b.hostName.toLowerCase()) ?? null,
  };
}

function secretMatches(req: FastifyRequest, secret: string): boolean {
  const h = req.headers[WEBHOOK_SECRET_HEADER];
  if (typeof h !== 'string' || !secret) return false;
  const a = Buffer.from(h);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * POST /api/monitoring/zabbix/webhook. Public (no Kiban session or CSRF token: Zabbix is the caller);
 * the shared secret is checked before the body is read, so a caller without it learns nothing.
 * 202 with the event id once the sink took the alert.
 */
export function zabbixWebhookRoutes(app: FastifyInstance, deps: ZabbixWebhookDeps): void {
  if (deps.secret.length < 16) throw new Error('the Zabbix webhook secret must have at least 16 characters');
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    WEBHOOK_PATH,
    {
      config: { public: true },
      schema: {
        tags: ['monitoring'],
        summary: 'Zabbix webhook media type → Kiban alert',
        body: webhookBody,
      },
      onRequest: async (req) => {
        if (!secretMatches(req, deps.secret)) throw new UnauthenticatedError('error.unauthenticated');
      },
    },
    async (req, reply) => {
      if (severityNumber(req.body) === null) throw fieldError('nseverity', 'field.required');
      const alert = await webhookAlert(req.body, deps);
      await deps.sink(alert);
      return reply.status(202).send({
        accepted: true,
        eventId: alert.eventId,
        status: alert.status,
        ci: alert.ci,
      });
    },
  );
}

/**
 * The media type's parameters: name → macro. With the two of ZABBIX_WEBHOOK_SCRIPT's own (URL and
 * secret) they make the `parameters` of `mediatype.create` (type 4, webhook).
 */
export const ZABBIX_WEBHOOK_PARAMETERS: Record<string, string> = {
  eventId: '{EVENT.ID}',
  value: '{EVENT.VALUE}',
  host: '{HOST.HOST}',
  hostName: '{HOST.NAME}',
  triggerName: '{TRIGGER.NAME}',
  triggerId: '{TRIGGER.ID}',
  severity: '{EVENT.SEVERITY}',
  nseverity: '{EVENT.NSEVERITY}',
  date: '{EVENT.DATE}',
  time: '{EVENT.TIME}',
  recoveryDate: '{EVENT.RECOVERY.DATE}',
  recoveryTime: '{EVENT.RECOVERY.TIME}',
  acknowledged: '{EVENT.ACK.STATUS}',
  tags: '{EVENT.TAGSJSON}',
};

/** The webhook's JavaScript (Zabbix's Duktape engine): posts the parameters to Kiban. */
export const ZABBIX_WEBHOOK_SCRIPT = `var p = JSON.parse(value);
var url = p.kibanUrl, secret = p.kibanSecret;
delete p.kibanUrl; delete p.kibanSecret;
var req = new HttpRequest();
req.addHeader('Content-Type: application/json');
req.addHeader('${WEBHOOK_SECRET_HEADER}: ' + secret);
var res = req.post(url, JSON.stringify(p));
if (req.getStatus() !== 202) { throw 'Kiban answered ' + req.getStatus() + ': ' + res; }
return 'OK';`;

/** `mediatype.create` params for a Kiban webhook media type (Zabbix 6.0). */
export function zabbixWebhookMediaType(opts: { name?: string; kibanUrl: string; secret: string }): Record<string, unknown> {
  const url = `${opts.kibanUrl.replace(/\/+$/, '')}${WEBHOOK_PATH}`;
  return {
    type: 4,
    name: opts.name ?? 'Kiban',
    script: ZABBIX_WEBHOOK_SCRIPT,
    timeout: '10s',
    process_tags: 0,
    // Actions with "default message" need a template per event kind; the script ignores the text.
    message_templates: [
      {
        eventsource: 0,
        recovery: 0,
        subject: 'Problem: {EVENT.NAME}',
        message: '{EVENT.NAME}',
      },
      {
        eventsource: 0,
        recovery: 1,
        subject: 'Resolved: {EVENT.NAME}',
        message: '{EVENT.NAME}',
      },
      {
        eventsource: 0,
        recovery: 2,
        subject: 'Updated: {EVENT.NAME}',
        message: '{EVENT.NAME}',
      },
    ],
    parameters: [
      { name: 'kibanUrl', value: url },
      { name: 'kibanSecret', value: opts.secret },
      ...Object.entries(ZABBIX_WEBHOOK_PARAMETERS).map(([name, value]) => ({
        name,
        value,
      })),
    ],
  };
}
