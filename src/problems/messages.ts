/** Message keys of problem management. Registered on import of src/problems/index.ts. */
export const problemMessages = {
  ja: {
    'problem.incident_required': 'インシデントを起因とする問題には、対象のインシデントを指定してください。',
    'problem.target_not_found': '予防保守対象機器が見つかりません。',
  },
  en: {
    'problem.incident_required': 'A problem raised from an incident must name the incident.',
    'problem.target_not_found': 'No such preventive-maintenance target.',
  },
} as const;
