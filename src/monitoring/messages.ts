import { registerMessages } from '../kernel/messages.ts';

/** The monitoring module's messages, Japanese first. Imported for its side effect by store.ts. */
registerMessages({
  ja: {
    'monitoring.target_exists': 'この構成情報は既に監視対象として登録されています。',
    'monitoring.target_not_found': '監視対象が見つかりません。',
    'monitoring.item_exists': 'この監視対象には同じ監視項目が既に登録されています。',
  },
  en: {
    'monitoring.target_exists': 'This CI is already a monitoring target.',
    'monitoring.target_not_found': 'No such monitoring target.',
    'monitoring.item_exists': 'This target already has this monitoring item.',
  },
});
