import { describe, expect, it } from 'vitest';
import { incidentMailTemplates, jaDateTime } from './index.ts';

// The formats of N §3.2.3.4 and §3.2.3.6 (報告フォーマット（案）), filled in.
const m = incidentMailTemplates('第三期サーバ仮想基盤');
const at = (s: string) => new Date(s);

describe('incident mail templates (INC-8)', () => {
  it('第一報: N subject, 発生日時 and 影響を受けている仮想マシン', () => {
    expect(m.firstReport({ occurredAt: at('2026-11-24T01:05:00Z'), affectedVms: ['zeimu-web01', 'zeimu-db01'] })).toEqual({
      template: 'incident.first_report',
      subject: '【第三期サーバ仮想基盤障害発生】第一報',
      text: '<第一報>\n\n発生日時 ：2026年11月24日(火) 10:05\n影響を受けている仮想マシン ：zeimu-web01、zeimu-db01\n',
    });
  });

  it('継続報: the six fields in N order, 復旧予定時間 may still be unknown', () => {
    const r = m.continuingReport({
      occurredAt: at('2026-11-24T01:05:00Z'),
      symptom: 'ESXiホスト esx03 が応答しない',
      businessImpact: '税務システムが利用できない',
      expectedRecoveryAt: '調査中',
      probableCause: 'ハードウェア障害（メモリ）',
      progress: [
        { at: at('2026-11-24T01:07:00Z'), text: '監視アラート検知' },
        { at: at('2026-11-24T01:20:00Z'), text: '保守ベンダーへ連絡' },
      ],
    });
    expect(r.subject).toBe('【第三期サーバ仮想基盤障害発生】継続報');
    expect(r.text.split('\n')).toEqual([
      '<継続報>',
      '',
      '発生日時 ：2026年11月24日(火) 10:05',
      '現象 ：ESXiホスト esx03 が応答しない',
      '業務への影響 ：税務システムが利用できない',
      '復旧予定時間 ：調査中',
      '想定される原因 ：ハードウェア障害（メモリ）',
      '対応状況（経緯）',
      '2026年11月24日(火) 10:07 監視アラート検知',
      '2026年11月24日(火) 10:20 保守ベンダーへ連絡',
      '',
    ]);
  });

  it('最終報: 復旧完了時間 instead of 復旧予定時間', () => {
    const r = m.finalReport({
      occurredAt: at('2026-11-24T01:05:00Z'),
      symptom: '応答なし',
      businessImpact: 'なし',
      recoveredAt: at('2026-11-24T03:30:00Z'),
      probableCause: 'メモリ故障',
      progress: 'メモリ交換後、仮想マシンを元のクラスタへ戻した。',
    });
    expect(r.subject).toBe('【第三期サーバ仮想基盤障害発生】最終報');
    expect(r.text).toContain('復旧完了時間 ：2026年11月24日(火) 12:30\n');
    expect(r.text).not.toContain('復旧予定時間');
    expect(r.text).toMatch(/対応状況（経緯）\nメモリ交換後、仮想マシンを元のクラスタへ戻した。\n$/);
  });

  it('復旧作業開始連絡 and 復旧作業完了連絡: N wording, rule line and four fields', () => {
    const data = {
      work: { from: at('2026-11-24T09:00:00Z'), to: at('2026-11-24T10:30:00Z') },
      workers: ['担当 一郎', '担当 二郎'],
      description: 'esx03 のメモリ交換',
      businessImpact: 'なし（仮想マシンは他ホストで稼働中）',
    };
    const start = m.recoveryStart(data);
    expect(start.subject).toBe('【第三期サーバ仮想基盤障害発生】復旧作業開始連絡');
    expect(start.text.split('\n')).toEqual([
      'ただいまより、以下の作業を実施します。',
      '',
      '＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝',
      '',
      '作業日時 ：2026年11月24日(火) 18:00 ～ 19:30',
      '作業担当者 ：担当 一郎、担当 二郎',
      '作業内容 ：esx03 のメモリ交換',
      '業務影響 ：なし（仮想マシンは他ホストで稼働中）',
      '',
    ]);
    const done = m.recoveryComplete({ ...data, work: { from: at('2026-11-24T09:05:00Z'), to: at('2026-11-24T15:10:00Z') } });
    expect(done.subject).toBe('【第三期サーバ仮想基盤障害発生】復旧作業完了連絡');
    expect(done.text.split('\n').slice(0, 5)).toEqual([
      '作業が完了しましたので、ご報告します。',
      '',
      '＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝',
      '',
      '作業日時 ：2026年11月24日(火) 18:05 ～ 2026年11月25日(水) 00:10',
    ]);
  });

  it('takes the platform name from configuration', () => {
    expect(incidentMailTemplates('中小システム統合サーバ').firstReport({ occurredAt: at('2026-01-01T00:00:00Z'), affectedVms: [] }).subject).toBe(
      '【中小システム統合サーバ障害発生】第一報',
    );
  });

  it('prints times in Asia/Tokyo whatever the server time zone', () => {
    expect(jaDateTime(at('2026-12-31T15:00:00Z'))).toBe('2027年1月1日(金) 00:00');
  });
});
