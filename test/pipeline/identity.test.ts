/**
 * Content identity: the same text is one stored, indexed rendition wherever it lives; every
 * file it came from stays an origin; moved files are recognized; forgetting removes what gone
 * files gave.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/pipeline/ingest.js';
import { getDocument, libraryStats } from '../../src/store/read.js';
import { search } from '../../src/search/search.js';
import { allFiles, filesUnder, forgetFiles, goneFiles } from '../../src/store/files.js';
import { saveGenerated } from '../../src/store/generated.js';
import type { DB } from '../../src/store/db.js';
import { copyFixture, tempDir, tempLibrary } from '../helpers.js';
import { createHash } from 'node:crypto';
import { hashOf } from '../../src/pipeline/prepare.js';

const count = (db: DB, sql: string) => db.prepare(sql).pluck().get() as number;
const indexed = (db: DB) => count(db, 'SELECT count(*) FROM passages_fts');

/**
 * Each rendition's span of passage ids, as the writer keeps it for search's map
 * (search/corpus.ts), is what its passages are: texts that change hands, files that go and
 * generated renditions must all keep it.
 */
function expectPassageSpans(db: DB): void {
  const kept = db.prepare('SELECT id, passages_first, passages_last, passages_count FROM renditions WHERE passages_count > 0 ORDER BY id').raw().all();
  const actual = db.prepare('SELECT rendition_id, min(id), max(id), count(*) FROM passages GROUP BY rendition_id ORDER BY rendition_id').raw().all();
  expect(kept).toEqual(actual);
  expect(count(db, 'SELECT count(*) FROM renditions WHERE passages_count = 0 AND (passages_first IS NOT NULL OR passages_last IS NOT NULL)')).toBe(0);
}

/** The archive entry's body, as the LLM wrote it before the archive was rebuilt around it. */
function entryBody(archive: string): string {
  const entry = archive.split('</details>')[0]!;
  return entry.slice(entry.indexOf('好的'), entry.indexOf('[model=')) + '[model=gemini-2.0-flash,0]\n';
}

/** A diarized raw transcript with its episode header. */
const RAW = `# 第十二期：端侧模型

**Podcast:** 测试播客
**Date:** 2025-05-06
**Video URL:** https://example.com/episode/6a1b2c3d4e5f60718293a4b5

---

[00:00:01] SPEAKER_00: 欢迎收听，今天聊蜂鸟芯片和端侧模型。
[00:00:09] SPEAKER_01: 密度法则说模型的能力密度每一百天翻一倍。
`;

