import { join } from 'node:path';
import { and, asc, eq, ne } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmdbHosts, cmdbSystems, cmdbVms } from '../src/cmdb/index.ts';
import { createIamService, systemActor } from '../src/iam/index.ts';
import { E2E_PASSWORD as PASSWORD, type E2eApp, startE2eApp } from './app.ts';
import { SHOTS } from './browser.ts';

/**
 * インシデント管理 in the browser: one High trouble on an ESXi host walked from registration to close
 * by the roles of N §3.2's table — the operator registers it (the host's VMs and their owners are
 * derived), sends the 第一報 and writes the recovery procedure; the manager reviews it and the
 * supervisor approves it; the operator recovers and closes provisionally; the manager cannot close
 * before a problem is opened, then closes. The affected department's owner sees it; another's does not.
 */
let e: E2eApp;
let base: string;
let host: { id: string; name: string };
/** A VM of the owner's department on that host. */
let ownerVm: string;
/** A prefecture department with no VM on that host, and its owner's login. */
let foreignOwner: string;
let incidentId = '';

beforeAll(async () => {
  // Tuesday 2026-11-24 10:00 JST (the helper's clock): business hours.
  e = await startE2eApp();
  base = e.base;
  const { database, clock, org } = e;
  const prefecture = org.departments.filter((d) => d.kind === 'prefecture');
  const owner = org.departments.find((d) => d.code === 'DOB-DOR')!;
  // The first host (by name) carrying an active VM of the owner's department.
  const rows = await database.db
    .select({ id: cmdbHosts.id, name: cmdbHosts.name, vm: cmdbVms.name })
    .from(cmdbVms)
    .innerJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
    .innerJoin(cmdbHosts, eq(cmdbHosts.id, cmdbVms.hostId))
    .where(and(eq(cmdbSystems.departmentId, owner.id), ne(cmdbVms.status, 'retired')))
    .orderBy(asc(cmdbHosts.name), asc(cmdbVms.name));
  expect(rows[0]).toBeDefined();
  host = { id: rows[0]!.id, name: rows[0]!.name };
  ownerVm = rows[0]!.vm;
  const onHost = await database.db
    .select({ dept: cmdbSystems.departmentId })
    .from(cmdbVms)
    .innerJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId))
    .where(and(eq(cmdbVms.hostId, host.id), ne(cmdbVms.status, 'retired')));
  const affected = new Set(onHost.map((r) => r.dept));
  const other = prefecture.find((d) => !affected.has(d.id) && d.code !== 'DOB-DOR')!;
  // The demo's other owners have unprinted passwords: one with the test password for this department.
  foreignOwner = 'e2e-foreign-owner';
  await createIamService({ db: database.db, clock }).createPerson(systemActor('e2e'), {
    login: foreignOwner,
    displayName: `${other.name} システム担当`,
    departmentId: other.id,
    password: PASSWORD,
    roles: ['system_owner'],
  });
});
afterAll(() => e?.close());

async function login(who: string, width = 1280, height = 800): Promise<Page> {
  const page = await e.browser.newPage({ viewport: { width, height }, locale: 'ja-JP' });
  await e.login(page, who);
  return page;
}

async function apiGet<T>(page: Page, path: string): Promise<T> {
  const res = await page.request.get(`${base}${path}`);
  expect(res.status(), path).toBe(200);
  return (await res.json()) as T;
}

const shot = (page: Page, name: string, fullPage = true) => page.screenshot({ path: join(SHOTS, `incident-${name}.png`), fullPage });

async function openRecord(page: Page) {
  await page.goto(`${base}/incidents/${incidentId}`);
  await page.getByTestId('incident-page').waitFor();
}

/** Opens a step's form, fills it, submits it and waits for the new state. */
async function act(page: Page, action: string, to: string, fill: Record<string, string> = {}) {
  await page.getByTestId(`action-${action}`).click();
  const form = page.locator(`[data-testid="action-form"][data-action="${action}"]`);
  await form.waitFor();
  for (const [k, v] of Object.entries(fill)) await form.getByTestId(`field-${k}`).fill(v);
  await form.getByTestId('action-submit').click();
  await page.locator(`[data-testid="incident-page"][data-state="${to}"]`).waitFor();
  await page.getByTestId('flash').waitFor();
}

