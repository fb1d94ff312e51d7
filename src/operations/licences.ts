/**
 * ライセンス (OPS-8, M §2.5 表 2-4): how many licences a product on a virtual machine needs, by its unit.
 *
 *  - ユーザライセンス: the users connecting (one person on several PCs counts once; Windows user CAL).
 *  - デバイスライセンス: the PCs connecting (one person on three PCs counts three; Windows device CAL).
 *  - プロセッサライセンス: the CPUs of the physical server the VM runs on. With vMotion, HA and DRS the VM may
 *    run on every host of its cluster (M §3.1: ライブマイグレーション・高可用性・負荷平準化), so every one of
 *    them counts — unless the VM is pinned to its host (稼働ホストの固定化).
 *  - コアライセンス: the CPU cores assigned to the VM (M: 仮想マシンに割り当てられた CPU のコア数分).
 *    A product counting the host's physical cores instead (物理コア) follows the processor rule.
 *  - サーバライセンス: the servers it is installed on (a redundant pair needs two).
 * Pure: the caller gives the VM, its cluster's hosts and the counts; nothing is read here.
 */
export const LICENCE_UNITS = ['user', 'device', 'processor', 'core', 'physical_core', 'server'] as const;
export type LicenceUnit = (typeof LICENCE_UNITS)[number];

export const LICENCE_UNIT_LABELS: Record<LicenceUnit, { ja: string; en: string }> = {
  user: { ja: 'ユーザライセンス', en: 'User licence' },
  device: { ja: 'デバイスライセンス', en: 'Device licence' },
  processor: { ja: 'プロセッサライセンス', en: 'Processor licence' },
  core: { ja: 'コアライセンス（仮想マシンの割当コア）', en: 'Core licence (the VM’s cores)' },
  physical_core: { ja: 'コアライセンス（物理コア）', en: 'Core licence (physical cores)' },
  server: { ja: 'サーバライセンス', en: 'Server licence' },
};

export interface LicenceHost {
  name: string;
  cpuSockets: number;
  cpuCores: number;
}

export interface LicenceVm {
  name: string;
  vcpu: number;
  hostPinned: boolean;
  ha: boolean;
  srm: boolean;
  /** The host it runs on now (null: not placed). */
  host: LicenceHost | null;
  /** Its cluster's HA/DRS and every host in it (the current one included); null: a standalone host. */
  cluster: { name: string; haEnabled: boolean; drsEnabled: boolean; hosts: LicenceHost[] } | null;
}

export interface LicenceCounts {
  users?: number;
  devices?: number;
  /** Servers (VMs) the product is installed on; default 1 (this VM). */
  servers?: number;
}

export interface LicenceLine {
  unit: LicenceUnit;
  label: { ja: string; en: string };
  /** Null when the count depends on a number not given (users, devices). */
  count: number | null;
  /** How the number was reached, in Japanese, as the panel prints it. */
  basis: string;
  /** The hosts counted (processor and physical-core units). */
  hosts: string[];
}

export interface LicenceEstimate {
  vm: string;
  /** The hosts the VM may run on, and why (固定 / vMotion・HA・DRS). */
  mayRunOn: string[];
  reason: string;
  lines: LicenceLine[];
  notes: string[];
}

/** The hosts a VM may run on: its own when pinned or standalone, else every host of its cluster. */
export function hostsItMayRunOn(vm: LicenceVm): { hosts: LicenceHost[]; reason: string } {
  if (!vm.host) return { hosts: [], reason: '稼働ホストが未登録です（構成管理台帳で配置を登録してください）。' };
  if (vm.hostPinned) return { hosts: [vm.host], reason: `稼働ホストを ${vm.host.name} に固定しているため、このホストだけを数えます。` };
  if (!vm.cluster || vm.cluster.hosts.length <= 1)
    return { hosts: [vm.host], reason: `クラスタに属さない（または1台構成の）ホスト ${vm.host.name} で稼働しています。` };
  const features = ['vMotion', vm.cluster.haEnabled && vm.ha ? 'HA' : null, vm.cluster.drsEnabled ? 'DRS' : null].filter(Boolean).join('・');
  const hosts = [...vm.cluster.hosts].sort((a, b) => a.name.localeCompare(b.name));
  return { hosts, reason: `${features} によりクラスタ ${vm.cluster.name} の全ホスト（${hosts.length}台）で稼働し得るため、全ホストを数えます。` };
}

const n = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : Math.max(0, Math.floor(v)));

export function estimateLicences(vm: LicenceVm, counts: LicenceCounts = {}): LicenceEstimate {
  const { hosts, reason } = hostsItMayRunOn(vm);
  const names = hosts.map((h) => h.name);
  const sockets = hosts.reduce((s, h) => s + h.cpuSockets, 0);
  const cores = hosts.reduce((s, h) => s + h.cpuCores, 0);
  const perHost = (f: (h: LicenceHost) => number, unit: string) => hosts.map((h) => `${h.name} ${f(h)}${unit}`).join(' + ');
  const users = n(counts.users);
  const devices = n(counts.devices);
  const servers = n(counts.servers) ?? 1;
  const line = (unit: LicenceUnit, count: number | null, basis: string, counted: string[] = []): LicenceLine => ({
    unit,
    label: LICENCE_UNIT_LABELS[unit],
    count,
    basis,
    hosts: counted,
  });
  const lines: LicenceLine[] = [
    line(
      'user',
      users,
      users === null
        ? 'サーバに接続するユーザ数（人数）を入力してください。1人が複数のパソコンを使っても1ライセンスです。'
        : `接続するユーザ ${users} 人分（1人が複数台のパソコンを使っても1人1ライセンス）。`,
    ),
    line(
      'device',
      devices,
      devices === null ? 'サーバに接続するパソコンの台数を入力してください。1人が3台使えば3ライセンスです。' : `接続するパソコン ${devices} 台分。`,
    ),
    line(
      'processor',
      hosts.length ? sockets : null,
      hosts.length ? `稼働し得るホストの CPU 数の合計: ${perHost((h) => h.cpuSockets, 'CPU')} = ${sockets}。` : reason,
      names,
    ),
    line('core', vm.vcpu, `仮想マシンに割り当てた CPU コア数 ${vm.vcpu}（ホストの移動では変わりません）。`),
    line(
      'physical_core',
      hosts.length ? cores : null,
      hosts.length ? `物理コアで数える製品: 稼働し得るホストのコア数の合計: ${perHost((h) => h.cpuCores, 'コア')} = ${cores}。` : reason,
      names,
    ),
    line(
      'server',
      servers,
      servers > 1 ? `インストールするサーバ ${servers} 台分（冗長化構成は台数分）。` : 'この仮想マシン1台分（冗長化構成で複数のサーバに入れる場合は台数分）。',
    ),
  ];
  const notes = [
    '詳細はソフトウェアベンダ各社にご確認ください（M §2.5）。',
    'Windows Server のライセンスは統合サーバが提供します。Red Hat Enterprise Linux は仮想マシン分を各情報システム担当で購入してください。',
  ];
  if (vm.srm) notes.unshift('被災対応（SRM）で副環境に復旧する場合、復旧先ホストの分も必要になることがあります。');
  if (!vm.hostPinned && hosts.length > 1) notes.unshift('稼働ホストを固定すれば（HA・DRS の対象外）、プロセッサライセンスはそのホストの分だけになります。');
  return { vm: vm.name, mayRunOn: names, reason, lines, notes };
}
