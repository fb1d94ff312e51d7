import { registerMessages } from '../kernel/messages.ts';

/** Message keys of the release work (リリース作業, CHG-2/3/7, CAL-4). Registered on import. */
export const releaseMessages = {
  ja: {
    'changes.release_change_not_implementing': 'リリースは、変更方針を「実施する」と決定した変更（変更実施中）にのみ作成できます。',
    'changes.release_not_editable': 'リリース計画は「作成中」の間だけ修正できます。',
    'changes.release_running': 'リリース {releaseNo} は作業中のため、中止できません。作業を終了（または切戻し）してください。',
    'changes.release_suppression_overlap': '対象の監視項目に、期間が重なる一時抑止（{window}、{systems}）が既にあります。期間を変更するか、既存の抑止を取り下げてください。',
    'changes.release_outside_maintenance': '作業日時がメンテナンス日の作業時間帯に収まっていません。メンテナンス日以外に実施する場合は「緊急」とし、その理由を記入してください。',
    'changes.release_window_order': '作業終了日時は作業開始日時より後にしてください。',
    'changes.release_decision_outside': '切戻判断時間は作業日時の範囲内にしてください。',
    'changes.release_approval_late': '計画の承認はメンテナンス日の {days} 業務日前（{deadline}）までに必要です。期限を過ぎた承認は緊急の場合に限られます。',
    'changes.release_plan_incomplete': 'リリース計画の必須項目が未記入です。',
    'changes.maintenance_day_taken': 'この日のメンテナンス日は既に登録されています。',
    'changes.maintenance_window': 'メンテナンス日の作業時間帯は、その日（日本時間）の中で開始より後に終了する範囲にしてください。',
    'changes.maintenance_in_use': 'このメンテナンス日に予定・実施されたリリース（{releases}）があるため削除できません。',
    'changes.maintenance_in_use_window': 'このメンテナンス日に予定・実施されたリリース（{releases}）が作業時間帯から外れるため変更できません。リリース計画を先に見直してください。',
    'changes.evidence_closed': '中止したリリースには作業証跡を登録できません。',
    'changes.print_font_missing': 'PDF 出力用の日本語フォントが見つかりません（{paths}）。fonts-ipaexfont-gothic をインストールしてください。',
  },
  en: {
    'changes.release_change_not_implementing': 'A release can only be created for a change decided to be implemented (implementing).',
    'changes.release_not_editable': 'A release plan can only be edited while it is being prepared.',
    'changes.release_running': 'Release {releaseNo} is under way and cannot be cancelled; end it (or roll it back) first.',
    'changes.release_suppression_overlap': 'An overlapping suppression ({window}, {systems}) already covers these items. Change the window or withdraw that suppression.',
    'changes.release_outside_maintenance': 'The window is not inside a maintenance day. Outside one, mark the release as an emergency and give the reason.',
    'changes.release_window_order': 'The end must be after the start.',
    'changes.release_decision_outside': 'The rollback decision time must fall within the window.',
    'changes.release_approval_late': 'The plan must be approved {days} business days before the maintenance day ({deadline}); a later approval is for emergencies only.',
    'changes.release_plan_incomplete': 'The release plan has required fields left empty.',
    'changes.maintenance_day_taken': 'A maintenance day is already registered for this date.',
    'changes.maintenance_window': 'The window must lie within that (JST) day and end after it starts.',
    'changes.maintenance_in_use': 'Releases ({releases}) are planned or were done on this maintenance day; it cannot be deleted.',
    'changes.maintenance_in_use_window': 'Releases ({releases}) planned on this maintenance day would fall outside the new window; revise those plans first.',
    'changes.evidence_closed': 'Evidence cannot be added to a cancelled release.',
    'changes.print_font_missing': 'No Japanese font for PDF output ({paths}). Install fonts-ipaexfont-gothic.',
  },
} as const;

registerMessages(releaseMessages);
