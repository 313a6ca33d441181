/**
 * Which rendition and document each indexed passage belongs to, held in memory.
 *
 * Search reads posting lists as bare passage ids (cheap: no ranking in SQLite, no join) and
 * needs each id's document and rendition kind to aggregate evidence per document. A
 * rendition's passages are written together (store/write.ts inserts them in one loop inside
 * one transaction), so their ids form one contiguous range: the map is one range per
 * rendition, found by two index seeks each, and an id is placed by binary search.
 *
 * The map is cached per connection and rebuilt when the library changed: `data_version`
 * moves when another connection commits, `total_changes()` when this one writes.
 */
import type { DB } from '../store/db.js';
import { stmt } from '../store/statements.js';

/** Rendition kinds as the index weighs them (one FTS5 column each): summary, body, raw transcript. */
export const KIND = { summary: 0, body: 1, raw: 2 } as const;

export interface CorpusMap {
  /** Per rendition, ordered by first passage id: [first, last] passage ids. */
  first: Int32Array;
  last: Int32Array;
  document: Int32Array;
  kind: Uint8Array;
  /** Passages in all renditions (≈ indexed passages; boilerplate is a small share). */
  passages: number;
  /** Mean passages per rendition, for length normalisation. */
  avgLength: number;
  maxId: number;
}

const cache = new WeakMap<DB, { stamp: string; map: CorpusMap }>();

export function corpusMap(db: DB): CorpusMap {
  const stamp = `${db.pragma('data_version', { simple: true })}:${stmt(db, 'SELECT total_changes()').pluck().get()}`;
  const hit = cache.get(db);
  if (hit && hit.stamp === stamp) return hit.map;
  const map = buildMap(db);
  cache.set(db, { stamp, map });
  return map;
}

function buildMap(db: DB): CorpusMap {
  const rows = stmt(db,
    `SELECT r.document_id, r.kind,
            (SELECT id FROM passages WHERE rendition_id = r.id ORDER BY seq LIMIT 1) AS first,
            (SELECT id FROM passages WHERE rendition_id = r.id ORDER BY seq DESC LIMIT 1) AS last
       FROM renditions r`,
  ).raw().all() as [number, string, number | null, number | null][];
  const ranges = rows.filter((r) => r[2] !== null && r[3] !== null).sort((a, b) => a[2]! - b[2]!);
  const n = ranges.length;
  const map: CorpusMap = {
    first: new Int32Array(n), last: new Int32Array(n), document: new Int32Array(n), kind: new Uint8Array(n),
    passages: 0, avgLength: 1, maxId: 0,
  };
  ranges.forEach(([doc, kind, first, last], i) => {
    map.first[i] = first!;
    map.last[i] = last!;
    map.document[i] = doc;
    map.kind[i] = kind === 'summary' ? KIND.summary : kind === 'raw-transcript' ? KIND.raw : KIND.body;
    map.passages += last! - first! + 1;
    if (last! > map.maxId) map.maxId = last!;
  });
  map.avgLength = n ? map.passages / n : 1;
  return map;
}

/** Index of the rendition holding passage `id`, or -1. */
export function renditionOf(map: CorpusMap, id: number): number {
  let lo = 0;
  let hi = map.first.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (id < map.first[mid]!) hi = mid - 1;
    else if (id > map.last[mid]!) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Passages in rendition `r`. */
export const lengthOf = (map: CorpusMap, r: number) => map.last[r]! - map.first[r]! + 1;
