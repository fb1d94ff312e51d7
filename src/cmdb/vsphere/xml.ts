/**
 * SOAP envelopes for the vSphere Web Services API (vim25): building request bodies with correct XML
 * escaping, and turning response XML into plain JavaScript values.
 *
 * Requests are built from small string helpers (`el`, `refEl`) rather than a generic object serializer
 * because vim25 is order-sensitive (xsd:sequence) and each call's body is short enough to read as XML.
 * Responses are parsed with fast-xml-parser and then decoded by `decode`, which follows the encoding
 * vCenter and govmomi's simulator both use: `xsi:type="xsd:int"` on scalars, `type="HostSystem"` on
 * managed object references, `xsi:type="ArrayOfX"` wrapping repeated `<X>` children.
 */
import { XMLParser } from 'fast-xml-parser';

/** A managed object reference, e.g. `{ type: 'VirtualMachine', value: 'vm-42' }`. */
export interface MoRef {
  type: string;
  value: string;
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/**
 * Escapes text for an XML element body or attribute value. Characters that XML 1.0 cannot carry at
 * all (C0 controls other than tab/newline/CR, lone surrogates, U+FFFE/U+FFFF) are rejected rather than
 * silently dropped: sending a different password or name than the caller gave is worse than failing.
 */
export function escapeXml(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters XML forbids
  const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  if (forbidden.test(text)) throw new RangeError('text contains a character that XML cannot represent');
  // \r would be normalised to \n by the receiving parser: keep it as a character reference.
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c).replace(/\r/g, '&#13;');
}

/** One element: `el('name', 'text')` or `el('spec', el('a', '1') + el('b', '2'), { 'xsi:type': 'X' })`. */
export function el(name: string, content: string | number | boolean | RawXml | RawXml[] | null | undefined, attrs?: Record<string, string>): RawXml {
  const attrText = attrs
    ? Object.entries(attrs)
        .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
        .join('')
    : '';
  if (content === null || content === undefined) return raw(`<${name}${attrText}/>`);
  const body = Array.isArray(content)
    ? content.map((c) => c.xml).join('')
    : content instanceof RawXml
      ? content.xml
      : escapeXml(String(content));
  return raw(`<${name}${attrText}>${body}</${name}>`);
}

/** A managed object reference element: `<name type="VirtualMachine">vm-42</name>`. */
export function refEl(name: string, ref: MoRef): RawXml {
  return el(name, ref.value, { type: ref.type });
}

/** Already-escaped XML. Only `el`, `refEl` and `raw('')` should create these. */
export class RawXml {
  constructor(readonly xml: string) {}
  toString(): string {
    return this.xml;
  }
}

export function raw(xml: string): RawXml {
  return new RawXml(xml);
}

/** Joins fragments (skipping null/undefined, for optional elements) into one fragment. */
export function seq(...parts: (RawXml | null | undefined | false)[]): RawXml {
  return raw(parts.map((p) => (p ? p.xml : '')).join(''));
}

/** The full request document for one vim25 method invoked on `self`. */
export function envelope(method: string, self: MoRef, body: RawXml = raw('')): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
    ' xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soapenv:Body><${method} xmlns="urn:vim25">${refEl('_this', self).xml}${body.xml}</${method}></soapenv:Body>` +
    '</soapenv:Envelope>'
  );
}

// ---------------------------------------------------------------------------------------------------
// Parsing

/**
 * Decodes the XML predefined entities and character references in one pass, so `&amp;lt;` becomes
 * `&lt;` and not `<`. fast-xml-parser's own entity handling leaves numeric references (`&#34;`, which
 * Go's encoder uses for quotes and control characters) undecoded.
 */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (whole, ent: string) => {
    switch (ent) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
    }
    const code = ent[1] === 'x' || ent[1] === 'X' ? Number.parseInt(ent.slice(2), 16) : Number.parseInt(ent.slice(1), 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  tagValueProcessor: (_name, value) => decodeEntities(value),
  attributeValueProcessor: (_name, value) => decodeEntities(value),
});

/** A parsed XML node as fast-xml-parser returns it. */
export type XmlNode = string | { [key: string]: XmlNode | XmlNode[] };

export function parseXml(xml: string): Record<string, unknown> {
  return parser.parse(xml) as Record<string, unknown>;
}

/** The local part of a possibly prefixed name: `soapenv:Body` → `Body`. */
export function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

/** Finds a child by local name, whatever namespace prefix the server chose. */
export function child(node: unknown, name: string): unknown {
  if (!node || typeof node !== 'object') return undefined;
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (!k.startsWith('@_') && localName(k) === name) return v;
  }
  return undefined;
}

/**
 * The xsi:type of a node. Go's encoder (vcsim) declares its own prefix (`XMLSchema-instance:type`)
 * where vCenter writes `xsi:type`, so any prefixed attribute whose local name is `type` counts; the
 * unprefixed `type` attribute is a managed object reference's type and is a different thing.
 */
export function xsiType(node: unknown): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k.startsWith('@_') && k.includes(':') && localName(k.slice(2)) === 'type' && typeof v === 'string') {
      return localName(v);
    }
  }
  return undefined;
}

export function asArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

const NUMBER_TYPES = new Set(['int', 'long', 'short', 'byte', 'float', 'double', 'decimal', 'integer']);

/**
 * Turns a parsed node into plain data: typed scalars become numbers/booleans, references become
 * MoRef objects, ArrayOfX becomes an array; complex objects become objects whose untyped leaves stay
 * strings (typed accessors such as `num()` convert them where the caller knows the schema).
 */
export function decode(node: unknown): unknown {
  if (node === undefined || node === null) return null;
  if (typeof node !== 'object') return String(node);
  if (Array.isArray(node)) return node.map(decode);
  const obj = node as Record<string, unknown>;
  const type = xsiType(obj);
  const refType = obj['@_type'];
  const text = typeof obj['#text'] === 'string' ? (obj['#text'] as string) : '';
  if (typeof refType === 'string' && (type === undefined || type === 'ManagedObjectReference')) {
    return { type: refType, value: text } satisfies MoRef;
  }
  if (type?.startsWith('ArrayOf')) {
    const items = Object.entries(obj).filter(([k]) => !k.startsWith('@_') && k !== '#text');
    return items.flatMap(([, v]) => asArray(v).map(decode));
  }
  if (type && (NUMBER_TYPES.has(type) || type.startsWith('unsigned'))) return Number(text);
  if (type === 'boolean') return text === 'true' || text === '1';
  const keys = Object.keys(obj).filter((k) => !k.startsWith('@_'));
  if (keys.length === 0) return type ? (type === 'string' || type === 'dateTime' ? '' : { _type: type }) : '';
  if (keys.length === 1 && keys[0] === '#text') return text;
  const out: Record<string, unknown> = {};
  if (type) out._type = type;
  for (const k of keys) {
    if (k === '#text') continue;
    const v = obj[k];
    out[localName(k)] = Array.isArray(v) ? v.map(decode) : decode(v);
  }
  return out;
}
