/** Message keys of change management (CHG-1). Registered on import of src/changes/index.ts. */
export const changeMessages = {
  ja: {
    'change.problem_not_found': '問題が見つかりません。',
    'change.problem_state': 'この問題は恒久対処の実施判断待ちまたは実施中ではないため、変更を登録できません。',
    'change.target_not_found': '変更対象の構成アイテムが構成管理台帳にありません（{index} 件目）。',
    'change.targets_required': '変更対象（構成アイテム）を 1 件以上指定してください。',
    'change.system_not_found': '対象システムが構成管理台帳にありません。',
    'change.sl_noop': '変更後のサービスレベルが現在（{level}）と同じです。',
    'change.release_unfinished': '終了していないリリースが {count} 件あるため、リリース完了報告はできません。',
    'change.release_missing': '正常完了または切戻し完了したリリースがないため、リリース完了報告はできません。',
    'change.tasks_open': 'チェックリストに未完了の項目が {count} 件あるため、クローズできません（実施済みにするか、理由を記録して対象外にしてください）。',
  },
  en: {
    'change.problem_not_found': 'No such problem.',
    'change.problem_state': 'The problem is not awaiting or implementing a permanent fix; no change can be registered for it.',
    'change.target_not_found': 'Target {index} is not in the configuration ledger.',
    'change.targets_required': 'Name at least one target configuration item.',
    'change.system_not_found': 'No such system in the configuration ledger.',
    'change.sl_noop': 'The new service level is the current one ({level}).',
    'change.release_unfinished': '{count} release(s) have not finished; completion cannot be reported yet.',
    'change.release_missing': 'No release has completed or been rolled back; completion cannot be reported yet.',
    'change.tasks_open': '{count} checklist item(s) are still open; the change cannot be closed (do them, or waive them with a reason).',
  },
} as const;
