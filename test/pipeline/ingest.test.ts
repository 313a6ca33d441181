import { beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest, type IngestReport } from '../../src/pipeline/ingest.js';
import { libraryStats } from '../../src/store/read.js';
import { openLibrary } from '../../src/store/db.js';
import { fullTextSegments, fullTextWrites } from '../../src/store/fts-layout.js';
import { copyFixture, FIXTURES, tempDir, tempLibrary } from '../helpers.js';

describe('ingest', () => {
  const root = copyFixture('library');
  const { db } = tempLibrary();
  let first: IngestReport;
  beforeAll(async () => {
    first = await ingest(db, [root]);
  });

  it('joins files describing one media item into one document', async () => {
    expect(first.failures).toEqual([]);
    // archive: 3 entries (one also has a subtitle file), podcast folder: transcript + summary, posts: 2
    const stats = libraryStats(db);
    expect(stats.documents).toBe(6);
    expect(stats.renditions).toBe(8);
    const ep = db.prepare("SELECT count(*) FROM renditions r JOIN documents d ON d.id = r.document_id WHERE d.key LIKE 'url:%xiaoyuzhou%'").pluck().get();
    expect(ep).toBe(2);
    const yt = db.prepare("SELECT count(*) FROM renditions r JOIN documents d ON d.id = r.document_id WHERE d.key = 'youtube:Ab3dEf9hIj0'").pluck().get();
    expect(yt).toBe(2);
  });

  it('sets LLM boilerplate aside and reports it', async () => {
    expect(first.boilerplate).toBeGreaterThanOrEqual(3);
    const flagged = db.prepare("SELECT text FROM passages WHERE role = 'boilerplate'").pluck().all() as string[];
    expect(flagged.some((t) => t.startsWith('好的'))).toBe(true);
    expect(flagged.some((t) => t.includes('希望'))).toBe(true);
  });

  it('uses the source a file names, else the first folder', async () => {
    const sources = db.prepare('SELECT name FROM sources ORDER BY name').pluck().all();
    expect(sources).toEqual(expect.arrayContaining(['测试播客', 'channel']));
  });

  it('changes nothing when the same files come again', async () => {
    const again = await ingest(db, [root]);
    expect(again.documents).toEqual({ added: 0, updated: 0, unchanged: 6, removed: 0 });
    expect(again.renditions).toBe(0);
    expect(libraryStats(db).documents).toBe(6);
  });

  it('replaces only what came from a changed file', async () => {
    const file = join(root, 'channel', 'posts.md');
    const before = db.prepare('SELECT count(*) FROM passages').pluck().get() as number;
    writeFileSync(file, readFileSync(file, 'utf8').replace('## 2', '## 2\n\n多加一段关于强化学习的话。\n'));
    const r = await ingest(db, [root]);
    expect(r.documents.updated).toBe(1);
    expect(r.documents.unchanged).toBe(5);
    expect(db.prepare('SELECT count(*) FROM passages').pluck().get()).toBe(before + 1);
  });

  it('reports the documents a file no longer gives (an entry deleted from an archive) as removed', async () => {
    const file = join(root, 'channel', 'archive.md');
    const original = readFileSync(file, 'utf8');
    const entries = original.split(/(?<=<\/details>\n)/);
    const nvidia = entries.findIndex((e) => e.includes('英伟达财报'));
    writeFileSync(file, entries.filter((_, i) => i !== nvidia).join(''));
    const r = await ingest(db, [root]);
    expect(r.documents.removed).toBe(1);
    expect(r.documents.added).toBe(0);
    expect(libraryStats(db).documents).toBe(5);
    // The entry back: added again, nothing removed.
    writeFileSync(file, original);
    expect((await ingest(db, [root])).documents).toMatchObject({ added: 1, removed: 0 });
    expect(libraryStats(db).documents).toBe(6);
  });

  it('--source again with another name renames what the files gave (files that name their source keep it)', async () => {
    const own = tempLibrary();
    const media = copyFixture('library');
    await ingest(own.db, [media], { source: 'First' });
    const again = await ingest(own.db, [media], { source: 'Second' });
    expect(again.documents).toMatchObject({ added: 0, updated: 5, unchanged: 1 });
    expect(own.db.prepare('SELECT name FROM sources ORDER BY name').pluck().all()).toEqual(['Second', '测试播客']);
    expect((await ingest(own.db, [media], { source: 'Second' })).documents).toMatchObject({ updated: 0, unchanged: 6 });
  });

  it('leaves out the library\'s own folder when it lies inside a folder being ingested', async () => {
    const media = copyFixture('library');
    const inside = openLibrary(join(media, 'engram-library'));
    try {
      const r = await ingest(inside, [media]);
      expect(r.failures).toEqual([]);
      expect(r.skipped).toEqual([{ file: 'engram-library', reason: "the library's own folder" }]);
      expect(libraryStats(inside).documents).toBe(6);
      expect((await ingest(inside, [join(media, 'engram-library')])).files).toBe(0);
    } finally {
      inside.close();
    }
  });

  it('reports bad files with reasons, ingests the rest and loses nothing', async () => {
    const bad = join(root, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'binary.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3, 0, 0]));
    writeFileSync(join(bad, 'empty.txt'), '');
    writeFileSync(join(bad, 'data.json'), '{"rows": [1, 2, 3]}');
    writeFileSync(join(bad, 'utf16.md'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('# 十六位编码的笔记\n\n混合专家模型的笔记。\n', 'utf16le')]));
    writeFileSync(join(bad, 'latin1.md'), Buffer.concat([Buffer.from('# Broken bytes\n\nfirst line\n'), Buffer.from([0xe9, 0x74, 0xe9]), Buffer.from('\nreinforcement learning notes\n')]));
    writeFileSync(join(bad, 'truncated.md'), readFileSync(join(root, 'channel', 'archive.md'), 'utf8').split('</details>')[0]!.replace('Ab3dEf9hIj0', 'Tr4ncAted00'));
    const r = await ingest(db, [root]);
    const failed = Object.fromEntries(r.failures.map((f) => [f.file, f.reason]));
    expect(Object.keys(failed).sort()).toEqual(['bad/binary.md', 'bad/data.json', 'bad/empty.txt']);
    expect(failed['bad/binary.md']).toMatch(/binary/);
    expect(failed['bad/empty.txt']).toMatch(/empty/);
    expect(failed['bad/data.json']).toMatch(/unknown format/);
    expect(r.warnings.some((w) => w.file === 'bad/latin1.md' && w.line === 4)).toBe(true);
    expect(r.warnings.some((w) => w.file === 'bad/truncated.md')).toBe(true);
    expect(r.warnings.find((w) => w.file === 'bad/utf16.md')?.reason).toMatch(/UTF-16LE/);
    expect(db.prepare("SELECT count(*) FROM documents WHERE key = 'youtube:Tr4ncAted00'").pluck().get()).toBe(1);
    expect(r.documents.added).toBe(3); // utf16, latin1, truncated
  });

  it('keeps what a file gave when it turns bad', async () => {
    const file = join(root, 'subtitle', 'Ab3dEf9hIj0.txt');
    const before = libraryStats(db);
    writeFileSync(file, Buffer.from([0, 1, 2, 3, 0, 0, 0, 0]));
    const r = await ingest(db, [root]);
    expect(r.failures.map((f) => f.file)).toContain('subtitle/Ab3dEf9hIj0.txt');
    expect(libraryStats(db).renditions).toBe(before.renditions);
  });

  it('refuses a text file with a 2 M-character line, naming the line', async () => {
    const file = join(root, 'bad', 'huge.txt');
    writeFileSync(file, 'short first line\n');
    appendFileSync(file, 'x'.repeat(2 * 1024 * 1024));
    const r = await ingest(db, [join(root, 'bad')]);
    const huge = r.failures.find((f) => f.file === 'huge.txt');
    expect(huge?.line).toBe(2);
    expect(huge?.reason).toMatch(/line is 2\.1 M characters long/);
  });
});

