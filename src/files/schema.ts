import { bigint, customType, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/**
 * Uploaded files (release evidence, document versions…), kept in the database with their SHA-256 so that
 * a file is written in the same transaction as the record that names it: a crash mid-upload leaves
 * no half document. Content is immutable; a new version is a new row.
 */
export const storedFiles = pgTable(
  'stored_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    fileName: text('file_name').notNull(),
    mediaType: text('media_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    uploadedBy: uuid('uploaded_by'),
    uploadedByLabel: text('uploaded_by_label').notNull(),
    uploadedAt: ts('uploaded_at').notNull(),
  },
  (t) => [index('stored_files_sha256_idx').on(t.sha256)],
);
