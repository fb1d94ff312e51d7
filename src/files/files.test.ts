import multipart from '@fastify/multipart';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../audit/schema.ts';
import { inTx } from '../db/tx.ts';
import { sessionOf } from '../http/session.ts';
import { admin, TEST_PASSWORD, type TestApp, testApp } from '../http/testing.ts';
import {
  checkFile,
  configureFiles,
  contentDisposition,
  DEFAULT_FILE_MAX_BYTES,
  multipartOptions,
  readStoredFile,
  readUpload,
  sendStoredFile,
  storedFiles,
  storeFile,
} from './index.ts';
import { multipartBody, samplePdf, samplePng, sampleOoxml } from './testing.ts';

/**
 * Stored files as every upload path uses them (document revisions, release evidence): the routes here
 * are a stand-in record owner mounted on the real app — readUpload → storeFile in one transaction →
 * readStoredFile → sendStoredFile.
 */
let t: TestApp;
let op: { cookie: string; csrf: string };

const filesCount = async () => (await t.database.db.select({ n: count() }).from(storedFiles))[0]!.n;
const upload = (files: Parameters<typeof multipartBody>[0], fields: Record<string, string> = {}, url = '/api/test-files') => {
  const body = multipartBody(files, fields);
  return t.app.inject({ method: 'POST', url, payload: body.payload, headers: { ...body.headers, cookie: op.cookie, 'x-csrf-token': op.csrf } });
};

beforeAll(async () => {
  t = await testApp();
  await t.app.register(async (scope) => {
    await scope.register(multipart, multipartOptions());
    scope.post('/api/test-files', async (req, reply) => {
      const actor = sessionOf(req).actor;
      const { file, fields } = await readUpload(req);
      if (!file) throw new Error('no file');
      const stored = await inTx(t.database.db, async (tx) => {
        const info = await storeFile(tx, t.clock, actor, file);
        // The owning record fails after the file was written: the file must not survive.
        if (fields.fail === 'yes') throw new Error('record failed');
        return info;
      });
      return reply.status(201).send(stored);
    });
    scope.get('/api/test-files/:id', async (req, reply) => sendStoredFile(reply, await readStoredFile(t.database.db, (req.params as { id: string }).id)));
  });
  await t.iam.createPerson(admin, { login: 'op', displayName: '運用 担当子', password: TEST_PASSWORD, roles: ['operator'] });
  op = await t.login('op');
});
afterAll(() => t.close());

