/**
 * Which rendition and document each indexed passage belongs to, held in memory.
 *
 * Search reads posting lists as bare passage ids (cheap: no ranking in SQLite, no join) and
 * needs each id's document and rendition kind to aggregate evidence per document. The map is
 * a sorted list of **runs** — consecutive passage ids of one rendition — in typed arrays, and
 * an id is placed by binary search over them.
 *
 * A rendition's passages are written together (store/texts.ts inserts them in one loop inside
 * one transaction), and a shared text that changes hands keeps its passages (they are
 * re-pointed to the new holder, not rewritten), so today each rendition is one run. The map
 * does not rely on it: the writer keeps each rendition's first and last passage id and its
 * count in its row, and a rendition whose count does not fill its range is read id by id and
 * split into runs. Reading the renditions' rows costs a few milliseconds at any library size;
 * aggregating the passages themselves cost 0.1 s at the corpus and 0.4 s (plus a cold index
 * read from disk) at 10x, paid by the first query of every process.
 *
 * The map is cached per connection and rebuilt when the library changed (`untilChanged`, the
 * cache the server's totals and the entity pages use too).
 */
import type { DB } from '../store/db.js';
import { stmt } from '../store/statements.js';
import { untilChanged } from '../store/until-changed.js';

/** Rendition kinds as the index weighs them (one FTS5 column each): summary, body, raw transcript. */
export const KIND = { summary: 0, body: 1, raw: 2 } as const;

export interface CorpusMap {
  /** Per run, ordered by id: its first and last passage id, and its rendition (an index into the arrays below). */
  first: Int32Array;
  last: Int32Array;
  rendition: Int32Array;
  /** Per rendition, ordered by first passage id: document, kind (KIND) and passage count. */
  document: Int32Array;
  kind: Uint8Array;
  length: Int32Array;
  /** Passages in all renditions (≈ indexed passages; boilerplate is a small share). */
  passages: number;
  /** Mean passages per rendition, for length normalisation. */
  avgLength: number;
  maxId: number;
}

export function corpusMap(db: DB): CorpusMap {
  return untilChanged(db, 'corpus-map', () => buildMap(db));
}

function buildMap(db: DB): CorpusMap {
  // Each rendition's span of passage ids as the writer keeps it (store/texts.ts).
  const renditions = stmt(db,
    `SELECT id, document_id, kind, passages_first, passages_last, passages_count FROM renditions
      WHERE passages_count > 0 ORDER BY passages_first`,
  ).raw().all() as [id: number, doc: number, kind: string, first: number, last: number, count: number][];
  const n = renditions.length;
  const map: CorpusMap = {
    first: new Int32Array(0), last: new Int32Array(0), rendition: new Int32Array(0),
    document: new Int32Array(n), kind: new Uint8Array(n), length: new Int32Array(n),
    passages: 0, avgLength: 1, maxId: 0,
  };
  const runs: [first: number, last: number, rendition: number][] = [];
  const idsOf = stmt(db, 'SELECT id FROM passages WHERE rendition_id = ? ORDER BY id').pluck();
  renditions.forEach(([id, doc, kind, first, last, count], r) => {
    map.document[r] = doc;
    map.kind[r] = kind === 'summary' ? KIND.summary : kind === 'raw-transcript' ? KIND.raw : KIND.body;
    map.length[r] = count;
    map.passages += count;
    if (last > map.maxId) map.maxId = last;
    if (last - first + 1 === count) runs.push([first, last, r]);
    else for (const [a, b] of consecutiveRuns(idsOf.all(id) as number[])) runs.push([a, b, r]);
  });
  runs.sort((a, b) => a[0] - b[0]);
  map.first = Int32Array.from(runs, (x) => x[0]);
  map.last = Int32Array.from(runs, (x) => x[1]);
  map.rendition = Int32Array.from(runs, (x) => x[2]);
  map.avgLength = n ? map.passages / n : 1;
  return map;
}

/** Ascending ids as [first, last] runs of consecutive ids. */
function consecutiveRuns(ids: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const id of ids) {
    const run = out[out.length - 1];
    if (run && id === run[1] + 1) run[1] = id;
    else out.push([id, id]);
  }
  return out;
}

/** Index of the run holding passage `id`, or -1. */
export function runOf(map: CorpusMap, id: number): number {
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

/** Index of the rendition holding passage `id`, or -1. */
export function renditionOf(map: CorpusMap, id: number): number {
  const run = runOf(map, id);
  return run < 0 ? -1 : map.rendition[run]!;
}

/** Passages in rendition `r`. */
export const lengthOf = (map: CorpusMap, r: number) => map.length[r]!;
