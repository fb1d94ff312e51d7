/**
 * The allow-list of uploadable files: extension → canonical media type and a content check. A file is
 * accepted only when its extension is listed AND its bytes look like that type (the claimed media type
 * of the browser is ignored; the stored type is the canonical one, so a download is never sniffed).
 */
export interface FileType {
  ext: string;
  mediaType: string;
  /** True when the content has this type's signature. */
  matches: (data: Buffer) => boolean;
}

const startsWith = (data: Buffer, sig: number[]) => data.length >= sig.length && sig.every((b, i) => data[i] === b);
const ZIP_LOCAL = [0x50, 0x4b, 0x03, 0x04];
const ZIP_EMPTY = [0x50, 0x4b, 0x05, 0x06];
const isZip = (data: Buffer) => startsWith(data, ZIP_LOCAL) || startsWith(data, ZIP_EMPTY);
/** Office Open XML: a zip whose entry names include [Content_Types].xml and the part folder. */
const isOoxml = (folder: string) => (data: Buffer) =>
  startsWith(data, ZIP_LOCAL) && data.includes('[Content_Types].xml', 0, 'latin1') && data.includes(`${folder}/`, 0, 'latin1');
/** Text: no NUL byte (UTF-8 or Shift_JIS CSVs both pass; binaries almost always hold a NUL). */
const isText = (data: Buffer) => !data.includes(0);

const TYPES: FileType[] = [
  { ext: 'pdf', mediaType: 'application/pdf', matches: (d) => startsWith(d, [0x25, 0x50, 0x44, 0x46, 0x2d]) },
  { ext: 'docx', mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', matches: isOoxml('word') },
  { ext: 'xlsx', mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', matches: isOoxml('xl') },
  { ext: 'pptx', mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', matches: isOoxml('ppt') },
  { ext: 'txt', mediaType: 'text/plain', matches: isText },
  { ext: 'log', mediaType: 'text/plain', matches: isText },
  { ext: 'csv', mediaType: 'text/csv', matches: isText },
  { ext: 'png', mediaType: 'image/png', matches: (d) => startsWith(d, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { ext: 'jpg', mediaType: 'image/jpeg', matches: (d) => startsWith(d, [0xff, 0xd8, 0xff]) },
  { ext: 'jpeg', mediaType: 'image/jpeg', matches: (d) => startsWith(d, [0xff, 0xd8, 0xff]) },
  { ext: 'zip', mediaType: 'application/zip', matches: isZip },
];

export const ALLOWED_EXTENSIONS: readonly string[] = TYPES.map((t) => t.ext);

/** The lower-case extension of a file name ('' when it has none). */
export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 && dot < fileName.length - 1 ? fileName.slice(dot + 1).toLowerCase() : '';
}

export function fileTypeOf(fileName: string): FileType | undefined {
  const ext = extensionOf(fileName);
  return TYPES.find((t) => t.ext === ext);
}