describe('インシデント管理 in Debian chromium', () => {
  it('the operator registers a High trouble on an ESXi host: affected VMs, deadlines and recipients are derived; the 第一報 goes out', async () => {
    const page = await login('operator');
    await expect(page.getByTestId('nav-incidents').textContent()).resolves.toBe('インシデント管理');
    await page.getByTestId('nav-incidents').click();
    await page.getByTestId('incident-dashboard').waitFor();
    await page.getByTestId('incident-new').click();
    await page.getByTestId('incident-form').waitFor();
    await page.getByTestId('field-title').fill('ESXiサーバ応答なし（e2e）');
    await page.getByTestId('field-description').fill('監視システムからホスト応答なしのアラート。');
    await page.getByTestId('field-detectedAt').fill('2026-11-24T09:55');
    await page.getByTestId('urgency-citizenImpact').check();
    await page.getByTestId('computed-priority').getByText('高').waitFor();
    await page.getByTestId('field-symptom').fill('ESXiサーバが応答しない');
    await page.getByTestId('field-businessImpact').fill('サーバ上の業務システムが停止');
    // Nothing affected and no cause chosen: the server names both fields, in Japanese, under them.
    await page.getByTestId('incident-submit').click();
    await page.getByTestId('field-platformCaused').getByText('必須項目です').waitFor();
    await page.getByTestId('affected-error').waitFor();
    await shot(page, 'intake-errors');

    await page.getByTestId('platformCaused-yes').check();
    await page.getByTestId('search-hosts').fill(host.name);
    await page.locator(`[data-testid="add-hosts"][data-name="${host.name}"]`).click();
    await page.getByTestId('picked-hosts').getByText(host.name).waitFor();
    // The VM whose alert came in is named too (system owners see incidents naming their VMs, ORG-4).
    await page.getByTestId('search-vms').fill(ownerVm);
    await page.locator(`[data-testid="add-vms"][data-name="${ownerVm}"]`).click();
    await page.getByTestId('picked-vms').getByText(ownerVm).waitFor();
    await shot(page, 'intake-1280');
    await page.getByTestId('incident-submit').click();
    await page.getByTestId('incident-page').waitFor();
    incidentId = page.url().split('/').pop()!;
    await page.getByTestId('flash').waitFor();

    type Rec = { version: number; priority: string; recipients: { to: string[]; systemOwners: string[] }; affected: { recoveryOrder: { name: string }[] }; deadlines: { firstReport: { dueAt: string } } };
    const rec = await apiGet<Rec>(page, `/api/incidents/${incidentId}`);
    expect(rec.priority).toBe('high');
    // The host's VMs, in recovery order, and their owners among the recipients.
    const vms = await page.getByTestId('affected-vm').allTextContents();
    expect(vms.length).toBe(rec.affected.recoveryOrder.length);
    expect(vms.length).toBeGreaterThan(0);
    expect(vms[0]).toContain(rec.affected.recoveryOrder[0]!.name);
    await expect(page.getByTestId('affected-host-link').getAttribute('href')).resolves.toBe(`/cmdb/hosts/${host.id}`);
    expect(rec.recipients.systemOwners.length).toBeGreaterThan(0);
    const owners = await page.getByTestId('rcp-owners').textContent();
    for (const a of rec.recipients.systemOwners) expect(owners).toContain(a);
    await expect(page.getByTestId('rcp-supervisor').textContent()).resolves.toContain('supervisor@demo.kiban.example');
    // Deadlines of the table's row (detected 09:55 in business hours).
    await expect(page.getByTestId('report-rule').textContent()).resolves.toMatch(/業務時間内.*第一報: \d+分以内（電話およびメール）/);
    await expect(page.getByTestId('deadline-first').getAttribute('data-overdue')).resolves.toBe('false');
    await page.getByTestId('flow-current').filter({ hasText: '受付済' }).waitFor();
    await shot(page, 'registered-1280');

    // 第一報: recorded, and the mail in N's subject goes to the derived recipients.
    await page.getByTestId('report-first').click();
    await page.getByTestId('report-submit').click();
    await page.locator('[data-testid="report-row"][data-kind="first"]').waitFor();
    await page.getByTestId('mail-subject').filter({ hasText: '【第三期サーバ仮想基盤障害発生】第一報' }).waitFor();
    await expect(page.getByTestId('deadline-first').textContent()).resolves.toContain('完了');

    // Dispatch, then the recovery procedure: the server names each missing field under it.
    await act(page, 'dispatch', 'in_progress');
    await page.getByTestId('action-submit_procedure').click();
    const form = page.locator('[data-testid="action-form"][data-action="submit_procedure"]');
    await form.getByTestId('field-probableCause').fill('電源ユニットの故障');
    await form.getByTestId('action-submit').click();
    await form.getByText('必須項目です').first().waitFor();
    expect(await form.getByText('必須項目です').count()).toBe(4);
    await shot(page, 'procedure-errors', false);
    await form.getByTestId('field-steps').fill('1. HAで移動したVMを確認\n2. 電源ユニットを交換\n3. ホストを保守モード解除');
    await form.getByTestId('field-schedule').fill('11:00〜11:30');
    await form.getByTestId('field-risks').fill('交換後に起動しない');
    await form.getByTestId('field-fallback').fill('予備機へ切替');
    await form.getByTestId('action-submit').click();
    await page.locator('[data-testid="incident-page"][data-state="procedure_review"]').waitFor();
    // The operator cannot review their own procedure: no such button.
    expect(await page.getByTestId('action-review_procedure').count()).toBe(0);
    await page.close();
  });

  it('the manager reviews the procedure and the supervisor approves it', async () => {
    const mgr = await login('manager');
    await openRecord(mgr);
    await act(mgr, 'review_procedure', 'procedure_approval');
    expect(await mgr.getByTestId('action-approve_procedure').count()).toBe(0);
    await mgr.close();
    const sup = await login('supervisor');
    await openRecord(sup);
    await shot(sup, 'supervisor-approval-1280');
    await act(sup, 'approve_procedure', 'in_progress', { comment: '承認します' });
    await sup.close();
  });

  it('the operator recovers and closes provisionally; the manager needs a problem before closing, meets a stale version, then closes', async () => {
    const op = await login('operator');
    await openRecord(op);
    const work = { workFrom: '2026-11-24T11:00', workTo: '2026-11-24T11:30', workers: '運用担当者 佐藤', description: '電源ユニット交換', businessImpact: 'なし（HAで移動済み）' };
    await act(op, 'start_recovery', 'recovering', work);
    await act(op, 'complete_recovery', 'recovered', work);
    await act(op, 'provisional_close', 'provisionally_closed', { requesterApproval: '道路建設課 松尾様 電話で了承', resolution: '電源ユニット交換で復旧' });
    await op.getByTestId('mail-subject').filter({ hasText: '復旧作業完了連絡' }).waitFor();
    await op.close();

    const mgr = await login('manager');
    await openRecord(mgr);
    // A High trouble cannot close without a linked problem: the server's message is shown.
    await mgr.getByTestId('action-close').click();
    await mgr.getByTestId('action-submit').click();
    await mgr.getByTestId('action-error').filter({ hasText: '問題管理' }).waitFor();
    await shot(mgr, 'close-needs-problem', false);
    await mgr.keyboard.press('Escape');

    // Someone else reports meanwhile: the close form says the record moved and reloads it.
    await mgr.getByTestId('action-close').click();
    const session = await apiGet<{ csrfToken: string }>(mgr, '/api/auth/session');
    const fresh = await apiGet<{ version: number }>(mgr, `/api/incidents/${incidentId}`);
    const other = await mgr.request.post(`${base}/api/incidents/${incidentId}/reports`, {
      headers: { 'x-csrf-token': session.csrfToken },
      data: { version: fresh.version, kind: 'continuing', progress: '11:30 復旧を確認（別端末から報告）' },
    });
    expect(other.status()).toBe(200);
    await mgr.getByTestId('action-submit').click();
    await mgr.getByTestId('stale-alert').waitFor();
    await expect(mgr.getByTestId('incident-page').getAttribute('data-version')).resolves.toBe(String(fresh.version + 1));
    await shot(mgr, 'stale', false);
    await mgr.keyboard.press('Escape');

    // Open a problem for the root cause from the record, then close.
    await mgr.getByTestId('problem-create').click();
    await mgr.getByTestId('problem-link-submit').click();
    await mgr.getByTestId('linked-problem').filter({ hasText: /PRB-2026-\d{6}/ }).waitFor();
    await act(mgr, 'close', 'closed');
    await mgr.getByTestId('flow-current').filter({ hasText: 'クローズ' }).waitFor();
    await mgr.getByTestId('timeline-entry').first().waitFor();
    const actions = await mgr.getByTestId('timeline-entry').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    expect(actions[0]).toBe('close');
    expect(actions).toContain('approve_procedure');
    expect(actions.at(-1)).toBe('register');
    await shot(mgr, 'closed-1280');

    // The problem page lists the incident.
    await mgr.getByTestId('linked-problem').getByRole('link').click();
    await mgr.getByTestId('problem-page').waitFor();
    await mgr.getByTestId('linked-incident').first().waitFor();
    await shot(mgr, 'problem-1280');

    // The ledger: filters on the server, export links carry them.
    await mgr.goto(`${base}/incidents?class=trouble`);
    await mgr.locator(`[data-testid="incident-row"][data-row-id="${incidentId}"]`).waitFor();
    await expect(mgr.getByTestId('export-xlsx').getAttribute('href')).resolves.toMatch(/^\/api\/incidents\.xlsx\?.*class=trouble/);
    await shot(mgr, 'ledger-1280');
    await mgr.close();
  });

  it('the owner of an affected department sees it (tablet width); another department’s owner gets not-found', async () => {
    const owner = await login('owner', 820, 1180);
    await owner.goto(`${base}/incidents`);
    await owner.locator(`[data-testid="incident-row"][data-row-id="${incidentId}"]`).waitFor();
    await shot(owner, 'owner-ledger-820');
    await openRecord(owner);
    await owner.getByTestId('no-actions').waitFor();
    expect(await owner.getByTestId('report-first').count()).toBe(0);
    await shot(owner, 'owner-record-820');
    const overflow = await owner.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await owner.close();

    const stranger = await login(foreignOwner, 820, 1180);
    await stranger.goto(`${base}/incidents/${incidentId}`);
    await stranger.getByTestId('not-found').waitFor();
    await shot(stranger, 'foreign-owner', false);
    await stranger.close();
  });
});
