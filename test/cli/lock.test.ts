/** Two writers on one library: the second waits for the first (saying so) or, told not to, exits 3. */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { acquireWriterLock } from '../../src/store/lock.js';
import { FIXTURES, tempDir } from '../helpers.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'engram.js');
const env = { ...process.env, ENGRAM_HOME: '' };

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

describe('one writer at a time', () => {
  it('a second ingest waits, naming the writer, and then completes', async () => {
    const lib = tempDir();
    const lock = await acquireWriterLock(lib, { command: 'ingest' });
    const second = run(['ingest', join(FIXTURES, 'library'), '--library', lib, '--json']);
    await new Promise((r) => setTimeout(r, 1500));
    lock.release();
    const r = await second;
    expect(r.err).toContain(`another engram ingest (pid ${process.pid}) is writing to this library; waiting…`);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).documents.added).toBe(6);
  });

  it('with --no-wait it stops at once with exit code 3 and says why', async () => {
    const lib = tempDir();
    const lock = await acquireWriterLock(lib, { command: 'ingest' });
    try {
      const r = spawnSync(process.execPath, [BIN, 'ingest', join(FIXTURES, 'library'), '--library', lib, '--no-wait'], { env, encoding: 'utf8' });
      expect(r.status).toBe(3);
      expect(r.stderr).toMatch(new RegExp(`another engram ingest \\(pid ${process.pid}\\) is writing to .*: try again when it is done`));
    } finally {
      lock.release();
    }
  });

  it('two ingests started together both finish; the library holds everything once', async () => {
    const lib = tempDir();
    const [a, b] = await Promise.all([
      run(['ingest', join(FIXTURES, 'library'), '--library', lib, '--json']),
      run(['ingest', join(FIXTURES, 'library'), '--library', lib, '--json']),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const added = [a, b].map((r) => JSON.parse(r.out).documents.added).sort();
    expect(added).toEqual([0, 6]);
  });

  it('a writer killed with -9 leaves no stale lock', async () => {
    const lib = tempDir();
    const holder = spawn(process.execPath, ['--input-type=module', '-e', `
      const { acquireWriterLock } = await import(${JSON.stringify(join(import.meta.dirname, '..', '..', 'dist', 'store', 'lock.js'))});
      await acquireWriterLock(${JSON.stringify(lib)}, { command: 'ingest' });
      console.log('locked');
      setInterval(() => {}, 1000);
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout.on('data', () => resolve()));
    holder.kill('SIGKILL');
    await new Promise((r) => holder.on('exit', r));
    const lock = await acquireWriterLock(lib, { wait: false });
    lock.release();
  });
});
