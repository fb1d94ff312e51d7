/**
 * Reading an RVTools export (CMDB-7): the vInfo, vHost and vDatastore sheets of the XLSX workbook, or
 * the same tabs exported as CSV (RVTools_tabvInfo.csv …, one file per tab). Columns are found by
 * RVTools' own header names, in the spellings its versions used: 4.x writes MiB ("Provisioned MiB",
 * "Capacity MiB"), 3.x wrote MB ("Provisioned MB", "Capacity MB"), and its CSV export of old versions
 * used internal names ("vInfoVMName", "vHostNumCpuCores"). RVTools' MB are MiB either way.
 *
 * Every value keeps where it came from — sheet, spreadsheet row number and column letter — so a bad
 * row can be reported the way a person finds it in Excel.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { InputError } from '../../kernel/errors.ts';
import './messages.ts';

export const SHEETS = ['vInfo', 'vHost', 'vDatastore'] as const;
export type SheetName = (typeof SHEETS)[number];

/** Canonical field → accepted headers (first is RVTools 4.x's). */
export const COLUMNS = {
  vInfo: {
    vm: ['VM', 'vInfoVMName'],
    powerstate: ['Powerstate', 'vInfoPowerstate'],
    template: ['Template', 'vInfoTemplate'],
    cpus: ['CPUs', 'vInfoCPUs'],
    memory: ['Memory', 'vInfoMemory'],
    nics: ['NICs', 'vInfoNICs'],
    totalDisk: ['Total disk capacity MiB', 'Total disk capacity MB', 'vInfoTotalDiskCapacity'],
    provisioned: ['Provisioned MiB', 'Provisioned MB', 'vInfoProvisioned'],
    inUse: ['In Use MiB', 'In Use MB', 'vInfoInUse'],
    primaryIp: ['Primary IP Address', 'vInfoPrimaryIPAddress'],
    host: ['Host', 'vInfoHost'],
    cluster: ['Cluster', 'vInfoCluster'],
    datacenter: ['Datacenter', 'vInfoDataCenter'],
    os: ['OS according to the configuration file', 'vInfoOS'],
    osTools: ['OS according to the VMware Tools', 'vInfoOSTools'],
    annotation: ['Annotation', 'vInfoAnnotation'],
    vmId: ['VM ID', 'vInfoVMID'],
    uuid: ['VM UUID', 'vInfoUUID'],
    smbiosUuid: ['SMBIOS UUID', 'vInfoSMBIOSUUID'],
  },
  vHost: {
    host: ['Host', 'vHostName'],
    datacenter: ['Datacenter', 'vHostDatacenter'],
    cluster: ['Cluster', 'vHostCluster'],
    cpuModel: ['CPU Model', 'vHostCpuModel'],
    speed: ['Speed', 'vHostCpuMhz'],
    sockets: ['# CPU', 'vHostNumCPU', 'vHostNumCpu'],
    coresPerCpu: ['Cores per CPU', 'vHostCoresPerCPU'],
    cores: ['# Cores', 'vHostNumCpuCores'],
    memory: ['# Memory', 'vHostMemorySize'],
    esxVersion: ['ESX Version', 'vHostFullName'],
    vendor: ['Vendor', 'vHostVendor'],
    model: ['Model', 'vHostModel'],
    serial: ['Serial number', 'vHostSerialNumber'],
    objectId: ['Object ID', 'vHostObjectID'],
  },
  vDatastore: {
    name: ['Name', 'vDatastoreName'],
    type: ['Type', 'vDatastoreType'],
    capacity: ['Capacity MiB', 'Capacity MB', 'vDatastoreCapacity'],
    free: ['Free MiB', 'Free MB', 'vDatastoreFreeMB'],
    inUse: ['In Use MiB', 'In Use MB', 'vDatastoreInUseMB'],
    hosts: ['Hosts', 'vDatastoreHosts'],
    clusterName: ['Cluster name', 'vDatastoreClusterName'],
    datacenter: ['Datacenter', 'vDatastoreDatacenter'],
    objectId: ['Object ID', 'vDatastoreObjectID'],
  },
} as const;

