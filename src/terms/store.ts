/**
 * Corrections in the library.
 *
 * The passage text keeps what was heard; a correction adds the corrected term to the
 * passage's index terms (so both the right word and the heard one find the passage) and is
 * shown over the original where the passage is displayed. A correction's ID is a hash of
 * where it is and what it changes (document, file, line, original, corrected, occurrence), so
 * it is the same after a re-ingest; a revert records that ID and is never undone.
 */
import { createHash } from 'node:crypto';
import { stmt } from '../store/statements.js';
import type { DB } from '../store/db.js';
import { indexTerms } from '../text/segment.js';
import type { Candidate, DocText } from './correct.js';

export interface CorrectionRow {
  id: string;
  document: number;
  /** The file (and entry) the passage came from, as in search results' `origins`. */
  origin: string;
  line: number | null;
  /** Seconds into the media where the passage starts, when timed. */
  start: number | null;
  original: string;
  corrected: string;
  confidence: number;
  reason: string;
}

/** A document's renditions and passages as the corrector reads them. */
export function loadDocText(db: DB, documentId: number): (DocText & { key: string; bodies: Map<number, string> }) | undefined {
  const d = stmt(db, 'SELECT key, title, metadata FROM documents WHERE id = ?').get(documentId) as { key: string; title: string | null; metadata: string } | undefined;
  if (!d) return undefined;
  const rends = stmt(db,
    `SELECT r.id, r.kind, r.format, r.title, r.body, f.rel_path || COALESCE('#' || r.entry, '') AS origin
       FROM renditions r JOIN files f ON f.id = r.file_id WHERE r.document_id = ? ORDER BY r.id`,
  ).all(documentId) as { id: number; kind: string; format: string; title: string | null; body: string; origin: string }[];
  const passages = stmt(db, 'SELECT id, rendition_id AS r, text, role, line, start FROM passages WHERE document_id = ? ORDER BY rendition_id, seq')
    .all(documentId) as { id: number; r: number; text: string; role: string; line: number | null; start: number | null }[];
  const byRendition = new Map<number, typeof passages>();
  for (const p of passages) {
    const list = byRendition.get(p.r);
    if (list) list.push(p);
    else byRendition.set(p.r, [p]);
  }
  const meta = JSON.parse(d.metadata) as Record<string, unknown>;
  const metadataText = [d.title, ...rends.map((r) => r.title), meta.category, ...(asList(meta.keywords)), ...asList(meta.participants), ...asList(meta.speakers), ...asList(meta.hashtags)]
    .filter((x): x is string => typeof x === 'string' && x !== '').join('\n');
  return {
    key: d.key,
    metadataText,
    bodies: new Map(rends.map((r) => [r.id, r.body])),
    renditions: rends.map((r) => ({ id: r.id, kind: r.kind, format: r.format, origin: r.origin, passages: byRendition.get(r.id) ?? [] })),
  };
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[,，、]/) : []);

