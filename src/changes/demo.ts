import { and, asc, count, eq, ne } from 'drizzle-orm';
import { BusinessCalendar } from '../calendar/index.ts';
import { daysFromCivil, dayToYmd, jstDayOf, jstInstant, weekdayOfDay, civilFromDays } from '../calendar/jst.ts';
import { cmdbHosts, cmdbManagementServers, cmdbNetworkDevices, cmdbStorage, cmdbSystems, cmdbVms } from '../cmdb/schema.ts';
import type { Db } from '../db/connection.ts';
import { type Actor, actorsByLogin } from '../iam/index.ts';
import type { Clock } from '../kernel/clock.ts';
import { submissionDeadline } from '../monitoring/index.ts';
import { incidentCis, incidentProblems } from '../incidents/schema.ts';
import { createProblemService, problems } from '../problems/index.ts';
import { DEFAULT_APPROVAL_LEAD_BUSINESS_DAYS } from './release-chain.ts';
import type { ReleasePlanInput } from './release-inputs.ts';
import { createReleaseService } from './release-service.ts';
import { createMaintenanceDays } from './maintenance.ts';
import { changes } from './schema.ts';
import { createChangeService } from './service.ts';
import { createChangeTaskService } from './tasks.ts';

export interface DemoChangesSummary {
  changes: number;
  releases: number;
  maintenanceDays: number;
  /** False when the database already had changes (the demo is loaded once). */
  loaded: boolean;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** The 2nd and 4th Saturday of a month (the demo's maintenance days, decided at the monthly meeting). */
function maintenanceSaturdays(y: number, m: number): number[] {
  const first = daysFromCivil(y, m, 1);
  const firstSat = first + ((6 - weekdayOfDay(first) + 7) % 7);
  return [firstSat + 7, firstSat + 21];
}

/** A small text file for a release's 作業証跡. */
const evidence = (fileName: string, lines: string[]) => ({ fileName, mediaType: 'text/plain', data: Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8') });

type Target = { ciType: 'host' | 'storage' | 'network' | 'monitoring_server'; ciId: string };

/**
 * 変更管理 for the demo (issue 10), made through the services as the demo people on a clock the
 * script moves — so every row, history entry, checklist item, suppression, audit record and mail is
 * what the real flow writes: maintenance days (2nd/4th Saturday) from last month to three months
 * ahead; a change in every state of the <変更作業> chart (受付 … クローズ, 実施しない, 変更中止, and one
 * sent back by 再検討を指示); from each source — the demo problem's permanent fix (closed with its
 * release, the problem closing with it), an ESXi patch on every host half applied (coverage), a
 * service-level change with its checklist partly done, and direct ones; releases finished normally
 * (開始連絡/終了連絡 queued), one with 異常発生 → 切戻し, one approved for the coming maintenance day
 * (its suppression on the schedule) and an emergency one under way now (the board shows 抑止中).
 * Deterministic: CIs chosen by name, times offsets from `clock`. Loads once: with changes already
 * in the database it does nothing.
 */
export async function loadDemoChanges(db: Db, clock: Clock, opts: { calendar?: BusinessCalendar } = {}): Promise<DemoChangesSummary> {
  const [existing] = await db.select({ n: count() }).from(changes);
  if ((existing?.n ?? 0) > 0) return { changes: 0, releases: 0, maintenanceDays: 0, loaded: false };
  const calendar = opts.calendar ?? new BusinessCalendar();
  const now = clock.now().getTime();
  let cur = now;
  const demoClock: Clock = { now: () => new Date(cur) };
  const at = (t: number) => {
    cur = t;
  };
  const later = (minutes: number) => {
    cur += minutes * MIN;
  };
  const chg = createChangeService({ db, clock: demoClock });
  const rel = createReleaseService({ db, clock: demoClock, calendar });
  const tasks = createChangeTaskService({ db, clock: demoClock });
  const days = createMaintenanceDays({ db, clock: demoClock });
  const prb = createProblemService({ db, clock: demoClock });
  const who = await actorsByLogin(db, ['operator', 'manager', 'supervisor', 'owner']);
  const op = who('operator');
  const mgr = who('manager');
  const sup = who('supervisor');
  const ownerDept = who('owner').departmentId;

  // ---- the estate's CIs, by name
  const hosts = await db.select({ id: cmdbHosts.id, name: cmdbHosts.name }).from(cmdbHosts).where(ne(cmdbHosts.status, 'retired')).orderBy(asc(cmdbHosts.name));
  const [storage] = await db.select({ id: cmdbStorage.id, name: cmdbStorage.name }).from(cmdbStorage).where(ne(cmdbStorage.status, 'retired')).orderBy(asc(cmdbStorage.name)).limit(1);
  const net = await db.select({ id: cmdbNetworkDevices.id, name: cmdbNetworkDevices.name, kind: cmdbNetworkDevices.kind }).from(cmdbNetworkDevices).where(ne(cmdbNetworkDevices.status, 'retired')).orderBy(asc(cmdbNetworkDevices.name));
  const mgmt = await db.select({ id: cmdbManagementServers.id, name: cmdbManagementServers.name, kind: cmdbManagementServers.kind }).from(cmdbManagementServers).where(ne(cmdbManagementServers.status, 'retired')).orderBy(asc(cmdbManagementServers.name));
  const sw = net.find((n) => n.kind === 'switch') ?? net[0];
  const fw = net.find((n) => n.kind === 'firewall') ?? net[1] ?? sw;
  const vc = mgmt.find((m) => m.kind === 'vcenter') ?? mgmt[0];
  const mon = mgmt.find((m) => m.kind === 'monitoring') ?? mgmt[0];
  const bk = mgmt.find((m) => m.kind === 'backup') ?? mgmt[0];
  if (hosts.length < 3 || !storage || !sw || !fw || !vc || !mon || !bk) return { changes: 0, releases: 0, maintenanceDays: 0, loaded: false };
  // The owner department's hosts: the emergency release now goes to a host carrying none of its VMs
  // (the monitoring demo's live alerts are on that department's VMs).
  const ownerHosts = new Set(
    ownerDept
      ? (await db.select({ hostId: cmdbVms.hostId }).from(cmdbVms).innerJoin(cmdbSystems, eq(cmdbSystems.id, cmdbVms.systemId)).where(eq(cmdbSystems.departmentId, ownerDept))).map((r) => r.hostId)
      : [],
  );
  const hostT = (h: { id: string }): Target => ({ ciType: 'host', ciId: h.id });

  // ---- メンテナンス日: the 2nd and 4th Saturday, 09:00–23:00 JST, last month to three months ahead
  const today = jstDayOf(now);
  const { y, m } = civilFromDays(today);
  const mdays: number[] = [];
  for (let k = -1; k <= 3; k++) {
    const mm = ((m - 1 + k + 12) % 12) + 1;
    const yy = y + Math.floor((m - 1 + k) / 12);
    mdays.push(...maintenanceSaturdays(yy, mm));
  }
  const window = (day: number, fromH: number, toH: number) => ({ start: jstInstant(day, fromH * HOUR), end: jstInstant(day, toH * HOUR) });
  at(now - 40 * DAY);
  for (const d of mdays) {
    const meeting = civilFromDays(d - 20);
    await days.create(mgr, {
      day: dayToYmd(d),
      startsAt: window(d, 9, 23).start.toISOString(),
      endsAt: window(d, 9, 23).end.toISOString(),
      note: '定例メンテナンス日（第2・第4土曜日）',
      decidedAt: `${meeting.y}年${meeting.m}月 月次報告会`,
    });
    later(1);
  }
  const past = mdays.filter((d) => window(d, 9, 23).end.getTime() < now - DAY);
  const [p2, p1] = past.slice(-2) as [number, number]; // the one before last, and the last
  const future =
    mdays.find((d) => submissionDeadline(calendar, window(d, 13, 17).start, DEFAULT_APPROVAL_LEAD_BUSINESS_DAYS).getTime() > now + HOUR) ?? mdays[mdays.length - 1]!;

  // ---- helpers: one record moved step by step, each step a few minutes after the last
  let nChanges = 0;
  let nReleases = 0;
  type Step = [Actor, string, Record<string, unknown>?];
  const steps = async (id: string, version: number, list: Step[], gap = 60) => {
    let v = version;
    for (const [actor, action, input] of list) {
      later(gap);
      v = (await chg.act(actor, id, action, { version: v, ...(input ?? {}) })).version;
    }
    return v;
  };
  const low = { problemHigh: false, citizensOrManyDepartments: false, financialOrReputation: false };
  const wide = { problemHigh: false, citizensOrManyDepartments: true, financialOrReputation: false };
  /** 受付 → 優先度・納期の報告 → 承認 → 手順の提出 → レビュー → 実施する. */
  const toImplementing = (due: string, criteria = low): Step[] => [
    [mgr, 'report_priority', { criteria, dueAt: due, comment: '影響範囲と納期を確認しました' }],
    [sup, 'approve_priority', { comment: '承認します。準備を進めてください' }],
    [op, 'submit_plan', { implementation: '1. 作業手順書に沿って事前確認\n2. 手動バックアップ取得\n3. 作業実施\n4. 動作確認・監視の正常化確認\n切戻し: 作業前の状態に戻す手順を手順書に記載' }],
    [mgr, 'review_plan', { comment: 'スケジュール・手順を確認しました' }],
    [sup, 'implement', { comment: '実施してください' }],
  ];
  const relVersion = new Map<string, number>();
  const relAct = async (actor: Actor, id: string, action: string, input: Record<string, unknown> = {}) => {
    const r = await rel.act(actor, id, action, { version: relVersion.get(id)!, ...input });
    relVersion.set(id, r.version);
    return r;
  };
  // A few names then the count: the estate ×20 (bench) has 200 hosts, more than the plan's 500-character fields hold.
  const hostList = (hs: { name: string }[]) => (hs.length <= 5 ? hs.map((h) => h.name).join('、') : `${hs.slice(0, 4).map((h) => h.name).join('、')} ほか ${hs.length - 4} 台`);
  const plan = (w: { start: Date; end: Date }, x: { work: string; impact: string; scope: string; extra?: Partial<ReleasePlanInput> }): ReleasePlanInput => {
    const hh = (d: Date) => new Date(d.getTime() + 9 * HOUR).toISOString().slice(11, 16);
    const mid = new Date((w.start.getTime() + w.end.getTime()) / 2);
    return {
      proven: true,
      plannedStart: w.start.toISOString(),
      plannedEnd: w.end.toISOString(),
      timeline: [
        { at: hh(w.start), task: '作業開始連絡・手動バックアップ取得' },
        { at: hh(new Date(w.start.getTime() + 30 * MIN)), task: x.work },
        { at: hh(mid), task: '切戻し判断' },
        { at: hh(new Date(w.end.getTime() - 30 * MIN)), task: '動作確認・作業終了連絡' },
      ],
      backupTime: `${hh(w.start)}–${hh(new Date(w.start.getTime() + 30 * MIN))}`,
      rollbackCriteria: '動作確認で異常があり、切戻し判断時刻までに解消しない場合',
      rollbackDecisionAt: mid.toISOString(),
      staffing: [
        { name: '運用担当者 佐藤 翔太', role: '作業者', nextBusinessDay: true },
        { name: '運用管理者 田中 美咲', role: '作業責任者', nextBusinessDay: false },
      ],
      impactScope: x.scope,
      risks: [{ risk: '作業後に対象機器が正常に起動しない', mitigation: '切戻し手順に従い作業前の状態に戻す' }],
      contacts: '作業者 → 運用管理者（田中）→ 統括責任者（山口）',
      rollbackProcedure: '作業前に取得したバックアップ・設定から作業前の状態に戻し、動作を確認する',
      workContent: x.work,
      businessImpact: x.impact,
      workerLabel: '運用担当者 佐藤 翔太',
      ...x.extra,
    };
  };
  /** A release created, reviewed and approved a week before its window (the approval makes the suppression). */
  const approvedRelease = async (changeId: string, p: ReleasePlanInput, approveAt = new Date(p.plannedStart).getTime() - 7 * DAY) => {
    // Two days of preparation before the approval, but never before the change's last step.
    at(Math.max(approveAt - 2 * DAY, cur + 30 * MIN));
    const r = await rel.create(op, changeId, p);
    relVersion.set(r.id, r.version);
    nReleases++;
    later(30);
    await relAct(op, r.id, 'submit_plan', { comment: 'リリース計画を報告します' });
    at(Math.max(approveAt - DAY, cur + 20 * MIN));
    await relAct(mgr, r.id, 'review_plan', { comment: '内容は適切です' });
    at(Math.max(approveAt, cur + 20 * MIN));
    await relAct(sup, r.id, 'approve_plan', { comment: '承認します' });
    return r.id;
  };
  const run = async (id: string, start: Date, end: Date, note: string) => {
    at(start.getTime());
    await relAct(op, id, 'start');
    at(end.getTime());
    await relAct(op, id, 'complete', { completionNote: note });
  };

  // ---- 受付・登録, in time order (the CHG numbers follow the registration dates)
  const [problem] = await db.select().from(problems).where(eq(problems.title, 'メモリ枯渇の根本原因調査'));
  // The permanent fix goes to the host of the VM whose memory ran out (the problem's incident).
  const [fixVmHost] = problem
    ? await db
        .select({ id: cmdbHosts.id, name: cmdbHosts.name })
        .from(incidentProblems)
        .innerJoin(incidentCis, and(eq(incidentCis.incidentId, incidentProblems.incidentId), eq(incidentCis.ciType, 'vm')))
        .innerJoin(cmdbVms, eq(cmdbVms.id, incidentCis.ciId))
        .innerJoin(cmdbHosts, eq(cmdbHosts.id, cmdbVms.hostId))
        .where(eq(incidentProblems.problemId, problem.id))
        .limit(1)
    : [];
  const fixHost = fixVmHost ?? hosts[1]!;
  const emHost = [...hosts].reverse().find((h) => !ownerHosts.has(h.id) && h.id !== fixHost.id);
  const [slSystem] = await db
    .select({ id: cmdbSystems.id, name: cmdbSystems.name })
    .from(cmdbSystems)
    .where(and(eq(cmdbSystems.serviceLevel, 'B'), eq(cmdbSystems.environment, 'production'), ne(cmdbSystems.status, 'retired'), ownerDept ? eq(cmdbSystems.departmentId, ownerDept) : undefined))
    .orderBy(asc(cmdbSystems.name))
    .limit(1);
  const tenAm = (day: number, minus: number) => jstInstant(day - minus, 10 * HOUR).getTime();
  /** 納期: 17:00 JST `d` days from `day` (today by default). */
  const due = (d: number, day = today) => jstInstant(day + d, 17 * HOUR).toISOString();
  const fixStudied = problem?.state === 'investigating' ? now - 3 * DAY - 12 * HOUR : null;
  const half = hosts.slice(0, Math.ceil(hosts.length / 2));
  const rest = hosts.slice(half.length);
  const regs: { key: string; at: number; input: Parameters<typeof chg.register>[1] }[] = [
    { key: 'pm', at: tenAm(p2, 14), input: { title: 'ESXi セキュリティパッチの適用（全ホスト）', description: 'VMware のセキュリティアドバイザリに対応するため、全 ESXi ホストにパッチを適用する（予防保守）。', source: 'preventive_maintenance', pmPatch: 'ESXi 8.0 Update 3c（VMSA 対応）', targets: hosts.map(hostT) } },
    { key: 'storage', at: tenAm(p1, 15) + HOUR, input: { title: `${storage.name} のファームウェア更新`, description: 'ストレージベンダーの推奨に基づき、コントローラのファームウェアを更新する。', source: 'direct', targets: [{ ciType: 'storage', ciId: storage.id }] } },
    { key: 'switch', at: tenAm(p2, 16) + 4 * HOUR, input: { title: `${sw.name} のファームウェア更新`, description: 'ネットワーク機器の脆弱性対応として、スイッチのファームウェアを更新する。', source: 'direct', targets: [{ ciType: 'network', ciId: sw.id }] } },
    { key: 'volume', at: tenAm(today, 10), input: { title: `${storage.name} のボリューム追加`, description: '仮想マシンの増加に備え、データストア用ボリュームを追加する。', source: 'direct', targets: [{ ciType: 'storage', ciId: storage.id }] } },
    { key: 'vcenter', at: tenAm(today, 9), input: { title: `vCenter Server（${vc.name}）のアップデート`, description: 'vCenter Server を最新のアップデート（8.0 Update 3d）に更新する。', source: 'direct', targets: [{ ciType: 'monitoring_server', ciId: vc.id }] } },
    { key: 'backup', at: tenAm(today, 8), input: { title: `${bk.name} の OS 更新`, description: 'バックアップサーバの OS 累積更新プログラムを適用する。', source: 'direct', targets: [{ ciType: 'monitoring_server', ciId: bk.id }] } },
    { key: 'line', at: tenAm(today, 6), input: { title: 'DR サイト間回線の帯域変更', description: 'レプリケーション量の増加に備え、サイト間回線の帯域を変更する。', source: 'direct', targets: [{ ciType: 'network', ciId: (net.find((n) => n.kind === 'router') ?? sw).id }] } },
    { key: 'zabbix', at: tenAm(today, 4), input: { title: `${mon.name} の Zabbix バージョンアップ`, description: '監視サーバの Zabbix をサポート期間内のバージョンへ更新する。', source: 'direct', targets: [{ ciType: 'monitoring_server', ciId: mon.id }] } },
    { key: 'scale', at: tenAm(today, 2), input: { title: 'ESXi ホストの追加（本番クラスタのスケールアウト）', description: 'CPU 使用率の増加に備え、本番クラスタに ESXi ホストを 1 台追加する。', source: 'direct', targets: [hostT(hosts[0]!)] } },
    { key: 'firewall', at: now - 3 * HOUR, input: { title: `${fw.name} の通信許可ルール追加`, description: '新システムの外部連携のため、ファイアウォールに通信許可ルールを追加する。', source: 'direct', targets: [{ ciType: 'network', ciId: fw.id }] } },
  ];
  if (fixStudied !== null && problem) {
    regs.push({ key: 'fix', at: fixStudied + 4 * HOUR, input: { title: `${fixHost.name} のメモリ増設（問題管理の恒久対処）`, description: 'メモリ枯渇の根本原因への恒久対処として、ESXi ホストのメモリを増設し、仮想マシンのメモリ割当てを見直す。', source: 'problem_fix', problemId: problem.id, targets: [hostT(fixHost)] } });
  }
  if (slSystem) {
    regs.push({ key: 'sl', at: tenAm(today, 12), input: { title: `${slSystem.name} のシステムサービスレベル変更（B → A）`, description: 'システム所管からの依頼により、24 時間運用の対象とするためサービスレベルを A に変更する。', source: 'service_level_change', slSystemId: slSystem.id, slToLevel: 'A', slStartsAt: window(future, 9, 10).start.toISOString() } });
  }
  if (emHost) {
    regs.push({ key: 'emergency', at: now - 5 * HOUR, input: { title: `${emHost.name} のメモリモジュール交換（緊急）`, description: 'ハードウェア監視で訂正可能メモリエラーが増加。故障に至る前にメモリモジュールを交換する。', source: 'direct', targets: [hostT(emHost)] } });
  }
  // The problem's study is reported and its fix decided before its change is registered.
  if (fixStudied !== null && problem) {
    at(fixStudied);
    let pv = (await prb.act(op, problem.id, 'report_investigation', { version: problem.version, cause: 'アプリケーションのメモリリークに加え、ホストのメモリ割当てに余裕がない', policy: 'ホストのメモリ増設と仮想マシンの割当て見直しを恒久対処として検討する' })).version;
    later(60);
    pv = (await prb.act(sup, problem.id, 'continue_to_fix', { version: pv, comment: '恒久対処を検討してください' })).version;
    later(60);
    pv = (await prb.act(op, problem.id, 'report_study', { version: pv, permanentFix: `${fixHost.name} のメモリ増設（512GB → 1TB）と仮想マシンのメモリ割当て見直し` })).version;
    later(60);
    await prb.act(sup, problem.id, 'implement', { version: pv, comment: '変更管理で実施してください' });
  }
  const C: Record<string, { id: string; version: number; at: number }> = {};
  for (const r of regs.sort((a, b) => a.at - b.at)) {
    at(r.at);
    const c = await chg.register(op, r.input);
    C[r.key] = { id: c.id, version: c.version, at: r.at };
    nChanges++;
  }
  /** Steps of a registered change, starting at its registration. */
  const from = (key: string, list: Step[], gap = 60) => {
    const c = C[key]!;
    at(c.at);
    return steps(c.id, c.version, list, gap);
  };
  const close = async (key: string, list: Step[]) => {
    const [c] = await db.select({ version: changes.version }).from(changes).where(eq(changes.id, C[key]!.id));
    return steps(C[key]!.id, c!.version, list);
  };

  // 1. The demo problem's permanent fix: an emergency release two days ago (a High problem does not
  //    wait for the maintenance day), closed — the problem closing with it.
  if (C.fix) {
    await from('fix', toImplementing(due(0), wide));
    const w = window(today - 2, 19, 22);
    const p = plan(w, { work: `${fixHost.name} のメモリ増設（ホストを停止して増設）`, impact: `作業中は ${fixHost.name} 上の仮想マシンを他ホストへ移動（vMotion）。業務影響なし見込み`, scope: `${fixHost.name} と同ホスト上の仮想マシン`, extra: { emergency: true, emergencyReason: '優先度『高』の問題の再発防止のため、次のメンテナンス日を待たずに実施する' } });
    const r = await approvedRelease(C.fix.id, p, w.start.getTime() - 12 * HOUR);
    await run(r, w.start, new Date(w.end.getTime() - 40 * MIN), 'メモリ増設を完了し、ホスト・仮想マシンの正常稼働を確認した');
    at(jstInstant(today - 1, 10 * HOUR).getTime()); // the next morning
    await close('fix', [
      [op, 'report_completion', { completionReport: 'メモリ増設を完了。作業後、メモリ使用率は 60% 以下で安定している。' }],
      [mgr, 'check_completion', { comment: '完了報告を確認しました' }],
      [sup, 'approve_close', { comment: '変更完了を承認します' }],
    ]);
  }

  // 2. Preventive maintenance: an ESXi patch on every host — half applied on the maintenance day
  //    before last, the rest planned (approved) for the coming one.
  await from('pm', toImplementing(window(future, 13, 17).end.toISOString(), wide));
  const w1 = window(p2, 9, 12);
  const pmR1 = await approvedRelease(C.pm!.id, plan(w1, { work: `ESXi パッチ適用（第1回：${hostList(half)}）`, impact: 'なし', scope: `${hostList(half)}（仮想マシンは vMotion で他ホストへ退避）` }));
  at(w1.start.getTime() - HOUR);
  const backupBefore = (await tasks.list(op, C.pm!.id)).tasks.find((x) => x.key === 'backup_before');
  if (backupBefore) await tasks.done(op, C.pm!.id, backupBefore.id, { version: backupBefore.version, comment: '構成情報のバックアップを取得' });
  await run(pmR1, w1.start, w1.end, `${half.length} 台に適用し、ビルド番号と正常稼働を確認した`);
  later(10);
  await rel.addEvidence(op, pmR1, evidence('作業ログ_ESXiパッチ適用_第1回.txt', half.map((h) => `${h.name}: esxcli software profile update 完了 / 再起動後 ビルド 24280767 を確認`)), '作業ログ（ビルド番号の確認結果）');
  const coverage = (await tasks.list(op, C.pm!.id)).tasks;
  for (const h of half) {
    const t = coverage.find((x) => x.kind === 'coverage' && x.ciId === h.id && x.status === 'open');
    if (t) await tasks.done(op, C.pm!.id, t.id, { version: t.version, comment: `${dayToYmd(p2)} 適用済（リリース第1回）` });
  }
  const w2 = window(future, 13, 17);
  const p2nd = plan(w2, { work: `ESXi パッチ適用（第2回：${hostList(rest)}）`, impact: 'なし', scope: `${hostList(rest)}（仮想マシンは vMotion で他ホストへ退避）` });
  await approvedRelease(C.pm!.id, p2nd, Math.min(now - 2 * HOUR, w2.start.getTime() - 7 * DAY));

  // 3. A storage firmware update: 異常発生 → 調査 → 切戻し指示 → 切戻し完了; completion reported.
  await from('storage', toImplementing(due(14))); // 納期 with room for a second attempt
  const w3 = window(p1, 9, 12);
  const stR = await approvedRelease(C.storage!.id, plan(w3, { work: `${storage.name} のコントローラファームウェア更新`, impact: '作業中はストレージの冗長性が一時的に低下（業務停止なし見込み）', scope: `${storage.name} を利用する全仮想マシン` }));
  at(w3.start.getTime());
  await relAct(op, stR, 'start');
  later(50);
  await relAct(op, stR, 'report_anomaly', { anomalyReport: 'コントローラ 1 系の更新後、パスの一部が復旧しない（I/O 遅延を検知）' });
  later(15);
  await relAct(mgr, stR, 'report_investigation', { investigation: 'ファームウェアとホストの HBA ドライバの組合せに既知の不具合。切戻し判断時刻までの解消は困難' });
  later(10);
  await relAct(sup, stR, 'order_rollback', { reason: '業務影響のおそれがあるため切戻しを指示する' });
  later(40);
  await relAct(op, stR, 'complete_rollback', { completionNote: '1 系を旧ファームウェアに戻し、全パスの復旧と I/O 遅延の解消を確認した' });
  later(5);
  await rel.addEvidence(op, stR, evidence('切戻し記録_ストレージFW.txt', ['09:50 コントローラ 1 系のパス復旧せず（I/O 遅延）', '10:15 統括責任者より切戻し指示', '10:55 旧ファームウェアへの切戻し完了、全パス復旧を確認']), '異常発生から切戻しまでの記録');
  at(w3.end.getTime() + DAY);
  await close('storage', [[op, 'report_completion', { completionReport: '異常発生のため切戻しを実施。HBA ドライバ更新後に改めて計画する。' }]]);

  // 4. A core switch firmware update, done; the completion report checked, awaiting the supervisor's close.
  await from('switch', toImplementing(due(5))); // 納期: the end of the vulnerability's grace period
  const w4 = window(p2, 13, 16);
  const swR = await approvedRelease(C.switch!.id, plan(w4, { work: `${sw.name} のファームウェア更新（冗長構成を片系ずつ）`, impact: '片系ずつ更新のため通信断なし見込み', scope: `${sw.name} 配下のネットワーク` }));
  await run(swR, w4.start, w4.end, '両系の更新と通信の正常性を確認した');
  at(w4.end.getTime() + DAY);
  await close('switch', [
    [op, 'report_completion', { completionReport: 'ファームウェア更新を完了。通信断・エラーなし。' }],
    [mgr, 'check_completion', { comment: '統括責任者へ報告します' }],
  ]);

  // 5. A service-level change B → A of an owner's system, its N §3.4.3.4 checklist partly done.
  if (C.sl) {
    await from('sl', toImplementing(window(future, 9, 10).start.toISOString(), wide), 120);
    for (const key of ['rename_instance', 'chargeback']) {
      later(60);
      const t = (await tasks.list(op, C.sl.id)).tasks.find((x) => x.key === key);
      if (t) await tasks.done(op, C.sl.id, t.id, { version: t.version, comment: key === 'rename_instance' ? '命名規約に沿ってインスタンス名を変更' : '再配当費用の変更を財政課へ連絡済' });
    }
  }

  // 6. An emergency host repair under way now: its suppression is active (the board shows 抑止中).
  if (C.emergency && emHost) {
    await from('emergency', toImplementing(due(1), { ...low, financialOrReputation: true }), 20);
    const w = { start: new Date(now - 30 * MIN), end: new Date(now + 150 * MIN) };
    const p = plan(w, { work: `${emHost.name} のメモリモジュール交換（保守ベンダー立会い）`, impact: '仮想マシンを他ホストへ移動してから作業。業務影響なし見込み', scope: `${emHost.name} と同ホスト上の仮想マシン`, extra: { emergency: true, emergencyReason: 'メモリ故障による仮想マシン停止を防ぐため、メンテナンス日を待たずに実施する' } });
    const r = await approvedRelease(C.emergency.id, p, now - HOUR);
    at(w.start.getTime());
    await relAct(op, r, 'start');
  }

  // 7. Changes earlier in the chart, and the two ways out without a release.
  await from('firewall', [[mgr, 'report_priority', { criteria: low, dueAt: due(20), comment: '次々回のメンテナンス日で実施予定' }]], 30);
  await from('vcenter', [...toImplementing(due(30)).slice(0, 4), [sup, 're_examine', { reason: 'ESXi パッチ適用の完了後に実施する順序で計画を見直すこと' }]], 90);
  await from('scale', toImplementing(due(45)).slice(0, 3), 120);
  await from('zabbix', toImplementing(due(40)).slice(0, 4), 120);
  await from('backup', [...toImplementing(due(20)).slice(0, 4), [sup, 'do_not_implement', { reason: '次期バックアップ基盤への移行が決まったため、現行サーバでは実施しない' }]], 120);
  await from('line', [...toImplementing(due(60)).slice(0, 2), [sup, 'cancel', { reason: '回線契約の見直しを年度更新時に行うことになったため中止する' }]], 90);

  cur = now;
  return { changes: nChanges, releases: nReleases, maintenanceDays: mdays.length, loaded: true };
}
