import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
import { storedFiles } from '../files/index.ts';
import { addressesOfRole } from '../incidents/index.ts';
import type { Role } from '../iam/roles.ts';
import { people, roleAssignments } from '../iam/schema.ts';
import type { Clock } from '../kernel/clock.ts';
import { enqueueMail, jaDateTime } from '../notify/index.ts';
import type { SideEffect } from '../process/index.ts';
import type { DocumentRevision, RevisionContext } from './process.ts';
import { KIND_LABELS, RETENTION_LABELS } from './register.ts';
import { documents } from './schema.ts';

/** The vendor's team (第三期サーバ仮想化統合基盤チーム) the manager shares an update with (N §3.6.3.2). */
export const TEAM_ROLES: readonly Role[] = ['vendor_lead', 'vendor_manager', 'operator'];

async function addresses(tx: Db, roles: readonly Role[]): Promise<string[]> {
  const all = (await Promise.all(roles.map((r) => addressesOfRole(tx, r)))).flat();
  return [...new Set(all)].sort();
}

/**
 * The system owners' addresses grouped by department (each group one mail): owners of different
 * departments must not see each other's addresses. Owners without a department form their own group.
 */
export async function ownerAddressesByDepartment(tx: Db): Promise<string[][]> {
  const rows = await tx
    .selectDistinct({ email: people.email, departmentId: people.departmentId })
    .from(people)
    .innerJoin(roleAssignments, eq(roleAssignments.personId, people.id))
    .where(and(eq(roleAssignments.role, 'system_owner'), isNull(people.disabledAt), isNotNull(people.email)))
    .orderBy(asc(people.departmentId), asc(people.email));
  const groups = new Map<string, string[]>();
  for (const r of rows) {
    if (!r.email) continue;
    const k = r.departmentId ?? '';
    const g = groups.get(k) ?? [];
    if (!g.some((x) => x.toLowerCase() === r.email!.toLowerCase())) g.push(r.email);
    groups.set(k, g);
  }
  return [...groups.values()].sort((a, b) => a[0]!.localeCompare(b[0]!));
}

const size = (n: number) => (n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : n >= 1024 ? `${Math.ceil(n / 1024)} KB` : `${n} バイト`);

/**
 * The notice of a published revision (N §3.6.3.2): to the team — and, when asked, the ICT service-centre
 * manager (「必要に応じて」) — and, for a document marked as affecting system owners, to the owners
 * (「システム所管に影響のあるドキュメントに変更が発生した場合は、システム所管にも通知を行う」).
 */
export function revisionNotice(platformName: string, clock: Clock): SideEffect<DocumentRevision, RevisionContext> {
  return async (e) => {
    const r = e.record;
    const [doc] = await e.tx.select().from(documents).where(eq(documents.id, r.documentId));
    if (!doc) return;
    const [file] = r.fileId
      ? await e.tx.select({ fileName: storedFiles.fileName, size: storedFiles.size, sha256: storedFiles.sha256 }).from(storedFiles).where(eq(storedFiles.id, r.fileId))
      : [];
    const subject = `【${platformName}】ドキュメント更新のお知らせ（${doc.docNo} ${doc.name} 第${r.revisionNo}版）`;
    const body = (lead: string) =>
      [
        lead,
        '',
        '＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝＝',
        '',
        `文書番号 ：${doc.docNo}`,
        `ドキュメント名 ：${doc.name}`,
        `種別 ：${KIND_LABELS[doc.kind]}（管理方法：${RETENTION_LABELS[doc.retention]}）`,
        `版数 ：第${r.revisionNo}版`,
        `改版日 ：${jaDateTime(r.publishedAt ?? clock.now())}`,
        `改版理由 ：${r.reason}`,
        `変更内容 ：${r.summary?.trim() || '（記載なし）'}`,
        `改版者 ：${r.authorLabel}`,
        `承認者 ：${r.approvedByLabel ?? '（なし）'}`,
        `管理場所 ：${doc.location}`,
        `ファイル ：${file ? `${file.fileName}（${size(file.size)}、SHA-256 ${file.sha256}）` : '（なし）'}`,
        '',
      ].join('\n');
    const createdBy = e.ctx.actor;
    const team = await addresses(e.tx, TEAM_ROLES);
    const ict = e.input.notifyIct === true ? await addresses(e.tx, ['ict_manager']) : [];
    if (team.length || ict.length) {
      await enqueueMail(e.tx, clock, {
        recordType: 'document_revision',
        recordId: r.id,
        to: team.length ? team : ict,
        cc: team.length ? ict : [],
        subject,
        text: body('以下のドキュメントを更新し、ファイルサーバに格納しました。更新箇所をご確認ください。'),
        template: 'document.revision_published',
        createdBy,
      });
    }
    if (doc.affectsOwners) {
      // One mail per department: owners of different departments do not see each other's addresses.
      for (const owners of await ownerAddressesByDepartment(e.tx)) {
        await enqueueMail(e.tx, clock, {
          recordType: 'document_revision',
          recordId: r.id,
          to: owners,
          subject,
          text: body('システム所管の皆様に関係するドキュメントを更新しましたので、お知らせします。'),
          template: 'document.revision_published_owners',
          createdBy,
        });
      }
    }
  };
}
