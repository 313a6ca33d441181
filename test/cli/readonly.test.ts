/**
 * A library the user may read but not write (another user's, a read-only share): every
 * command that only reads works. Run as root (containers), the reader is `nobody`; otherwise
 * the library is made read-only for the current user.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { chmodSync, cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FIXTURES, tempDir } from '../helpers.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'engram.js');
const asRoot = process.getuid?.() === 0;

/** Run as someone who may read the library but not write it. */
function readerOptions(): SpawnOptions {
  return { env: { ...process.env, ENGRAM_HOME: '' }, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) };
}

function makeReadOnly(lib: string): void {
  for (const f of readdirSync(lib)) chmodSync(join(lib, f), 0o444);
  chmodSync(lib, 0o555);
}

function reader(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { ...readerOptions(), encoding: 'utf8' });
  return { code: r.status, out: String(r.stdout), err: String(r.stderr) };
}

describe('a library the user may only read', () => {
  const built = tempDir();
  const ingest = spawnSync(process.execPath, [BIN, 'ingest', join(FIXTURES, 'library'), '--library', built], { encoding: 'utf8', env: { ...process.env, ENGRAM_HOME: '' } });
  /** A copy of the library, as its writer left it. */
  const buildLibrary = (): string => {
    expect(ingest.status).toBe(0);
    const lib = tempDir();
    cpSync(built, lib, { recursive: true });
    return lib;
  };

  it('search, stats and show work; nothing is created next to it', () => {
    const lib = buildLibrary();
    makeReadOnly(lib);
    const before = readdirSync(lib).sort();
    expect(before).toEqual(['library.db', 'writer.lock']); // no WAL or shared-memory files
    const stats = reader(['stats', '--library', lib, '--json']);
    expect(stats.err).toBe('');
    expect(JSON.parse(stats.out).documents).toBe(6);
    expect(JSON.parse(reader(['search', '稀疏注意力', '--library', lib, '--json']).out).length).toBeGreaterThan(0);
    expect(reader(['show', 'Ab3dEf9hIj0', '--library', lib]).code).toBe(0);
    expect(readdirSync(lib).sort()).toEqual(before);
  });

  it('is read even when its last writer left it in WAL mode (a snapshot in memory)', () => {
    const lib = buildLibrary();
    const db = new Database(join(lib, 'library.db'));
    db.pragma('journal_mode = WAL');
    db.close();
    makeReadOnly(lib);
    const stats = reader(['stats', '--library', lib, '--json']);
    expect(stats.err).toBe('');
    expect(JSON.parse(stats.out).documents).toBe(6);
  });

  it('serve works', async () => {
    const lib = buildLibrary();
    makeReadOnly(lib);
    const child = spawn(process.execPath, [BIN, 'serve', '--library', lib, '--port', '0'], { ...readerOptions(), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout!.on('data', (d) => {
          out += d;
          const m = /open (http:\/\/\S+?)\/?\s/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.stderr!.on('data', (d) => (err += d));
        child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
      });
      const res = await fetch(`${url}/api/stats`);
      expect(res.status).toBe(200);
      expect((await res.json()).documents).toBe(6);
      const found = await fetch(`${url}/api/search?q=${encodeURIComponent('稀疏注意力')}`);
      expect(found.status).toBe(200);
      expect((await found.json()).total).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
