/**
 * Content identity: the same text is stored and indexed once per document, whichever files it
 * came from (an archive entry and the summary file it was made from, a raw transcript and a
 * seed copy of it, a folder copied to a second place).
 *
 * A rendition's text is its passages (and its body, for display); its identity is
 * `text_hash` (see pipeline/prepare.ts). Of the renditions of one document with the same
 * text, one **holds** it (`same_text_as` NULL: it owns the passages, the index rows and the
 * body); each other one **follows** it (`same_text_as` = the holder, no passages, no body) and
 * keeps only what its own file says about the item (title, date, number, source, metadata),
 * so every file stays an origin of the document and still feeds its display fields.
 *
 * The holder is chosen by kind, in the order a document takes its title and date from its
 * renditions (`KIND_PRIORITY`: a cleaned transcript, then a summary, then other text, then a
 * raw transcript), so the result does not depend on the order files are ingested in; the text
 * is indexed in the holder's column. (The usual layouts list the archive before its summaries,
 * so the usual order needs no handover.)
 * When the holder's file goes, or a better-ranked rendition with the text arrives, the text
 * changes hands: its passages are re-pointed, not rewritten (and re-indexed only when the new
 * holder's kind is ranked in another column). Passage line numbers stay those of the file the
 * text was first read from.
 */
import { stmt } from './statements.js';
import type { DB } from './db.js';
import type { RenditionKind } from '../model.js';
import type { PreparedPassage, PreparedRendition } from './write.js';
import { indexTerms } from '../text/segment.js';

/** Which rendition's title and date a document shows first, and which of several with one text holds it: lower first. */
export const KIND_PRIORITY: Record<RenditionKind, number> = { transcript: 0, summary: 1, post: 2, note: 3, text: 4, 'raw-transcript': 5 };

/** The index column of a kind: summaries, cleaned text, raw machine transcripts (weighted apart). */
function column(kind: RenditionKind): 0 | 1 | 2 {
  return kind === 'summary' ? 0 : kind === 'raw-transcript' ? 2 : 1;
}

export interface Stored {
  /** False when the document already held this text (the rendition only adds an origin). */
  newText: boolean;
  /** Passages written, and how many of them are boilerplate. */
  passages: number;
  boilerplate: number;
}

/** Store a rendition of document `docId`: with its text, or following the rendition that holds it already. */
export function storeRendition(db: DB, docId: number, fileId: number, r: PreparedRendition): Stored {
  const holder = stmt(db, 'SELECT id, kind FROM renditions WHERE document_id = ? AND text_hash = ? AND same_text_as IS NULL LIMIT 1')
    .get(docId, r.textHash) as { id: number; kind: RenditionKind } | undefined;
  if (holder && KIND_PRIORITY[r.kind] >= KIND_PRIORITY[holder.kind]) {
    insertRow(db, docId, fileId, r, holder.id);
    return { newText: false, passages: 0, boilerplate: 0 };
  }
  const id = insertRow(db, docId, fileId, r, null);
  if (!holder) {
    insertPassages(db, id, docId, r);
    return { newText: true, passages: r.passages.length, boilerplate: r.passages.reduce((n, p) => n + (p.role === 'boilerplate' ? 1 : 0), 0) };
  }
  // The new rendition ranks higher: it takes the text over. The passages (the same, in the same
  // order) are re-pointed to it and, if its kind ranks in another column, indexed there with the
  // terms just prepared; the old holder and its followers follow the new one.
  const ids = stmt(db, 'SELECT id FROM passages WHERE rendition_id = ? ORDER BY seq').pluck().all(holder.id) as number[];
  movePassages(db, holder.id, id);
  if (column(r.kind) !== column(holder.kind)) {
    ids.forEach((passageId, seq) => {
      stmt(db, 'DELETE FROM passages_fts WHERE rowid = ?').run(passageId);
      const p = r.passages[seq];
      const terms = p && termsOf(p);
      if (terms) insertTerms(db, passageId, column(r.kind), terms);
    });
  }
  stmt(db, "UPDATE renditions SET same_text_as = ?, body = '' WHERE id = ?").run(id, holder.id);
  stmt(db, 'UPDATE renditions SET same_text_as = ? WHERE same_text_as = ?').run(id, holder.id);
  return { newText: false, passages: 0, boilerplate: 0 };
}

/**
 * Before a file's renditions are deleted: each text one of them holds that renditions of
 * other files follow passes to the best of those followers, with its passages and body.
 */
