/**
 * The full-text index's layout after a bulk write. FTS5 keeps an index as segments, written at
 * every commit and merged a few at a time (`automerge`); a query seeks into every segment of
 * every term it reads, so after a large ingest the index is merged into one. A full merge
 * rewrites the whole index (0.6 s for the 41 MB corpus, ~5 s at ten times that), so it runs
 * only when an ingest wrote a good share of the index: a first ingest, a large addition,
 * never `engram update`'s file or two (amortised, every passage is rewritten a few times at most).
 */
import type { DB } from './db.js';

/** An ingest that wrote at least this share of the library's passages merges the index. */
export const MERGE_AFTER_SHARE = 0.25;

/** Segments of the passages' full-text index. */
export function fullTextSegments(db: DB): number {
  return db.prepare('SELECT count(DISTINCT segid) FROM passages_fts_idx').pluck().get() as number;
}

/** Whether an ingest that wrote `written` passages should merge the index (`compactFullText`). */
export function worthCompacting(db: DB, written: number): boolean {
  // The highest passage id stands for the library's size: counting a million rows would cost
  // more than `engram update`'s whole ingest of a file (ids left by deleted passages only
  // make a merge rarer).
  const total = (db.prepare('SELECT max(id) FROM passages').pluck().get() as number | null) ?? 0;
  return written > 0 && written >= MERGE_AFTER_SHARE * total && fullTextSegments(db) > 1;
}

/** Merge the passages' and titles' full-text indexes into one segment each. */
export function compactFullText(db: DB): void {
  db.transaction(() => {
    db.prepare("INSERT INTO passages_fts (passages_fts) VALUES ('optimize')").run();
    db.prepare("INSERT INTO titles_fts (titles_fts) VALUES ('optimize')").run();
  })();
}
