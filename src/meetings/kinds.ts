import type { Db } from '../db/connection.ts';
import type { Role } from '../iam/roles.ts';
import type { Clock } from '../kernel/clock.ts';
import { type MeetingCadence, meetingKinds } from './schema.ts';

export interface MeetingKind {
  code: string;
  no: number;
  name: string;
  purpose: string;
  agenda: string[];
  cadence: MeetingCadence;
  cadenceLabel: string;
  requiredRoles: Role[];
  minutesApprover: 'supervisor' | 'vendor_manager';
}

/**
 * N §2.7.3 会議体, row by row: 会議体名称, 目的, 会議内容, 開催時期, 出席者 (必須出席者). 「管理者」 there is
 * the vendor's 管理者; 「責任者」 the vendor's 責任者. The minutes (議事録) are approved by the supervisor
 * wherever they attend — they are the party the meeting reports to — and by the vendor's 管理者 (or
 * 責任者) for the 共有会 with the ICT centre, which the supervisor does not attend.
 */
export const N_MEETING_KINDS: readonly MeetingKind[] = [
  {
    code: 'monthly_report',
    no: 1,
    name: '月次報告会',
    purpose: '品質遵守状況およびサービス全体の課題の共有・確認と解決に向けた対応策の決定',
    agenda: ['運用実施状況の報告', '品質遵守状況報告', '障害に対する再発防止策の報告', 'ソフトウェア修正情報の共有', 'リソース状況報告', 'インシデント対応状況の報告', '集約計画に対する進捗報告'],
    cadence: 'monthly',
    cadenceLabel: '月一回',
    requiredRoles: ['supervisor', 'vendor_manager', 'ict_manager'],
    minutesApprover: 'supervisor',
  },
  {
    code: 'half_year_report',
    no: 2,
    name: '半期報告会',
    purpose: '品質目標の見直し',
    agenda: ['品質遵守状況報告、改善策の報告', '品質目標の見直し', '年間スケジュールの報告、承認', '集約計画の報告'],
    cadence: 'half_yearly',
    cadenceLabel: '半年に一回',
    requiredRoles: ['supervisor', 'vendor_lead', 'vendor_manager', 'ict_manager'],
    minutesApprover: 'supervisor',
  },
  {
    code: 'operation_status',
    no: 3,
    name: '稼働状況報告会',
    purpose: 'サーバ統合仮想化基盤稼働後、システムの安定が確認されるまでの間、統括責任者との情報共有として実施',
    agenda: ['インシデント対応状況の報告', '変更対応状況の報告'],
    cadence: 'weekly',
    cadenceLabel: '週一回（終了時期については協議の上決定する）',
    requiredRoles: ['supervisor', 'vendor_manager'],
    minutesApprover: 'supervisor',
  },
  {
    code: 'security',
    no: 4,
    name: 'セキュリティ報告会（臨時）',
    purpose: 'システム稼働を維持することが困難なセキュリティ事故が発生した場合に、関係者を招集し、システムを稼働するための現実的な解決策を検討',
    agenda: ['セキュリティ事故に対する解決策検討'],
    cadence: 'ad_hoc',
    cadenceLabel: '重大なセキュリティ事故発生時',
    requiredRoles: ['supervisor', 'vendor_manager', 'security_officer', 'ict_manager'],
    minutesApprover: 'supervisor',
  },
  {
    code: 'emergency',
    no: 5,
    name: '緊急検討会',
    purpose: 'システム稼働を維持することが困難な事象が発生した場合に、関係者を招集し、システムを稼働するための現実的な解決策を検討',
    agenda: ['緊急事象に対する解決策検討'],
    cadence: 'ad_hoc',
    cadenceLabel: '重大障害発生時',
    requiredRoles: ['supervisor', 'vendor_manager', 'ict_manager'],
    minutesApprover: 'supervisor',
  },
  {
    code: 'disaster_recovery',
    no: 6,
    name: '災害復旧対策会議',
    purpose: '災害発生時、確実にシステムを復旧することを目的に開催',
    agenda: ['システムの被害状況の報告・共有', '復旧対応についての検討'],
    cadence: 'ad_hoc',
    cadenceLabel: '災害発生時',
    requiredRoles: ['supervisor', 'vendor_lead', 'vendor_manager', 'ict_manager'],
    minutesApprover: 'supervisor',
  },
  {
    code: 'ict_sharing',
    no: 7,
    name: '共有会',
    purpose: 'ICT サービスセンターとの情報共有',
    agenda: ['インシデント対応状況の共有', 'ナレッジ情報の共有'],
    cadence: 'weekly',
    cadenceLabel: '週一回',
    requiredRoles: ['vendor_manager', 'ict_manager'],
    minutesApprover: 'vendor_manager',
  },
  {
    code: 'migration_acceptance',
    no: 8,
    name: '移行・受入会議',
    purpose: 'システム所管のシステムについて仮想化統合基盤への移行・運用受入の推進',
    agenda: ['移行計画の共有', '受入作業報告', '受入判定、運用開始の承認'],
    cadence: 'ad_hoc',
    cadenceLabel: '移行発生時',
    requiredRoles: ['supervisor', 'vendor_manager', 'ict_manager', 'system_owner'],
    minutesApprover: 'supervisor',
  },
];

export const KIND_CODES = N_MEETING_KINDS.map((k) => k.code) as [string, ...string[]];
const BY_CODE = new Map(N_MEETING_KINDS.map((k) => [k.code, k]));

/** The minutes' approver of a kind (fixed by N's table; not editable with the kind's purpose). */
export function minutesApproverOf(kind: string): 'supervisor' | 'vendor_manager' {
  return BY_CODE.get(kind)?.minutesApprover ?? 'supervisor';
}

export const CADENCE_LABELS: Record<MeetingCadence, { ja: string; en: string }> = {
  monthly: { ja: '月一回', en: 'Monthly' },
  half_yearly: { ja: '半年に一回', en: 'Every six months' },
  weekly: { ja: '週一回', en: 'Weekly' },
  ad_hoc: { ja: '随時（事象発生時）', en: 'When needed' },
};

const seeded = new WeakSet<object>();

/** N's kinds in the database, once per database; rows already there (perhaps revised) are left alone. */
export async function ensureMeetingKinds(db: Db, clock: Clock): Promise<void> {
  if (seeded.has(db)) return;
  const now = clock.now();
  await db
    .insert(meetingKinds)
    .values(N_MEETING_KINDS.map((k) => ({ ...k, updatedAt: now })))
    .onConflictDoNothing({ target: meetingKinds.code });
  seeded.add(db);
}

/** The day after `ymd` + the kind's cadence (JST calendar days): when the next meeting is due. */
export function nextDue(cadence: MeetingCadence, lastYmd: string | null): string | null {
  if (cadence === 'ad_hoc' || !lastYmd) return null;
  const [y, m, d] = lastYmd.split('-').map(Number) as [number, number, number];
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (cadence === 'weekly') dt.setUTCDate(dt.getUTCDate() + 7);
  else {
    const months = cadence === 'monthly' ? 1 : 6;
    const target = new Date(Date.UTC(y, m - 1 + months, 1));
    const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
    target.setUTCDate(Math.min(d, last));
    return target.toISOString().slice(0, 10);
  }
  return dt.toISOString().slice(0, 10);
}
