import { asc, count, eq } from 'drizzle-orm';
import { changes } from '../changes/schema.ts';
import type { Db } from '../db/connection.ts';
import type { FileInput } from '../files/index.ts';
import { type Actor, actorsByLogin } from '../iam/index.ts';
import { jstDayOf, jstInstant } from '../calendar/jst.ts';
import type { Clock } from '../kernel/clock.ts';
import { createChangeDocumentService } from './attach.ts';
import { documentRevisions, documents } from './schema.ts';
import { createDocumentService } from './service.ts';

export interface DemoDocumentsSummary {
  documents: number;
  revisions: number;
  /** False when the register already had revisions (the demo is loaded once). */
  loaded: boolean;
}

const HOUR = 3_600_000;

/** A small one-page PDF (ASCII text; Helvetica) — enough for a viewer to open. */
export function demoPdf(fileName: string, lines: string[]): FileInput {
  const esc = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const content = ['BT', '/F1 14 Tf', '72 770 Td', '18 TL', ...lines.map((l) => `(${esc(l)}) '`), 'ET'].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((n) => `${String(n).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return { fileName, mediaType: 'application/pdf', data: Buffer.from(out, 'latin1') };
}

const text = (fileName: string, lines: string[]): FileInput => ({ fileName, mediaType: 'text/plain', data: Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8') });

/**
 * ドキュメント一覧 for the demo (DOC-1, DOC-2), through the document service as the demo people:
 * N §3.6.3.1's register seeded, then a few documents with versions — 運用基準書 revised v1 → v2 (最新版:
 * v1 becomes 旧版), 復旧手順書 with two published versions (kept for the operating period), the
 * オペレーション手順書 published and attached to the ESXi patch change, サービスメニュー published (the
 * notice goes to the system owners), and システム設計書's revision waiting for the supervisor's
 * approval. Files are small generated TXT, PDF and CSV. Loads once: with revisions already in the
 * database only the (idempotent) seed runs.
 */
export async function loadDemoDocuments(db: Db, clock: Clock): Promise<DemoDocumentsSummary> {
  const now = clock.now().getTime();
  let cur = now;
  const demoClock: Clock = { now: () => new Date(cur) };
  const at = (t: number) => {
    cur = t;
  };
  /** 10:00 JST `d` days ago. */
  const daysAgo = (d: number) => jstInstant(jstDayOf(now) - d, 10 * HOUR).getTime();
  const later = (hours: number) => {
    cur += hours * HOUR;
  };
  const svc = createDocumentService({ db, clock: demoClock });
  const who = await actorsByLogin(db, ['operator', 'manager', 'lead', 'supervisor']);
  const op = who('operator');
  const mgr = who('manager');
  const lead = who('lead');
  const sup = who('supervisor');

  at(daysAgo(90));
  await svc.seed(mgr);
  const [had] = await db.select({ n: count() }).from(documentRevisions);
  const docCount = async () => Number((await db.select({ n: count() }).from(documents))[0]?.n ?? 0);
  if ((had?.n ?? 0) > 0) return { documents: await docCount(), revisions: 0, loaded: false };

  const docs = new Map((await db.select({ id: documents.id, name: documents.name }).from(documents)).map((d) => [d.name, d.id]));
  let revisions = 0;
  /** One revision by its author role, reviewed and approved by the register's roles; published unless `stopAt`. */
  const revise = async (
    name: string,
    t: number,
    file: FileInput,
    fields: { reason: string; summary?: string; changeId?: string },
    roles: { author: Actor; submit: string; reviewer: Actor; review: string; approver: Actor; approve: string },
    stopAt?: 'approval',
  ) => {
    const id = docs.get(name);
    if (!id) return null;
    at(t);
    const r = await svc.createRevision(roles.author, id, { file, fields });
    revisions++;
    later(1);
    let v = (await svc.act(roles.author, r.id, roles.submit, { version: r.version, comment: 'レビューをお願いします' })).version;
    later(4);
    v = (await svc.act(roles.reviewer, r.id, roles.review, { version: v, comment: '内容を確認しました' })).version;
    if (stopAt === 'approval') return r.id;
    later(20);
    v = (await svc.act(roles.approver, r.id, roles.approve, { version: v, comment: '承認します' })).version;
    later(2);
    await svc.act(roles.author, r.id, 'publish', { version: v, comment: 'ファイルサーバに格納し、ドキュメント一覧を更新しました' });
    return r.id;
  };
  const byManager = { author: mgr, submit: 'submit_by_manager', reviewer: lead, review: 'review_by_lead', approver: sup, approve: 'approve_by_supervisor' };
  const byOperator = { author: op, submit: 'submit_by_operator', reviewer: mgr, review: 'review_by_manager', approver: mgr, approve: 'approve_by_manager' };

  // 運用基準書: v1 at the start of operation, v2 with the monitoring rules revised (v1 → 旧版).
  await revise('運用基準書', daysAgo(80), demoPdf('運用基準書_第1版.pdf', ['Unyo Kijunsho (Operation Standards) v1', 'Kiban demo document']), { reason: '運用開始に伴う初版の作成', summary: '運用体制、役割分担、各プロセスの基準を定める' }, byManager);
  await revise('運用基準書', daysAgo(12), demoPdf('運用基準書_第2版.pdf', ['Unyo Kijunsho (Operation Standards) v2', 'Monitoring thresholds revised', 'Kiban demo document']), { reason: '監視の閾値と一時抑止の申請期限の見直し（月次報告会の決定事項）', summary: '第3章 監視運用: 警告 85%・重大 90%、抑止申請は 3 営業日前まで' }, byManager);

  // 復旧手順書・対応手順書: kept for the operating period — both versions stay 格納済.
  const recovery = (v: number, extra: string[]) =>
    text(`復旧手順書_ESXiホスト障害_v${v}.txt`, ['復旧手順書・対応手順書（ESXi ホスト障害）', `第${v}版`, '', '1. 監視アラートの確認（監視対応台帳）', '2. HA による仮想マシン再起動の確認', '3. 保守ベンダーへの連絡', ...extra]);
  await revise('復旧手順書・対応手順書', daysAgo(60), recovery(1, ['4. 復旧確認と終了連絡']), { reason: '初版の作成' }, byOperator);
  await revise('復旧手順書・対応手順書', daysAgo(3), recovery(2, ['4. メモリ枯渇時の一次対処（仮想マシンの再起動手順）を追加', '5. 復旧確認と終了連絡']), { reason: 'メモリ枯渇トラブルの対応を反映', summary: '手順 4 を追加（トラブル対応の振り返りから）' }, byOperator);

  // オペレーション手順書: the ESXi patch procedure, attached to the patch change.
  const [patch] = await db.select({ id: changes.id }).from(changes).where(eq(changes.source, 'preventive_maintenance')).orderBy(asc(changes.receiptNo)).limit(1);
  await revise(
    'オペレーション手順書・操作マニュアル',
    daysAgo(30),
    text('ESXiパッチ適用手順書.txt', ['ESXi パッチ適用手順書', '', '1. 手動バックアップの取得（作業前）', '2. メンテナンスモードへの移行（vMotion で仮想マシンを退避）', '3. パッチ適用・再起動', '4. ビルド番号と正常稼働の確認', '5. メンテナンスモードの解除', '6. 手動バックアップの取得（作業後）', '', '切戻し: 直前のイメージへのロールバック（Shift+R）']),
    { reason: 'ESXi パッチ適用手順の追加', ...(patch ? { changeId: patch.id } : {}) },
    byOperator,
  );
  if (patch) {
    const opsDoc = docs.get('オペレーション手順書・操作マニュアル');
    at(daysAgo(20));
    if (opsDoc) await createChangeDocumentService({ db, clock: demoClock }).attach(op, patch.id, opsDoc).catch(() => undefined);
  }

  // 台帳、一覧、申請書（雛型）: the suppression request form as a CSV (UTF-8 with BOM, as Excel opens it;
  // CSV rather than XLSX keeps the demo load from loading the XLSX writer).
  const form = ['項目,記入例', 'システム名,道路管理システム', '抑止期間,2026/12/19 20:00 〜 22:00', '抑止方法,静観', '理由,計画停止（OS 更新）'];
  await revise('台帳、一覧、申請書、その他帳票類（雛型）', daysAgo(40), { fileName: '監視一時抑止申請書.csv', mediaType: 'text/csv', data: Buffer.from(`\uFEFF${form.join('\r\n')}\r\n`, 'utf8') }, { reason: '監視一時抑止申請書の雛型を追加' }, byOperator);

  // サービスメニュー: published — it affects the system owners, who get the notice.
  await revise('サービスメニュー', daysAgo(25), demoPdf('サービスメニュー_2026.pdf', ['Service Menu 2026', 'Levels A / B / C', 'Kiban demo document']), { reason: 'サービスレベル別の提供内容を明記', summary: 'サービスレベル A/B/C の運用時間と監視内容の一覧' }, byManager);

  // システム設計書: a revision reviewed and waiting for the supervisor's approval.
  await revise('システム設計書', daysAgo(2), demoPdf('システム設計書_第1版.pdf', ['System Design v1', 'Site layout, clusters, storage replication']), { reason: '初版の作成（基盤構築時の設計書を取り込み）' }, byManager, 'approval');

  cur = now;
  return { documents: await docCount(), revisions, loaded: true };
}

