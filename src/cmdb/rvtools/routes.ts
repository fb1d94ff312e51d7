import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { sessionOf } from '../../http/session.ts';
import { InputError } from '../../kernel/errors.ts';
import { langFromHeader, translate } from '../../kernel/messages.ts';
import type { ImportOptions, RvtoolsImport } from './import.ts';
import { SHEETS, type UploadedFile } from './parse.ts';

/** Upload limit of one RVTools file (a 10,000-VM workbook is ~10 MB). */
export const RVTOOLS_MAX_BYTES = 20 * 1024 * 1024;

const excludeItem = z.object({ sheet: z.enum(SHEETS), row: z.number().int().min(2) }).strict();
const options = {
  siteId: z.uuid().optional(),
  exclude: z.array(excludeItem).max(100_000).optional(),
  excludeConflicts: z.boolean().optional(),
};
const previewFields = z.object(options).strict();
const commitBody = z
  .object({ token: z.uuid().optional(), reason: z.string().trim().min(1).max(1000), ...options })
  .strict();

/** Reads the uploaded files and the text fields of a multipart request (fields may hold JSON). */
async function readMultipart(req: FastifyRequest): Promise<{ files: UploadedFile[]; fields: Record<string, unknown> }> {
  const files: UploadedFile[] = [];
  const fields: Record<string, unknown> = {};
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      files.push({ filename: part.filename || 'upload', data: await part.toBuffer() });
    } else {
      const raw = String(part.value ?? '');
      if (part.fieldname === 'exclude') {
        try {
          fields.exclude = JSON.parse(raw);
        } catch {
          throw new InputError('error.invalid_input', {}, { exclude: { key: 'field.invalid_format' } });
        }
      } else if (part.fieldname === 'excludeConflicts') fields.excludeConflicts = raw === 'true';
      else fields[part.fieldname] = raw;
    }
  }
  return { files, fields };
}

function tooLarge(req: FastifyRequest, reply: FastifyReply) {
  const lang = langFromHeader(req.headers['accept-language']);
  return reply.status(413).send({ error: { code: 'payload_too_large', message: translate('rvtools.too_large', { limit: '20 MiB' }, lang) } });
}

const isTooLarge = (e: unknown) => (e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE';

/**
 * RVTools import (CMDB-7) under /api/cmdb/rvtools. Registered as its own plugin so multipart parsing
 * (and its 20 MiB limit) exists only here; the rest of the API stays JSON-only.
 */
export async function rvtoolsRoutes(app: FastifyInstance, deps: { rvtools: RvtoolsImport }): Promise<void> {
  const { rvtools } = deps;
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: RVTOOLS_MAX_BYTES, files: 10, fields: 20, fieldSize: 2 * 1024 * 1024 } });
    const tags = ['cmdb'];

    scope.post(
      '/api/cmdb/rvtools/preview',
      { schema: { tags, summary: 'RVTools 取込みのプレビュー（台帳は変更しない）', consumes: ['multipart/form-data'] } },
      async (req, reply) => {
        if (!req.isMultipart()) throw new InputError('rvtools.no_file');
        let upload: Awaited<ReturnType<typeof readMultipart>>;
        try {
          upload = await readMultipart(req);
        } catch (e) {
          if (isTooLarge(e)) return tooLarge(req, reply);
          throw e;
        }
        if (!upload.files.length) throw new InputError('rvtools.no_file');
        const opts: ImportOptions = { ...previewFields.parse(upload.fields), lang: langFromHeader(req.headers['accept-language']) };
        return rvtools.previewImport(sessionOf(req).actor, upload.files, opts);
      },
    );

    scope.post(
      '/api/cmdb/rvtools/commit',
      { schema: { tags, summary: 'RVTools 取込みの実行（プレビューのトークン、またはファイルを添付）', consumes: ['application/json', 'multipart/form-data'] } },
      async (req, reply) => {
        const actor = sessionOf(req).actor;
        if (req.isMultipart()) {
          let upload: Awaited<ReturnType<typeof readMultipart>>;
          try {
            upload = await readMultipart(req);
          } catch (e) {
            if (isTooLarge(e)) return tooLarge(req, reply);
            throw e;
          }
          const { reason, token, ...opts } = commitBody.parse(upload.fields);
          if (token) return rvtools.commitImport(actor, { token }, reason, opts);
          if (!upload.files.length) throw new InputError('rvtools.no_file');
          return rvtools.commitImport(actor, { files: upload.files }, reason, opts);
        }
        const { reason, token, ...opts } = commitBody.parse(req.body ?? {});
        if (!token) throw new InputError('error.invalid_input', {}, { token: { key: 'field.required' } });
        return rvtools.commitImport(actor, { token }, reason, opts);
      },
    );
  });
}