describe('entities', () => {
  it('are decoded once: a written &amp;lt; stays &lt;, raw HTML and transcripts are decoded', async () => {
    const dir = copyFixture('library');
    writeFileSync(join(dir, 'channel', 'note.md'), '# Escapes\n\nTo show a tag, write &amp;lt;b&amp;gt; in HTML.\n');
    const { db } = tempLibrary();
    await ingest(db, [dir]);
    const text = (like: string) => db.prepare('SELECT text FROM passages WHERE text LIKE ?').pluck().get(like) as string;
    expect(text('To show a tag%')).toBe('To show a tag, write &lt;b&gt; in HTML.');
    expect(db.prepare("SELECT title FROM documents WHERE key = 'youtube:Qq1Ww2Ee3Rr'").pluck().get()).toBe('英伟达财报解读 & 数据中心');
  });
});

describe('ingest in worker threads', () => {
  it('stores exactly what an inline ingest stores', async () => {
    const inline = tempLibrary();
    const threaded = tempLibrary();
    const src = join(FIXTURES, 'library');
    const a = await ingest(inline.db, [src], { workers: 0 });
    const b = await ingest(threaded.db, [src], { workers: 2 });
    expect([a.workers, b.workers]).toEqual([0, 2]);
    expect(b.documents).toEqual(a.documents);
    expect(b.passages).toBe(a.passages);
    const dump = (db: typeof inline.db) =>
      db.prepare('SELECT d.key, r.kind, p.seq, p.role, p.text, p.start, p.speaker FROM passages p JOIN renditions r ON r.id = p.rendition_id JOIN documents d ON d.id = r.document_id ORDER BY d.key, r.kind, p.seq').all();
    expect(dump(threaded.db)).toEqual(dump(inline.db));
  });
});

