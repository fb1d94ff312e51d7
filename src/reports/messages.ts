/** Message keys of 月次報告. Registered on import of src/reports/index.ts. */
export const reportMessages = {
  ja: {
    'report.no_meeting': '{month} の月次報告書を参照する月次報告会がありません。会議に月次報告書を登録してから議事録を記録してください。',
    'report.no_snapshot': '集計データがありません（集計に失敗しています）。再集計してください。',
    'report.not_draft': '作成中の月次報告書だけが編集・再集計できます（現在: {state}）。',
  },
  en: {
    'report.no_meeting': 'No monthly report meeting references the {month} report yet. Add it to the meeting first.',
    'report.no_snapshot': 'The report has no data (assembly failed). Re-assemble it.',
    'report.not_draft': 'Only a draft report can be edited or re-assembled (now: {state}).',
  },
};
