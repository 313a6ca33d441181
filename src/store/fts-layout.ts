/**
 * The full-text index's layout after a bulk write. FTS5 keeps an index as segments, written at
 * every commit and merged a few at a time (`automerge`); a query seeks into every segment of
 * every term it reads, so after a large ingest the index is merged into one. A full merge
 * rewrites the whole index (0.6 s for the 41 MB corpus, ~5 s at ten times that), so it runs
 * only when an ingest wrote a good share of the index: a first ingest, a large addition,
 * never `engram update`'s file or two (amortised, every passage is rewritten a few times at most).
 *
 * An ingest into an empty library writes in bulk mode (`fullTextWrites`): FTS5 keeps up to
 * 8 MB of new terms in memory before it writes them as a segment (1 MB by default), and does
 * not merge segments as it goes, since the whole index is merged once at the end anyway.
 * Measured on the corpus's passages: inserting, committing and the final merge took 2.1–2.5 s
 * instead of 3.0–3.1 s, all of it on the writer's thread.
 *
 * Bulk mode also lets a level hold 64 segments before FTS5 merges them (`crisismerge`, 16 by
 * default): the corpus's ~35 commits made two such merges at 16, each rewriting what the final
 * merge rewrites again. Replaying the corpus's index writes with the ingest's commits, the
 * commits took 0.6–0.9 s instead of 1.4–1.6 s, the final merge ~0.1 s longer. A server reading
 * the library during a first ingest seeks into at most 64 segments a level.
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

/** FTS5's write settings: its own defaults, or bulk mode for an ingest that merges the index at the end. */
const WRITE_SETTINGS = {
  normal: { automerge: 4, crisismerge: 16, hashsize: 1024 * 1024 },
  bulk: { automerge: 0, crisismerge: 64, hashsize: 8 * 1024 * 1024 },
} as const;

/**
 * Set how the passages' full-text index takes writes. Settings are stored in the library, so
 * every ingest sets them, and one that fails sets them back; if even that fails (the library
 * cannot be written), the next ingest does (and in the meantime FTS5 still merges a level of 16
 * segments).
 */
export function fullTextWrites(db: DB, mode: keyof typeof WRITE_SETTINGS): void {
  const stored = new Map(db.prepare('SELECT k, v FROM passages_fts_config').raw().all() as [string, unknown][]);
  for (const [k, v] of Object.entries(WRITE_SETTINGS[mode])) {
    const current = stored.get(k) ?? WRITE_SETTINGS.normal[k as keyof typeof WRITE_SETTINGS.normal];
    if (current !== v) db.prepare(`INSERT INTO passages_fts (passages_fts, rank) VALUES ('${k}', ${v})`).run();
  }
}
