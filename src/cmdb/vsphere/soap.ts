/**
 * Reading a vim25 SOAP response: the method's `returnval`, or the fault turned into a typed error.
 */
import { faultToError, VsphereError } from './errors.ts';
import { asArray, child, decode, localName, parseXml, xsiType } from './xml.ts';

export interface SoapResult {
  /** The raw parsed `returnval` node(s); undefined when the method returns nothing. */
  returnval: unknown;
}

export function readSoapResponse(method: string, status: number, body: string): SoapResult {
  let doc: Record<string, unknown>;
  try {
    doc = parseXml(body);
  } catch (err) {
    throw new VsphereError('protocol', `${method}: HTTP ${status}, response is not XML`, null, null, { cause: err });
  }
  const soapBody = child(child(doc, 'Envelope'), 'Body');
  if (soapBody === undefined) {
    throw new VsphereError('protocol', `${method}: HTTP ${status}, response is not a SOAP envelope: ${body.slice(0, 200)}`);
  }
  const fault = child(soapBody, 'Fault');
  if (fault !== undefined) throw faultError(fault);
  if (status < 200 || status >= 300) {
    throw new VsphereError('protocol', `${method}: HTTP ${status} without a SOAP fault`);
  }
  const response = child(soapBody, `${method}Response`);
  if (response === undefined) {
    throw new VsphereError('protocol', `${method}: no ${method}Response in the answer`);
  }
  return { returnval: child(response, 'returnval') };
}

/** Builds the typed error for a `<soapenv:Fault>`; the fault type comes from the detail element. */
export function faultError(fault: unknown): VsphereError {
  const faultString = String(decode(child(fault, 'faultstring')) ?? '');
  const detail = child(fault, 'detail');
  let faultType: string | null = null;
  let decoded: unknown = null;
  if (detail && typeof detail === 'object') {
    for (const [k, v] of Object.entries(detail as Record<string, unknown>)) {
      if (k.startsWith('@_') || k === '#text') continue;
      const node = asArray(v)[0];
      faultType = xsiType(node) ?? localName(k).replace(/Fault$/, '');
      decoded = decode(node);
      break;
    }
  }
  return faultToError(faultType, faultString, decoded);
}

/**
 * A LocalizedMethodFault (task `info.error`, MissingProperty `fault`) → error. Its `fault` child
 * carries the type; `localizedMessage` the text.
 */
export function localizedFault(value: unknown): { faultType: string | null; message: string; detail: unknown } {
  const v = (value ?? {}) as Record<string, unknown>;
  const fault = v.fault as Record<string, unknown> | undefined;
  const faultType = typeof fault?._type === 'string' ? fault._type : null;
  const message = typeof v.localizedMessage === 'string' ? v.localizedMessage : (faultType ?? 'unknown fault');
  return { faultType, message, detail: fault ?? null };
}