describe('identical renditions', () => {
  const root = copyFixture('library');
  const { db } = tempLibrary();
  beforeAll(async () => {
    mkdirSync(join(root, 'channel', 'summary'));
    writeFileSync(join(root, 'channel', 'summary', 'Ab3dEf9hIj0.md'), entryBody(readFileSync(join(root, 'channel', 'archive.md'), 'utf8')));
    mkdirSync(join(root, 'seeds'));
    writeFileSync(join(root, 'seeds', '002_raw.txt'), RAW);
    mkdirSync(join(root, 'podcast', 'ep-13'));
    writeFileSync(join(root, 'podcast', 'ep-13', 'transcript_raw.md'), RAW);
  });

  it('are stored and indexed once, with every file as an origin', async () => {
    const alone = tempLibrary().db;
    await ingest(alone, [copyFixture('library')]);
    const r = await ingest(db, [root]);
    expect(r.failures).toEqual([]);
    expect(r.shared).toBe(2); // the summary file, and the second copy of the raw transcript
    const stats = libraryStats(db);
    // one more document (the raw transcript) with one text; the summary adds no text
    expect(stats.documents).toBe(libraryStats(alone).documents + 1);
    expect(stats.renditions).toBe(libraryStats(alone).renditions + 1);
    expect(indexed(db) - indexed(alone)).toBe(2);

    const doc = getDocument(db, count(db, "SELECT id FROM documents WHERE key = 'youtube:Ab3dEf9hIj0'"))!;
    const held = doc.renditions.find((x) => x.origins.includes('channel/summary/Ab3dEf9hIj0.md'))!;
    // the archive entry holds the text (a cleaned transcript comes first, as for the title); the summary file follows
    expect(held.kind).toBe('transcript');
    expect(held.origins).toEqual(['channel/archive.md#1', 'channel/summary/Ab3dEf9hIj0.md']);
    expect(doc.renditions.filter((x) => x.kind === 'summary')).toEqual([]);
    // what each file says about the item still counts: the archive's title and number, the summary's model
    expect(doc.title).toContain('稀疏注意力机制新突破');
    expect(doc.metadata.number).toBe(3);

    const ep = getDocument(db, count(db, "SELECT id FROM documents WHERE key LIKE 'url:https://example.com/episode/%'"))!;
    expect(ep.renditions).toHaveLength(1);
    expect(ep.renditions[0]!.origins.sort()).toEqual(['podcast/ep-13/transcript_raw.md', 'seeds/002_raw.txt']);
    expectPassageSpans(db);
  });

  it('are shown once in search, which still names every origin', () => {
    const hits = search(db, '蜂鸟芯片').hits;
    expect(hits[0]!.document.origins.sort()).toEqual(['podcast/ep-13/transcript_raw.md', 'seeds/002_raw.txt']);
    expect(hits[0]!.more).toBe(0);
  });

  it('keep their text when the rendition holding it changes: the follower takes it over', async () => {
    const before = indexed(db);
    const archive = join(root, 'channel', 'archive.md');
    const text = readFileSync(archive, 'utf8');
    writeFileSync(archive, text.replace('開源社區很快就復現了這個結果。', '開源社區花了一個月才復現。'));
    const r = await ingest(db, [root]);
    expect(r.documents.updated).toBe(1);
    const doc = getDocument(db, count(db, "SELECT id FROM documents WHERE key = 'youtube:Ab3dEf9hIj0'"))!;
    const summary = doc.renditions.find((x) => x.origins.includes('channel/summary/Ab3dEf9hIj0.md'))!;
    expect(summary).toMatchObject({ kind: 'summary', origins: ['channel/summary/Ab3dEf9hIj0.md'] });
    expect(summary.passageCount).toBeGreaterThan(3);
    // the summary's text is indexed under its own kind now; the archive's new text beside it
    expect(search(db, '"很快就復現了"').hits[0]!.passage!.rendition).toBe('summary');
    expect(search(db, '"花了一個月"').hits[0]!.passage!.rendition).toBe('transcript');
    expect(indexed(db)).toBeGreaterThan(before);
    expectPassageSpans(db);
    writeFileSync(archive, text);
    await ingest(db, [root]); // back as it was: the archive entry holds the text again
    expect(indexed(db)).toBe(before);
    expectPassageSpans(db);
  });

  it('do not depend on the order files come in: a better-placed rendition arriving later takes the text over', async () => {
    const other = tempLibrary().db;
    await ingest(other, [join(root, 'channel', 'summary')]);
    const alone = indexed(other);
    await ingest(other, [join(root, 'channel', 'archive.md')]);
    const doc = getDocument(other, count(other, "SELECT id FROM documents WHERE key = 'youtube:Ab3dEf9hIj0'"))!;
    const held = doc.renditions.find((x) => x.origins.includes('Ab3dEf9hIj0.md'))!;
    expect(held).toMatchObject({ kind: 'transcript', origins: ['archive.md#1', 'Ab3dEf9hIj0.md'] });
    expect(search(other, '"很快就復現了"').hits[0]!.passage!.rendition).toBe('transcript');
    // the archive's other two entries are new text; entry 1 re-used the passages already indexed
    expect(indexed(other) - alone).toBe(count(other, "SELECT count(*) FROM passages p JOIN renditions r ON r.id = p.rendition_id WHERE r.entry > 1 AND p.role <> 'boilerplate'"));
    expectPassageSpans(other);
  });

  it('keep their text when the file holding it goes', async () => {
    const before = indexed(db);
    rmSync(join(root, 'seeds'), { recursive: true });
    const r = await ingest(db, [root], { prune: true });
    expect(r.forgotten.files).toEqual([join(root, 'seeds', '002_raw.txt')]);
    expect(r.forgotten).toMatchObject({ documentsRemoved: 0, documentsUpdated: 1 });
    const ep = getDocument(db, count(db, "SELECT id FROM documents WHERE key LIKE 'url:https://example.com/episode/%'"))!;
    expect(ep.renditions).toMatchObject([{ kind: 'raw-transcript', origins: ['podcast/ep-13/transcript_raw.md'], passageCount: 2 }]);
    expect(indexed(db)).toBe(before);
    expect(search(db, '蜂鸟芯片').hits[0]!.document.origins).toEqual(['podcast/ep-13/transcript_raw.md']);
    expectPassageSpans(db);
  });
});

