import { describe, expect, it } from 'vitest';
import { replaceFile, type FileRecord, type PreparedRendition } from '../../src/store/write.js';
import { tempLibrary } from '../helpers.js';

function rendition(n: number): PreparedRendition {
  return {
    key: `file:/lib/note-${n}.md`, kind: 'note', format: 'markdown', title: `笔记 ${n}`, source: 'notes', sourceNamed: false,
    metadata: {}, contentHash: `c${n}`, textHash: `t${n}`, body: '强化学习的笔记',
    passages: [{ text: `第${n}段：强化学习与稀疏注意力`, role: 'content', line: 1, terms: `第 ${n} 段 强化 学习 强化学习 稀疏 注意力` }],
  };
}

function file(n: number): FileRecord {
  return { absPath: `/lib/note-${n}.md`, root: '/lib', relPath: `note-${n}.md`, size: 10, mtimeMs: 1, contentHash: `f${n}` };
}

describe('writing files in a batch', () => {
  it('keeps the index terms of earlier files pending until the batch commits (no FTS5 flush per file)', () => {
    const { db } = tempLibrary();
    const segments = () => db.prepare('SELECT count(*) FROM passages_fts_data').pluck().get() as number;
    db.exec('BEGIN');
    replaceFile(db, file(1), 'markdown', [], [rendition(1)]);
    const before = segments();
    // Any statement that opens a statement transaction (an upsert with RETURNING did) makes
    // FTS5 write its pending terms out as a segment of their own.
    for (let n = 2; n <= 5; n++) replaceFile(db, file(n), 'markdown', [], [rendition(n)]);
    expect(segments()).toBe(before);
    db.exec('COMMIT');
    expect(segments()).toBeGreaterThan(before);
    expect(db.prepare("SELECT count(*) FROM passages_fts WHERE passages_fts MATCH '注意力'").pluck().get()).toBe(5);
  });

  it('still updates a file record in place on re-ingest', () => {
    const { db } = tempLibrary();
    replaceFile(db, file(1), 'markdown', [], [rendition(1)]);
    const id = db.prepare('SELECT id FROM files').pluck().get();
    replaceFile(db, { ...file(1), contentHash: 'changed' }, 'markdown', [], [{ ...rendition(1), contentHash: 'c1b' }]);
    expect(db.prepare('SELECT id, content_hash FROM files').all()).toEqual([{ id, content_hash: 'changed' }]);
  });

  it("rewrites a document's title row only when its title or keywords change", () => {
    const { db } = tempLibrary();
    const titleRows = () => db.prepare('SELECT count(*) FROM titles_fts_data').pluck().get() as number;
    const byTitle = (q: string) => db.prepare('SELECT rowid FROM titles_fts WHERE titles_fts MATCH ?').pluck().all(q);
    db.exec('BEGIN');
    replaceFile(db, file(1), 'markdown', [], [rendition(1)]);
    db.exec('COMMIT');
    const before = titleRows();
    // A second file of the same document with the same title: no delete, so no flush of a segment.
    db.exec('BEGIN');
    replaceFile(db, file(2), 'markdown', [], [{ ...rendition(2), key: rendition(1).key, title: '笔记 1', kind: 'summary' }]);
    replaceFile(db, file(3), 'markdown', [], [rendition(3)]);
    expect(titleRows()).toBe(before);
    db.exec('COMMIT');
    const doc = db.prepare('SELECT id FROM documents WHERE key = ?').pluck().get(rendition(1).key);
    expect(byTitle('笔记')).toContain(doc);
    // A changed title is indexed anew, the old one gone.
    replaceFile(db, { ...file(1), contentHash: 'f1b' }, 'markdown', [], [{ ...rendition(1), contentHash: 'c1b', title: '稀疏注意力' }]);
    replaceFile(db, { ...file(2), contentHash: 'f2b' }, 'markdown', [], [{ ...rendition(2), key: rendition(1).key, title: '稀疏注意力', kind: 'summary', contentHash: 'c2b' }]);
    expect(byTitle('注意力')).toEqual([doc]);
    expect(byTitle('笔记')).not.toContain(doc);
  });
});