describe('upload and download', () => {
  it('stores a Japanese-named Word file with its hash and gives back the same bytes', async () => {
    const data = await sampleOoxml('word', '運用基準書 第3版');
    const res = await upload([{ fileName: 'C:\\fakepath\\運用基準書_第3版.docx', data, mediaType: 'text/html' }]);
    expect(res.statusCode).toBe(201);
    const f = res.json();
    expect(f).toMatchObject({
      fileName: '運用基準書_第3版.docx',
      mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      size: data.length,
      uploadedByLabel: '運用 担当子 (op)',
    });
    expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);

    const dl = await t.app.inject({ url: `/api/test-files/${f.id}`, headers: { cookie: op.cookie } });
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.equals(data)).toBe(true);
    expect(dl.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(dl.headers['content-disposition']).toBe(
      `attachment; filename="_______3_.docx"; filename*=UTF-8''${encodeURIComponent('運用基準書_第3版.docx')}`,
    );
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(dl.headers.etag).toBe(`"${f.sha256}"`);
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(dl.rawPayload).digest('hex')).toBe(f.sha256);
  });

  it('accepts each allowed type by its content: PDF, Excel, PowerPoint, CSV in Shift_JIS, PNG, JPEG, ZIP', async () => {
    const ok = [
      { fileName: '月次報告.pdf', data: samplePdf() },
      { fileName: '台帳.xlsx', data: await sampleOoxml('xl') },
      { fileName: '報告会資料.pptx', data: await sampleOoxml('ppt') },
      { fileName: '一覧.csv', data: Buffer.from([0x88, 0xea, 0x97, 0x97, 0x2c, 0x41, 0x0d, 0x0a]) },
      { fileName: '作業ログ.log', data: Buffer.from('2026-12-07 10:00 start\n') },
      { fileName: '証跡.png', data: samplePng() },
      { fileName: '証跡.JPG', data: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]) },
      { fileName: '証跡一式.zip', data: await sampleOoxml('word') },
    ];
    for (const f of ok) expect((await upload([f])).statusCode, f.fileName).toBe(201);
  });

  it('refuses a refused type, a fake signature, an empty file — 400 naming the file, nothing written', async () => {
    const before = await filesCount();
    const cases: [string, Buffer, RegExp][] = [
      ['手順書.html', Buffer.from('<script>alert(1)</script>'), /\.html.*アップロードできません/],
      ['tool.exe', Buffer.from('MZ\x90\x00'), /\.exe/],
      ['README', Buffer.from('text'), /拡張子なし/],
      ['設計書.pdf', Buffer.from('<html>not a pdf</html>'), /\.pdf）の形式ではありません/],
      ['設計書.docx', samplePdf(), /\.docx/],
      ['台帳.xlsx', await sampleOoxml('word'), /\.xlsx/],
      ['ログ.txt', Buffer.from([0x41, 0x00, 0x42]), /\.txt/],
      ['空.pdf', Buffer.alloc(0), /空です/],
    ];
    for (const [fileName, data, message] of cases) {
      const res = await upload([{ fileName, data }]);
      expect(res.statusCode, fileName).toBe(400);
      expect(Object.keys(res.json().error.fields), fileName).toEqual(['file']);
      expect(res.json().error.fields.file, fileName).toMatch(message);
    }
    expect(await filesCount()).toBe(before);
  });

  it('refuses a file over the limit while it streams in — 400 naming the limit', async () => {
    const before = await filesCount();
    const big = Buffer.concat([samplePdf(), Buffer.alloc(DEFAULT_FILE_MAX_BYTES)]);
    const res = await upload([{ fileName: '大きすぎる.pdf', data: big }]);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.file).toContain('20 MiB');
    expect(await filesCount()).toBe(before);
  });

  it('a file and the record naming it commit together: a failing record leaves no file and no audit entry', async () => {
    const files = await filesCount();
    const audits = (await t.database.db.select({ n: count() }).from(auditLog).where(eq(auditLog.action, 'file.store')))[0]!.n;
    const res = await upload([{ fileName: '途中で失敗.pdf', data: samplePdf() }], { fail: 'yes' });
    expect(res.statusCode).toBe(500);
    expect(await filesCount()).toBe(files);
    expect((await t.database.db.select({ n: count() }).from(auditLog).where(eq(auditLog.action, 'file.store')))[0]!.n).toBe(audits);
  });

  it('a control character in a text field is refused like the JSON boundary does', async () => {
    const res = await upload([{ fileName: 'a.pdf', data: samplePdf() }], { title: 'a\u0007b' });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.fields)).toEqual(['title']);
  });

  it('an unknown file id is 404', async () => {
    expect((await t.app.inject({ url: '/api/test-files/00000000-0000-4000-8000-000000000000', headers: { cookie: op.cookie } })).statusCode).toBe(404);
  });
});

describe('checks without HTTP', () => {
  it('the configured limit applies to storeFile as well', async () => {
    configureFiles({ maxBytes: 1024 });
    try {
      expect(() => checkFile({ fileName: 'a.pdf', data: Buffer.concat([samplePdf(), Buffer.alloc(2000)]) })).toThrow(
        expect.objectContaining({ fields: { file: { key: 'file.too_large', params: { size: expect.stringContaining('KiB'), limit: '1 KiB' } } } }),
      );
      await expect(
        inTx(t.database.db, (tx) => storeFile(tx, t.clock, admin, { fileName: 'a.pdf', data: Buffer.concat([samplePdf(), Buffer.alloc(2000)]) })),
      ).rejects.toMatchObject({ fields: { file: { key: 'file.too_large' } } });
    } finally {
      configureFiles(undefined);
    }
  });

  it('file names: no path, no control characters, at most 255 characters', () => {
    expect(checkFile({ fileName: '/etc/../設計書.pdf', data: samplePdf() }).fileName).toBe('設計書.pdf');
    expect(() => checkFile({ fileName: 'a\nb.pdf', data: samplePdf() })).toThrow(expect.objectContaining({ fields: { file: { key: 'file.name_invalid' } } }));
    expect(() => checkFile({ fileName: `${'あ'.repeat(252)}.pdf`, data: samplePdf() })).toThrow();
  });

  it('Content-Disposition keeps quotes and percent signs out of the ASCII fallback', () => {
    expect(contentDisposition('a"b%c.pdf')).toBe(`attachment; filename="a_b_c.pdf"; filename*=UTF-8''a%22b%25c.pdf`);
    expect(contentDisposition("it's (1).txt")).toBe(`attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`);
  });
});
