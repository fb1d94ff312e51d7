import { type SQL, sql } from 'drizzle-orm';
import { type Actor, visibleDepartments } from '../iam/actor.ts';
import { documentRevisions, documents } from './schema.ts';

/** Revision states a system owner may read (of a document marked as affecting them). */
export const PUBLISHED_STATES = ['published', 'superseded'] as const;

/**
 * The register entries `actor` may see: all for all-departments roles; for a system owner, the
 * documents marked as affecting owners that have a published revision, and the ones owners write
 * themselves (仮想マシン暫定対応手順書, N §3.6.3.1: 作成／修正担当 システム所管).
 */
export function documentScope(actor: Actor): SQL | undefined {
  if (visibleDepartments(actor) === null) return undefined;
  return sql`((${documents.affectsOwners} AND ${documents.currentRevisionId} IS NOT NULL) OR ${documents.authorRole} = 'system_owner')`;
}

/**
 * The revisions `actor` may see: all for all-departments roles; for a system owner, the published
 * (and superseded) revisions of documents affecting owners, and the revisions they wrote themselves.
 * The service, the inbox and the search apply it; anything else is a 404.
 */
export function revisionScope(actor: Actor): SQL | undefined {
  if (visibleDepartments(actor) === null) return undefined;
  const mine = actor.personId ? sql`${documentRevisions.authorId} = ${actor.personId}` : sql`false`;
  return sql`(${mine} OR (${documentRevisions.state} IN ('published', 'superseded') AND EXISTS (SELECT 1 FROM ${documents}
    WHERE ${documents.id} = ${documentRevisions.documentId} AND ${documents.affectsOwners})))`;
}
