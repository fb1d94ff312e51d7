/** Message keys of the owners' requests portal (OPS-3/4/7). Registered on import of src/portal/index.ts. */
const base = {
  ja: {
    'portal.os_unknown': '使用可能な OS の一覧にない OS です。',
    'portal.os_not_allowed': '{os} は現在使用できません（使用可能な OS から外されています）。',
    'portal.os_support_ends': '{os} はメーカーのサポートが {date} に終了するため、提供期間（{until} まで）には使用できません。',
    'portal.row_error': '{row}行目の「{field}」：{message}',
    'portal.rows_required': '仮想マシンを1行以上記入してください。',
    'portal.not_owner': '統合計画書を記入・提出できるのは、そのシステムを所管する所属のシステム所管です。',
    'portal.not_draft': 'この統合計画書は「{state}」のため編集できません（下書き・差し戻し中のみ編集できます）。',
    'portal.system_not_found': 'システムが見つかりません。',
    'portal.xlsx_unreadable': 'XLSX ファイルを読み込めません（統合計画書の様式で作成してください）。',
    'portal.xlsx_header': '{column}列の見出しが「{expected}」ではありません（統合計画書の様式ではありません）。',
    'portal.ip_invalid': 'IPアドレスの形式（例 10.1.2.3）ではありません。',
    'portal.host_invalid': 'ホスト名は英数字とハイフン（63文字以内）で記入してください。',
    'portal.host_duplicate': 'ホスト名が{other}行目と重複しています。',
    'portal.int_invalid': '1以上の整数を記入してください。',
    'portal.site_invalid': '「メイン」または「サブ」を記入してください。',
    'portal.yesno_invalid': '「する」または「しない」を記入してください。',
    'portal.monitoring_invalid': '監視項目は 死活・リソース・サービス・HTTP から選んでください。',
    'portal.mail_invalid': 'メールアドレスの形式ではありません（{value}）。',
    'portal.mail_required': '監視する場合は通知先メールアドレスを記入してください。',
    'portal.template_unknown': 'テンプレートが見つかりません。',
    'portal.required': '必須です。',
  },
  en: {
    'portal.os_unknown': 'The OS is not on the allowed list.',
    'portal.os_not_allowed': '{os} is no longer allowed.',
    'portal.os_support_ends': 'Vendor support for {os} ends on {date}, within the provision period (until {until}).',
    'portal.row_error': 'Row {row}, "{field}": {message}',
    'portal.rows_required': 'Enter at least one VM row.',
    'portal.not_owner': 'Only a system owner of the system’s department may fill in and submit its plan.',
    'portal.not_draft': 'The plan is "{state}" and cannot be edited (only drafts and returned plans).',
    'portal.system_not_found': 'System not found.',
    'portal.xlsx_unreadable': 'The XLSX file cannot be read (use the integration plan layout).',
    'portal.xlsx_header': 'Column {column} is not headed "{expected}" (not the integration plan layout).',
    'portal.ip_invalid': 'Not an IPv4 address (e.g. 10.1.2.3).',
    'portal.host_invalid': 'Host names are letters, digits and hyphens (up to 63).',
    'portal.host_duplicate': 'The host name repeats row {other}.',
    'portal.int_invalid': 'Enter a whole number of 1 or more.',
    'portal.site_invalid': 'Enter main (メイン) or sub (サブ).',
    'portal.yesno_invalid': 'Enter する (yes) or しない (no).',
    'portal.monitoring_invalid': 'Monitoring kinds are ping, resource, service, HTTP.',
    'portal.mail_invalid': 'Not a mail address ({value}).',
    'portal.mail_required': 'Give a notification address when monitoring.',
    'portal.template_unknown': 'Template not found.',
    'portal.required': 'Required.',
  },
};

/** Keys of a row's field: printed after the row and the column (3行目の「IPアドレス」：…). */
const ROW_KEYS = ['portal.os_unknown', 'portal.os_not_allowed', 'portal.os_support_ends', 'portal.ip_invalid', 'portal.host_invalid', 'portal.host_duplicate', 'portal.int_invalid', 'portal.site_invalid', 'portal.yesno_invalid', 'portal.monitoring_invalid', 'portal.mail_invalid', 'portal.mail_required', 'portal.template_unknown', 'portal.required'] as const;
const prefixed = (lang: 'ja' | 'en', prefix: string) =>
  Object.fromEntries(ROW_KEYS.map((k) => [`${k}.row`, `${prefix}${(base[lang] as Record<string, string>)[k]}`]));

export const portalMessages = {
  ja: { ...base.ja, ...prefixed('ja', '{row}行目の「{field}」：') },
  en: { ...base.en, ...prefixed('en', 'Row {row}, {field}: ') },
};
