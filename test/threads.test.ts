/**
 * engram used as a library from `node --input-type=module -e …`, or run with V8 options
 * (`node --max-old-space-size=8192 …`): its worker threads (parse workers, search threads) must
 * start there too (they inherit the process's node options that a worker takes).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { workerExecArgv } from '../src/threads.js';
import { tempDir } from './helpers.js';

const DIST = pathToFileURL(join(import.meta.dirname, '..', 'dist')).href;

describe('worker threads', () => {
  it('take no node options that only say how to read the main program', () => {
    expect(workerExecArgv(['--input-type=module', '-e', 'code', '--max-old-space-size=99', '--cpu-prof'])).toEqual(['--max-old-space-size=99', '--cpu-prof']);
    expect(workerExecArgv(['--input-type', 'module', '--eval=x', '-p', 'y', '--trace-gc'])).toEqual(['--trace-gc']);
  });

  it('start in a program given with --input-type=module -e and whole-process options (V8 flags): files parse in a worker, the server searches in a thread', () => {
    const dir = tempDir();
    const notes = join(dir, 'notes');
    mkdirSync(notes);
    for (let i = 0; i < 4; i++) writeFileSync(join(notes, `n${i}.md`), `# 第${i}篇\n\nDeepSeek 的第 ${i} 个模型。\n`);
    const code = `
      const { openLibrary } = await import('${DIST}/store/db.js');
      const { ingest } = await import('${DIST}/pipeline/ingest.js');
      const { startServer } = await import('${DIST}/server/server.js');
      const db = openLibrary(${JSON.stringify(join(dir, 'lib'))});
      const r = await ingest(db, [${JSON.stringify(notes)}], { workers: 1 });
      const server = await startServer({ db, port: 0, searchThreads: 1 });
      const res = await fetch(server.url + '/api/search?q=DeepSeek');
      const body = await res.json();
      await server.close();
      console.log(JSON.stringify({ workers: r.workers, failures: r.failures, status: res.status, total: body.total }));
      process.exit(0);`;
    // V8's options apply to every thread already; a Worker given them in its execArgv throws.
    const out = execFileSync(process.execPath, ['--max-old-space-size=2048', '--expose-gc', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ workers: 1, failures: [], status: 200, total: 4 });
  }, 90_000);
});
