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
  contentHash: string;
  body: string;
  passages: PreparedPassage[];
}

export interface PreparedPassage extends ParsedPassage {
  /** Folded, segmented terms for the index, space-joined; empty for boilerplate. */
  terms: string;
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
  /** Renditions rewritten with exactly the content they had (another part of the file changed). */
  unchanged: string[];
}

export function fileState(db: DB, absPath: string): FileState | undefined {
  return stmt(db, 'SELECT id, content_hash AS contentHash, status, size, mtime_ms AS mtimeMs FROM files WHERE abs_path = ?')
    .get(absPath) as FileState | undefined;
}

/** Keys of the documents a file contributes to (for reporting unchanged files). */
export function documentKeysOfFile(db: DB, fileId: number): string[] {
  return (
    stmt(db, 'SELECT DISTINCT d.key FROM renditions r JOIN documents d ON d.id = r.document_id WHERE r.file_id = ?')
      .pluck()
      .all(fileId) as string[]
  );
}

/** The one media key the other files of a folder agree on (for episode folders), if any. */
export function siblingMediaKey(db: DB, root: string, dirRelPath: string, exceptRelPath: string): string | undefined {
  const prefix = dirRelPath ? `${dirRelPath}/` : '';
  const keys = stmt(db, 
      `SELECT DISTINCT d.key FROM files f
         JOIN renditions r ON r.file_id = f.id
         JOIN documents d ON d.id = r.document_id
        WHERE f.root = ? AND f.rel_path LIKE ? ESCAPE '\\' AND f.rel_path NOT LIKE ? ESCAPE '\\' AND f.rel_path <> ?
          AND d.key NOT LIKE 'file:%'
        LIMIT 2`,
    )
    .pluck()
    .all(root, likeEscape(prefix) + '%', likeEscape(prefix) + '%/%', exceptRelPath) as string[];
  return keys.length === 1 ? keys[0] : undefined;
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Replace everything `file` contributed with `renditions`, in one transaction. */
export function replaceFile(db: DB, file: FileRecord, format: string, warnings: unknown[], renditions: PreparedRendition[]): ReplaceOutcome {
  return atomically(db, (): ReplaceOutcome => {
    const fileId = upsertFile(db, file, format, 'ok', null, warnings);
    const previous = new Set(
      (stmt(db, 'SELECT d.key, r.content_hash AS hash FROM renditions r JOIN documents d ON d.id = r.document_id WHERE r.file_id = ?')
        .all(fileId) as { key: string; hash: string }[]).map((r) => `${r.key}\u0000${r.hash}`),
    );
    const touched = removeFileRenditions(db, fileId);
    const outcome: ReplaceOutcome = { added: [], updated: [], unchanged: [] };
    for (const r of renditions) {
      const existing = stmt(db, 'SELECT id FROM documents WHERE key = ?').pluck().get(r.key) as number | undefined;
      const docId = existing ?? (stmt(db, 'INSERT INTO documents (key) VALUES (?)').run(r.key).lastInsertRowid as number);
      const list = existing === undefined ? outcome.added : previous.has(`${r.key}\u0000${r.contentHash}`) ? outcome.unchanged : outcome.updated;
      list.push(r.key);
      touched.add(docId);
      insertRendition(db, docId, fileId, r);
    }
    for (const docId of touched) refreshDocument(db, docId);
    return outcome;
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

function upsertFile(db: DB, f: FileRecord, format: string | null, status: 'ok' | 'failed', error: string | null, warnings: unknown[]): number {
  const row = stmt(db, 
      `INSERT INTO files (abs_path, root, rel_path, size, mtime_ms, content_hash, format, status, error, warnings, ingested_at)
       VALUES (@absPath, @root, @relPath, @size, @mtimeMs, @contentHash, @format, @status, @error, @warnings, @now)
       ON CONFLICT(abs_path) DO UPDATE SET
         root = excluded.root, rel_path = excluded.rel_path, size = excluded.size, mtime_ms = excluded.mtime_ms,
         content_hash = CASE WHEN excluded.status = 'ok' THEN excluded.content_hash ELSE files.content_hash END,
         format = COALESCE(excluded.format, files.format), status = excluded.status, error = excluded.error,
         warnings = excluded.warnings, ingested_at = excluded.ingested_at
       RETURNING id`,
    )
    .get({ ...f, format, status, error, warnings: JSON.stringify(warnings), now: new Date().toISOString() }) as { id: number };
  return row.id;
}

/** Delete a file's renditions and passages (and their index rows); returns the documents touched. */
function removeFileRenditions(db: DB, fileId: number): Set<number> {
  const docs = new Set(stmt(db, 'SELECT DISTINCT document_id FROM renditions WHERE file_id = ?').pluck().all(fileId) as number[]);
  if (docs.size === 0) return docs;
  stmt(db, 
    'DELETE FROM passages_fts WHERE rowid IN (SELECT p.id FROM passages p JOIN renditions r ON r.id = p.rendition_id WHERE r.file_id = ?)',
  ).run(fileId);
  stmt(db, 'DELETE FROM passages WHERE rendition_id IN (SELECT id FROM renditions WHERE file_id = ?)').run(fileId);
  stmt(db, 'DELETE FROM renditions WHERE file_id = ?').run(fileId);
  return docs;
}

/** Insert one rendition and its passages (indexed unless boilerplate); returns its ID. */
export function insertRendition(db: DB, docId: number, fileId: number, r: PreparedRendition): number {
  const renditionId = stmt(db, 
      `INSERT INTO renditions (document_id, file_id, entry, kind, format, title, date, url, source, source_named, metadata, content_hash, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      docId, fileId, r.entry ?? null, r.kind, r.format, r.title ?? null, r.date ?? null, r.url ?? null,
      r.source, r.sourceNamed ? 1 : 0, JSON.stringify(r.metadata), r.contentHash, r.body,
    ).lastInsertRowid as number;
  const insertPassage = stmt(db, 
    `INSERT INTO passages (rendition_id, document_id, seq, role, text, start, end, speaker, line, depth)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertTerms = stmt(db, 'INSERT INTO passages_fts (rowid, summary, body, raw) VALUES (?, ?, ?, ?)');
  const column = r.kind === 'summary' ? 0 : r.kind === 'raw-transcript' ? 2 : 1;
  r.passages.forEach((p, seq) => {
    const id = insertPassage.run(
      renditionId, docId, seq, p.role, p.text, p.start ?? null, p.end ?? null, p.speaker ?? null, p.line, p.depth ?? null,
    ).lastInsertRowid as number;
    if (p.role !== 'boilerplate' && p.terms) {
      insertTerms.run(id, column === 0 ? p.terms : '', column === 1 ? p.terms : '', column === 2 ? p.terms : '');
    }
  });
  return renditionId;
}

/** Which rendition's title/date/url a document shows first. */
const KIND_PRIORITY: Record<string, number> = { transcript: 0, summary: 1, post: 2, note: 3, text: 4, 'raw-transcript': 5 };

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
 * removes what it said), refresh its title index row, or delete it when nothing is left.
 */
export function refreshDocument(db: DB, docId: number): void {
  // Renditions engram generated (store/generated.ts) say nothing about the document itself.
  const rows = stmt(db, 'SELECT kind, title, date, url, source, source_named, metadata FROM renditions WHERE document_id = ? AND generated IS NULL ORDER BY id')
    .all(docId) as RenditionRow[];
  stmt(db, 'DELETE FROM titles_fts WHERE rowid = ?').run(docId);
  if (rows.length === 0) {
    // Nothing from a file is left: what engram generated from those files goes too.
    stmt(db, 'DELETE FROM passages_fts WHERE rowid IN (SELECT id FROM passages WHERE document_id = ?)').run(docId);
    stmt(db, 'DELETE FROM passages WHERE document_id = ?').run(docId);
    stmt(db, 'DELETE FROM renditions WHERE document_id = ?').run(docId);
    stmt(db, 'DELETE FROM documents WHERE id = ?').run(docId);
    return;
  }
  rows.sort((a, b) => (KIND_PRIORITY[a.kind] ?? 9) - (KIND_PRIORITY[b.kind] ?? 9));
  const first = <K extends keyof RenditionRow>(k: K) => rows.find((r) => r[k] != null && r[k] !== '')?.[k] ?? null;
  const named = rows.find((r) => r.source_named);
  const source = named?.source ?? rows[0]!.source;
  const metadata: DocumentMetadata = {};
  for (const r of [...rows].reverse()) Object.assign(metadata, JSON.parse(r.metadata));
  const sourceId = sourceIdFor(db, source);
  const title = first('title') as string | null;
  stmt(db, 'UPDATE documents SET title = ?, date = ?, url = ?, source_id = ?, metadata = ? WHERE id = ?').run(
    title, first('date'), first('url'), sourceId, JSON.stringify(metadata), docId,
  );
  const keywords = [metadata.category, ...(metadata.keywords ?? []), ...(metadata.hashtags ?? [])].filter(Boolean).join(' ');
  stmt(db, 'INSERT INTO titles_fts (rowid, title, keywords) VALUES (?, ?, ?)').run(
    docId, indexTerms(title ?? '').join(' '), indexTerms(keywords).join(' '),
  );
}

function sourceIdFor(db: DB, name: string): number {
  stmt(db, 'INSERT INTO sources (name) VALUES (?) ON CONFLICT(name) DO NOTHING').run(name);
  return stmt(db, 'SELECT id FROM sources WHERE name = ?').pluck().get(name) as number;
}

/** Drop sources no document points at any more (once per ingest run, not per document). */
export function pruneSources(db: DB): void {
  stmt(db, 'DELETE FROM sources WHERE id NOT IN (SELECT DISTINCT source_id FROM documents WHERE source_id IS NOT NULL)').run();
}
