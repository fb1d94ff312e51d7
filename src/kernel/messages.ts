/**
 * The message catalogue for errors and CLI output, Japanese first. Modules contribute
 * their own keys through `registerMessages`; `{name}` placeholders are filled from params.
 */
export type Lang = 'ja' | 'en';
type Catalogue = Record<string, string>;

const catalogues: Record<Lang, Catalogue> = {
  ja: {
    'error.invalid_input': '入力内容に誤りがあります。',
    'error.not_found': '対象が見つかりません。',
    'error.forbidden': 'この操作を行う権限がありません。',
    'error.unauthenticated': 'ログインしてください。',
    'error.session_expired': 'セッションの有効期限が切れました。再度ログインしてください。',
    'error.csrf': '画面を再読み込みしてから、もう一度操作してください（CSRFトークンが一致しません）。',
    'error.too_many_requests': '試行回数が多すぎます。しばらく待ってから再度お試しください。',
    'error.conflict': 'ほかの操作と競合しました。画面を再読み込みしてください。',
    'error.stale_version': 'ほかの利用者が先に更新しました。最新の内容を確認してから、もう一度操作してください。',
    'error.payload_too_large': '送信データが大きすぎます（上限 {limit}）。',
    'error.malformed_json': '送信データが正しいJSON形式ではありません。',
    'error.unsupported_media_type': 'Content-Type は application/json を指定してください。',
    'error.internal': 'システム内部でエラーが発生しました。管理者に連絡してください。',
    'error.route_not_found': '指定されたURLは存在しません。',
    'error.config': '設定値に誤りがあります。',
    'auth.directory_unavailable': 'ディレクトリサーバ（LDAP）に接続できないため、ログインできません。しばらくしてから再度お試しください。',
    'cli.unknown_department': '所属コード {code} は登録されていません。',
    'cli.bad_scale': '1 から 100 までの整数を指定してください。',
    'demo.not_empty': 'データベースは空ではありません。デモデータは新しいデータベースにのみ読み込めます。',
    'db.locked': 'データディレクトリ {dir} は別の Kiban プロセス（pid {pid}、{purpose}）が使用中です。停止してから実行してください。',
    'error.config_value': '{detail}',
    'field.required': '必須項目です。',
    'field.unknown': '想定されていない項目です。',
    'field.invalid_type': '正しい型で入力してください。',
    'field.invalid_type.string': '文字列で入力してください。',
    'field.invalid_type.number': '数値で入力してください。',
    'field.invalid_type.int': '整数で入力してください。',
    'field.invalid_type.boolean': 'true または false で指定してください。',
    'field.invalid_type.array': '配列（リスト）で指定してください。',
    'field.invalid_type.object': 'オブジェクトで指定してください。',
    'field.too_short': '{min} 文字以上で入力してください。',
    'field.too_long': '{max} 文字以内で入力してください。',
    'field.too_small': '{min} 以上を指定してください。',
    'field.too_big': '{max} 以下を指定してください。',
    'field.invalid_format': '形式が正しくありません。',
    'field.invalid_value': '選択肢の中から指定してください。',
    'field.invalid': '値が正しくありません。',
    'auth.bad_credentials': 'ログインIDまたはパスワードが正しくありません。',
    'auth.locked': 'ログインに続けて失敗したため、しばらくログインできません。時間をおいて再度お試しください。',
    'iam.login_taken': 'このログインIDは既に使われています。',
    'iam.code_taken': 'この所属コードは既に使われています。',
    'iam.role_exclusive':
      '責任者・管理者・担当者は兼務できません（N §2.7.2 ※1）。{name} さんは既に「{existing}」です。',
    'iam.unknown_department': '所属が存在しません。',
    'iam.owner_needs_department': 'システム所管のロールには所属の指定が必要です。',
    'iam.password_policy': 'パスワードは12文字以上で、推測されにくいものにしてください。',
    'iam.admin_exists': '管理者は既に登録されています。',
    'iam.cannot_disable_self': '自分自身のアカウントは無効化できません。',
  },
  en: {
    'error.invalid_input': 'The input has errors.',
    'error.not_found': 'Not found.',
    'error.forbidden': 'You are not allowed to do this.',
    'error.unauthenticated': 'Please log in.',
    'error.session_expired': 'Your session has expired. Please log in again.',
    'error.csrf': 'Please reload the page and try again (CSRF token mismatch).',
    'error.too_many_requests': 'Too many attempts. Please wait and try again.',
    'error.conflict': 'This conflicts with another change. Please reload.',
    'error.stale_version': 'Someone else updated this first. Check the latest version and try again.',
    'error.payload_too_large': 'The request is too large (limit {limit}).',
    'error.malformed_json': 'The request body is not valid JSON.',
    'error.unsupported_media_type': 'Send Content-Type: application/json.',
    'error.internal': 'An internal error occurred. Please contact the administrator.',
    'error.route_not_found': 'No such URL.',
    'error.config': 'The configuration has errors.',
    'auth.directory_unavailable': 'The directory server (LDAP) cannot be reached, so you cannot log in now. Please try again later.',
    'cli.unknown_department': 'No department with code {code}.',
    'cli.bad_scale': 'Give a whole number from 1 to 100.',
    'demo.not_empty': 'The database is not empty: the demo can only be loaded into a new database.',
    'db.locked': 'The data directory {dir} is in use by another Kiban process (pid {pid}, {purpose}). Stop it first.',
    'error.config_value': '{detail}',
    'field.required': 'Required.',
    'field.unknown': 'Unexpected field.',
    'field.invalid_type': 'Wrong type.',
    'field.invalid_type.string': 'Must be text.',
    'field.invalid_type.number': 'Must be a number.',
    'field.invalid_type.int': 'Must be a whole number.',
    'field.invalid_type.boolean': 'Must be true or false.',
    'field.invalid_type.array': 'Must be a list.',
    'field.invalid_type.object': 'Must be an object.',
    'field.too_short': 'At least {min} characters.',
    'field.too_long': 'At most {max} characters.',
    'field.too_small': 'Must be at least {min}.',
    'field.too_big': 'Must be at most {max}.',
    'field.invalid_format': 'Invalid format.',
    'field.invalid_value': 'Choose one of the allowed values.',
    'field.invalid': 'Invalid value.',
    'auth.bad_credentials': 'The login ID or password is incorrect.',
    'auth.locked': 'Too many failed logins. Please try again later.',
    'iam.login_taken': 'This login ID is already taken.',
    'iam.code_taken': 'This department code is already taken.',
    'iam.role_exclusive':
      'Vendor lead, manager and operator cannot be held by one person (N §2.7.2 *1). {name} is already "{existing}".',
    'iam.unknown_department': 'No such department.',
    'iam.owner_needs_department': 'The system-owner role needs a department.',
    'iam.password_policy': 'Passwords must be at least 12 characters and hard to guess.',
    'iam.admin_exists': 'An administrator already exists.',
    'iam.cannot_disable_self': 'You cannot disable your own account.',
  },
};

export function registerMessages(extra: { ja: Catalogue; en: Catalogue }): void {
  Object.assign(catalogues.ja, extra.ja);
  Object.assign(catalogues.en, extra.en);
}

export function translate(key: string, params: Record<string, unknown> = {}, lang: Lang = 'ja'): string {
  const template = catalogues[lang][key] ?? catalogues.ja[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => (name in params ? String(params[name]) : `{${name}}`));
}

/** Picks ja or en from an Accept-Language header; Japanese unless English is preferred. */
export function langFromHeader(header: string | undefined): Lang {
  if (!header) return 'ja';
  const prefs = header
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().toLowerCase().split(';');
      const q = rest.map((r) => r.trim()).find((r) => r.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const p of prefs) {
    if (p.tag.startsWith('ja')) return 'ja';
    if (p.tag.startsWith('en')) return 'en';
  }
  return 'ja';
}
