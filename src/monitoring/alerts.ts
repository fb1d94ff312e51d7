import { and, asc, count, desc, eq, gte, ilike, inArray, isNull, ne, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { audit } from '../audit/index.ts';
import { BusinessCalendar } from '../calendar/index.ts';
import type { Db } from '../db/index.ts';
import { inTx } from '../db/index.ts';
import { type Actor, requirePermission, systemActor, visibleDepartments } from '../iam/actor.ts';
import { createIncidentService, incidents, type RegisterInput } from '../incidents/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { NotFoundError } from '../kernel/errors.ts';
import { likePattern, listQuery, type Page, parseSort } from '../kernel/paging.ts';
import { enqueueMail, mailFrom } from '../notify/index.ts';
import { allowedActions, defineProcess, type FireContext, fire, processHistory, type ProcessView, processView } from '../process/index.ts';
import { ciContext, monitoringAddresses, suppressionCovering } from './context.ts';
import { type IncidentPolicy, opensIncident, procedureFor, REPEAT_WINDOW_MS, thresholdGuidance } from './guidance.ts';
import { type MonitoringMailTemplates, monitoringMailTemplates } from './mails.ts';
import './messages.ts';
import { ALERT_STATES, monitoringAlerts, monitoringEvents, monitoringItems, monitoringTargets } from './schema.ts';

export type Alert = typeof monitoringAlerts.$inferSelect;
type Event = typeof monitoringEvents.$inferSelect;

const now = (ctx: FireContext) => ctx.clock.now();
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/**
 * 監視対応台帳 handling (MON-4, N §3.7.3.2 and its RACI row 監視対応の記載／完了: 担当者 ○, 管理者 ○).
 * 未対応 → 対応中 (初動) → 完了; escalation to the manager is a logged step (N: 手順書に記載がなければ
 * 管理者にエスカレーション). A recovery detected by the engine completes the entry (system step).
 */
/** ORG-4: a system owner sees the alerts of their department's CIs; all-departments roles see all. */
export function alertScope(actor: Actor): SQL | undefined {
  const depts = visibleDepartments(actor);
  if (depts === null) return undefined;
  if (depts.length === 0) return sql`false`;
  return inArray(monitoringAlerts.departmentId, depts);
}

export const alertProcess = defineProcess({
  name: 'monitoring_alert',
  recordType: 'monitoring_alert',
  table: monitoringAlerts,
  states: {
    open: { ja: '未対応', en: 'Open' },
    in_progress: { ja: '対応中', en: 'In progress' },
    done: { ja: '完了', en: 'Done' },
  },
  initial: 'open',
  fields: { resolution: { kind: 'textarea', label: { ja: '対応結果', en: 'Resolution' }, max: 4000 } },
  events: {
    detect: { ja: '検知（台帳に記録）', en: 'Detected (recorded)' },
    severity_changed: { ja: '重要度の変化', en: 'Severity changed' },
    recovered: { ja: '復旧検知', en: 'Recovery detected' },
    incident_failed: { ja: 'インシデント自動登録失敗', en: 'Incident registration failed' },
  },
  work: {
    module: { ja: '監視アラート', en: 'Alert' },
    permission: 'monitoring.read',
    ref: monitoringAlerts.ciName,
    title: monitoringAlerts.itemName,
    path: (id) => `/monitoring/alerts/${id}`,
    scope: alertScope,
  },
  requesterOf: () => null,
  transitions: [
    {
      action: 'respond',
      from: 'open',
      to: 'in_progress',
      raci: { operator: '○', vendor_manager: '○' },
      set: (_i, ctx) => ({ firstResponseAt: now(ctx) }),
      label: { ja: '初動対応開始', en: 'Start response' },
      optional: ['comment'],
    },
    {
      action: 'escalate',
      from: ['open', 'in_progress'],
      to: 'in_progress',
      raci: { operator: '○' },
      requires: ['comment'],
      set: (_i, ctx) => ({ escalatedAt: now(ctx) }),
      label: { ja: '管理者へエスカレーション', en: 'Escalate to the manager' },
    },
    {
      action: 'complete',
      from: ['open', 'in_progress'],
      to: 'done',
      raci: { operator: '○', vendor_manager: '○' },
      requires: ['resolution'],
      set: (i, ctx) => ({ resolution: text(i.resolution), doneAt: now(ctx) }),
      label: { ja: '対応完了', en: 'Complete' },
      optional: ['comment'],
    },
    {
      action: 'recover',
      from: ['open', 'in_progress'],
      to: 'done',
      raci: {},
      system: true,
      set: (_i, ctx) => ({ doneAt: now(ctx) }),
      label: { ja: '復旧検知', en: 'Recovery detected' },
    },
  ],
});

export interface AlertHandlingDeps {
  db: Db;
  clock: Clock;
  calendar?: BusinessCalendar;
  /** config KIBAN_PLATFORM_NAME (subjects 【…】). */
  platformName?: string;
  /** config KIBAN_MAIL_PLATFORM_NAME, for the incident service. */
  incidentPlatformName?: string;
  incidentPolicy?: IncidentPolicy;
  /** A failed handling is left unhandled for the sweep to retry; this hears about it. */
  onError?: (e: unknown, eventId: number) => void;
}

const SEVERITY_JA = { warning: '警告', critical: '重度障害' } as const;
const monitoringActor = () => systemActor('監視システム');

/**
 * Turns engine events into 監視対応台帳 entries, trouble incidents and mails. One event is handled in
 * one transaction — the entry, the incident (through the incident service, on the same transaction),
 * the outbox mail, the audit records and the event's handled mark commit together. The event's
 * handled_at makes it idempotent: `sweep()` picks up whatever a crash left unhandled.
 */
export function createAlertHandling(deps: AlertHandlingDeps) {
  const { db, clock } = deps;
  const calendar = deps.calendar ?? new BusinessCalendar();
  const mails: MonitoringMailTemplates = monitoringMailTemplates(deps.platformName ?? '第三期サーバ仮想化統合基盤');
  const policy = deps.incidentPolicy ?? 'critical';
  const actor = monitoringActor();

  async function openIncident(t: Db, a: Alert, ci: { level: string | null }): Promise<string | null> {
    // One incident per failing CI: a second item of the same target (HTTP after alive) joins it.
    const [sibling] = await t
      .select({ incidentId: monitoringAlerts.incidentId })
      .from(monitoringAlerts)
      .where(and(eq(monitoringAlerts.targetId, a.targetId), isNull(monitoringAlerts.recoveredAt), sql`${monitoringAlerts.incidentId} IS NOT NULL`, ne(monitoringAlerts.id, a.id)))
      .orderBy(desc(monitoringAlerts.detectedAt))
      .limit(1);
    if (sibling?.incidentId) return sibling.incidentId;
    const infra = a.ciType !== 'vm';
    const affected: NonNullable<RegisterInput['affected']> =
      a.ciType === 'vm' ? { platform: false, hostIds: [], vmIds: [a.ciId] } : a.ciType === 'host' ? { platform: false, hostIds: [a.ciId], vmIds: [] } : { platform: true, hostIds: [], vmIds: [] };
    const down = a.itemType === 'icmp' || a.itemType === 'http';
    const incidentService = createIncidentService({ db: t, clock, calendar, platformName: deps.incidentPlatformName });
    const sev = a.severity ? SEVERITY_JA[a.severity] : '障害';
    const created = await incidentService
      .register(actor, {
      title: `【監視検知】${a.ciName} ${a.itemName}（${sev}）`,
      description: [`監視システムが ${a.ciName} の「${a.itemName}」で${sev}を検知しました。`, a.detail ? `内容: ${a.detail}` : null, a.value ? `値: ${a.value}` : null, `監視対応台帳: ${a.id}`]
        .filter(Boolean)
        .join('\n'),
      source: 'monitoring',
      class: 'trouble',
      departmentId: a.departmentId ?? undefined,
      detectedAt: a.detectedAt.toISOString(),
      urgency: {
        citizenServiceStopped: down && ci.level === 'A',
        citizenImpact: false,
        financialOrReputation: false,
        wideImpact: infra && down,
      },
      // Infrastructure is the platform's; a VM's own failure is the system's until investigated.
      platformCaused: infra,
      affected,
      symptom: `${a.itemName}: ${a.detail ?? sev}`,
      })
      // register runs in a savepoint: a refusal (a CI no longer in the CMDB…) rolls back only itself;
      // the entry is kept and says so, and the operator registers the trouble by hand.
      .catch(async (err: unknown) => {
        await history(t, a, 'incident_failed', a.state, a.state, `インシデント自動登録失敗: ${(err as Error).message}`);
        return null;
      });
    return created?.id ?? null;
  }

  async function sendAlertMail(t: Db, a: Alert, item: typeof monitoringItems.$inferSelect): Promise<string[]> {
    if (!item.notify) return [];
    const to = await monitoringAddresses(t, a.systemIds);
    if (to.length === 0) return [];
    await enqueueMail(
      t,
      clock,
      mailFrom(mails.alert({ detectedAt: a.detectedAt, ciName: a.ciName, itemName: a.itemName, severity: a.severity, value: a.value, detail: a.detail }), {
        recordType: 'monitoring_alert',
        recordId: a.id,
        to,
        createdBy: actor,
      }),
    );
    return to;
  }

  async function onProblem(t: Db, e: Event, item: typeof monitoringItems.$inferSelect, target: typeof monitoringTargets.$inferSelect) {
    const ci = await ciContext(t, target.ciType, target.ciId);
    const suppression = e.suppressed ? null : await suppressionCovering(t, target.id, e.at);
    const [{ n } = { n: 0 }] = await t
      .select({ n: count() })
      .from(monitoringAlerts)
      .where(and(eq(monitoringAlerts.itemId, item.id), gte(monitoringAlerts.detectedAt, new Date(e.at.getTime() - REPEAT_WINDOW_MS))));
    const pattern = n > 0 ? 'repeated' : 'single';
    const proc = procedureFor(target.ciType, item.type);
    let incidentId: string | null = null;
    if (e.suppressed && e.suppressedBy) {
      // The VM's host is down: this entry joins the host's incident (one incident per host-down).
      const [host] = await t
        .select({ incidentId: monitoringAlerts.incidentId })
        .from(monitoringAlerts)
        .where(and(eq(monitoringAlerts.itemId, e.suppressedBy), isNull(monitoringAlerts.recoveredAt)))
        .orderBy(desc(monitoringAlerts.detectedAt))
        .limit(1);
      incidentId = host?.incidentId ?? null;
    }
    const stamp = clock.now();
    const [a] = await t
      .insert(monitoringAlerts)
      .values({
        eventId: e.id,
        itemId: item.id,
        targetId: target.id,
        ciType: target.ciType,
        ciId: target.ciId,
        ciName: target.name,
        itemType: item.type,
        itemKey: item.key,
        itemName: item.name,
        severity: e.severity,
        value: e.value,
        detail: e.detail,
        detectedAt: e.at,
        state: 'open',
        departmentId: ci.departmentId,
        systemIds: ci.systemIds,
        silenced: e.suppressed || suppression !== null,
        silenceReason: e.suppressed ? 'host_down' : suppression ? 'watch_only' : null,
        suppressionId: suppression?.id ?? null,
        pattern,
        guidance: thresholdGuidance(target.ciType, item.type, pattern, ci.drs),
        knownFailure: proc.knownFailure,
        procedure: proc.procedure ?? '手順書に記載なし: 管理者へエスカレーション（N §3.7.3.2）',
        incidentId,
        createdAt: stamp,
        updatedAt: stamp,
      })
      .onConflictDoNothing()
      .returning();
    if (!a) return; // handled before
    let row = a;
    if (!row.silenced) {
      const incident = opensIncident(policy, row.severity) ? await openIncident(t, row, { level: ci.serviceLevel }) : null;
      const mailedTo = await sendAlertMail(t, row, item);
      [row] = (await t.update(monitoringAlerts).set({ incidentId: incident, mailedTo }).where(eq(monitoringAlerts.id, row.id)).returning()) as [Alert];
    }
    await history(t, row, 'detect', '', 'open', row.silenced ? `silenced: ${row.silenceReason}` : null);
    await audit(t, clock, actor, { action: 'monitoring_alert.detect', entityType: 'monitoring_alert', entityId: row.id, after: row });
  }

  async function history(t: Db, a: Alert, action: string, from: string, to: string, comment: string | null) {
    await t.insert(processHistory).values({
      process: alertProcess.name,
      recordId: a.id,
      action,
      fromState: from,
      toState: to,
      actorId: null,
      actor: actor.label,
      actorRole: 'system',
      comment,
      at: clock.now(),
    });
  }

  async function openAlertOf(t: Db, itemId: string): Promise<Alert | undefined> {
    const [a] = await t
      .select()
      .from(monitoringAlerts)
      .where(and(eq(monitoringAlerts.itemId, itemId), isNull(monitoringAlerts.recoveredAt)))
      .orderBy(desc(monitoringAlerts.detectedAt), desc(monitoringAlerts.eventId))
      .limit(1)
      .for('update');
    return a;
  }

  async function onSeverityChanged(t: Db, e: Event, item: typeof monitoringItems.$inferSelect) {
    const a = await openAlertOf(t, item.id);
    if (!a) return;
    let [row] = (await t
      .update(monitoringAlerts)
      .set({ severity: e.severity, value: e.value, detail: e.detail, updatedAt: clock.now() })
      .where(eq(monitoringAlerts.id, a.id))
      .returning()) as [Alert];
    if (!row.silenced && !row.incidentId && opensIncident(policy, row.severity)) {
      const ci = await ciContext(t, row.ciType, row.ciId);
      const incidentId = await openIncident(t, row, { level: ci.serviceLevel });
      [row] = (await t.update(monitoringAlerts).set({ incidentId }).where(eq(monitoringAlerts.id, row.id)).returning()) as [Alert];
    }
    await history(t, row, 'severity_changed', a.state, a.state, `${a.severity ?? '-'} → ${e.severity ?? '-'}`);
    await audit(t, clock, actor, { action: 'monitoring_alert.severity_changed', entityType: 'monitoring_alert', entityId: a.id, before: { severity: a.severity }, after: { severity: row.severity, incidentId: row.incidentId } });
  }

  async function onRecovered(t: Db, e: Event, item: typeof monitoringItems.$inferSelect) {
    const a = await openAlertOf(t, item.id);
    if (!a) return;
    const note = `復旧を検知しました（${e.detail ?? e.value ?? 'ok'}）`;
    let row = a;
    if (a.state !== 'done') row = await fire(t, { clock, actor }, alertProcess, a, 'recover', { comment: note });
    [row] = (await t.update(monitoringAlerts).set({ recoveredAt: e.at, recoveryEventId: e.id }).where(eq(monitoringAlerts.id, a.id)).returning()) as [Alert];
    if (a.state === 'done') await history(t, row, 'recovered', 'done', 'done', note);
    if (row.mailedTo.length > 0) {
      await enqueueMail(
        t,
        clock,
        mailFrom(mails.recovery({ detectedAt: row.detectedAt, recoveredAt: e.at, ciName: row.ciName, itemName: row.itemName, severity: row.severity, value: e.value, detail: e.detail }), {
          recordType: 'monitoring_alert',
          recordId: row.id,
          to: row.mailedTo,
          createdBy: actor,
        }),
      );
    }
    if (row.incidentId && !row.silenced) {
      // A note on the trouble's timeline; closing it stays a human decision (INC-10).
      const [inc] = await t.select({ state: incidents.state }).from(incidents).where(eq(incidents.id, row.incidentId));
      await t.insert(processHistory).values({
        process: 'incident',
        recordId: row.incidentId,
        action: 'monitoring_recovered',
        fromState: inc?.state ?? '',
        toState: inc?.state ?? '',
        actorId: null,
        actor: actor.label,
        actorRole: 'system',
        comment: `${row.ciName} ${row.itemName}: ${note}`,
        at: clock.now(),
      });
    }
    await audit(t, clock, actor, { action: 'monitoring_alert.recovered', entityType: 'monitoring_alert', entityId: a.id, after: { recoveredAt: e.at, recoveryEventId: e.id } });
  }

  /** Handles one event (by id) in one transaction; a no-op if it was handled already. */
  async function handle(eventId: number): Promise<void> {
    await inTx(db, async (t) => {
      const [e] = await t.select().from(monitoringEvents).where(eq(monitoringEvents.id, eventId)).for('update');
      if (!e || e.handledAt) return;
      const [found] = await t
        .select({ item: monitoringItems, target: monitoringTargets })
        .from(monitoringItems)
        .innerJoin(monitoringTargets, eq(monitoringTargets.id, monitoringItems.targetId))
        .where(eq(monitoringItems.id, e.itemId));
      if (found) {
        if (e.kind === 'problem') await onProblem(t, e, found.item, found.target);
        else if (e.kind === 'severity_changed') await onSeverityChanged(t, e, found.item);
        else await onRecovered(t, e, found.item);
      }
      await t.update(monitoringEvents).set({ handledAt: clock.now() }).where(eq(monitoringEvents.id, e.id));
    });
  }

  return {
    handle,
    /** The engine's onEvent hook. */
    onEvent: (e: Event) => handle(e.id).catch((err: unknown) => deps.onError?.(err, e.id)),
    /** Handles events a crash left unhandled, oldest first. */
    async sweep(limit = 500): Promise<number> {
      const rows = await db.select({ id: monitoringEvents.id }).from(monitoringEvents).where(isNull(monitoringEvents.handledAt)).orderBy(asc(monitoringEvents.id)).limit(limit);
      for (const r of rows) await handle(r.id);
      return rows.length;
    },
  };
}
export type AlertHandling = ReturnType<typeof createAlertHandling>;

// ───────────────────────── The ledger as the API offers it ─────────────────────────

export const alertListQuery = listQuery(['detectedAt', 'ciName', 'severity', 'state', 'itemName']).extend({
  state: z.enum(ALERT_STATES).optional(),
  ciType: z.string().trim().max(40).optional(),
  silenced: z.enum(['true', 'false']).optional(),
  open: z.enum(['true', 'false']).optional(),
  /** The alerts of one monitoring item (the item page links here). */
  itemId: z.uuid().optional(),
});
export type AlertListQuery = z.infer<typeof alertListQuery>;

export const alertActionInput = z
  .object({ version: z.number().int().min(1), comment: z.string().trim().max(4000).optional(), resolution: z.string().trim().max(10_000).optional() })
  .strict();
export type AlertActionInput = z.input<typeof alertActionInput>;

export type AlertView = Alert & { stateLabel: { ja: string; en: string } };
const view = (a: Alert): AlertView => ({ ...a, stateLabel: alertProcess.states[a.state] });

const SORTS: Record<string, SQL> = {
  detectedAt: sql`${monitoringAlerts.detectedAt}`,
  ciName: sql`${monitoringAlerts.ciName}`,
  severity: sql`${monitoringAlerts.severity}`,
  state: sql`${monitoringAlerts.state}`,
  itemName: sql`${monitoringAlerts.itemName}`,
};

export function createAlertLedger(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const visible = alertScope;
  async function load(t: Db, actor: Actor, id: string): Promise<Alert> {
    requirePermission(actor, 'monitoring.read');
    const [a] = await t.select().from(monitoringAlerts).where(and(eq(monitoringAlerts.id, id), visible(actor)));
    if (!a) throw new NotFoundError('error.not_found');
    return a;
  }
  return {
    async list(actor: Actor, q: AlertListQuery): Promise<Page<AlertView>> {
      requirePermission(actor, 'monitoring.read');
      const where = and(
        visible(actor),
        q.state ? eq(monitoringAlerts.state, q.state) : undefined,
        q.ciType ? sql`${monitoringAlerts.ciType} = ${q.ciType}` : undefined,
        q.itemId ? eq(monitoringAlerts.itemId, q.itemId) : undefined,
        q.silenced ? eq(monitoringAlerts.silenced, q.silenced === 'true') : undefined,
        q.open === 'true' ? ne(monitoringAlerts.state, 'done') : q.open === 'false' ? eq(monitoringAlerts.state, 'done') : undefined,
        q.q ? or(ilike(monitoringAlerts.ciName, likePattern(q.q)), ilike(monitoringAlerts.itemName, likePattern(q.q)), ilike(monitoringAlerts.itemKey, likePattern(q.q))) : undefined,
      );
      const s = parseSort(q.sort, '-detectedAt');
      const col = SORTS[s.field] ?? SORTS.detectedAt!;
      const [rows, [{ n } = { n: 0 }]] = [
        await db
          .select()
          .from(monitoringAlerts)
          .where(where)
          .orderBy(s.desc ? sql`${col} DESC NULLS LAST` : sql`${col} ASC NULLS LAST`, desc(monitoringAlerts.eventId))
          .limit(q.pageSize)
          .offset((q.page - 1) * q.pageSize),
        await db.select({ n: count() }).from(monitoringAlerts).where(where),
      ];
      return { items: rows.map(view), total: n, page: q.page, pageSize: q.pageSize };
    },
    async get(actor: Actor, id: string): Promise<{ alert: AlertView; process: ProcessView }> {
      const a = await load(db, actor, id);
      return { alert: view(a), process: await processView(db, alertProcess, a, actor) };
    },
    async act(actor: Actor, id: string, action: string, raw: AlertActionInput): Promise<AlertView> {
      requirePermission(actor, 'monitoring.manage');
      const { version, ...input } = alertActionInput.parse(raw);
      return inTx(db, async (t) => {
        const a = await load(t, actor, id);
        const moved = await fire(t, { clock, actor }, alertProcess, { ...a, version }, action as 'respond', input);
        return view(moved);
      });
    },
  };
}
export type AlertLedger = ReturnType<typeof createAlertLedger>;
