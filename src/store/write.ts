/**
 * Writing to the library. The unit of change is a file: everything that came from one file
 * is replaced together in one transaction, so re-ingesting a changed file replaces exactly
 * what came from it, and a process killed mid-ingest leaves each file either fully old or
 * fully new (the next run redoes what is missing, because a file's hash is recorded in the
 * same transaction as its renditions).
 */
import { stmt } from './statements.js';
import type { DB } from './db.js';
import type { ParsedPassage, RenditionKind, DocumentMetadata } from '../model.js';
import { indexTerms } from '../text/segment.js';
import { handOverTexts, KIND_PRIORITY, storeRendition } from './texts.js';
import { urlKeys } from '../formats/media.js';

/** A file's identity and content fingerprint. */
export interface FileRecord {
  absPath: string;
  root: string;
  relPath: string;
  size: number;
  mtimeMs: number;
  contentHash: string;
}

/** A parsed document ready to store: text cleaned, passages segmented. */
export interface PreparedRendition {
  key: string;
  kind: RenditionKind;
  format: string;
  entry?: number;
  title?: string;
  date?: string;
  url?: string;
  source: string;
  /** True when the file itself named the source (podcast header), not the folder. */
  sourceNamed: boolean;
  metadata: DocumentMetadata;
  /** Everything the rendition says (kind, title, body, passages): a file copied elsewhere has the same. */
  contentHash: string;
  /** Identity of its text alone (the passages): identical texts of one document are stored once (texts.ts). */
  textHash: string;
  body: string;
  passages: PreparedPassage[];
}

export interface PreparedPassage extends ParsedPassage {
  /**
   * Folded, segmented terms for the index, space-joined; empty for boilerplate. Absent when
   * the text was not segmented where it was parsed (`PrepareContext.follows`): the writer
   * segments it if it stores the text after all (store/texts.ts).
   */
  terms?: string;
  /** The text made Simplified and half-width (the index's folding), when that changed it: the terms scan reads it. */
  simplified?: string;
}

export interface FileState {
  id: number;
  contentHash: string;
  status: 'ok' | 'failed';
  size: number;
  mtimeMs: number;
}

export interface ReplaceOutcome {
  added: string[];
  updated: string[];
  /** Renditions rewritten with exactly the content they had, or whose text the document already held. */
  unchanged: string[];
  /** Documents that had nothing left once the file's old renditions went (an entry deleted from an archive): removed. */
  removed: string[];
  /** Renditions whose identical text the document already held: stored as one more origin of it. */
  shared: number;
  /** Renditions stored with their text (passages written): the texts this file brought. */
  withText: PreparedRendition[];
  /** Passages written, and how many of them are LLM boilerplate (set aside). */
  passages: number;
  boilerplate: number;
}

export function fileState(db: DB, absPath: string): FileState | undefined {
  return stmt(db, 'SELECT id, content_hash AS contentHash, status, size, mtime_ms AS mtimeMs FROM files WHERE abs_path = ?')
    .get(absPath) as FileState | undefined;
}

/** Whether a file's renditions that took the folder's source (not one the file names) have another source than `source`. */
export function gaveOtherSource(db: DB, fileId: number, source: string): boolean {
  return stmt(db, 'SELECT 1 FROM renditions WHERE file_id = ? AND source_named = 0 AND source <> ? LIMIT 1').get(fileId, source) !== undefined;
}

/** Keys of the documents a file contributes to (for reporting unchanged files). */
export function documentKeysOfFile(db: DB, fileId: number): string[] {
  return (
    stmt(db, 'SELECT DISTINCT d.key FROM renditions r JOIN documents d ON d.id = r.document_id WHERE r.file_id = ?')
      .pluck()
      .all(fileId) as string[]
  );
}

