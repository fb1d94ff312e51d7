import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConflictError } from '../kernel/errors.ts';
import { type Database, openDatabase } from './connection.ts';

/**
 * PGlite keeps its data in one directory that only one process may open: a second opener would
 * corrupt it. A lock file with the holder's pid makes the second one stop with a clear message;
 * a lock left by a killed process (pid no longer alive) is taken over.
 */
export function lockDataDir(dataDir: string, purpose: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'kiban.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() }));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readHolder(file);
      if (holder && alive(holder.pid)) {
        throw new ConflictError('db.locked', { dir: resolve(dataDir), pid: holder.pid, purpose: holder.purpose });
      }
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new ConflictError('db.locked', { dir: resolve(dataDir), pid: '?', purpose: '?' });
}

function readHolder(file: string): { pid: number; purpose: string } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The database a configured process uses: the PostgreSQL server of DATABASE_URL, or PGlite in the data directory (locked). */
export async function openConfigured(
  config: { databaseUrl?: string; dataDir: string },
  purpose: string,
): Promise<Database & { where: string }> {
  if (config.databaseUrl) {
    const d = await openDatabase({ url: config.databaseUrl });
    return { ...d, where: redactUrl(config.databaseUrl) };
  }
  const release = lockDataDir(config.dataDir, purpose);
  try {
    const d = await openDatabase({ dataDir: config.dataDir });
    return {
      ...d,
      where: `PGlite ${resolve(config.dataDir)}`,
      close: async () => {
        try {
          await d.close();
        } finally {
          release();
        }
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'PostgreSQL';
  }
}
