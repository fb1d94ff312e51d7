/** Message keys of the meetings (ORG-6). Registered on import of src/meetings/index.ts. */
export const meetingMessages = {
  ja: {
    'meeting.not_editor': '会議の登録・編集は管理者または責任者が行います。',
    'meeting.unknown_person': '指定された人が見つからないか、無効になっています。',
    'meeting.unknown_department': '所属が見つかりません。',
    'meeting.ends_before_start': '終了日時は開始日時より後にしてください。',
    'meeting.locked': 'この会議は「{state}」のため変更できません（議事録作成中まで変更できます）。',
    'meeting.minutes_required': '議事録の本文を記入するか、議事録ファイルを登録してください。',
    'meeting.maintenance_day_required': '次回メンテナンス日の決定には、メンテナンス日（日付と作業時間帯）を指定してください。',
    'meeting.not_action_owner': '宿題を完了にできるのは、その担当者か管理者・責任者です。',
    'meeting.reference_taken': 'この資料は既に添付されています。',
    'meeting.no_file': 'この会議には議事録ファイルがありません。',
  },
  en: {
    'meeting.not_editor': 'Meetings are registered and edited by the operations manager or the vendor lead.',
    'meeting.unknown_person': 'The person was not found or is disabled.',
    'meeting.unknown_department': 'Department not found.',
    'meeting.ends_before_start': 'The end must be after the start.',
    'meeting.locked': 'This meeting is "{state}" and can no longer be changed (only until the minutes are submitted).',
    'meeting.minutes_required': 'Write the minutes or upload a minutes file first.',
    'meeting.maintenance_day_required': 'A maintenance-day decision needs the maintenance day (date and window).',
    'meeting.not_action_owner': 'Only the owner of the action item, the manager or the lead can mark it done.',
    'meeting.reference_taken': 'This reference is already attached.',
    'meeting.no_file': 'This meeting has no minutes file.',
  },
} as const;