/** Replace a document's corrections with `candidates` (minus those the user reverted). */
export function storeCorrections(db: DB, documentId: number, doc: NonNullable<ReturnType<typeof loadDocText>>, candidates: Candidate[], entityOf: (c: Candidate) => number | null): number {
  const before = stmt(db, 'SELECT DISTINCT passage_id FROM corrections WHERE document_id = ?').pluck().all(documentId) as number[];
  stmt(db, 'DELETE FROM corrections WHERE document_id = ?').run(documentId);
  const reverted = stmt(db, 'SELECT 1 FROM correction_reverts WHERE id = ?').pluck();
  const insert = stmt(db,
    `INSERT OR IGNORE INTO corrections (id, document_id, passage_id, offset, length, original, corrected, entity_id, confidence, reason, line)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const origins = new Map(doc.renditions.map((r) => [r.id, r.origin]));
  const lines = new Map<number, string[]>();
  const linesOf = (renditionId: number) => {
    let l = lines.get(renditionId);
    // An entry of a multi-entry file holds only its own slice: its passages' lines are the file's.
    if (!l) lines.set(renditionId, (l = origins.get(renditionId)?.includes('#') ? [] : (doc.bodies.get(renditionId) ?? '').split('\n')));
    return l;
  };
  const passages = new Map(doc.renditions.flatMap((r) => r.passages.map((p) => [p.id, p] as const)));
  let n = 0;
  for (const c of candidates) {
    const p = passages.get(c.passageId)!;
    const line = lineOf(linesOf(c.renditionId), p.line, p.text, c);
    const id = correctionId(doc.key, origins.get(c.renditionId) ?? '', line, c);
    if (reverted.get(id) !== undefined) continue;
    n += insert.run(id, documentId, c.passageId, c.offset, c.length, c.original, c.corrected, entityOf(c), c.confidence, c.reason, line).changes;
  }
  const after = stmt(db, 'SELECT DISTINCT passage_id FROM corrections WHERE document_id = ?').pluck().all(documentId) as number[];
  reindexPassages(db, [...new Set([...before, ...after])]);
  return n;
}

export function correctionId(docKey: string, origin: string, line: number | null, c: Pick<Candidate, 'original' | 'corrected' | 'nth'>): string {
  return createHash('sha256').update([docKey, origin, line ?? '', c.original, c.corrected, c.nth].join('\u0000')).digest('hex').slice(0, 12);
}

/**
 * The file line of the corrected span: a passage of several lines (utterances merged) starts
 * at `passage.line`; the span is on the line holding the same occurrence of the original.
 */
function lineOf(lines: string[], start: number | null, text: string, c: Candidate): number | null {
  if (start == null) return null;
  let nth = 0;
  for (let at = text.indexOf(c.original); at !== -1 && at < c.offset; at = text.indexOf(c.original, at + 1)) nth++;
  let seen = 0;
  for (let k = start - 1; k >= 0 && k < lines.length; k++) {
    for (let at = lines[k]!.indexOf(c.original); at !== -1; at = lines[k]!.indexOf(c.original, at + 1)) {
      if (seen++ === nth) return k + 1;
    }
  }
  return start;
}

/** Rewrite the index rows of passages: their own terms plus their corrections' terms. */
export function reindexPassages(db: DB, passageIds: number[]): void {
  const get = stmt(db, 'SELECT p.id, p.text, p.role, r.kind FROM passages p JOIN renditions r ON r.id = p.rendition_id WHERE p.id = ?');
  const fixes = stmt(db, 'SELECT corrected FROM corrections WHERE passage_id = ?').pluck();
  const del = stmt(db, 'DELETE FROM passages_fts WHERE rowid = ?');
  const ins = stmt(db, 'INSERT INTO passages_fts (rowid, summary, body, raw) VALUES (?, ?, ?, ?)');
  for (const id of passageIds) {
    const p = get.get(id) as { id: number; text: string; role: string; kind: string } | undefined;
    if (!p || p.role === 'boilerplate') continue;
    const terms = [...indexTerms(p.text), ...(fixes.all(id) as string[]).flatMap((c) => indexTerms(c))].join(' ');
    const col = p.kind === 'summary' ? 0 : p.kind === 'raw-transcript' ? 2 : 1;
    del.run(id);
    if (terms) ins.run(id, col === 0 ? terms : '', col === 1 ? terms : '', col === 2 ? terms : '');
  }
}

export function listCorrections(db: DB, opts: { documentId?: number } = {}): CorrectionRow[] {
  return stmt(db,
    `SELECT c.id, c.document_id AS document, f.rel_path || COALESCE('#' || r.entry, '') AS origin, c.line, p.start,
            c.original, c.corrected, c.confidence, c.reason
       FROM corrections c JOIN passages p ON p.id = c.passage_id JOIN renditions r ON r.id = p.rendition_id JOIN files f ON f.id = r.file_id
      WHERE (@doc IS NULL OR c.document_id = @doc)
      ORDER BY c.document_id, origin, c.line, c.offset`,
  ).all({ doc: opts.documentId ?? null }) as CorrectionRow[];
}

/** Undo a correction for good: the passage's index loses the corrected term, and no later ingest applies it again. */
export function revertCorrection(db: DB, id: string): CorrectionRow | undefined {
  const row = listCorrections(db).find((c) => c.id === id);
  if (!row) return undefined;
  db.transaction(() => {
    const passage = stmt(db, 'SELECT passage_id FROM corrections WHERE id = ?').pluck().get(id) as number;
    stmt(db, 'INSERT OR REPLACE INTO correction_reverts (id, original, corrected, reverted_at) VALUES (?, ?, ?, ?)').run(id, row.original, row.corrected, new Date().toISOString());
    stmt(db, 'DELETE FROM corrections WHERE id = ?').run(id);
    reindexPassages(db, [passage]);
  })();
  return row;
}

/** Corrections of one passage, for display over its text. */
export function passageCorrections(db: DB, passageId: number): { offset: number; length: number; original: string; corrected: string; reason: string; confidence: number }[] {
  return stmt(db, 'SELECT offset, length, original, corrected, reason, confidence FROM corrections WHERE passage_id = ? ORDER BY offset')
    .all(passageId) as { offset: number; length: number; original: string; corrected: string; reason: string; confidence: number }[];
}