/** The other files of a folder that name a media item, with its key (for episode folders, see pipeline/folder-join.ts). */
export function keyedSiblings(db: DB, root: string, dirRelPath: string, exceptRelPath: string): { relPath: string; key: string }[] {
  const prefix = dirRelPath ? `${dirRelPath}/` : '';
  return stmt(db,
      `SELECT DISTINCT f.rel_path AS relPath, d.key FROM files f
         JOIN renditions r ON r.file_id = f.id
         JOIN documents d ON d.id = r.document_id
        WHERE f.root = ? AND f.rel_path LIKE ? ESCAPE '\\' AND f.rel_path NOT LIKE ? ESCAPE '\\' AND f.rel_path <> ?
          AND d.key NOT LIKE 'file:%'
        LIMIT 1000`,
    )
    .all(root, likeEscape(prefix) + '%', likeEscape(prefix) + '%/%', exceptRelPath) as { relPath: string; key: string }[];
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Replace everything `file` contributed with `renditions`, in one transaction. */
export function replaceFile(db: DB, file: FileRecord, format: string, warnings: unknown[], renditions: PreparedRendition[]): ReplaceOutcome {
  return atomically(db, (): ReplaceOutcome => {
    const fileId = upsertFile(db, file, format, 'ok', null, warnings);
    // A rendition is the same when its content and its source are (`ingest --source` renames one).
    const previous = new Set(
      (stmt(db, 'SELECT document_id AS doc, content_hash AS hash, source FROM renditions WHERE file_id = ?')
        .all(fileId) as { doc: number; hash: string; source: string }[]).map((r) => `${r.doc}\u0000${r.hash}\u0000${r.source}`),
    );
    const touched = removeFileRenditions(db, fileId);
    const keyOf = stmt(db, 'SELECT key FROM documents WHERE id = ?').pluck();
    const before = new Map([...touched].map((id) => [id, keyOf.get(id) as string]));
    const outcome: ReplaceOutcome = { added: [], updated: [], unchanged: [], removed: [], shared: 0, withText: [], passages: 0, boilerplate: 0 };
    for (const r of renditions) {
      const existing = documentFor(db, r);
      const docId = existing ?? (stmt(db, 'INSERT INTO documents (key) VALUES (?)').run(r.key).lastInsertRowid as number);
      const stored = storeRendition(db, docId, fileId, r);
      if (stored.newText) outcome.withText.push(r);
      else outcome.shared++;
      outcome.passages += stored.passages;
      outcome.boilerplate += stored.boilerplate;
      const same = previous.has(`${docId}\u0000${r.contentHash}\u0000${r.source}`) || !stored.newText;
      (existing === undefined ? outcome.added : same ? outcome.unchanged : outcome.updated).push(r.key);
      touched.add(docId);
    }
    for (const docId of touched) {
      if (refreshDocument(db, docId) === 'removed') outcome.removed.push(before.get(docId)!);
    }
    return outcome;
  });
}

/**
 * Documents known by a file's place (`file:` keys) follow the file when it moves, unless a
 * document is known by the new place already.
 */
export function rekeyMovedFile(db: DB, from: string, to: string): void {
  stmt(db,
    `UPDATE documents SET key = :to || substr(key, length(:from) + 1)
      WHERE (key = :from OR substr(key, 1, length(:from) + 1) = :from || '#')
        AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.key = :to || substr(documents.key, length(:from) + 1))`,
  ).run({ from: `file:${from}`, to: `file:${to}` });
}

/**
 * The document a rendition belongs to: the one with its key. A rendition known only by its
 * file (a `file:` key, which changes when the file moves) joins the document that already
 * holds the very same content: the same file, copied or moved elsewhere.
 */
function documentFor(db: DB, r: PreparedRendition): number | undefined {
  const byKey = stmt(db, 'SELECT id FROM documents WHERE key = ?').pluck();
  const found = byKey.get(r.key) as number | undefined;
  if (found !== undefined) return found;
  // The same page written another way (www., a trailing /): the document that has it.
  if (r.key.startsWith('url:')) return urlKeys(r.key.slice('url:'.length)).map((k) => byKey.get(k) as number | undefined).find((id) => id !== undefined);
  if (!r.key.startsWith('file:')) return undefined;
  return stmt(db, 'SELECT document_id FROM renditions WHERE content_hash = ? ORDER BY id LIMIT 1').pluck().get(r.contentHash) as number | undefined;
}

/**
 * Forget a file: what it contributed is removed (texts other files share stay with them),
 * documents left without renditions are deleted. Returns the documents touched and which of
 * them are gone.
 */
export function forgetFile(db: DB, fileId: number): { touched: number[]; removed: number[] } {
  return atomically(db, () => {
    const touched = [...removeFileRenditions(db, fileId)];
    stmt(db, 'DELETE FROM files WHERE id = ?').run(fileId);
    for (const docId of touched) refreshDocument(db, docId);
    const exists = stmt(db, 'SELECT 1 FROM documents WHERE id = ?').pluck();
    return { touched, removed: touched.filter((d) => exists.get(d) === undefined) };
  });
}

/**
 * Run `fn` in a transaction, or inside the caller's when one is open (ingest batches files
 * into one transaction and rolls it back whole if a write throws). Not a savepoint: FTS5
 * flushes its pending index data at every savepoint, which made ingest several times slower.
 */
function atomically<T>(db: DB, fn: () => T): T {
  return db.inTransaction ? fn() : db.transaction(fn)();
}

/**
 * Record a file that could not be parsed. What it contributed before stays in the library:
 * a file that turned bad must not take good data with it.
 */
export function recordFailure(db: DB, file: FileRecord, reason: string): void {
  atomically(db, () => upsertFile(db, file, null, 'failed', reason, []));
}

/**
 * Insert or update a file's record. No `RETURNING`: an upsert that returns rows runs in a
 * statement transaction, and FTS5 flushes its pending index data at every one, so each file
 * would write the previous files' index terms out as a small segment of its own (a third of
 * the writer's time went to writing and merging them).
 */
function upsertFile(db: DB, f: FileRecord, format: string | null, status: 'ok' | 'failed', error: string | null, warnings: unknown[]): number {
  stmt(db,
      `INSERT INTO files (abs_path, root, rel_path, size, mtime_ms, content_hash, format, status, error, warnings, ingested_at)
       VALUES (@absPath, @root, @relPath, @size, @mtimeMs, @contentHash, @format, @status, @error, @warnings, @now)
       ON CONFLICT(abs_path) DO UPDATE SET
         root = excluded.root, rel_path = excluded.rel_path, size = excluded.size, mtime_ms = excluded.mtime_ms,
         content_hash = CASE WHEN excluded.status = 'ok' THEN excluded.content_hash ELSE files.content_hash END,
         format = COALESCE(excluded.format, files.format), status = excluded.status, error = excluded.error,
         warnings = excluded.warnings, ingested_at = excluded.ingested_at`,
    )
    .run({ ...f, format, status, error, warnings: JSON.stringify(warnings), now: new Date().toISOString() });
  return stmt(db, 'SELECT id FROM files WHERE abs_path = ?').pluck().get(f.absPath) as number;
}

/**
 * Delete a file's renditions and passages (and their index rows); texts that renditions of
 * other files share pass to them first. Returns the documents touched.
 */
function removeFileRenditions(db: DB, fileId: number): Set<number> {
  const docs = new Set(stmt(db, 'SELECT DISTINCT document_id FROM renditions WHERE file_id = ?').pluck().all(fileId) as number[]);
  if (docs.size === 0) return docs;
  handOverTexts(db, fileId);
  stmt(db,
    'DELETE FROM passages_fts WHERE rowid IN (SELECT p.id FROM passages p JOIN renditions r ON r.id = p.rendition_id WHERE r.file_id = ?)',
  ).run(fileId);
  stmt(db, 'DELETE FROM passages WHERE rendition_id IN (SELECT id FROM renditions WHERE file_id = ?)').run(fileId);
  stmt(db, 'DELETE FROM renditions WHERE file_id = ?').run(fileId);
  return docs;
}


interface RenditionRow {
  kind: string;
  title: string | null;
  date: string | null;
  url: string | null;
  source: string;
  source_named: number;
  metadata: string;
  title_terms?: string;
}

/**
 * Derive a document's display fields from its renditions (so removing a rendition also
 * removes what it said), refresh its title index row, or delete it when nothing is left
 * (and say so: `'removed'`).
 */
export function refreshDocument(db: DB, docId: number): 'removed' | undefined {
  // Renditions engram generated (store/generated.ts) say nothing about the document itself.
  const rows = stmt(db, 'SELECT kind, title, date, url, source, source_named, metadata FROM renditions WHERE document_id = ? AND generated IS NULL ORDER BY id')
    .all(docId) as RenditionRow[];
  if (rows.length === 0) {
    // Nothing from a file is left: what engram generated from those files goes too.
    stmt(db, 'DELETE FROM titles_fts WHERE rowid = ?').run(docId);
    stmt(db, 'DELETE FROM passages_fts WHERE rowid IN (SELECT id FROM passages WHERE document_id = ?)').run(docId);
    stmt(db, 'DELETE FROM passages WHERE document_id = ?').run(docId);
    stmt(db, 'DELETE FROM renditions WHERE document_id = ?').run(docId);
    stmt(db, 'DELETE FROM documents WHERE id = ?').run(docId);
    return 'removed';
  }
  rows.sort((a, b) => (KIND_PRIORITY[a.kind as RenditionKind] ?? 9) - (KIND_PRIORITY[b.kind as RenditionKind] ?? 9));
  const first = <K extends keyof RenditionRow>(k: K) => rows.find((r) => r[k] != null && r[k] !== '')?.[k] ?? null;
  const named = rows.find((r) => r.source_named);
  const source = named?.source ?? rows[0]!.source;
  const metadata: DocumentMetadata = {};
  for (const r of [...rows].reverse()) Object.assign(metadata, JSON.parse(r.metadata));
  const sourceId = sourceIdFor(db, source);
  const title = first('title') as string | null;
  const before = stmt(db, 'SELECT title, metadata FROM documents WHERE id = ?').get(docId) as { title: string | null; metadata: string };
  stmt(db, 'UPDATE documents SET title = ?, date = ?, url = ?, source_id = ?, metadata = ? WHERE id = ?').run(
    title, first('date'), first('url'), sourceId, JSON.stringify(metadata), docId,
  );
  // A document's title row is rewritten only when what it indexes changed (a second rendition
  // of a document usually brings the same title): FTS5 writes its pending rows out as a segment
  // before it deletes a row, and whenever a row comes before the last it took.
  const keywords = keywordsOf(metadata);
  const indexed = stmt(db, 'SELECT rowid FROM titles_fts WHERE rowid = ?').pluck().get(docId) !== undefined;
  if (indexed && before.title === title && keywordsOf(JSON.parse(before.metadata) as DocumentMetadata) === keywords) return;
  if (indexed) stmt(db, 'DELETE FROM titles_fts WHERE rowid = ?').run(docId);
  stmt(db, 'INSERT INTO titles_fts (rowid, title, keywords) VALUES (?, ?, ?)').run(
    docId, indexTerms(title ?? '').join(' '), indexTerms(keywords).join(' '),
  );
}

/** What a document's title row indexes besides its title. */
const keywordsOf = (m: DocumentMetadata) => [m.category, ...(m.keywords ?? []), ...(m.hashtags ?? [])].filter(Boolean).join(' ');

function sourceIdFor(db: DB, name: string): number {
  stmt(db, 'INSERT INTO sources (name) VALUES (?) ON CONFLICT(name) DO NOTHING').run(name);
  return stmt(db, 'SELECT id FROM sources WHERE name = ?').pluck().get(name) as number;
}

/** Drop sources no document points at any more (once per ingest run, not per document). */
export function pruneSources(db: DB): void {
  stmt(db, 'DELETE FROM sources WHERE id NOT IN (SELECT DISTINCT source_id FROM documents WHERE source_id IS NOT NULL)').run();
}
