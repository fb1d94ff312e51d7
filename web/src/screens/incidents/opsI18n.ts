/**
 * Words of the priority review, the stocktake and the preventive-maintenance target list (Japanese
 * first, English beside it). Kept apart from i18n.ts so these screens carry their own dictionary.
 */
import { useDictionary } from '../../i18n';

const ja = {

  'pr.title': '優先度の見直し（トラブル）',
  'pr.intro':
    'トラブルの状況や影響範囲の変化に応じて、統括責任者と協議のうえ緊急度を見直します。いずれかの基準に該当すれば緊急度「高」、優先度は緊急度のとおりです（N §3.2.3.4）。',
  'pr.col.criteria': '緊急度の判定基準',
  'pr.col.level': 'SL',
  'pr.col.action': '',
  'pr.crit.none': '該当なし',
  'pr.short.citizenServiceStopped': '県民サービス停止',
  'pr.short.citizenImpact': '県民への影響',
  'pr.short.financialOrReputation': '財務・社会的評判',
  'pr.short.wideImpact': '県庁全体・多数部門',
  'pr.review': '見直す',
  'pr.dialog.title': '優先度の見直し：{receiptNo}',
  'pr.criteria': '緊急度の判定（いずれかに該当すれば「高」）',
  'pr.reason': '見直しの理由（統括責任者との協議の内容）',
  'pr.result': '見直し後の優先度：{p}（現在：{was}）',
  'pr.submit': '見直しを記録する',
  'pr.cancel': 'キャンセル',
  'pr.done': '{receiptNo} の優先度を見直しました（{p}）。',
  'pr.stale': '他の人が先にこのトラブルを更新しました。最新の内容を読み込みましたので、確認してからやり直してください。',
  'pr.onlyRoles': '優先度の見直しは管理者・統括責任者が行います。',
  'pr.none': '対応中のトラブルはありません。',

  'st.title': 'インシデントの棚卸（進捗管理）',
  'st.intro':
    '毎日、ディスパッチもれと、納期・アクションプラン・報告期限を超過したインシデントを確認し、品質基準・目標の遵守に懸念があれば統括責任者に報告して是正内容を記録します（N §3.2.3.5）。業務日の開庁時に Kiban が自動で棚卸を記録します。',
  'st.now': '現在の棚卸（{at} 時点）',
  'st.undispatched': 'ディスパッチもれ（オープンのまま）',
  'st.overdue': '納期・アクションプラン・報告期限の超過',
  'st.awaiting': 'クローズ待ち（仮クローズ済）',
  'st.none': 'ありません。',
  'st.registeredAt': '受付 {at}',
  'st.rule':
    '自動棚卸の判定：期限超過が 1 件でもあるか、前業務日の終業までに受け付けたインシデントがディスパッチもれのときは「懸念あり」として統括責任者に報告します。',
  'st.record': '棚卸を記録する',
  'st.atRisk': '品質基準・目標の遵守に懸念がある（統括責任者へメールで報告）',
  'st.note': '所見',
  'st.noteHint': '懸念がある場合は必須です',
  'st.corrective': '是正内容（案）',
  'st.submit': '記録する',
  'st.done': '棚卸を記録しました。',
  'st.doneMail': '棚卸を記録し、統括責任者にメールで報告しました。',
  'st.onlyManager': '棚卸の記録は管理者・責任者が行います。',
  'st.history': '棚卸の記録',
  'st.h.at': '日時',
  'st.h.by': '実施者',
  'st.h.undispatched': 'ディスパッチもれ',
  'st.h.overdue': '期限超過',
  'st.h.atRisk': '品質懸念',
  'st.h.note': '所見',
  'st.h.corrective': '是正内容',
  'st.h.reported': '報告済',
  'st.h.risk': '懸念あり',
  'st.h.noRisk': 'なし',
  'st.h.auto': '自動',
  'st.h.none': '記録はありません。',
  'st.h.count': '{n}件',

  'pt.intro': 'ハードウェア・ソフトウェアごとに、予防保守情報の収集・報告の対象を明確にします（N §3.3.3.4、予防保守対象機器一覧）。',
  'pt.add': '対象機器を追加',
  'pt.edit': '編集',
  'pt.dialog.add': '予防保守対象機器の追加',
  'pt.dialog.edit': '予防保守対象機器の編集',
  'pt.notes': '備考',
  'pt.active': '予防保守情報の収集・報告の対象とする',
  'pt.save': '保存する',
  'pt.cancel': 'キャンセル',
  'pt.added': '{name} を追加しました。',
  'pt.saved': '{name} を保存しました。',
  'pt.stale': '他の人が先にこの対象機器を更新しました。最新の内容を読み込みましたので、確認してからやり直してください。',
  'pt.col.action': '',
  'pt.inactive': '対象外',
};

