import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from '../../http/server.ts';
import { loadConfig } from '../../kernel/config.ts';

/** A real `kiban start` on a new embedded database, in each mode: the simulator is the demo's alone. */
async function start(mode: 'demo' | 'production') {
  const dir = mkdtempSync(join(tmpdir(), `kiban-sim-${mode}-`));
  const lines: string[] = [];
  const config = loadConfig({
    KIBAN_DATA_DIR: dir,
    KIBAN_PORT: '0',
    KIBAN_HOST: '127.0.0.1',
    KIBAN_MODE: mode,
    KIBAN_SENDER_PORT: '0',
    KIBAN_DEMO_PASSWORD: 'start-test-password',
    KIBAN_LOG_LEVEL: 'silent',
  });
  const server = await startServer(config, (l) => lines.push(l));
  return {
    lines,
    get: (path: string) => fetch(`${server.url.replace('localhost', '127.0.0.1')}${path}`),
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('kiban start and the demo simulator', () => {
  it('outside demo mode nothing changes: no simulator, no monitoring by default, no demo endpoints', async () => {
    const s = await start('production');
    try {
      expect(s.lines.join('\n')).not.toMatch(/Demo simulator|Monitoring: on/);
      expect((await s.get('/api/demo/status')).status).toBe(404);
    } finally {
      await s.stop();
    }
  }, 60_000);

  it('a demo start runs monitoring against the simulator, with the catcher and the demo endpoints', async () => {
    const s = await start('demo');
    try {
      const text = s.lines.join('\n');
      expect(text).toMatch(/Demo simulator: \d+ hosts on 127\.0\.1\.1 … 127\.0\.\d+\.\d+, mail catcher on 127\.0\.0\.1:\d+/);
      expect(text).toMatch(/Monitoring: on/);
      expect(await (await s.get('/api/demo/status')).json()).toEqual({ demo: true });
      expect((await s.get('/api/demo/mails')).status).toBe(401); // the mails need a session
    } finally {
      await s.stop();
    }
  }, 180_000);
});
