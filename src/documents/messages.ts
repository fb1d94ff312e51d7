/** Message keys of the document register (DOC-1, DOC-2). Registered on import of src/documents/index.ts. */
export const documentMessages = {
  ja: {
    'document.name_taken': '同じ名前のドキュメントが既にドキュメント一覧にあります。',
    'document.role_not_in_table': 'この担当には「{roles}」のいずれかを指定してください（N §3.6.3.1 の管理方法）。',
    'document.not_author': 'このドキュメントの作成／修正担当は「{role}」です。改版を始められるのは作成／修正担当だけです。',
    'document.revision_open': 'このドキュメントには作業中の改版（第{revisionNo}版、{state}）があります。完了または取下げてから改版してください。',
    'document.revision_not_draft': 'ファイルを差し替えられるのは「作成・修正中」の改版だけです（現在: {state}）。',
    'document.no_file': 'この改版にはファイルがありません。',
    'document.revision_not_found': '指定された版（第{revisionNo}版）はありません。',
    'document.already_attached': 'このドキュメントは既にこの変更に添付されています。',
    'document.not_attached': 'このドキュメントはこの変更に添付されていません。',
    'document.change_not_found': '変更が見つかりません。',
    'document.bad_month': '年月は YYYY-MM 形式で指定してください（例: 2026-12）。',
  },
  en: {
    'document.name_taken': 'A document with this name is already in the register.',
    'document.role_not_in_table': 'Choose one of: {roles} (N §3.6.3.1).',
    'document.not_author': 'This document is written by the {role}; only they can start a revision.',
    'document.revision_open': 'Revision {revisionNo} of this document is still open ({state}). Finish or withdraw it first.',
    'document.revision_not_draft': 'The file can only be replaced while the revision is being drafted (now: {state}).',
    'document.no_file': 'This revision has no file.',
    'document.revision_not_found': 'There is no revision {revisionNo}.',
    'document.already_attached': 'This document is already attached to the change.',
    'document.not_attached': 'This document is not attached to the change.',
    'document.change_not_found': 'Change not found.',
    'document.bad_month': 'Give the month as YYYY-MM (e.g. 2026-12).',
  },
} as const;
