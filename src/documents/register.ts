import { sql } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import { type Db, queryRows } from '../db/connection.ts';
import type { Actor } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { DOCUMENT_KINDS, DOCUMENT_RETENTIONS, documents } from './schema.ts';

type Kind = (typeof DOCUMENT_KINDS)[number];
type Retention = (typeof DOCUMENT_RETENTIONS)[number];

/** The roles N §3.6.3.1's table uses in each column (the register accepts only these). */
export const AUTHOR_ROLES = ['operator', 'vendor_manager', 'system_owner'] as const;
export const REVIEWER_ROLES = ['vendor_manager', 'vendor_lead'] as const;
export const APPROVER_ROLES = ['vendor_manager', 'supervisor'] as const;

export const KIND_LABELS: Record<Kind, string> = { document: '文書', record: '記録' };
export const RETENTION_LABELS: Record<Retention, string> = { latest: '最新版', operating_period: '運用期間' };

export interface RegisterRow {
  name: string;
  kind: Kind;
  location: string;
  retention: Retention;
  authorRole: (typeof AUTHOR_ROLES)[number];
  reviewerRole: (typeof REVIEWER_ROLES)[number];
  approverRole: (typeof APPROVER_ROLES)[number];
  affectsOwners: boolean;
}

const row = (
  kind: Kind,
  name: string,
  retention: Retention,
  authorRole: RegisterRow['authorRole'],
  reviewerRole: RegisterRow['reviewerRole'],
  approverRole: RegisterRow['approverRole'],
  affectsOwners = false,
): RegisterRow => ({ kind, name, location: 'ファイルサーバ', retention, authorRole, reviewerRole, approverRole, affectsOwners });

/**
 * <管理対象ドキュメント、管理方法（案）> of N §3.6.3.1, row for row (種別, ドキュメント名, 管理場所, 管理方法,
 * 作成／修正担当, レビュー担当, 承認担当). 「システム所管に影響のある」 (3.6.3.2) is Kiban's proposal: the service
 * menu, the VM interim procedures owners write themselves, the forms owners fill in, and the migration
 * plan; the register's manager changes it per document.
 */
export const N_REGISTER: readonly RegisterRow[] = [
  row('document', 'システム設計書', 'latest', 'vendor_manager', 'vendor_lead', 'supervisor'),
  row('document', '運用基準書', 'latest', 'vendor_manager', 'vendor_lead', 'supervisor'),
  row('document', 'サービスメニュー', 'latest', 'vendor_manager', 'vendor_lead', 'supervisor', true),
  row('document', '復旧手順書・対応手順書', 'operating_period', 'operator', 'vendor_manager', 'vendor_manager'),
  row('document', '仮想マシン暫定対応手順書', 'latest', 'system_owner', 'vendor_manager', 'supervisor', true),
  row('document', 'オペレーション手順書・操作マニュアル', 'latest', 'operator', 'vendor_manager', 'vendor_manager'),
  row('document', '台帳、一覧、申請書、その他帳票類（雛型）', 'latest', 'operator', 'vendor_manager', 'vendor_manager', true),
  row('record', '月次報告', 'operating_period', 'vendor_manager', 'vendor_lead', 'supervisor'),
  row('record', '実績報告', 'operating_period', 'vendor_manager', 'vendor_lead', 'supervisor'),
  row('record', '移行計画兼実績管理', 'operating_period', 'vendor_manager', 'vendor_lead', 'supervisor', true),
  row('record', '台帳、一覧、申請書、その他帳票類', 'operating_period', 'operator', 'vendor_manager', 'vendor_manager'),
  row('record', '作業証跡', 'operating_period', 'operator', 'vendor_manager', 'vendor_manager'),
];

/** The next DOC-NNNN. Call inside the inserting transaction. */
export async function nextDocNo(tx: Db): Promise<string> {
  const [r] = await queryRows<{ n: number | string }>(
    tx,
    sql`SELECT coalesce(max(substring(${documents.docNo} from 5)::int), 0) + 1 AS n FROM ${documents} WHERE ${documents.docNo} ~ '^DOC-[0-9]+$'`,
  );
  return `DOC-${String(r?.n ?? 1).padStart(4, '0')}`;
}

/**
 * Loads N's register (ドキュメント管理ルールの合意 as proposed): every row not yet there by name is added,
 * numbered DOC-0001… in N's order. Running it again adds nothing. Returns the rows it added.
 */
export async function seedDocumentRegister(tx: Db, clock: Clock, actor: Actor): Promise<{ added: string[] }> {
  const have = new Set((await tx.select({ name: documents.name }).from(documents)).map((r) => r.name));
  const added: string[] = [];
  const now = clock.now();
  for (const r of N_REGISTER) {
    if (have.has(r.name)) continue;
    const [doc] = await tx
      .insert(documents)
      .values({ ...r, docNo: await nextDocNo(tx), createdBy: actor.personId, createdAt: now, updatedAt: now })
      .returning();
    await audit(tx, clock, actor, { action: 'document.create', entityType: 'document', entityId: doc!.id, after: { ...doc, seed: 'N §3.6.3.1' } });
    added.push(doc!.docNo);
  }
  return { added };
}
