/** Message keys of the notify module. Registered on import of src/notify/index.ts. */
export const notifyMessages = {
  ja: {
    'notify.no_recipients': '宛先が1件もありません。',
    'notify.bad_address': 'メールアドレスの形式が正しくありません: {address}',
    'notify.empty_subject': '件名が空です。',
  },
  en: {
    'notify.no_recipients': 'There are no recipients.',
    'notify.bad_address': 'Invalid mail address: {address}',
    'notify.empty_subject': 'The subject is empty.',
  },
} as const;