/** The columns a sheet cannot be read without. */
const REQUIRED: { [S in SheetName]: (keyof (typeof COLUMNS)[S])[] } = {
  vInfo: ['vm', 'cpus', 'memory', 'host'],
  vHost: ['host', 'cores', 'speed', 'memory'],
  vDatastore: ['name', 'capacity'],
};

export type Cell = string | number | boolean | Date | null;

export interface SheetRow<S extends SheetName = SheetName> {
  sheet: S;
  /** Row number as the spreadsheet shows it (the header is row 1). */
  row: number;
  values: Partial<Record<keyof (typeof COLUMNS)[S], Cell>>;
}

export interface ParsedExport {
  /** Rows of each sheet found; a sheet absent from the file is absent here. */
  sheets: { vInfo?: SheetRow<'vInfo'>[]; vHost?: SheetRow<'vHost'>[]; vDatastore?: SheetRow<'vDatastore'>[] };
  /** Where each canonical field sits: header text and column letter. */
  columns: { [S in SheetName]?: Partial<Record<string, { header: string; letter: string }>> };
  files: string[];
}

export interface UploadedFile {
  filename: string;
  data: Buffer;
}

export function columnLetter(index1: number): string {
  let s = '';
  for (let n = index1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

const norm = (h: string) => h.replace(/\s+/g, ' ').trim().toLowerCase();

/** Matches a header row to the sheet's fields; refuses a sheet missing a required column. */
function mapHeaders<S extends SheetName>(sheet: S, headers: string[], file: string) {
  const at = new Map(headers.map((h, i) => [norm(h), i] as const));
  const spec = COLUMNS[sheet] as Record<string, readonly string[]>;
  const index: Record<string, number> = {};
  const columns: Record<string, { header: string; letter: string }> = {};
  for (const [field, names] of Object.entries(spec)) {
    for (const name of names) {
      const i = at.get(norm(name));
      if (i !== undefined) {
        index[field] = i;
        columns[field] = { header: headers[i] ?? name, letter: columnLetter(i + 1) };
        break;
      }
    }
  }
  const missing = (REQUIRED[sheet] as string[]).filter((f) => index[f] === undefined).map((f) => spec[f]?.[0] ?? f);
  if (missing.length) throw new InputError('rvtools.missing_columns', { sheet, columns: missing.join(', '), file });
  return { index, columns };
}

function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('result' in v) return cellValue((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ('richText' in v) return (v as ExcelJS.CellRichTextValue).richText.map((r) => r.text).join('');
    if ('text' in v) return String((v as ExcelJS.CellHyperlinkValue).text);
    if ('error' in v) return null;
  }
  return String(v);
}

const isEmpty = (c: Cell) => c === null || (typeof c === 'string' && c.trim() === '');

async function readXlsx(file: UploadedFile, out: ParsedExport): Promise<void> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(file.data as unknown as ArrayBuffer);
  } catch {
    throw new InputError('rvtools.unreadable', { file: file.filename });
  }
  for (const ws of wb.worksheets) {
    const sheet = SHEETS.find((s) => s.toLowerCase() === ws.name.trim().toLowerCase() || `tab${s}`.toLowerCase() === ws.name.trim().toLowerCase());
    if (!sheet) continue;
    const headerRow = ws.getRow(1);
    const headers: string[] = [];
    headerRow.eachCell({ includeEmpty: true }, (cell, col) => {
      headers[col - 1] = String(cellValue(cell.value) ?? '');
    });
    const { index, columns } = mapHeaders(sheet, headers, file.filename);
    const rows: SheetRow[] = [];
    ws.eachRow({ includeEmpty: false }, (r, rowNumber) => {
      if (rowNumber === 1) return;
      const values: Record<string, Cell> = {};
      let any = false;
      for (const [field, i] of Object.entries(index)) {
        const c = cellValue(r.getCell(i + 1).value);
        values[field] = c;
        if (!isEmpty(c)) any = true;
      }
      if (any) rows.push({ sheet, row: rowNumber, values });
    });
    out.sheets[sheet] = rows as never;
    out.columns[sheet] = columns;
  }
}

