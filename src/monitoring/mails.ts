import { jaDateTime } from '../notify/format.ts';
import type { MailTemplate } from '../notify/templates.ts';

const RULE = '＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝';

export interface SuppressionMailData {
  startsAt: Date;
  endsAt: Date;
  systemNames: readonly string[];
}
export interface AlertMailData {
  detectedAt: Date;
  ciName: string;
  itemName: string;
  severity: 'warning' | 'critical' | null;
  value: string | null;
  detail: string | null;
}
export interface RecoveryMailData extends AlertMailData {
  recoveredAt: Date;
}

const SEVERITY_JA = { warning: '警告', critical: '重度障害' } as const;
const names = (s: readonly string[]) => (s.length ? s.join('、') : '');

/**
 * The monitoring mails. `platformName` is the platform as N §3.7.3.3 prints it (config
 * KIBAN_PLATFORM_NAME, default 第三期サーバ仮想化統合基盤).
 *
 * suppressionStart / suppressionResume are N's <一時抑止開始・監視再開メール通知案> verbatim: subject,
 * the opening sentence, the rule line, 監視抑止期間 and 対象システム名. The alert and recovery mails
 * follow M §3.3 (3) (mail on detection and on recovery); M prints its body only as an example figure,
 * so their wording is Kiban's.
 */
export function monitoringMailTemplates(platformName: string) {
  const tag = `【${platformName}】`;
  const period = (d: SuppressionMailData) => `${jaDateTime(d.startsAt)}～${jaDateTime(d.endsAt)}`;
  return {
    suppressionStart: ((d: SuppressionMailData) => ({
      template: 'monitoring.suppression_start',
      subject: `${tag}監視一時抑止開始連絡`,
      text: `${jaDateTime(d.startsAt)} より、監視一時抑止を開始します。\n\n${RULE}\n\n監視抑止期間 ：${period(d)}\n\n対象システム名 ：${names(d.systemNames)}\n`,
    })) satisfies MailTemplate<SuppressionMailData>,

    suppressionResume: ((d: SuppressionMailData) => ({
      template: 'monitoring.suppression_resume',
      subject: `${tag}監視再開連絡`,
      text: `${jaDateTime(d.endsAt)} より、監視を再開します。\n\n${RULE}\n\n監視抑止期間 ：${period(d)}\n\n対象システム名 ：${names(d.systemNames)}\n`,
    })) satisfies MailTemplate<SuppressionMailData>,

    alert: ((d: AlertMailData) => ({
      template: 'monitoring.alert',
      subject: `${tag}監視検知通知（${d.severity ? SEVERITY_JA[d.severity] : '障害'}）${d.ciName}`,
      text: `監視システムが障害を検知しました。\n\n${RULE}\n\n検知日時 ：${jaDateTime(d.detectedAt)}\n対象 ：${d.ciName}\n監視項目 ：${d.itemName}\n重要度 ：${d.severity ? SEVERITY_JA[d.severity] : '―'}\n値 ：${d.value ?? '―'}\n内容 ：${d.detail ?? '―'}\n`,
    })) satisfies MailTemplate<AlertMailData>,

    recovery: ((d: RecoveryMailData) => ({
      template: 'monitoring.recovery',
      subject: `${tag}監視復旧通知 ${d.ciName}`,
      text: `監視システムが復旧を検知しました。\n\n${RULE}\n\n検知日時 ：${jaDateTime(d.detectedAt)}\n復旧日時 ：${jaDateTime(d.recoveredAt)}\n対象 ：${d.ciName}\n監視項目 ：${d.itemName}\n値 ：${d.value ?? '―'}\n`,
    })) satisfies MailTemplate<RecoveryMailData>,
  };
}
export type MonitoringMailTemplates = ReturnType<typeof monitoringMailTemplates>;
