import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { closeLibrary, databasePath, openLibrary } from '../../src/store/db.js';
import { migrations } from '../../src/store/migrations.js';
import { replaceFile, type PreparedRendition } from '../../src/store/write.js';

const tokenizer = (db: Database.Database, table: string) =>
  /tokenize\s*=\s*"(\w+)/.exec(db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(table) as string)?.[1];

const note: PreparedRendition = {
  key: 'file:/lib/a.md', kind: 'note', format: 'markdown', title: 'AI 笔记', source: 'notes', sourceNamed: false,
  metadata: {}, contentHash: 'c1', textHash: 't1', body: '稀疏注意力',
  passages: [{ text: '稀疏注意力与 ⼤模型', role: 'content', line: 1, terms: '稀疏 注意力 与 ⼤ 模型' }],
};
const file = { absPath: '/lib/a.md', root: '/lib', relPath: 'a.md', size: 1, mtimeMs: 1, contentHash: 'f1' };

/** A library as an engram of schema `version` left it. */
function libraryAt(version: number, fill?: (db: Database.Database) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'engram-mig-'));
  const db = new Database(databasePath(dir));
  for (const m of migrations.slice(0, version)) {
    if (typeof m === 'string') db.exec(m);
    else m(db);
  }
  db.pragma(`user_version = ${version}`);
  if (fill) {
    // Today's writer fills it: the columns it writes that later migrations add are there
    // while it does, and taken away after.
    const spans = version < 8 ? ['passages_first', 'passages_last', 'passages_count'] : [];
    for (const c of spans) db.exec(`ALTER TABLE renditions ADD COLUMN ${c} INTEGER`);
    fill(db);
    for (const c of spans) db.exec(`ALTER TABLE renditions DROP COLUMN ${c}`);
  }
  db.close();
  return dir;
}

describe('schema migrations', () => {
  it('a new library splits index terms with the ascii tokenizer, and finds what it indexed', () => {
    const db = openLibrary(mkdtempSync(join(tmpdir(), 'engram-mig-')));
    expect(tokenizer(db, 'passages_fts')).toBe('ascii');
    expect(tokenizer(db, 'titles_fts')).toBe('ascii');
    replaceFile(db, file, 'markdown', [], [note]);
    expect(db.prepare("SELECT count(*) FROM passages_fts WHERE passages_fts MATCH '\"注意力\"'").pluck().get()).toBe(1);
    // A Kangxi radical is a symbol to unicode61 (dropped), a term to ascii, as the segmenter made it.
    expect(db.prepare("SELECT count(*) FROM passages_fts WHERE passages_fts MATCH '\"⼤\"'").pluck().get()).toBe(1);
    closeLibrary(db);
  });

  it('a library that holds documents keeps its tables and what they index', () => {
    const dir = libraryAt(6, (raw) => replaceFile(raw, file, 'markdown', [], [note]));
    const db = openLibrary(dir);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(tokenizer(db, 'passages_fts')).toBe('unicode61');
    expect(db.prepare("SELECT count(*) FROM passages_fts WHERE passages_fts MATCH '\"注意力\"'").pluck().get()).toBe(1);
    closeLibrary(db);
  });

  it('a library from before rendition spans gets them from its passages, and search maps its passages', async () => {
    const dir = libraryAt(7, (raw) => replaceFile(raw, file, 'markdown', [], [note]));
    const db = openLibrary(dir);
    expect(db.prepare('SELECT passages_first, passages_last, passages_count FROM renditions').raw().all())
      .toEqual(db.prepare('SELECT min(id), max(id), count(*) FROM passages').raw().all());
    const { search } = await import('../../src/search/search.js');
    expect(search(db, '注意力').hits[0]?.document.title).toBe('AI 笔记');
    closeLibrary(db);
  });

  it('files recorded through a linked root move to where they are; one recorded both ways stays', () => {
    const base = mkdtempSync(join(tmpdir(), 'engram-mig-root-'));
    mkdirSync(join(base, 'real'));
    symlinkSync(join(base, 'real'), join(base, 'link'));
    const row = (root: string, rel: string) => ({ ...file, absPath: join(root, rel), root, relPath: rel });
    const dir = libraryAt(8, (raw) => {
      replaceFile(raw, row(join(base, 'link'), 'a.md'), 'markdown', [], [note]);
      replaceFile(raw, row(join(base, 'link'), 'b.md'), 'markdown', [], [{ ...note, key: 'file:/lib/b.md' }]);
      replaceFile(raw, row(join(base, 'real'), 'b.md'), 'markdown', [], [{ ...note, key: 'file:/lib/b.md' }]);
      replaceFile(raw, row('/gone/folder', 'c.md'), 'markdown', [], [{ ...note, key: 'file:/lib/c.md' }]);
    });
    const db = openLibrary(dir);
    expect(db.prepare('SELECT abs_path, root FROM files ORDER BY abs_path').raw().all()).toEqual([
      ['/gone/folder/c.md', '/gone/folder'],
      [join(base, 'link', 'b.md'), join(base, 'link')],
      [join(base, 'real', 'a.md'), join(base, 'real')],
      [join(base, 'real', 'b.md'), join(base, 'real')],
    ]);
    closeLibrary(db);
  });

  it('documents keyed by a file\'s path under its folder are keyed by where the file is', () => {
    const dir = libraryAt(9, (raw) => {
      replaceFile(raw, { ...file, absPath: '/lib/notes/a.md', relPath: 'notes/a.md' }, 'markdown', [], [{ ...note, key: 'file:notes/a.md#2' }]);
      replaceFile(raw, { ...file, absPath: '/other/b.md', relPath: 'b.md', contentHash: 'f2' }, 'markdown', [], [{ ...note, key: 'file:b.md', contentHash: 'c2', textHash: 't2' }]);
    });
    const db = openLibrary(dir);
    expect(db.prepare('SELECT key FROM documents ORDER BY key').pluck().all()).toEqual(['file:/lib/notes/a.md#2', 'file:/other/b.md']);
    closeLibrary(db);
  });

  it('an empty library of an older schema gets the ascii tables', () => {
    const db = openLibrary(libraryAt(6));
    expect(tokenizer(db, 'passages_fts')).toBe('ascii');
    expect(db.prepare('SELECT count(*) FROM passages_vocab').pluck().get()).toBe(0);
    closeLibrary(db);
  });
});