describe('a folder copied or moved', () => {
  it('a copy adds origins, not renditions or passages; deleting and forgetting it restores the counts', async () => {
    const a = copyFixture('library');
    const { db } = tempLibrary();
    await ingest(db, [a]);
    const before = libraryStats(db);
    const b = join(tempDir(), 'copy');
    cpSync(a, b, { recursive: true });
    const r = await ingest(db, [b]);
    expect(r.renditions).toBe(0);
    expect(r.passages).toBe(0);
    expect(r.shared).toBe(before.renditions);
    expect(r.documents).toEqual({ added: 0, updated: 0, unchanged: before.documents, removed: 0 });
    const after = libraryStats(db);
    expect([after.documents, after.renditions, after.passages]).toEqual([before.documents, before.renditions, before.passages]);
    expect(search(db, '稀疏注意力').total).toBe(1);

    rmSync(b, { recursive: true });
    const forgotten = forgetFiles(db, filesUnder(db, b));
    expect(forgotten).toMatchObject({ documentsRemoved: 0, documentsUpdated: before.documents });
    expect(forgotten.files).toHaveLength(5);
    const restored = libraryStats(db);
    expect([restored.documents, restored.renditions, restored.passages, restored.files]).toEqual([before.documents, before.renditions, before.passages, before.files]);
    expectPassageSpans(db);
  });

  it('a moved file is recognized: the old path is replaced, nothing is duplicated', async () => {
    const parent = tempDir();
    const a = join(parent, 'media');
    cpSync(copyFixture('library'), a, { recursive: true });
    const { db } = tempLibrary();
    await ingest(db, [parent]);
    const before = libraryStats(db);
    renameSync(join(a, 'podcast'), join(a, 'shows'));
    renameSync(join(a, 'channel', 'posts.md'), join(a, 'channel', 'weibo.md'));
    const r = await ingest(db, [parent]);
    expect(r.moved.map((m) => m.from.slice(a.length)).sort()).toEqual(['/channel/posts.md', '/podcast/ep-12/summary.md', '/podcast/ep-12/transcript.md']);
    expect(r.gone).toBe(0);
    const after = libraryStats(db);
    expect([after.documents, after.renditions, after.passages, after.files]).toEqual([before.documents, before.renditions, before.passages, before.files]);
    const origins = db.prepare('SELECT rel_path FROM files ORDER BY rel_path').pluck().all();
    expect(origins).toContain('media/shows/ep-12/summary.md');
    expect(origins).not.toContain('media/podcast/ep-12/summary.md');
    expectPassageSpans(db);
  });
});

describe('notes known only by their file', () => {
  const note = (title: string, word: string) => `# ${title}\n\n${word} is in this note only.\n`;
  const titleOf = (db: DB, word: string) => search(db, word).hits.map((h) => h.document.title);

  it('two files of the same name in two folders are two documents', async () => {
    const base = tempDir();
    mkdirSync(join(base, 'work'));
    mkdirSync(join(base, 'home'));
    writeFileSync(join(base, 'work', 'todo.md'), note('Work todo', 'quarterlyreport'));
    writeFileSync(join(base, 'home', 'todo.md'), note('Home todo', 'groceries'));
    const { db } = tempLibrary();
    await ingest(db, [join(base, 'work')], { source: 'work' });
    const second = await ingest(db, [join(base, 'home')], { source: 'home' });
    expect(second.documents).toMatchObject({ added: 1, updated: 0 });
    expect(titleOf(db, 'groceries')).toEqual(['Home todo']);
    expect(titleOf(db, 'quarterlyreport')).toEqual(['Work todo']);
  });

  it('a renamed note keeps its document, and a new note at the old name is another one', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.md'), note('First note', 'firstword'));
    const { db } = tempLibrary();
    await ingest(db, [dir]);
    const id = search(db, 'firstword').hits[0]!.document.id;
    renameSync(join(dir, 'a.md'), join(dir, 'b.md'));
    expect((await ingest(db, [dir])).moved).toHaveLength(1);
    expect(search(db, 'firstword').hits[0]!.document.id).toBe(id);
    writeFileSync(join(dir, 'a.md'), note('Second note', 'secondword'));
    expect((await ingest(db, [dir])).documents).toMatchObject({ added: 1, updated: 0 });
    expect(titleOf(db, 'secondword')).toEqual(['Second note']);
    expect(titleOf(db, 'firstword')).toEqual(['First note']);
  });
});

