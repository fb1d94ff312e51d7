import { fieldValue, jaDateTime, jaPeriod } from './format.ts';

/**
 * Typed mail templates. A template is a pure function of its data: it returns the subject and the
 * plain-text body exactly as the source document prints the format, with the values filled in.
 * The caller enqueues the result with `enqueueMail` (src/notify/outbox.ts) in its own transaction.
 */
export interface RenderedMail {
  /** Template key, kept on the outbox row so a mail list can say what kind of mail it was. */
  template: string;
  subject: string;
  text: string;
}

export type MailTemplate<D> = (data: D) => RenderedMail;

/** One 「項目 ：値」 line per field, in N's order and with N's labels. */
function fields(rows: ReadonlyArray<readonly [label: string, value: string]>): string {
  return rows.map(([label, value]) => `${label} ：${value}`).join('\n');
}

/** N §3.2.3.6 ends the 継続報/最終報 with 「対応状況（経緯）」 followed by a free-form timeline. */
export interface ProgressEntry {
  at: Date;
  text: string;
}
function progress(entries: readonly ProgressEntry[] | string): string {
  const body =
    typeof entries === 'string'
      ? entries.trim()
      : entries.map((e) => `${jaDateTime(e.at)} ${e.text}`).join('\n');
  return `対応状況（経緯）\n${body || '未定'}`;
}

const RULE = '＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝';

/** <第一報> — N §3.2.3.6 報告フォーマット（案）. */
export interface FirstReportData {
  occurredAt: Date;
  affectedVms: readonly string[];
}
/** <継続報> — N §3.2.3.6. */
export interface ContinuingReportData {
  occurredAt: Date;
  symptom: string;
  businessImpact: string;
  /** 復旧予定時間: an instant, or text such as 「調査中」 while unknown. */
  expectedRecoveryAt: Date | string | null;
  probableCause: string;
  progress: readonly ProgressEntry[] | string;
}
/** <最終報> — N §3.2.3.6. */
export interface FinalReportData {
  occurredAt: Date;
  symptom: string;
  businessImpact: string;
  recoveredAt: Date;
  probableCause: string;
  progress: readonly ProgressEntry[] | string;
}
/** 復旧作業開始連絡 / 復旧作業完了連絡 — N §3.2.3.4. */
export interface RecoveryWorkData {
  /** 作業日時: the planned period (開始連絡) or the actual one (完了連絡). */
  work: { from: Date; to: Date };
  /** 作業担当者 */
  workers: readonly string[];
  /** 作業内容 */
  description: string;
  /** 業務影響 */
  businessImpact: string;
}

/**
 * 棚卸報告 (INC-9, N §3.2.3.5 「統括責任者に報告する」). N prints no format for this report: the
 * subject and the 「項目 ：値」 lines follow the style of its other mails.
 */
export interface StocktakeReportData {
  at: Date;
  /** Who made the stocktake (the manager, or 自動棚卸 at the day's opening). */
  by: string;
  note: string;
  correctiveAction: string | null;
  undispatched: readonly { receiptNo: string; title: string }[];
  overdue: readonly { receiptNo: string; title: string; reasons: readonly string[] }[];
}
/**
 * 依頼作業を実施しない旨の通知 (INC-3, N §3.2.3.2 「実施しない場合は、その旨を統括責任者からシステム所管に
 * 通知する」). N prints no format for this notice: a plain Japanese mail in the style of its others.
 */
export interface WorkRequestDeclinedData {
  receiptNo: string;
  title: string;
  description: string;
  registeredAt: Date;
  requester: string | null;
  reason: string;
  decidedBy: string;
  decidedAt: Date;
}

const lines = (rows: readonly string[]) => (rows.length ? rows.map((r) => `・${r}`).join('\n') : 'なし');

/**
 * The incident mails of N §3.2 (INC-8). `platformName` is the name as N's subjects print it
 * (config KIBAN_MAIL_PLATFORM_NAME, default 第三期サーバ仮想基盤): 【第三期サーバ仮想基盤障害発生】第一報.
 */
