/** Message keys of the process kernel. Registered on import of src/process/index.ts. */
export const processMessages = {
  ja: {
    'process.action_not_allowed': '現在の状態（{state}）では「{action}」は実行できません。',
    'process.role_refused': '「{action}」を実行できるのは {roles} です。',
    'process.self_approval': '自分が依頼した案件を自分で承認することはできません。',
    'process.other_department': '他の所属の案件は操作できません。',
  },
  en: {
    'process.action_not_allowed': '"{action}" is not possible in the current state ({state}).',
    'process.role_refused': '"{action}" may be done only by: {roles}.',
    'process.self_approval': 'You cannot approve a request you submitted yourself.',
    'process.other_department': "You cannot act on another department's record.",
  },
} as const;
