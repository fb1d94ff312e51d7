import { jaPeriod } from '../notify/index.ts';

/** What N §3.4.3.3's two mails print (CHG-7). */
export interface ReleaseMailData {
  /** 作業日時: the planned window for the start mail, the actual one for the end mail. */
  from: Date;
  to: Date;
  worker: string;
  workContent: string;
  businessImpact: string;
  /** The end mail of a rolled-back release says so in 作業内容. */
  rolledBack?: boolean;
}

export interface ReleaseMail {
  subject: string;
  text: string;
  template: string;
}

const LINE = '＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝';

function body(lead: string, d: ReleaseMailData): string {
  const content = d.rolledBack ? `${d.workContent}\n（異常発生のため切戻しを実施し、作業前の状態に戻しました）` : d.workContent;
  return [lead, '', LINE, '', `作業日時 ：${jaPeriod(d.from, d.to)}`, '', `作業担当者 ：${d.worker}`, '', `作業内容 ：${content}`, '', `業務影響 ：${d.businessImpact}`, ''].join('\n');
}

/**
 * 【<platform>】変更作業開始連絡 / 変更作業終了連絡, exactly as N §3.4.3.3 prints them
 * (To: 統括責任者、システム所管、ICT サービスセンター管理者 — the caller resolves the addresses).
 */
export function releaseMailTemplates(platformName: string) {
  return {
    start(d: ReleaseMailData): ReleaseMail {
      return { subject: `【${platformName}】変更作業開始連絡`, text: body('ただいまより、以下の作業を実施します。', d), template: 'release.start' };
    },
    end(d: ReleaseMailData): ReleaseMail {
      return { subject: `【${platformName}】変更作業終了連絡`, text: body('作業が完了しましたので、ご報告します。', d), template: 'release.end' };
    },
    /** N §3.4.3.3 (緊急): 統括責任者よりシステム所管を含む関係者に周知する — sent on the supervisor's approval. */
    emergencyNotice(d: ReleaseMailData & { releaseNo: string; reason: string; approver: string }): ReleaseMail {
      return {
        subject: `【${platformName}】緊急変更作業の周知`,
        text: [
          'メンテナンス日以外に、以下の緊急の変更作業を実施しますので、お知らせします。',
          '',
          LINE,
          '',
          `リリース番号 ：${d.releaseNo}`,
          '',
          `作業日時 ：${jaPeriod(d.from, d.to)}`,
          '',
          `作業担当者 ：${d.worker}`,
          '',
          `作業内容 ：${d.workContent}`,
          '',
          `業務影響 ：${d.businessImpact}`,
          '',
          `緊急の理由 ：${d.reason}`,
          '',
          `承認者 ：${d.approver}（統括責任者）`,
          '',
        ].join('\n'),
        template: 'release.emergency_notice',
      };
    },
  };
}
export type ReleaseMailTemplates = ReturnType<typeof releaseMailTemplates>;
