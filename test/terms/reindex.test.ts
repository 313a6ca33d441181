import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/pipeline/ingest.js';
import { reindexPassages } from '../../src/terms/store.js';
import { search } from '../../src/search/search.js';
import { tempDir, tempLibrary } from '../helpers.js';

describe('re-indexing passages', () => {
  it('writes one index segment for passages given in any order, and keeps their terms', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'notes'));
    const paragraphs = Array.from({ length: 40 }, (_, i) => `第${i}段：稀疏注意力 and paragraph${i} about inference.`);
    writeFileSync(join(root, 'notes', 'long.md'), `# 笔记\n\n${paragraphs.join('\n\n')}\n`);
    const { db } = tempLibrary();
    await ingest(db, [root], { terms: false });
    const ids = db.prepare("SELECT id FROM passages WHERE role <> 'boilerplate' ORDER BY id DESC").pluck().all() as number[];
    expect(ids.length).toBeGreaterThan(30);
    // Without merges, each segment written stays a row of its own (or more).
    db.prepare("INSERT INTO passages_fts (passages_fts, rank) VALUES ('automerge', 0)").run();
    const rows = () => db.prepare('SELECT count(*) FROM passages_fts_data').pluck().get() as number;
    const before = rows();
    // Descending ids: FTS5 would flush a segment for every row that comes before the last one.
    db.transaction(() => reindexPassages(db, ids))();
    expect(rows() - before).toBeLessThan(5);
    expect(search(db, 'paragraph17', { limit: 5 }).hits).toHaveLength(1);
    expect(search(db, '稀疏注意力', { limit: 50 }).hits.length).toBeGreaterThan(0);
  });
});
