import type { ItemType, Severity } from './model.ts';
import type { MonitoringCiType } from './schema.ts';

/**
 * What the 監視対応台帳 shows next to an alert (MON-4, MON-5), kept as data so the operations team can
 * adjust it in the build phase (N: 運用構築フェーズにて作成) without touching the handling code.
 *
 * THRESHOLD_GUIDANCE is N §3.7.3.2 <しきい値超過に対する対応指針（案）>, row for row:
 *  - ESXi server without DRS / with DRS, and the virtual machine (CPU, memory, disk);
 *  - per 対策検討タイミング: 継続発生 (continuous), 単発発生 (single), 単発発生が連続して発生 (repeated).
 */
export type Pattern = 'continuous' | 'single' | 'repeated';
export type GuidanceSubject = 'esxi_no_drs' | 'esxi_drs' | 'vm';

export const THRESHOLD_GUIDANCE: Readonly<Record<GuidanceSubject, Readonly<Record<Pattern, readonly string[]>>>> = {
  esxi_no_drs: {
    continuous: ['仮想マシンの移動', 'ESXi サーバのスケールアップ', 'スケールアップで解消されない場合は ESXi サーバのスケールアウトを検討'],
    single: ['即時復旧ならば様子見'],
    repeated: ['即時復旧ならば様子見'],
  },
  esxi_drs: {
    continuous: ['ESXi サーバのスケールアップ', 'ESXi サーバのスケールアウトを検討'],
    single: ['即時復旧ならば様子見'],
    repeated: ['即時復旧ならば様子見'],
  },
  vm: {
    continuous: ['仮想マシンに対するスケールアップ', 'システム所管に報告し、対処完了までモニタリング'],
    single: ['即時復旧ならば様子見'],
    repeated: ['即時復旧しても、システム所管に報告'],
  },
};

const PATTERN_LABELS: Record<Pattern, string> = { continuous: '継続発生', single: '単発発生', repeated: '単発発生が連続して発生' };

/** A single detection earlier within this window makes the new one "repeated" (単発発生が連続). */
export const REPEAT_WINDOW_MS = 7 * 24 * 3600_000;

/** The guidance text for a resource alert; null for other item types (they have procedures only). */
export function thresholdGuidance(ciType: MonitoringCiType, itemType: ItemType, pattern: Pattern, drs: boolean | null): string | null {
  if (itemType !== 'resource') return null;
  const subject: GuidanceSubject | null = ciType === 'vm' ? 'vm' : ciType === 'host' ? (drs ? 'esxi_drs' : 'esxi_no_drs') : null;
  if (!subject) return null;
  const rows = (['continuous', 'single', 'repeated'] as const).map(
    (p) => `${p === pattern ? '▶' : '・'}${PATTERN_LABELS[p]}: ${THRESHOLD_GUIDANCE[subject][p].join(' / ')}`,
  );
  const head = subject === 'vm' ? '仮想マシンのリソース監視のしきい値超過に対する対応指針' : `ESXi サーバのリソース監視のしきい値超過に対する対応指針（DRS 機能${drs ? 'あり' : 'なし'}）`;
  return `${head}\n${rows.join('\n')}`;
}

/**
 * Known failures and the procedure to follow, by item kind (異常検知時の対応手順書, N §3.7.4). When
 * no procedure is written for a case, N says: escalate to the manager (管理者にエスカレーション).
 */
export interface ProcedureEntry {
  knownFailure: string | null;
  procedure: string | null;
}
export const PROCEDURES: Readonly<Record<string, ProcedureEntry>> = {
  'host:icmp': {
    knownFailure: 'ESXi サーバの停止・ネットワーク断（HA による仮想マシン再起動を伴う）',
    procedure: '異常検知時の対応手順書「ESXi サーバ死活監視」: vCenter でホスト状態と HA フェイルオーバーを確認し、障害対応（インシデント管理）へ',
  },
  'vm:icmp': {
    knownFailure: null,
    procedure: '異常検知時の対応手順書「仮想マシン死活監視」: vCenter で電源状態・コンソールを確認し、システム所管へ連絡',
  },
  'vm:http': { knownFailure: null, procedure: '異常検知時の対応手順書「HTTP 監視」: 仮想マシンの死活と Web サービスの状態を確認し、システム所管へ連絡' },
  'vm:service': { knownFailure: null, procedure: '異常検知時の対応手順書「サービス監視」: システム所管へ連絡（サービスの起動はシステム所管が実施）' },
  'vm:process': { knownFailure: null, procedure: '異常検知時の対応手順書「プロセス監視」: システム所管へ連絡（プロセスの起動はシステム所管が実施）' },
  'vm:resource': { knownFailure: null, procedure: '異常検知時の対応手順書「リソース監視」: 対応指針に従い対策を検討' },
  'host:resource': { knownFailure: null, procedure: '異常検知時の対応手順書「リソース監視」: 対応指針に従い対策を検討' },
  'storage:icmp': { knownFailure: null, procedure: '異常検知時の対応手順書「ストレージ死活監視」: 保守ベンダーへ連絡' },
  'network_device:icmp': { knownFailure: null, procedure: '異常検知時の対応手順書「ネットワーク機器死活監視」: 保守ベンダーへ連絡' },
  'management_server:icmp': { knownFailure: null, procedure: '異常検知時の対応手順書「管理サーバ死活監視」' },
};

export function procedureFor(ciType: MonitoringCiType, itemType: ItemType): ProcedureEntry {
  return PROCEDURES[`${ciType}:${itemType}`] ?? { knownFailure: null, procedure: null };
}

/**
 * Which alerts open a trouble incident (MON-4: alert → … → incident). Default: critical alerts. A
 * resource warning (85 %) is recorded, guided and mailed, not an incident — N's guidance for a single
 * breach is 「即時復旧ならば様子見」.
 */
export type IncidentPolicy = 'critical' | 'all' | 'none';
export function opensIncident(policy: IncidentPolicy, severity: Severity | null): boolean {
  return policy === 'all' || (policy === 'critical' && severity === 'critical');
}
