import { registerMessages } from '../../kernel/messages.ts';

/** Messages of the vCenter sync (CMDB-6/7), Japanese first. Imported for its side effect. */
registerMessages({
  ja: {
    'vcenter.not_configured': 'vCenter の接続先が設定されていません（KIBAN_VCENTER_URL）。',
    'vcenter.config_incomplete': 'vCenter の接続設定が不足しています（{missing}）。',
    'vcenter.name_taken': '{kind}「{name}」は台帳の別の構成情報が使っているため同期できません（{ref}）。',
    'vcenter.retired_present': '{kind}「{name}」は台帳では廃止済みですが vCenter に存在します（{ref}）。',
    'vcenter.invalid_value': '{kind}「{name}」の {field} の値が台帳の範囲外です（{value}）。',
    'vcenter.no_site': 'データセンタ「{datacenter}」に対応する設置場所を決められません。',
  },
  en: {
    'vcenter.not_configured': 'No vCenter is configured (KIBAN_VCENTER_URL).',
    'vcenter.config_incomplete': 'The vCenter connection settings are incomplete ({missing}).',
    'vcenter.name_taken': 'The {kind} "{name}" cannot be synced: another CI in the ledger uses the name ({ref}).',
    'vcenter.retired_present': 'The {kind} "{name}" is retired in the ledger but exists in vCenter ({ref}).',
    'vcenter.invalid_value': 'The {kind} "{name}" has a {field} outside the ledger\'s range ({value}).',
    'vcenter.no_site': 'No site can be chosen for datacenter "{datacenter}".',
  },
});
