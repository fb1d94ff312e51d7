/** Message keys of stored files (uploads). Registered on import of src/files/index.ts. */
export const fileMessages = {
  ja: {
    'file.required': 'ファイルを添付してください。',
    'file.empty': 'ファイルが空です（0 バイト）。内容のあるファイルを添付してください。',
    'file.too_large': 'ファイルが大きすぎます（{size}）。アップロードできるのは {limit} までです。',
    'file.type_refused':
      'この形式のファイル（{ext}）はアップロードできません。アップロードできる形式: PDF、Word（.docx）、Excel（.xlsx）、PowerPoint（.pptx）、テキスト（.txt・.csv・.log）、PNG、JPEG、ZIP。',
    'file.signature_mismatch': 'ファイルの内容が拡張子（{ext}）の形式ではありません。正しいファイルか確認してください。',
    'file.name_invalid': 'ファイル名が正しくありません（255 文字以内、制御文字は使えません）。',
    'file.too_many': '一度に添付できるファイルは {max} 個までです。',
  },
  en: {
    'file.required': 'Attach a file.',
    'file.empty': 'The file is empty (0 bytes).',
    'file.too_large': 'The file is too large ({size}). Files up to {limit} can be uploaded.',
    'file.type_refused':
      'Files of this type ({ext}) cannot be uploaded. Allowed: PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), text (.txt, .csv, .log), PNG, JPEG, ZIP.',
    'file.signature_mismatch': 'The file content is not a {ext} file. Check that it is the right file.',
    'file.name_invalid': 'The file name is not valid (up to 255 characters, no control characters).',
    'file.too_many': 'Up to {max} files can be attached at once.',
  },
} as const;
