/** Message keys of problem management. Registered on import of src/problems/index.ts. */
export const problemMessages = {
  ja: {
    'problem.incident_required': 'インシデントを起因とする問題には、対象のインシデントを指定してください。',
    'problem.target_not_found': '予防保守対象機器が見つかりません。',
    'problem.link_not_found': 'このインシデントは問題に紐付けられていません（既に解除されています）。',
    'problem.last_incident': 'インシデントを起因とする問題から、最後のインシデントの紐付けは解除できません。',
    'problem.required_by_incident': '{receiptNo} は優先度「高」のクローズ済みトラブルで、問題の紐付けが必要なため解除できません。',
  },
  en: {
    'problem.incident_required': 'A problem raised from an incident must name the incident.',
    'problem.target_not_found': 'No such preventive-maintenance target.',
    'problem.link_not_found': 'This incident is not linked to the problem (already unlinked).',
    'problem.last_incident': 'A problem raised from an incident keeps at least one incident linked.',
    'problem.required_by_incident': '{receiptNo} is a closed high-priority trouble that must keep a problem; it cannot be unlinked.',
  },
} as const;
