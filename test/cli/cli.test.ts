import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FIXTURES, tempDir } from '../helpers.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'engram.js');

function engram(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', env: { ...process.env, ENGRAM_HOME: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('engram CLI', () => {
  const lib = tempDir();
  const ingest = engram(['ingest', join(FIXTURES, 'library'), '--library', lib, '--json']);

  it('ingests and reports as JSON, quietly in a pipe', () => {
    expect(ingest.code).toBe(0);
    const report = JSON.parse(ingest.out);
    expect(report.documents.added).toBe(6);
    expect(ingest.err).toBe('');
  });

  it('searches with the documented JSON shape', () => {
    const r = engram(['search', '稀疏注意力機制', '--library', lib, '--json']);
    expect(r.code).toBe(0);
    const hits = JSON.parse(r.out);
    expect(hits[0]).toMatchObject({
      document: { id: expect.any(Number), title: expect.stringContaining('稀疏注意力机制'), date: '2025-04-02', source: 'channel', url: 'https://www.youtube.com/watch?v=Ab3dEf9hIj0', origins: expect.arrayContaining(['channel/archive.md#1']) },
      passage: { text: expect.any(String) },
      score: expect.any(Number),
      highlights: expect.any(Array),
    });
    expect(hits[0].passage).toHaveProperty('start');
    expect(hits[0].passage).toHaveProperty('speaker');
  });

  it('prints human results with a deep link and a highlight', () => {
    const r = engram(['search', '端侧模型 特别重要', '--library', lib]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('小模型的大未来');
    expect(r.out).toContain('[端侧模型特别重要]');
    expect(r.out).toContain('#t=');
  });

  it('answers one JSON line per stdin query in --batch mode', () => {
    const r = engram(['search', '--batch', '--json', '--library', lib], '英伟达\n\nDensing Law\n');
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.query)).toEqual(['英伟达', 'Densing Law']);
    expect(lines[0]).toHaveProperty('took_ms');
    expect(lines[1].results.length).toBeGreaterThan(0);
  });

  it('stats and show', () => {
    const s = JSON.parse(engram(['stats', '--library', lib, '--json']).out);
    expect(s).toMatchObject({ documents: 6, renditions: 8, sources: expect.any(Number), passages: expect.any(Number) });
    const byUrl = engram(['show', 'https://www.youtube.com/watch?v=Ab3dEf9hIj0', '--library', lib]);
    expect(byUrl.code).toBe(0);
    expect(byUrl.out).toContain('稀疏注意力机制新突破');
    expect(byUrl.out).not.toContain('好的，我來為您整理');
    expect(engram(['show', 'https://www.youtube.com/watch?v=Ab3dEf9hIj0', '--library', lib, '--boilerplate']).out).toContain('好的，我來為您整理');
    const json = JSON.parse(engram(['show', 'Ab3dEf9hIj0', '--library', lib, '--json']).out);
    expect(json.renditions.map((r: { kind: string }) => r.kind).sort()).toEqual(['raw-transcript', 'transcript']);
    expect(engram(['show', '99999', '--library', lib]).code).toBe(1);
  });

  it('exits 2 on usage errors and explains', () => {
    expect(engram(['search', '--library', lib]).code).toBe(2);
    expect(engram(['ingest', '--library', lib]).code).toBe(2);
    const bad = engram(['search', 'x', '--bogus', '--library', lib]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/bogus/);
    expect(engram(['frobnicate']).code).toBe(2);
    expect(engram(['ingest', 'x', '--format', 'nope', '--library', lib]).err).toMatch(/unknown format/);
    expect(engram(['search', 'x', '--library', join(lib, 'nowhere')]).err).toMatch(/no library/);
  });

  it('only ingest and following a source start a library: other commands refuse a mistyped --library, and a file', () => {
    const typo = join(lib, 'typo', 'lib');
    const file = join(lib, 'a-file');
    writeFileSync(file, 'not a library');
    for (const args of [['summarize', '--missing'], ['forget', '--missing'], ['jobs'], ['source', 'list'], ['corrections', 'revert', 'abc'], ['update']]) {
      const r = engram([...args, '--library', typo]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(/no library at/);
      const onFile = engram([...args, '--library', file]);
      expect(onFile.code, args.join(' ')).toBe(2);
      expect(onFile.err, args.join(' ')).toMatch(/is a file, not a library folder/);
    }
    expect(existsSync(join(lib, 'typo'))).toBe(false);
    expect(engram(['ingest', join(FIXTURES, 'library'), '--library', file]).err).toMatch(/is a file, not a library folder/);
  });

  it('a --source the library does not have is a usage error everywhere, not an empty result', () => {
    for (const args of [['search', '模型'], ['ask', '模型是什么'], ['summarize'], ['digest']]) {
      const r = engram([...args, '--source', 'no-such-source', '--library', lib]);
      expect(r.code, args[0]).toBe(2);
      expect(r.err, args[0]).toMatch(/no source "no-such-source" in the library/);
    }
    expect(engram(['search', '模型', '--source', 'CHANNEL', '--library', lib]).code).toBe(0); // as search matches: any case
  });

  it('says which file is wrong, and what to do, for a damaged library or a path that is a file', () => {
    const broken = tempDir();
    writeFileSync(join(broken, 'library.db'), 'this is no database '.repeat(50));
    const r = engram(['stats', '--library', broken]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(join(broken, 'library.db'));
    expect(r.err).toMatch(/not an SQLite database.*restore it from a backup/);
    const file = join(broken, 'a-file');
    writeFileSync(file, 'x');
    expect(engram(['export', 'obsidian', file, '--library', lib]).err).toContain(`${file} is a file, not a folder`);
    expect(engram(['ingest', join(FIXTURES, 'library'), '--library', lib, '--dict', broken]).err).toContain(`cannot read the dictionary ${broken}: it is a folder`);
  });

  // Node's recursive mkdir loops forever there (folders.ts): these hung until killed.
  it.runIf(existsSync('/proc/self'))('an export folder or library under /proc is refused at once, not waited on forever', () => {
    const into = `/proc/engram-${process.pid}/notes`;
    const exported = engram(['export', 'logseq', into, '--library', lib]);
    expect(exported.code).toBe(1);
    expect(exported.err).toContain(`cannot create the folder /proc/engram-${process.pid}: its file system takes no new folders`);
    expect(engram(['ingest', join(FIXTURES, 'library'), '--library', into]).err).toContain('its file system takes no new folders');
  });

  it('corrections revert writes the library (as a writer), and the revert holds', () => {
    const own = tempDir();
    expect(engram(['ingest', join(FIXTURES, 'corrections'), '--library', own]).code).toBe(0);
    const before = JSON.parse(engram(['corrections', '--library', own, '--json']).out) as { id: string; original: string }[];
    expect(before.length).toBeGreaterThan(0);
    const r = engram(['corrections', 'revert', before[0]!.id, '--library', own]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^reverted ${before[0]!.id}: .*"${before[0]!.original}" again`));
    const after = JSON.parse(engram(['corrections', '--library', own, '--json']).out) as { id: string }[];
    expect(after.map((c) => c.id)).toEqual(before.slice(1).map((c) => c.id));
    expect(engram(['corrections', 'revert', before[0]!.id, '--library', own]).code).toBe(1);
  });

  it('has --help on every command', () => {
    for (const c of ['ingest', 'search', 'show', 'stats', 'forget', 'demo']) {
      const r = engram([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`engram ${c}`);
    }
  });

  it('exits 1 when some files fail, naming them', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ok.md'), '# 笔记\n\n关于世界模型的一段笔记。\n');
    writeFileSync(join(dir, 'bin.dat'), Buffer.from([0, 0, 0, 1, 2, 0]));
    const r = engram(['ingest', dir, '--library', tempDir()]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bin\.dat: binary/);
    expect(r.out).toMatch(/1 added/);
  });

  it('says when ingested files are gone, and forget (or ingest --prune) removes what they gave', () => {
    const dir = tempDir();
    const lib2 = tempDir();
    mkdirSync(join(dir, 'old'));
    writeFileSync(join(dir, 'keep.md'), '# 留下\n\n这篇笔记留在库里。\n');
    writeFileSync(join(dir, 'old', 'a.md'), '# 旧笔记甲\n\n甲的内容。\n');
    writeFileSync(join(dir, 'old', 'b.md'), '# 旧笔记乙\n\n乙的内容。\n');
    writeFileSync(join(dir, 'c.md'), '# 旧笔记丙\n\n丙的内容。\n');
    expect(engram(['ingest', dir, '--library', lib2]).code).toBe(0);
    rmSync(join(dir, 'old'), { recursive: true });
    rmSync(join(dir, 'c.md'));
    const again = engram(['ingest', dir, '--library', lib2]);
    expect(again.out).toContain('3 files ingested before under these paths are gone');
    const forget = engram(['forget', join(dir, 'old'), '--library', lib2]);
    expect(forget.code).toBe(0);
    expect(forget.out).toContain('forgot 2 files; documents: 2 removed, 0 updated');
    expect(forget.err).toBe(''); // its summary check's status line is drawn on a terminal only
    expect(forget.out).toContain(join(dir, 'old', 'a.md'));
    expect(JSON.parse(engram(['stats', '--library', lib2, '--json']).out).documents).toBe(2);
    const pruned = JSON.parse(engram(['ingest', dir, '--library', lib2, '--prune', '--json']).out);
    expect(pruned.forgotten).toEqual({ files: [join(dir, 'c.md')], documentsRemoved: 1, documentsUpdated: 0 });
    expect(JSON.parse(engram(['stats', '--library', lib2, '--json']).out).documents).toBe(1);
    expect(engram(['forget', '--missing', '--library', lib2]).out).toMatch(/nothing to forget/);
    expect(engram(['forget', '--library', lib2]).code).toBe(2);
  });

  it('prints file names with control characters escaped (ingest report, search, show)', () => {
    const dir = tempDir();
    const lib2 = tempDir();
    writeFileSync(join(dir, 'x\x1b[2Jy.md'), '# 终端\n\n转义序列测试的笔记。\n');
    writeFileSync(join(dir, 'bad\x1b]0;pwned\x07.md'), Buffer.from([0, 1, 2, 3, 0, 0]));
    const ingest = engram(['ingest', dir, '--library', lib2]);
    expect(ingest.code).toBe(1);
    expect(ingest.err).toContain('bad\\x1B]0;pwned\\x07.md: binary');
    const search = engram(['search', '转义序列', '--library', lib2]);
    expect(search.out).toContain('x\\x1B[2Jy.md');
    const show = engram(['show', '1', '--library', lib2]);
    expect(show.out).toContain('x\\x1B[2Jy.md');
    for (const r of [ingest, search, show]) expect(r.out + r.err).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });

  it('survives kill -9 mid-ingest: the library stays consistent and the next run completes it', async () => {
    const corpus = tempDir();
    const N = 400;
    for (let i = 0; i < N; i++) {
      const dir = join(corpus, `ep-${String(i).padStart(3, '0')}`);
      mkdirSync(dir);
      // 60 lines: 2.4 MB in all, so the ingest commits batches (1 MB of input) well before its end.
      const lines = Array.from({ length: 60 }, (_, j) => `[00:${String(j % 60).padStart(2, '0')}:00] 主持人: 第${i}期第${j}段，我们讨论强化学习、稀疏注意力和端侧模型的进展。`);
      writeFileSync(join(dir, 'transcript.md'), `# 第${i}期\n\n**Podcast:** 压力测试\n**Video URL:** https://example.com/ep/${i}\n\n---\n\n${lines.join('\n')}\n`);
    }
    const lib2 = tempDir();
    const child = spawn(process.execPath, [BIN, 'ingest', corpus, '--library', lib2], { stdio: 'ignore' });
    const dbFile = join(lib2, 'library.db');
    // Kill once some documents are committed, well before the end.
    const started = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 20));
      if (!existsSync(dbFile)) continue;
      try {
        const probe = new Database(dbFile, { readonly: true, fileMustExist: true });
        const n = probe.prepare('SELECT count(*) FROM documents').pluck().get() as number;
        probe.close();
        if (n >= 20 || Date.now() - started > 20_000) break;
      } catch { /* schema not there yet */ }
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const db = new Database(dbFile);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const partial = db.prepare('SELECT count(*) FROM documents').pluck().get() as number;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(N);
    // every document that is there is complete: 60 lines merged into its passages, indexed
    const incomplete = db.prepare("SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM passages p WHERE p.document_id = d.id)").pluck().get();
    expect(incomplete).toBe(0);
    db.close();
    const again = engram(['ingest', corpus, '--library', lib2, '--json']);
    expect(again.code).toBe(0);
    const report = JSON.parse(again.out);
    expect(report.documents.added + report.documents.unchanged).toBe(N);
    expect(report.documents.unchanged).toBeGreaterThanOrEqual(partial - 1);
    const s = JSON.parse(engram(['stats', '--library', lib2, '--json']).out);
    expect(s.documents).toBe(N);
    expect(JSON.parse(engram(['search', '第399期', '--library', lib2, '--json']).out).length).toBeGreaterThan(0);
  }, 120_000);
});
