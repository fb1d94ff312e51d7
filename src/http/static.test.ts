import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_DIST } from './app.ts';
import { type TestApp, testApp } from './testing.ts';

// The built UI as the browser receives it (issue 13 item 5: cold load). Needs `npm run build:web`,
// which the test command runs first; a missing build fails here, never skips.
let t: TestApp;
let mainScript: string;

beforeAll(async () => {
  expect(existsSync(join(WEB_DIST, 'index.html')), 'web/dist missing: npm run build:web').toBe(true);
  t = await testApp({ serveWeb: true });
  const html = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
  mainScript = /src="(\/assets\/index-[^"]+\.js)"/.exec(html)![1]!;
});
afterAll(() => t?.close());

describe('the web UI from web/dist', () => {
  it('sends the application script brotli-compressed to a browser that accepts it, from the copy the build wrote', async () => {
    const plain = readFileSync(join(WEB_DIST, mainScript));
    const res = await t.app.inject({ url: mainScript, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.rawPayload.length).toBeLessThan(plain.length / 2);
    expect(brotliDecompressSync(res.rawPayload).equals(plain)).toBe(true);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('gzip for a browser without brotli, and the plain file for one that accepts neither', async () => {
    const plain = readFileSync(join(WEB_DIST, mainScript));
    const gz = await t.app.inject({ url: mainScript, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).equals(plain)).toBe(true);
    const none = await t.app.inject({ url: mainScript, headers: { 'accept-encoding': 'identity' } });
    expect(none.headers['content-encoding']).toBeUndefined();
    expect(none.rawPayload.equals(plain)).toBe(true);
  });

  it('every large asset has its compressed copies (a build without the plugin would send them raw)', () => {
    const assets = readdirSync(join(WEB_DIST, 'assets'));
    const large = assets.filter((f) => /\.(js|css)$/.test(f) && readFileSync(join(WEB_DIST, 'assets', f)).length > 10_000);
    expect(large.length).toBeGreaterThan(3);
    for (const f of large) {
      expect(assets, f).toContain(`${f}.br`);
      expect(assets, f).toContain(`${f}.gz`);
    }
  });

  it('index.html, also for a client-side route, is asked for again every time (a new build is picked up)', async () => {
    for (const url of ['/', '/changes/schedule']) {
      const res = await t.app.inject({ url, headers: { 'accept-encoding': 'br' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toContain('text/html');
      expect(res.body, url).toContain(mainScript);
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('an unknown asset is a 404, not the page', async () => {
    expect((await t.app.inject('/assets/nope-123.js')).statusCode).toBe(404);
  });
});
