import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { like } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../audit/audit.ts';
import { departments } from '../iam/schema.ts';
import { lockDataDir, openConfigured } from './datadir.ts';

const dir = mkdtempSync(join(tmpdir(), 'kiban-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a process killed while writing (PGlite data directory)', () => {
  it('loses nothing it acknowledged, keeps the audit chain intact, and the next start takes over the lock', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'crash-writer.fixture.ts'), dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked: number[] = [];
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buf += chunk.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) if (l.startsWith('ACK ')) acked.push(Number(l.slice(4)));
        // Kill it mid-stream, with writes in flight.
        if (acked.length >= 40 && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited early: ${code}`))));
    });
    await new Promise((r) => child.once('exit', r).once('close', r));

    // While the killed process's lock file is still there, a second opener is not refused forever.
    const d = await openConfigured({ dataDir: dir }, 'crash test');
    try {
      const rows = await d.db.select({ code: departments.code }).from(departments).where(like(departments.code, 'CRASH-%'));
      const stored = new Set(rows.map((r) => r.code));
      const lost = acked.filter((n) => !stored.has(`CRASH-${n}`));
      expect(lost).toEqual([]);
      const chain = await verifyAuditChain(d.db);
      expect(chain.ok).toBe(true);
      expect(chain.checked).toBeGreaterThanOrEqual(acked.length);
      // And a live holder is respected: a second opener of the same directory is refused by name.
      expect(() => lockDataDir(dir, 'second')).toThrow('db.locked');
    } finally {
      await d.close();
    }
  });
});