function sheetOfCsv(filename: string, headers: string[]): SheetName | null {
  const base = filename.toLowerCase();
  for (const s of SHEETS) if (base.includes(`tab${s.toLowerCase()}`) || base.replace(/\.csv$/, '').endsWith(s.toLowerCase())) return s;
  const h = new Set(headers.map(norm));
  if (h.has('vm') && h.has('powerstate')) return 'vInfo';
  if (h.has('vinfovmname')) return 'vInfo';
  if (h.has('host') && (h.has('# cores') || h.has('# cpu'))) return 'vHost';
  if (h.has('vhostname')) return 'vHost';
  if (h.has('name') && (h.has('capacity mib') || h.has('capacity mb'))) return 'vDatastore';
  if (h.has('vdatastorename')) return 'vDatastore';
  return null;
}

function readCsv(file: UploadedFile, out: ParsedExport): void {
  let text = file.data.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  // RVTools writes the list separator of the Windows locale: ',' or ';' (or a tab).
  const delimiter = [';', '\t', ','].reduce((best, d) => (firstLine.split(d).length > firstLine.split(best).length ? d : best), ',');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, { delimiter, relax_column_count: true, skip_empty_lines: true, info: true }) as never;
  } catch {
    throw new InputError('rvtools.unreadable', { file: file.filename });
  }
  const [head, ...body] = records;
  if (!head) throw new InputError('rvtools.no_sheets', { file: file.filename });
  const headers = head.record.map(String);
  const sheet = sheetOfCsv(file.filename, headers);
  if (!sheet) throw new InputError('rvtools.unknown_csv', { file: file.filename });
  const { index, columns } = mapHeaders(sheet, headers, file.filename);
  const rows: SheetRow[] = [];
  for (const r of body) {
    const values: Record<string, Cell> = {};
    let any = false;
    for (const [field, i] of Object.entries(index)) {
      const c = r.record[i] ?? null;
      values[field] = c;
      if (!isEmpty(c)) any = true;
    }
    if (any) rows.push({ sheet, row: r.info.lines, values });
  }
  out.sheets[sheet] = [...((out.sheets[sheet] as SheetRow[] | undefined) ?? []), ...rows] as never;
  out.columns[sheet] = columns;
}

/** Reads one XLSX workbook or several CSV tabs. Refuses files that hold none of the three sheets. */
export async function parseRvtools(files: UploadedFile | UploadedFile[]): Promise<ParsedExport> {
  const list = Array.isArray(files) ? files : [files];
  const out: ParsedExport = { sheets: {}, columns: {}, files: list.map((f) => f.filename) };
  for (const f of list) {
    const zip = f.data.length >= 2 && f.data[0] === 0x50 && f.data[1] === 0x4b; // "PK": an XLSX is a zip
    if (zip || /\.xlsx$/i.test(f.filename)) await readXlsx(f, out);
    else readCsv(f, out);
  }
  if (!SHEETS.some((s) => out.sheets[s])) throw new InputError('rvtools.no_sheets', { file: out.files.join(', ') });
  return out;
}

// ---------------------------------------------------------------------- cell conversions

/** A number as RVTools writes it: 16384, "16384", "16,384" (thousands), "2.5". null if empty; NaN if not a number. */
export function toNumber(c: Cell): number | null {
  if (c === null) return null;
  if (typeof c === 'number') return c;
  if (typeof c === 'boolean' || c instanceof Date) return Number.NaN;
  const s = c.trim();
  if (!s) return null;
  const plain = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s) ? s.replaceAll(',', '') : s;
  return /^-?\d+(\.\d+)?$/.test(plain) ? Number(plain) : Number.NaN;
}

export function toText(c: Cell): string | null {
  if (c === null) return null;
  const s = (c instanceof Date ? c.toISOString() : String(c)).trim();
  return s || null;
}

export function toBool(c: Cell): boolean | null {
  if (c === null) return null;
  if (typeof c === 'boolean') return c;
  const s = String(c).trim().toLowerCase();
  if (['true', 'yes', '1'].includes(s)) return true;
  if (['false', 'no', '0', ''].includes(s)) return false;
  return null;
}