export function handOverTexts(db: DB, fileId: number): void {
  const rows = stmt(db,
      `SELECT h.id AS holder, h.kind AS holderKind, f.id AS follower, f.kind AS followerKind
         FROM renditions h JOIN renditions f ON f.same_text_as = h.id
        WHERE h.file_id = ? AND f.file_id <> ? ORDER BY f.id`,
    )
    .all(fileId, fileId) as { holder: number; holderKind: RenditionKind; follower: number; followerKind: RenditionKind }[];
  const successors = new Map<number, (typeof rows)[number]>();
  for (const row of rows) {
    const best = successors.get(row.holder);
    if (!best || KIND_PRIORITY[row.followerKind] < KIND_PRIORITY[best.followerKind]) successors.set(row.holder, row);
  }
  for (const s of successors.values()) {
    stmt(db, 'UPDATE renditions SET same_text_as = NULL, body = (SELECT body FROM renditions WHERE id = ?) WHERE id = ?').run(s.holder, s.follower);
    stmt(db, 'UPDATE renditions SET same_text_as = ? WHERE same_text_as = ?').run(s.follower, s.holder);
    movePassages(db, s.holder, s.follower);
    if (column(s.followerKind) !== column(s.holderKind)) reindex(db, s.follower, s.followerKind);
  }
}

/**
 * A rendition whose text is never shared: engram's generated renditions (store/generated.ts),
 * which come and go on their own, so no file's rendition may follow them (no `text_hash`).
 */
export function insertUnsharedRendition(db: DB, docId: number, fileId: number, r: PreparedRendition): number {
  const id = insertRow(db, docId, fileId, { ...r, textHash: null }, null);
  insertPassages(db, id, docId, r);
  return id;
}

function insertRow(db: DB, docId: number, fileId: number, r: Omit<PreparedRendition, 'textHash'> & { textHash: string | null }, sameTextAs: number | null): number {
  return stmt(db,
      `INSERT INTO renditions (document_id, file_id, entry, kind, format, title, date, url, source, source_named, metadata,
                               content_hash, text_hash, same_text_as, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      docId, fileId, r.entry ?? null, r.kind, r.format, r.title ?? null, r.date ?? null, r.url ?? null,
      r.source, r.sourceNamed ? 1 : 0, JSON.stringify(r.metadata), r.contentHash, r.textHash, sameTextAs,
      sameTextAs === null ? r.body : '',
    ).lastInsertRowid as number;
}

function insertPassages(db: DB, renditionId: number, docId: number, r: PreparedRendition): void {
  const insertPassage = stmt(db,
    `INSERT INTO passages (rendition_id, document_id, seq, role, text, start, end, speaker, line, depth)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const col = column(r.kind);
  let first: number | null = null;
  let last: number | null = null;
  r.passages.forEach((p, seq) => {
    const id = insertPassage.run(
      renditionId, docId, seq, p.role, p.text, p.start ?? null, p.end ?? null, p.speaker ?? null, p.line, p.depth ?? null,
    ).lastInsertRowid as number;
    first ??= id;
    last = id;
    const terms = termsOf(p);
    if (terms) insertTerms(db, id, col, terms);
  });
  stmt(db, 'UPDATE renditions SET passages_first = ?, passages_last = ?, passages_count = ? WHERE id = ?').run(first, last, r.passages.length, renditionId);
}

/**
 * Hand a rendition's passages to another (the text changes hands), with the span of their ids
 * that search maps passages by (search/corpus.ts): every move of passages goes through here.
 */
function movePassages(db: DB, from: number, to: number): void {
  stmt(db, 'UPDATE passages SET rendition_id = ? WHERE rendition_id = ?').run(to, from);
  stmt(db,
    `UPDATE renditions SET (passages_first, passages_last, passages_count) =
       (SELECT passages_first, passages_last, passages_count FROM renditions WHERE id = ?) WHERE id = ?`,
  ).run(from, to);
  stmt(db, 'UPDATE renditions SET passages_first = NULL, passages_last = NULL, passages_count = 0 WHERE id = ?').run(from);
}

/** A passage's index terms: as prepared, or segmented now when they were not (`PreparedPassage.terms`). */
function termsOf(p: PreparedPassage): string {
  if (p.role === 'boilerplate') return '';
  return (p.terms ??= indexTerms(p.text).join(' '));
}

function insertTerms(db: DB, passageId: number, col: 0 | 1 | 2, terms: string): void {
  stmt(db, 'INSERT INTO passages_fts (rowid, summary, body, raw) VALUES (?, ?, ?, ?)')
    .run(passageId, col === 0 ? terms : '', col === 1 ? terms : '', col === 2 ? terms : '');
}

/** Index a rendition's passages again under its own kind's column (after a holder of another kind left). */
function reindex(db: DB, renditionId: number, kind: RenditionKind): void {
  const rows = stmt(db, "SELECT id, text FROM passages WHERE rendition_id = ? AND role <> 'boilerplate'").all(renditionId) as { id: number; text: string }[];
  for (const p of rows) {
    stmt(db, 'DELETE FROM passages_fts WHERE rowid = ?').run(p.id);
    const terms = indexTerms(p.text).join(' ');
    if (terms) insertTerms(db, p.id, column(kind), terms);
  }
}
