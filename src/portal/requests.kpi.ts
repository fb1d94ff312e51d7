import { and, eq, gte, inArray, lt } from 'drizzle-orm';
import type { Db } from '../db/connection.ts';
import { type KpiCase, type Period, registerKpiSource } from '../servicelevels/index.ts';
import { dueEnd } from './requests.service.ts';
import { portalRequests, type RequestKind } from './schema.ts';

/**
 * The on-time KPIs of N §2.6.3 from the request records: 仮想マシン準備の納期遵守率 (払い出し) and リソース
 * 追加作業の納期遵守率 (リソース変更). A request counts in the month its requester confirmed it (依頼元の承認
 * をもって作業完了とする): on time if confirmed by the end of its due day; late beyond it — unless the
 * time it waited on its requester (差し戻し → 再提出) accounts for the delay, when it is excluded
 * (依頼元の不備により未達成の場合は対象外) with the minutes waited as the reason.
 */
export async function requestKpiCases(db: Db, kind: RequestKind, period: Period, departments: string[] | null): Promise<KpiCase[]> {
  if (departments && departments.length === 0) return [];
  const rows = await db
    .select()
    .from(portalRequests)
    .where(
      and(
        eq(portalRequests.kind, kind),
        eq(portalRequests.state, 'closed'),
        gte(portalRequests.confirmedAt, period.from),
        lt(portalRequests.confirmedAt, period.to),
        departments ? inArray(portalRequests.departmentId, departments) : undefined,
      ),
    );
  return rows.map((r) => {
    const done = r.confirmedAt!;
    const due = dueEnd(r.dueOn);
    const waited = r.requesterWaitMinutes * 60_000;
    const lateBy = Math.ceil((done.getTime() - due.getTime()) / 86_400_000);
    let outcome: KpiCase['outcome'] = 'ok';
    let reason: string | null = null;
    if (done > due) {
      if (waited > 0 && done.getTime() - waited <= due.getTime()) {
        outcome = 'excluded';
        reason = `依頼元の確認待ち ${r.requesterWaitMinutes} 分（依頼元の不備）を除くと納期内`;
      } else {
        outcome = 'late';
        reason = `納期 ${r.dueOn} を ${lateBy} 日超過`;
      }
    }
    return { recordType: 'vm_request', recordId: r.id, ref: r.requestNo, title: r.title, at: done, outcome, reason, markedBy: null };
  });
}

registerKpiSource('vm_provisioning_on_time', (db, period, depts) => requestKpiCases(db, 'provision', period, depts));
registerKpiSource('resource_addition_on_time', (db, period, depts) => requestKpiCases(db, 'resource_change', period, depts));
