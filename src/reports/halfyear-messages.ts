/** Message keys of 半期報告. Registered on import of src/reports/halfyear.ts. */
export const halfYearMessages = {
  ja: {
    'report.bad_half': '半期は「2026-H1」（4月〜9月）または「2026-H2」（10月〜翌3月）の形で指定してください。',
    'report.half_future': '{half} はまだ終わっていません（{to} 以降に作成できます）。',
    'report.halfyear_not_draft': '作成中の半期報告書だけが編集・再集計できます（現在: {state}）。',
    'report.target_range': '次期間の品質目標案は 0〜100 % で指定してください（{kpi}）。',
  },
  en: {
    'report.bad_half': 'Give the half as 2026-H1 (April–September) or 2026-H2 (October–March).',
    'report.half_future': '{half} is not over yet (it can be drafted from {to}).',
    'report.halfyear_not_draft': 'Only a draft half-year report can be edited or re-assembled (now: {state}).',
    'report.target_range': 'A proposed target must be between 0 and 100 % ({kpi}).',
  },
};
