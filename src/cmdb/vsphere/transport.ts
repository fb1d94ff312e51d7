/**
 * One SOAP POST to vCenter's /sdk endpoint over a dedicated HTTPS agent. The agent carries this
 * connection's trust settings (CA or `insecure`), so they never leak into the process's global TLS
 * settings (NODE_TLS_REJECT_UNAUTHORIZED) or into other connectors' requests.
 */
import http from 'node:http';
import https from 'node:https';
import { transportError, VsphereError } from './errors.ts';

export interface TransportOptions {
  /** e.g. `https://vcenter.example.lg.jp/sdk` (a bare host URL gets `/sdk`). */
  url: string;
  /** PEM certificate(s) to trust for this server (a private CA, or the server's own self-signed cert). */
  ca?: string | string[];
  /** Accept any certificate. For the simulator and lab vCenters only. */
  insecure?: boolean;
  /** SOAPAction namespace version, e.g. `6.7` → `urn:vim25/6.7`. */
  apiVersion?: string;
  /** Milliseconds before an ordinary call is abandoned. */
  timeoutMs?: number;
}

export interface SoapResponse {
  status: number;
  body: string;
  setCookie: string[];
}

export class SoapTransport {
  readonly url: URL;
  readonly #agent: http.Agent;
  readonly #soapAction: string;
  readonly #timeoutMs: number;
  #closed = false;

  constructor(options: TransportOptions) {
    const url = new URL(options.url);
    if (url.pathname === '/' || url.pathname === '') url.pathname = '/sdk';
    url.username = '';
    url.password = '';
    this.url = url;
    this.#soapAction = `urn:vim25/${options.apiVersion ?? '6.7'}`;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#agent =
      url.protocol === 'https:'
        ? new https.Agent({
            keepAlive: true,
            ca: options.ca,
            rejectUnauthorized: !options.insecure,
          })
        : new http.Agent({ keepAlive: true });
  }

  /** Posts one envelope. `timeoutMs` overrides the default (long polls need longer). */
  post(xml: string, cookie: string | null, timeoutMs = this.#timeoutMs): Promise<SoapResponse> {
    if (this.#closed) return Promise.reject(new VsphereError('connection', 'the vCenter connection is closed'));
    const mod = this.url.protocol === 'https:' ? https : http;
    const payload = Buffer.from(xml, 'utf8');
    return new Promise<SoapResponse>((resolve, reject) => {
      const req = mod.request(
        this.url,
        {
          method: 'POST',
          agent: this.#agent,
          headers: {
            'Content-Type': 'text/xml; charset=utf-8',
            'Content-Length': payload.length,
            SOAPAction: this.#soapAction,
            ...(cookie ? { Cookie: cookie } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => reject(transportError(err, this.url.origin)));
          res.on('end', () => {
            const setCookie = res.headers['set-cookie'] ?? [];
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), setCookie });
          });
        },
      );
      req.setTimeout(timeoutMs, () => {
        req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
      });
      req.on('error', (err) => reject(transportError(err, this.url.origin)));
      req.end(payload);
    });
  }

  /** Closes idle keep-alive sockets; in-flight requests finish or fail on their own. */
  close(): void {
    this.#closed = true;
    this.#agent.destroy();
  }
}
