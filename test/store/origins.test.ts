/**
 * Origins of a document whose files have the same path under two ingested folders: told apart
 * by folder, the same way in every reader; documents from one folder show them as before.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ingest } from '../../src/pipeline/ingest.js';
import { search } from '../../src/search/search.js';
import { findDocumentId, getDocument } from '../../src/store/read.js';
import { listCorrections } from '../../src/terms/store.js';
import { documentOrigins, type OriginSource } from '../../src/store/origins.js';
import type { DB } from '../../src/store/db.js';
import { createApp } from '../../src/server/app.js';
import type { HitJson } from '../../src/search/hit-json.js';
import { tempDir, tempLibrary } from '../helpers.js';

const URL = 'https://podcast.example.com/episodes/origin-test';

const header = (title: string) => `# ${title}\n\n**Podcast:** 起源测试播客\n**Date:** 2024-03-05\n**Video URL:** ${URL}\n\n---\n\n`;
const SUMMARY = header('Lanterns and Ledgers').replace('**Video URL:**', '**Participants:** 主持人, 嘉宾\n**Video URL:**') +
  '## 1. Key Themes\n\nThe hosts talk about 月之暗面 and its long-context assistant, and about keeping ledgers of lanterns.\n';
const transcript = (extra: string) => header('Lanterns and Ledgers') +
  '[00:00:00] SPEAKER_00: 大家好 今天我们聊聊月之安面这家公司\n' +
  '[00:00:07] SPEAKER_01: 月之安面做的长文本助手很有意思\n' +
  `[00:00:15] SPEAKER_00: ${extra}\n`;

/** Writes `files` (path → text) under `root`; returns root. */
function folder(root: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

const docOf = (db: DB) => findDocumentId(db, URL)!;
const searchOrigins = (db: DB, q: string) => search(db, q).hits.find((h) => h.document.id === docOf(db))!.document.origins;

describe('documentOrigins', () => {
  const o = (file: number, root: string, relPath: string, entry: number | null = null): OriginSource => ({ file, root, relPath, entry });

  it('leaves distinct origins alone', () => {
    expect(documentOrigins([o(1, '/x/a', 'summary/ID.md'), o(2, '/x/a', 'archive.md', 3), o(3, '/y/b', 'subtitle/ID.srt')]))
      .toEqual(['summary/ID.md', 'archive.md#3', 'subtitle/ID.srt']);
  });

  it('qualifies files that would show one origin by their folder name, then by more of its path', () => {
    expect(documentOrigins([o(1, '/x/a', 'summary/ID.md'), o(2, '/x/b', 'summary/ID.md'), o(3, '/x/a', 'notes.md')]))
      .toEqual(['a/summary/ID.md', 'b/summary/ID.md', 'notes.md']);
    expect(documentOrigins([o(1, '/x/notes', 'summary/ID.md'), o(2, '/y/notes', 'summary/ID.md')]))
      .toEqual(['x/notes/summary/ID.md', 'y/notes/summary/ID.md']);
    // A folder with fewer components than it takes is named by its whole path.
    expect(documentOrigins([o(1, '/notes', 'a.md'), o(2, '/x/notes', 'a.md')])).toEqual(['/notes/a.md', 'x/notes/a.md']);
    expect(documentOrigins([o(1, '/', 'a.md'), o(2, '/x', 'a.md')])).toEqual(['/a.md', 'x/a.md']);
  });

  it('is the same in any order, counts one file once, and never qualifies generated renditions or other entries', () => {
    const rows = [o(1, '/x/a', 'f.json', 2), o(2, '/x/b', 'f.json', 2), o(1, '/x/a', 'f.json', 2), o(2, '/x/b', 'f.json', 5), o(9, '', 'engram'), o(9, '', 'engram')];
    const shown = documentOrigins(rows);
    expect(shown).toEqual(['a/f.json#2', 'b/f.json#2', 'a/f.json#2', 'f.json#5', 'engram', 'engram']);
    expect(documentOrigins([...rows].reverse())).toEqual([...shown].reverse());
  });
});

describe('one document ingested from two folders with the same file paths', () => {
  const parent = tempDir();
  const a = folder(join(parent, 'one', 'show'), { 'ep-07/summary.md': SUMMARY, 'ep-07/transcript_raw.md': transcript('灯笼和账本都要记清楚') });
  const b = folder(join(parent, 'two', 'show'), { 'ep-07/summary.md': SUMMARY, 'ep-07/transcript_raw.md': transcript('灯笼和账本一定要记清楚') });
  const { db } = tempLibrary();
  beforeAll(async () => {
    await ingest(db, [a, b]);
  });

  const expected = ['one/show/ep-07/summary.md', 'one/show/ep-07/transcript_raw.md', 'two/show/ep-07/summary.md', 'two/show/ep-07/transcript_raw.md'];

  it('shows each file once, told apart by folder, in search results and on the document', () => {
    const doc = getDocument(db, docOf(db))!;
    expect([...doc.origins].sort()).toEqual(expected);
    expect([...searchOrigins(db, '灯笼')].sort()).toEqual(expected);
    expect(searchOrigins(db, '灯笼')).toEqual(searchOrigins(db, '账本'));
    // The identical summaries are one text with both origins; the two transcripts differ and are two.
    const summary = doc.renditions.find((r) => r.kind === 'summary')!;
    expect([...summary.origins].sort()).toEqual(['one/show/ep-07/summary.md', 'two/show/ep-07/summary.md']);
    expect(summary.origins[0]).toBe(summary.origin);
    const raws = doc.renditions.filter((r) => r.kind === 'raw-transcript').map((r) => r.origin).sort();
    expect(raws).toEqual(['one/show/ep-07/transcript_raw.md', 'two/show/ep-07/transcript_raw.md']);
    for (const r of doc.renditions) for (const x of r.origins) expect(doc.origins).toContain(x);
  });

  it('corrections name the same origins as search results, and each file keeps its own', () => {
    const rows = listCorrections(db, { documentId: docOf(db) });
    expect(rows.map((r) => `${r.original}→${r.corrected}`)).toContain('月之安面→月之暗面');
    const origins = new Set(rows.map((r) => r.origin));
    expect([...origins].sort()).toEqual(['one/show/ep-07/transcript_raw.md', 'two/show/ep-07/transcript_raw.md']);
    for (const o of origins) expect(searchOrigins(db, '灯笼')).toContain(o);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    expect(listCorrections(db).filter((r) => r.document === docOf(db))).toEqual(rows);
  });

  it('the web app\'s document page and API name them the same way', async () => {
    const app = createApp({ db });
    const get = (path: string) => app.request(path, { headers: { host: 'localhost:3647' } });
    const page = await (await get(`/documents/${docOf(db)}`)).text();
    expect(page).toContain('>one/show/ep-07/summary.md</span>');
    for (const origin of ['one/show/ep-07/transcript_raw.md', 'two/show/ep-07/transcript_raw.md']) {
      const r = getDocument(db, docOf(db))!.renditions.find((x) => x.origin === origin)!;
      expect(await (await get(`/documents/${docOf(db)}?rendition=${r.id}`)).text()).toContain(`>${origin}</span>`);
    }
    const { results } = (await (await get(`/api/search?q=${encodeURIComponent('灯笼')}`)).json()) as { results: HitJson[] };
    expect(results.find((h) => h.document.id === docOf(db))!.document.origins).toEqual(searchOrigins(db, '灯笼'));
  });

  it('stays the same after a re-ingest, in either order', async () => {
    const before = { doc: getDocument(db, docOf(db))!.origins, hit: searchOrigins(db, '灯笼'), fixes: listCorrections(db, { documentId: docOf(db) }) };
    await ingest(db, [b, a]);
    expect(getDocument(db, docOf(db))!.origins).toEqual(before.doc);
    expect(searchOrigins(db, '灯笼')).toEqual(before.hit);
    expect(listCorrections(db, { documentId: docOf(db) })).toEqual(before.fixes);

    const fresh = tempLibrary().db;
    await ingest(fresh, [b, a]);
    expect([...getDocument(fresh, docOf(fresh))!.origins].sort()).toEqual(expected);
    expect(listCorrections(fresh, { documentId: docOf(fresh) }).map((r) => [r.id, r.origin]).sort())
      .toEqual(before.fixes.map((r) => [r.id, r.origin]).sort());
  });
});

describe('one document from one folder', () => {
  const root = folder(join(tempDir(), 'show'), { 'ep-07/summary.md': SUMMARY, 'ep-07/transcript_raw.md': transcript('灯笼和账本都要记清楚') });
  const { db } = tempLibrary();
  beforeAll(async () => {
    await ingest(db, [root]);
  });

  it('shows origins relative to the folder, as before', () => {
    expect([...getDocument(db, docOf(db))!.origins].sort()).toEqual(['ep-07/summary.md', 'ep-07/transcript_raw.md']);
    expect([...searchOrigins(db, '灯笼')].sort()).toEqual(['ep-07/summary.md', 'ep-07/transcript_raw.md']);
    const rows = listCorrections(db, { documentId: docOf(db) });
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.origin).toBe('ep-07/transcript_raw.md');
  });

  it('a copy of the folder qualifies both, and keeps the corrections\' IDs', async () => {
    const ids = listCorrections(db, { documentId: docOf(db) }).map((r) => r.id);
    const copy = folder(join(tempDir(), 'copy'), { 'ep-07/summary.md': SUMMARY, 'ep-07/transcript_raw.md': transcript('灯笼和账本都要记清楚') });
    await ingest(db, [copy]);
    const shown = ['copy/ep-07/summary.md', 'copy/ep-07/transcript_raw.md', 'show/ep-07/summary.md', 'show/ep-07/transcript_raw.md'];
    expect([...getDocument(db, docOf(db))!.origins].sort()).toEqual(shown);
    expect([...searchOrigins(db, '灯笼')].sort()).toEqual(shown);
    const rows = listCorrections(db, { documentId: docOf(db) });
    expect(rows.map((r) => r.id)).toEqual(ids);
    for (const r of rows) expect(r.origin).toBe('show/ep-07/transcript_raw.md');
  });
});
