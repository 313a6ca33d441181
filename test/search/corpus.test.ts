import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/pipeline/ingest.js';
import { search } from '../../src/search/search.js';
import { corpusMap, lengthOf, renditionOf } from '../../src/search/corpus.js';
import { tempDir, tempLibrary } from '../helpers.js';

/**
 * Search places passage ids in renditions through runs of consecutive ids (corpus.ts). Ingest
 * writes each rendition's passages as one run and hands shared texts over without rewriting
 * them, keeping each rendition's span of ids in its row; these tests hold the map to that, and
 * check it stays right when a rendition's passages are not one run (a writer that appends
 * passages later, or moves them between renditions).
 */
describe('passage → rendition map', () => {
  const { db } = tempLibrary();
  const dir = tempDir();
  const idsOf = (title: string) =>
    db.prepare('SELECT p.id FROM passages p JOIN documents d ON d.id = p.document_id WHERE d.title = ? ORDER BY p.id').pluck().all(title) as number[];
  const renditionOfTitle = (title: string) =>
    db.prepare('SELECT r.id FROM renditions r JOIN documents d ON d.id = r.document_id WHERE d.title = ?').pluck().get(title) as number;

  beforeAll(async () => {
    mkdirSync(join(dir, 'notes'));
    writeFileSync(join(dir, 'notes', 'a.md'), '电池笔记\n\n固态电池的能量密度。\n\n电池的循环寿命。\n');
    writeFileSync(join(dir, 'notes', 'b.md'), '光刻笔记\n\n极紫外光刻机的光源。\n\n光刻胶的分辨率。\n');
    writeFileSync(join(dir, 'notes', 'c.md'), '补充笔记\n\n钠离子电池的成本。\n\n钠离子电池的低温性能。\n');
    await ingest(db, [dir]);
  });

  it('gives every rendition one run of ids as ingest writes them', () => {
    const map = corpusMap(db);
    for (const title of ['电池笔记', '光刻笔记', '补充笔记']) {
      const ids = idsOf(title);
      expect(ids.at(-1)! - ids[0]! + 1).toBe(ids.length);
      expect(new Set(ids.map((id) => renditionOf(map, id))).size).toBe(1);
    }
    expect(map.first.length).toBe(map.document.length);
  });

  it('keeps a rendition whose passages are not one run together, and its neighbours apart', () => {
    // The supplement's passages move to the battery note's rendition, after the lithography
    // note's: the battery rendition now holds two runs with another rendition between them.
    const battery = renditionOfTitle('电池笔记');
    const moved = idsOf('补充笔记');
    const batteryDoc = db.prepare('SELECT document_id FROM renditions WHERE id = ?').pluck().get(battery) as number;
    db.prepare(`UPDATE passages SET rendition_id = ?, document_id = ?, seq = seq + 100 WHERE id IN (${moved.join(',')})`).run(battery, batteryDoc);
    // As every writer does (store/texts.ts), the renditions' spans of passage ids follow.
    db.exec(`UPDATE renditions SET (passages_first, passages_last, passages_count) =
      (SELECT min(id), max(id), count(*) FROM passages WHERE rendition_id = renditions.id)`);
    const map = corpusMap(db);
    const r = renditionOf(map, idsOf('电池笔记')[0]!);
    expect(moved.map((id) => renditionOf(map, id))).toEqual(moved.map(() => r));
    expect(lengthOf(map, r)).toBe(idsOf('电池笔记').length);
    expect(renditionOf(map, idsOf('光刻笔记')[0]!)).not.toBe(r);
    // Search sees one document holding both texts, and the lithography note as its own.
    const hits = search(db, '钠离子电池').hits;
    expect(hits.map((h) => h.document.title)).toEqual(['电池笔记']);
    expect(hits[0]!.passage!.text).toContain('钠离子电池');
    const holding = db.prepare("SELECT count(*) FROM passages WHERE rendition_id = ? AND text LIKE '%电池%'").pluck().get(battery) as number;
    expect(hits[0]!.more).toBe(holding - 1);
    expect(search(db, '光刻').hits.map((h) => h.document.title)).toEqual(['光刻笔记']);
  });
});
