import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { eq } from 'drizzle-orm';
import { audit } from '../audit/index.ts';
import type { Db } from '../db/connection.ts';
import { MULTILINE_NAMES, textProblem } from '../http/boundary.ts';
import type { Actor } from '../iam/actor.ts';
import type { Clock } from '../kernel/clock.ts';
import { fieldError, NotFoundError } from '../kernel/errors.ts';
import { extensionOf, fileTypeOf } from './types.ts';
import { storedFiles } from './schema.ts';

/** Upload limit when KIBAN_FILE_MAX_MIB is not set. */
export const DEFAULT_FILE_MAX_BYTES = 20 * 1024 * 1024;
/** Files one multipart request may carry. */
export const MAX_FILES_PER_REQUEST = 10;

let maxBytes = DEFAULT_FILE_MAX_BYTES;

/** Set once at start from the configuration (KIBAN_FILE_MAX_MIB); every upload path reads it. */
export function configureFiles(opts: { maxBytes?: number } | undefined): void {
  maxBytes = opts?.maxBytes ?? DEFAULT_FILE_MAX_BYTES;
}

export function fileMaxBytes(): number {
  return maxBytes;
}

/** "20 MiB", "512 KiB", "12 バイト" — how the limit and a refused size are printed. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Number.isInteger(n / (1024 * 1024)) ? n / (1024 * 1024) : (n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${Number.isInteger(n / 1024) ? n / 1024 : (n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

export interface FileInput {
  fileName: string;
  /** What the client claimed; informational only — the stored type comes from the allow-list. */
  mediaType?: string;
  data: Buffer;
}

/** What a record keeps and shows of a stored file (never the content). */
export interface StoredFileInfo {
  id: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  uploadedAt: Date;
  uploadedByLabel: string;
}

export interface StoredFile extends StoredFileInfo {
  content: Buffer;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: refused in file names
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The name without any client path ("C:\fakepath\設計書.docx" → "設計書.docx"), NFC, trimmed. */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const name = base.normalize('NFC').trim();
  if (!name || name === '.' || name === '..' || name.length > 255 || CONTROL.test(name)) throw fieldError('file', 'file.name_invalid');
  return name;
}

/**
 * Checks a file against the limits and the allow-list, without writing anything. Throws
 * fieldError('file', …) naming the limit or the type.
 */
export function checkFile(input: FileInput): { fileName: string; mediaType: string } {
  const fileName = cleanFileName(input.fileName);
  if (input.data.length === 0) throw fieldError('file', 'file.empty');
  if (input.data.length > maxBytes) {
    throw fieldError('file', 'file.too_large', { size: formatBytes(input.data.length), limit: formatBytes(maxBytes) });
  }
  const type = fileTypeOf(fileName);
  const ext = extensionOf(fileName);
  if (!type) throw fieldError('file', 'file.type_refused', { ext: ext ? `.${ext}` : '拡張子なし' });
  if (!type.matches(input.data)) throw fieldError('file', 'file.signature_mismatch', { ext: `.${ext}` });
  return { fileName, mediaType: type.mediaType };
}

/**
 * Stores an uploaded file in the caller's transaction (the record naming it commits with it, or
 * neither does). Refused files throw before anything is written. The caller checks that the actor may
 * attach files to its record; this only records who uploaded it.
 */
export async function storeFile(tx: Db, clock: Clock, actor: Actor, input: FileInput): Promise<StoredFileInfo> {
  const { fileName, mediaType } = checkFile(input);
  const sha256 = createHash('sha256').update(input.data).digest('hex');
  const [row] = await tx
    .insert(storedFiles)
    .values({
      fileName,
      mediaType,
      size: input.data.length,
      sha256,
      content: input.data,
      uploadedBy: actor.personId,
      uploadedByLabel: actor.label,
      uploadedAt: clock.now(),
    })
    .returning(STORED_FILE_INFO);
  const info = row as StoredFileInfo;
  await audit(tx, clock, actor, { action: 'file.store', entityType: 'stored_file', entityId: info.id, after: info });
  return info;
}

/** The columns of a stored file's metadata (everything but its content), for selects and joins. */
export const STORED_FILE_INFO = {
  id: storedFiles.id,
  fileName: storedFiles.fileName,
  mediaType: storedFiles.mediaType,
  size: storedFiles.size,
  sha256: storedFiles.sha256,
  uploadedAt: storedFiles.uploadedAt,
  uploadedByLabel: storedFiles.uploadedByLabel,
};

/** The file's metadata without its content (for record pages), or undefined. */
export async function storedFileInfo(db: Db, id: string): Promise<StoredFileInfo | undefined> {
  const [row] = await db.select(STORED_FILE_INFO).from(storedFiles).where(eq(storedFiles.id, id));
  return row;
}

/**
 * One stored file with its content. No permission check: the caller has checked that the actor may
 * see the record the file belongs to (a file is only reachable through its record).
 */
export async function readStoredFile(db: Db, id: string): Promise<StoredFile> {
  const [row] = await db.select({ ...STORED_FILE_INFO, content: storedFiles.content }).from(storedFiles).where(eq(storedFiles.id, id));
  if (!row) throw new NotFoundError('error.not_found');
  return row;
}

/** RFC 6266/5987: an ASCII fallback name plus filename* carrying the Japanese name in UTF-8. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%;]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * Sends a stored file as a download: always an attachment (never rendered inline), its canonical type,
 * nosniff and a sandboxing CSP, the SHA-256 as ETag.
 */
export function sendStoredFile(reply: FastifyReply, file: StoredFile): FastifyReply {
  return reply
    .header('content-type', file.mediaType)
    .header('content-disposition', contentDisposition(file.fileName))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, no-store')
    .header('etag', `"${file.sha256}"`)
    .header('content-length', String(file.content.length))
    .send(file.content);
}

/** @fastify/multipart options for a route scope taking uploads (the limit is the configured one). */
export function multipartOptions() {
  return { limits: { fileSize: maxBytes, files: MAX_FILES_PER_REQUEST, fields: 50, fieldSize: 256 * 1024 } };
}

export interface Upload {
  /** The first file, if any. */
  file: FileInput | undefined;
  files: FileInput[];
  /** The text fields (each checked for NUL and control characters as the JSON boundary does). */
  fields: Record<string, string>;
}

/**
 * Reads a multipart request (register @fastify/multipart with {@link multipartOptions} in the route
 * plugin's own scope). A file over the limit is refused as fieldError('file', 'file.too_large') while
 * it streams in; a request that is not multipart → fieldError('file', 'file.required').
 */
export async function readUpload(req: FastifyRequest): Promise<Upload> {
  if (!req.isMultipart()) throw fieldError('file', 'file.required');
  const files: FileInput[] = [];
  const fields: Record<string, string> = {};
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        files.push({ fileName: part.filename || 'upload', mediaType: part.mimetype, data });
      } else {
        const value = String(part.value ?? '');
        const problem = textProblem(value, MULTILINE_NAMES.has(part.fieldname) || value.length > 200);
        if (problem) throw fieldError(part.fieldname, problem);
        fields[part.fieldname] = value;
      }
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw fieldError('file', 'file.too_large', { size: `${formatBytes(maxBytes)} 超`, limit: formatBytes(maxBytes) });
    if (code === 'FST_FILES_LIMIT') throw fieldError('file', 'file.too_many', { max: MAX_FILES_PER_REQUEST });
    throw e;
  }
  return { file: files[0], files, fields };
}
