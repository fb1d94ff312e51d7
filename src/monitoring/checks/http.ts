import type { Check, CheckItem, Observation } from '../model.ts';

/**
 * HTTP monitoring (M §3.3 table 3-6 #4): response within 15 s, 2 retries, expected status and
 * optionally expected content. Uses Node's built-in fetch (undici underneath) with an
 * AbortSignal.timeout per attempt. One check = first attempt + `retries`; it is `down` only when
 * every attempt failed, and then counts once towards the item's consecutive failures.
 */
export interface HttpParams {
  url: string;
  timeoutMs?: number;
  retries?: number;
  /** Accepted status codes; [200] by default (Zabbix web scenarios' default). */
  expectStatus?: number[];
  /** The body must contain this text (substring). */
  contains?: string;
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
}

export const HTTP_DEFAULTS = { timeoutMs: 15_000, retries: 2, expectStatus: [200] } as const;

export class HttpCheck implements Check {
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  constructor(opts: { fetch?: typeof fetch; now?: () => number } = {}) {
    this.#fetch = opts.fetch ?? fetch;
    this.#now = opts.now ?? (() => performance.now());
  }

  async check(item: CheckItem): Promise<Observation> {
    const p = item.params as unknown as HttpParams;
    if (typeof p.url !== 'string' || !/^https?:\/\//.test(p.url)) return { outcome: 'unknown', detail: 'the item has no http(s) url' };
    const timeoutMs = p.timeoutMs ?? HTTP_DEFAULTS.timeoutMs;
    const attempts = 1 + (p.retries ?? HTTP_DEFAULTS.retries);
    const expect: readonly number[] = p.expectStatus ?? HTTP_DEFAULTS.expectStatus;
    const failures: string[] = [];
    for (let i = 0; i < attempts; i++) {
      const started = this.#now();
      try {
        const res = await this.#fetch(p.url, {
          method: p.method ?? 'GET',
          headers: p.headers,
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'follow',
        });
        let body = '';
        if (p.contains !== undefined) body = await res.text();
        else await res.body?.cancel();
        const ms = Math.round(this.#now() - started);
        if (!expect.includes(res.status)) {
          failures.push(`status ${res.status}`);
          continue;
        }
        if (p.contains !== undefined && !body.includes(p.contains)) {
          failures.push(`content "${p.contains}" not found`);
          continue;
        }
        return { outcome: 'value', value: String(res.status), ms, detail: i > 0 ? `ok after ${i} retr${i > 1 ? 'ies' : 'y'}` : 'ok' };
      } catch (e) {
        const err = e as Error & { cause?: { code?: string } };
        failures.push(err.name === 'TimeoutError' ? `no response within ${timeoutMs} ms` : (err.cause?.code ?? err.message));
      }
    }
    return { outcome: 'down', detail: `${attempts} attempts failed: ${failures.join('; ')}` };
  }
}