describe('one episode URL written several ways', () => {
  it('with or without www., a trailing / or TLS, is one document, found by any of them', async () => {
    const dir = tempDir();
    const episode = (url: string, line: string) => `# Ep A\n\n**Podcast:** Show\n**Episode URL:** ${url}\n\n---\n\n${line}\n`;
    writeFileSync(join(dir, 'a.md'), episode('https://www.xiaoyuzhoufm.com/episode/6600aa', '[00:00:01] Host: hello one'));
    writeFileSync(join(dir, 'b.md'), episode('http://xiaoyuzhoufm.com/episode/6600aa/', '[00:00:05] Guest: hello two'));
    const { db } = tempLibrary();
    await ingest(db, [dir]);
    expect(count(db, 'SELECT count(*) FROM documents')).toBe(1);
    const { findDocumentId } = await import('../../src/store/read.js');
    expect(findDocumentId(db, 'https://xiaoyuzhoufm.com/episode/6600aa/')).toBe(findDocumentId(db, 'https://www.xiaoyuzhoufm.com/episode/6600aa'));
    // Another episode is another document.
    writeFileSync(join(dir, 'c.md'), episode('https://www.xiaoyuzhoufm.com/episode/6600ab', '[00:00:01] Host: hello three'));
    await ingest(db, [dir]);
    expect(count(db, 'SELECT count(*) FROM documents')).toBe(2);
  });
});

describe('forgetting what is gone', () => {
  it('never takes renditions engram generated (their reserved row is not a path)', async () => {
    const root = copyFixture('library');
    const { db } = tempLibrary();
    await ingest(db, [root]);
    const doc = count(db, "SELECT id FROM documents WHERE key = 'youtube:Ab3dEf9hIj0'");
    saveGenerated(db, {
      documentId: doc, kind: 'summary', task: 'extractive', body: '稀疏注意力的要点。',
      passages: [{ text: '稀疏注意力的要点。', role: 'content', line: 1 }],
      provenance: { task: 'extractive', status: 'ok', method: 'extractive', date: '2026-01-01T00:00:00Z', lang: 'zh-Hans', input: { renditionId: 1, hash: 'x' }, gates: [] },
    });
    const forgotten = forgetFiles(db, goneFiles(allFiles(db)));
    expect(forgotten.files).toEqual([]);
    expect(getDocument(db, doc)!.renditions.some((r) => r.generated)).toBe(true);
    expectPassageSpans(db);
  });
});

describe('content hashes', () => {
  // The digest libraries store: a part at a time, each followed by a NUL. Hashes recorded by an
  // earlier engram must still match, or every file would look changed after an upgrade.
  const reference = (parts: (string | Uint8Array)[]) => {
    const h = createHash('sha256');
    for (const p of parts) h.update(p).update('\u0000');
    return h.digest('hex').slice(0, 32);
  };

  it('are the same whether the parts are fed one by one or batched', () => {
    const long = '深度学习 deep learning '.repeat(60_000); // over a megabyte of text: a batch boundary inside
    const cases: (string | Uint8Array)[][] = [
      [],
      [''],
      ['a', '', 'b'],
      ['transcript', '标题', '正文\r\n第二行', '\ud83d', '\ude00 lone surrogates either side of a separator', 'ok'],
      [long, '尾巴', long],
      [Buffer.from('bytes first\n'), 'then text', Buffer.from([0xff, 0xfe, 0x00]), '中文'],
    ];
    for (const parts of cases) expect(hashOf(parts)).toBe(reference(parts));
  });
});