type Key = keyof typeof ja;

const en: Record<Key, string> = {

  'pr.title': 'Priority review (troubles)',
  'pr.intro':
    'As a trouble or its reach changes, its urgency is judged again with the supervisor. Any criterion makes the urgency High, and the priority follows the urgency (N §3.2.3.4).',
  'pr.col.criteria': 'Urgency criteria',
  'pr.col.level': 'SL',
  'pr.col.action': '',
  'pr.crit.none': 'None',
  'pr.short.citizenServiceStopped': 'Citizen services stopped',
  'pr.short.citizenImpact': 'Affects citizens',
  'pr.short.financialOrReputation': 'Financial / reputation',
  'pr.short.wideImpact': 'Prefecture-wide / many departments',
  'pr.review': 'Review',
  'pr.dialog.title': 'Priority review: {receiptNo}',
  'pr.criteria': 'Urgency (High if any applies)',
  'pr.reason': 'Reason (what was agreed with the supervisor)',
  'pr.result': 'Priority after the review: {p} (now: {was})',
  'pr.submit': 'Record the review',
  'pr.cancel': 'Cancel',
  'pr.done': 'Priority of {receiptNo} reviewed ({p}).',
  'pr.stale': 'Someone updated this trouble first. The latest version is loaded; check it and try again.',
  'pr.onlyRoles': 'The manager or the supervisor reviews priorities.',
  'pr.none': 'No open trouble.',

  'st.title': 'Incident stocktake',
  'st.intro':
    'Every day: incidents not dispatched, and incidents past their due date, action plan or report deadline. When the quality targets are at risk the supervisor is told and the corrective action is recorded (N §3.2.3.5). Kiban records a stocktake at each business day’s opening.',
  'st.now': 'Stocktake now ({at})',
  'st.undispatched': 'Not dispatched (still open)',
  'st.overdue': 'Past due date, action plan or report deadline',
  'st.awaiting': 'Awaiting close (provisionally closed)',
  'st.none': 'None.',
  'st.registeredAt': 'Registered {at}',
  'st.rule':
    'The automatic stocktake is at risk — and reported to the supervisor — when any deadline is past, or an incident registered before the previous business day’s close is still not dispatched.',
  'st.record': 'Record the stocktake',
  'st.atRisk': 'Quality targets at risk (report to the supervisor by mail)',
  'st.note': 'Findings',
  'st.noteHint': 'Required when at risk',
  'st.corrective': 'Corrective action (proposed)',
  'st.submit': 'Record',
  'st.done': 'Stocktake recorded.',
  'st.doneMail': 'Stocktake recorded and reported to the supervisor by mail.',
  'st.onlyManager': 'The manager or the lead records the stocktake.',
  'st.history': 'Stocktakes recorded',
  'st.h.at': 'When',
  'st.h.by': 'By',
  'st.h.undispatched': 'Not dispatched',
  'st.h.overdue': 'Overdue',
  'st.h.atRisk': 'At risk',
  'st.h.note': 'Findings',
  'st.h.corrective': 'Corrective action',
  'st.h.reported': 'Reported',
  'st.h.risk': 'At risk',
  'st.h.noRisk': 'No',
  'st.h.auto': 'Automatic',
  'st.h.none': 'No stocktake recorded.',
  'st.h.count': '{n}',

  'pt.intro': 'What preventive-maintenance information is collected and reported for, by hardware and software (N §3.3.3.4).',
  'pt.add': 'Add a target',
  'pt.edit': 'Edit',
  'pt.dialog.add': 'Add a preventive-maintenance target',
  'pt.dialog.edit': 'Edit the preventive-maintenance target',
  'pt.notes': 'Notes',
  'pt.active': 'Collect and report preventive-maintenance information for it',
  'pt.save': 'Save',
  'pt.cancel': 'Cancel',
  'pt.added': '{name} added.',
  'pt.saved': '{name} saved.',
  'pt.stale': 'Someone updated this target first. The latest version is loaded; check it and try again.',
  'pt.col.action': '',
  'pt.inactive': 'Inactive',
};

export type OpsKey = Key;
export type OpsT = (key: Key, vars?: Record<string, string | number>) => string;

/** The translate function of these screens, following the UI language. */
export function useOpsT(): OpsT {
  return useDictionary(ja, en);
}