describe('commits', () => {
  it('come after as much input, not as much time: the same files give the same batches', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'notes'));
    for (let i = 0; i < 6; i++) writeFileSync(join(root, 'notes', `n${i}.md`), `# Note ${i}\n\n${'engram keeps every word. '.repeat(80)}\n`);
    const commitsOf = async () => {
      const { db } = tempLibrary();
      let commits = 0;
      const exec = db.exec.bind(db);
      db.exec = (sql: string) => {
        if (sql === 'COMMIT') commits++;
        return exec(sql);
      };
      await ingest(db, [root], { terms: false, commitEvery: 4_000 });
      return commits;
    };
    const first = await commitsOf();
    // ~2 KB a file: a commit after every second file, and the last one.
    expect(first).toBe(3);
    expect(await commitsOf()).toBe(first);
  });
});

describe('the full-text index after an ingest', () => {
  it('is merged into one segment after a bulk write, and left alone after a small one', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'notes'));
    const note = (i: number) => writeFileSync(join(root, 'notes', `n${i}.md`), `# Note ${i}\n\n${`engram keeps word${i} and 稀疏注意力. `.repeat(60)}\n`);
    for (let i = 0; i < 8; i++) note(i);
    const { db } = tempLibrary();
    // A commit after every file: a segment each, before the merge.
    await ingest(db, [root], { terms: false, commitEvery: 1 });
    expect(fullTextSegments(db)).toBe(1);
    note(8);
    await ingest(db, [root], { terms: false, commitEvery: 1 });
    expect(fullTextSegments(db)).toBe(2);
    expect(db.prepare("SELECT count(*) FROM passages_fts WHERE passages_fts MATCH 'word8'").pluck().get()).toBeGreaterThan(0);
  });

  it('takes writes in bulk mode only while a first ingest runs, and an ingest sets the library back', async () => {
    const root = tempDir();
    const note = (i: number) => writeFileSync(join(root, `n${i}.md`), `# Note ${i}\n\nengram keeps word${i}.\n`);
    note(0);
    const { db } = tempLibrary();
    const settings = () => Object.fromEntries(db.prepare("SELECT k, v FROM passages_fts_config WHERE k IN ('automerge', 'crisismerge', 'hashsize')").raw().all() as [string, number][]);
    const seen: Record<string, number>[] = [];
    await ingest(db, [root], { terms: false, onProgress: () => void seen.push(settings()) });
    expect(seen[0]).toEqual({ automerge: 0, crisismerge: 64, hashsize: 8 * 2 ** 20 });
    expect(settings()).toEqual({ automerge: 4, crisismerge: 16, hashsize: 2 ** 20 });
    // A library a failed first ingest left in bulk mode: the next ingest writes normally.
    fullTextWrites(db, 'bulk');
    note(1);
    const next: Record<string, number>[] = [];
    await ingest(db, [root], { terms: false, onProgress: () => void next.push(settings()) });
    expect(next.every((s) => s.automerge === 4)).toBe(true);
    expect(settings()).toEqual({ automerge: 4, crisismerge: 16, hashsize: 2 ** 20 });
  });

  it('sets the library back from bulk mode when a first ingest fails', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'n.md'), '# Note\n\nengram keeps words.\n');
    const { db } = tempLibrary();
    const failing = { correct: () => { throw new Error('the stage broke'); } };
    await expect(ingest(db, [root], { terms: failing })).rejects.toThrow('the stage broke');
    const settings = Object.fromEntries(db.prepare("SELECT k, v FROM passages_fts_config WHERE k IN ('automerge', 'crisismerge', 'hashsize')").raw().all() as [string, number][]);
    expect(settings).toEqual({ automerge: 4, crisismerge: 16, hashsize: 2 ** 20 });
  });
});
