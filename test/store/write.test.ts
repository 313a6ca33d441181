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
});
