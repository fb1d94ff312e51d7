import type { MenuItem } from './schema.ts';

/**
 * The first サービスメニュー, from N's service design (§2.5, §2.6.2, §3) and M's service descriptions
 * (§5 backup: daily, 5 generations, 18:00–6:00, secondary copy off-site; VMs created by the platform team).
 */
export const MENU_SEED: MenuItem[] = [
  { code: 'VM-01', name: '仮想マシンの準備（払い出し）', description: '申請に基づき仮想マシンを作成し、構成管理台帳に登録して引き渡す（依頼元の承認をもって完了）。', levels: { A: '○', B: '○', C: '○' } },
  { code: 'VM-02', name: 'リソースの追加・変更', description: 'CPU・メモリ・ディスクの追加（スケールアップ／アウトの方針に従う）。依頼元の承認をもって完了。', levels: { A: '○', B: '○', C: '○' } },
  { code: 'BK-01', name: 'バックアップ', description: '仮想マシン（システム単位・ファイル単位）を日次で取得、5世代保管。一次はバックアップ領域、二次は遠隔地のストレージ。実行時間 18:00〜6:00。', levels: { A: '前日バックアップ時点まで', B: '前日バックアップ時点まで', C: '前日バックアップ時点まで' } },
  { code: 'MN-01', name: '監視', description: '死活・プロセス・メッセージ・ハードウェア・リソース監視と監視対応台帳による一次対応、異常時の連絡。', levels: { A: '24時間365日', B: '24時間365日', C: '開庁日の業務時間' } },
  { code: 'IN-01', name: '障害対応（インシデント管理）', description: '基盤起因の障害の受付・報告・復旧（仮想マシンが起動可能な状態まで。業務復旧はシステム所管）。', levels: { A: '復旧完了目標 60分（24時間365日）', B: '復旧完了目標 4時間（24時間365日※統括責任者の指示時）', C: '翌開庁日まで（業務時間内）' } },
  { code: 'HA-01', name: '可用性（HA／DR）', description: 'vSphere HA による再起動、A は二重化と DR（SRM による遠隔地での復旧）を前提とする。', levels: { A: 'HA＋DR（サービス停止許容 10分以内）', B: 'HA（4時間以内）', C: 'HA（翌開庁日まで）' } },
  { code: 'CH-01', name: '変更・リリース', description: '基盤の変更・パッチ適用をメンテナンス日に計画・承認のうえ実施し、計画停止を事前に連絡する。', levels: { A: '○', B: '○', C: '○' } },
  { code: 'SL-01', name: 'サービスレベル管理・月次報告', description: '品質目標の測定・分析、月次報告会・半期報告会での報告と改善活動。', levels: {} },
  { code: 'DC-01', name: 'システム運用ドキュメントの管理', description: 'ドキュメント一覧の最新化と更新箇所の共有（仮想マシン暫定対応手順書はシステム所管が作成）。', levels: {} },
];
