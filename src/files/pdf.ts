import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { UnavailableError } from '../kernel/errors.ts';

/** Japanese fonts looked for, in order (Debian fonts-ipaexfont-gothic, then fonts-noto-cjk); KIBAN_PDF_FONT overrides. */
export const PDF_FONT_CANDIDATES = [
  '/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf',
  '/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
];

export function pdfFont(env: Record<string, string | undefined> = process.env): string {
  const paths = env.KIBAN_PDF_FONT ? [env.KIBAN_PDF_FONT] : PDF_FONT_CANDIDATES;
  const found = paths.find((p) => existsSync(p));
  if (!found) throw new UnavailableError('changes.print_font_missing', { paths: paths.join(', ') });
  return found;
}

/** An A4 pdfkit document with the Japanese font registered as 'ja', and a promise of its bytes. */
export function japanesePdf(title: string, opts: { compress?: boolean; bufferPages?: boolean } = {}): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const font = pdfFont();
  const doc = new PDFDocument({ size: 'A4', margin: 48, compress: opts.compress ?? true, bufferPages: opts.bufferPages ?? false, info: { Title: title } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.registerFont('ja', font);
  doc.font('ja');
  return { doc, done };
}