export function incidentMailTemplates(platformName: string) {
  const tag = `【${platformName}障害発生】`;
  return {
    firstReport: ((d: FirstReportData) => ({
      template: 'incident.first_report',
      subject: `${tag}第一報`,
      text: `<第一報>\n\n${fields([
        ['発生日時', jaDateTime(d.occurredAt)],
        ['影響を受けている仮想マシン', fieldValue(d.affectedVms)],
      ])}\n`,
    })) satisfies MailTemplate<FirstReportData>,

    continuingReport: ((d: ContinuingReportData) => ({
      template: 'incident.continuing_report',
      subject: `${tag}継続報`,
      text: `<継続報>\n\n${fields([
        ['発生日時', jaDateTime(d.occurredAt)],
        ['現象', fieldValue(d.symptom)],
        ['業務への影響', fieldValue(d.businessImpact)],
        ['復旧予定時間', fieldValue(d.expectedRecoveryAt)],
        ['想定される原因', fieldValue(d.probableCause)],
      ])}\n${progress(d.progress)}\n`,
    })) satisfies MailTemplate<ContinuingReportData>,

    finalReport: ((d: FinalReportData) => ({
      template: 'incident.final_report',
      subject: `${tag}最終報`,
      text: `<最終報>\n\n${fields([
        ['発生日時', jaDateTime(d.occurredAt)],
        ['現象', fieldValue(d.symptom)],
        ['業務への影響', fieldValue(d.businessImpact)],
        ['復旧完了時間', jaDateTime(d.recoveredAt)],
        ['想定される原因', fieldValue(d.probableCause)],
      ])}\n${progress(d.progress)}\n`,
    })) satisfies MailTemplate<FinalReportData>,

    recoveryStart: ((d: RecoveryWorkData) => ({
      template: 'incident.recovery_start',
      subject: `${tag}復旧作業開始連絡`,
      text: `ただいまより、以下の作業を実施します。\n\n${RULE}\n\n${fields([
        ['作業日時', jaPeriod(d.work.from, d.work.to)],
        ['作業担当者', fieldValue(d.workers)],
        ['作業内容', fieldValue(d.description)],
        ['業務影響', fieldValue(d.businessImpact)],
      ])}\n`,
    })) satisfies MailTemplate<RecoveryWorkData>,

    recoveryComplete: ((d: RecoveryWorkData) => ({
      template: 'incident.recovery_complete',
      subject: `${tag}復旧作業完了連絡`,
      text: `作業が完了しましたので、ご報告します。\n\n${RULE}\n\n${fields([
        ['作業日時', jaPeriod(d.work.from, d.work.to)],
        ['作業担当者', fieldValue(d.workers)],
        ['作業内容', fieldValue(d.description)],
        ['業務影響', fieldValue(d.businessImpact)],
      ])}\n`,
    })) satisfies MailTemplate<RecoveryWorkData>,

    stocktakeReport: ((d: StocktakeReportData) => ({
      template: 'incident.stocktake_report',
      subject: `【${platformName}】インシデント棚卸報告（品質基準・目標の遵守に懸念）`,
      text: `インシデントの棚卸結果をご報告します。\n\n${RULE}\n\n${fields([
        ['棚卸日時', jaDateTime(d.at)],
        ['実施者', d.by],
        ['所見', fieldValue(d.note)],
        ['是正内容（案）', d.correctiveAction?.trim() ? d.correctiveAction.trim() : '検討中'],
        ['ディスパッチもれ', `${d.undispatched.length}件`],
        ['期限超過', `${d.overdue.length}件`],
      ])}\n\nディスパッチもれ（オープンのまま）\n${lines(d.undispatched.map((i) => `${i.receiptNo} ${i.title}`))}\n\n納期・アクションプラン・報告期限の超過\n${lines(
        d.overdue.map((i) => `${i.receiptNo} ${i.title}（${i.reasons.join('・')}）`),
      )}\n`,
    })) satisfies MailTemplate<StocktakeReportData>,

    workRequestDeclined: ((d: WorkRequestDeclinedData) => ({
      template: 'incident.work_request_declined',
      subject: `【${platformName}】依頼作業の実施見送りのご連絡（${d.receiptNo}）`,
      text: `${d.requester ? `${d.requester} 様\n\n` : ''}ご依頼いただいた以下の作業は、保守対象範囲外のため、統括責任者の判断により実施しないこととなりましたので、ご連絡します。\n\n${RULE}\n\n${fields([
        ['受付番号', d.receiptNo],
        ['受付日時', jaDateTime(d.registeredAt)],
        ['件名', fieldValue(d.title)],
        ['依頼内容', fieldValue(d.description)],
        ['判断日時', jaDateTime(d.decidedAt)],
        ['判断者', d.decidedBy],
        ['理由', fieldValue(d.reason)],
      ])}\n`,
    })) satisfies MailTemplate<WorkRequestDeclinedData>,
  };
}
export type IncidentMailTemplates = ReturnType<typeof incidentMailTemplates>;
