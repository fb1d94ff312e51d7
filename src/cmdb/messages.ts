import { registerMessages } from '../kernel/messages.ts';

/** The ledger's messages, Japanese first. Imported for its side effect by service.ts. */
registerMessages({
  ja: {
    'cmdb.name_taken': 'この名前は既に使われています（{kind}）。',
    'cmdb.code_taken': 'このコードは既に使われています。',
    'cmdb.email_taken': 'このメールアドレスは既にこのシステムの連絡先に登録されています。',
    'cmdb.unknown_ref': '指定された{kind}が存在しません。',
    'cmdb.ref_retired': '指定された{kind}は廃止済みです。',
    'cmdb.cluster_other_site': 'クラスタが別の設置場所にあります。設置場所とクラスタを確認してください。',
    'cmdb.not_vcenter': 'vCenter サーバを指定してください。',
    'cmdb.transition_not_allowed': 'ステータスを「{from}」から「{to}」へ変更することはできません。',
    'cmdb.has_live_children': '廃止されていない{child}が {count} 件あるため廃止できません。',
    'cmdb.retired': '廃止済みの構成情報は変更できません。',
    'cmdb.override_reason_required': 'サービスレベルを個別に指定する場合は、その理由を入力してください。',
    'cmdb.naming_violation':
      'インスタンス名が命名規約に合っていません（サービスレベル {level} を含めてください。例: {example}）。',
    'cmdb.infra_forbidden': '基盤機器の構成情報を参照する権限がありません。',
    'cmdb.vm_not_found': '仮想マシンが構成管理台帳に見つかりません。',
    'cmdb.host_not_found': 'ESXi サーバが構成管理台帳に見つかりません。',
    'cmdb.demo_exists': 'デモ環境は既に登録されています。',
  },
  en: {
    'cmdb.name_taken': 'This name is already used ({kind}).',
    'cmdb.code_taken': 'This code is already used.',
    'cmdb.email_taken': 'This address is already a contact of this system.',
    'cmdb.unknown_ref': 'No such {kind}.',
    'cmdb.ref_retired': 'The {kind} is retired.',
    'cmdb.cluster_other_site': 'The cluster is at another site. Check the site and the cluster.',
    'cmdb.not_vcenter': 'Choose a vCenter server.',
    'cmdb.transition_not_allowed': 'The status cannot move from "{from}" to "{to}".',
    'cmdb.has_live_children': 'Cannot retire: {count} {child} not retired.',
    'cmdb.retired': 'A retired CI cannot be changed.',
    'cmdb.override_reason_required': 'Give the reason for overriding the service level.',
    'cmdb.naming_violation': 'The instance name does not follow the naming rule (include service level {level}, e.g. {example}).',
    'cmdb.infra_forbidden': 'You may not view the platform equipment ledgers.',
    'cmdb.vm_not_found': 'The VM is not in the configuration ledger.',
    'cmdb.host_not_found': 'The ESXi host is not in the configuration ledger.',
    'cmdb.demo_exists': 'The demo estate is already loaded.',
  },
});

/** Japanese labels of the CI kinds, for messages and export sheet names. */
export const KIND_LABELS = {
  site: { ja: '設置場所', en: 'site' },
  cluster: { ja: 'クラスタ', en: 'cluster' },
  host: { ja: 'ESXiサーバ', en: 'ESXi host' },
  management_server: { ja: '管理サーバ', en: 'management server' },
  storage: { ja: 'ストレージ', en: 'storage' },
  network_device: { ja: 'ネットワーク機器', en: 'network device' },
  contract: { ja: '保守契約', en: 'maintenance contract' },
  system: { ja: '業務システム', en: 'system' },
  vm: { ja: '仮想マシン', en: 'VM' },
  contact: { ja: '連絡先', en: 'contact' },
  department: { ja: '所属', en: 'department' },
} as const;
