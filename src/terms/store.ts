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
import type { Candidate, DocPassage, DocText } from './correct.js';
import { isCorrected, type PassageScan } from './scan.js';
import { documentOrigins, ORIGIN_COLUMNS, plainOrigin, type OriginSource } from '../store/origins.js';

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

/** Scans made where passages were parsed, by the text they belong to (`text_hash`): each passage's, in order. */
export type ScanLookup = (textHash: string) => { scans: readonly PassageScan[]; boilerplate: Uint8Array } | undefined;

/**
 * A document's renditions and passages as the corrector reads them. With `scans`, a passage
 * whose scan is at hand is read without its text (the stage never needs it then).
 */
export function loadDocText(db: DB, documentId: number, scans?: ScanLookup): (DocText & { key: string }) | undefined {
  const d = stmt(db, 'SELECT key, title, metadata FROM documents WHERE id = ?').get(documentId) as { key: string; title: string | null; metadata: string } | undefined;
  if (!d) return undefined;
  const sources = stmt(db,
    `SELECT r.id, r.kind, r.format, r.title, r.text_hash AS textHash, r.same_text_as AS sameTextAs, ${ORIGIN_COLUMNS}
       FROM renditions r JOIN files f ON f.id = r.file_id WHERE r.document_id = ? ORDER BY r.id`,
  ).all(documentId) as (OriginSource & { id: number; kind: string; format: string; title: string | null; textHash: string | null; sameTextAs: number | null })[];
  const named = idOrigins(sources);
  const rends = sources.map((r, i) => ({ ...r, origin: named[i]! }));
  // A rendition whose scans are at hand is read from the index of passages by rendition alone
  // (their ids, in order; whether each is boilerplate is in the scans), never from the table:
  // reading rows cost ~3 µs a passage, a tenth of a second per 35,000 (the stage's largest read).
  const ids = stmt(db, 'SELECT id FROM passages WHERE rendition_id = ? ORDER BY seq').pluck();
  const rows = stmt(db, "SELECT id, role = 'boilerplate' AS boilerplate, text, line FROM passages WHERE rendition_id = ? ORDER BY seq");
  const passagesOf = (r: (typeof rends)[number]): DocPassage[] => {
    const kept = scans && r.textHash ? scans(r.textHash) : undefined;
    if (kept) {
      const known = ids.all(r.id) as number[];
      if (known.length === kept.scans.length) {
        const alikes = isCorrected(r.kind, r.format);
        return known.map((id, seq) => {
          const p: DocPassage = { id, boilerplate: kept.boilerplate[seq] === 1, scan: kept.scans[seq] };
          if (!p.scan || (alikes && !p.boilerplate && !p.scan.alikes)) readText(db, p);
          return p;
        });
      }
    }
    return (rows.all(r.id) as (Omit<DocPassage, 'boilerplate'> & { boilerplate: number })[]).map((p) => ({ ...p, boilerplate: p.boilerplate === 1 }));
  };
  const meta = JSON.parse(d.metadata) as Record<string, unknown>;
  const metadataText = [d.title, ...rends.map((r) => r.title), meta.category, ...(asList(meta.keywords)), ...asList(meta.participants), ...asList(meta.speakers), ...asList(meta.hashtags)]
    .filter((x): x is string => typeof x === 'string' && x !== '').join('\n');
  const body = stmt(db, 'SELECT body FROM renditions WHERE id = ?').pluck();
  const written = rends.filter((r) => !isCorrected(r.kind, r.format));
  return {
    key: d.key,
    metadataText,
    renditions: rends.map((r) => ({ id: r.id, kind: r.kind, format: r.format, origin: r.origin, passages: passagesOf(r) })),
    writtenText: () => written.map((r) => body.get(r.id) as string).join('\n'),
  };
}

/**
 * The origin a correction's ID names: the file as its folder has it (`plainOrigin`), so that
 * IDs stay what they were when the same file turns up in another folder too. Only where two
 * files of the document that hold texts (and so corrections) have the same one is it the
 * origin as shown, qualified by folder (store/origins.ts): their corrections would otherwise
 * share IDs, and one file's would be lost.
 */
function idOrigins(rends: readonly (OriginSource & { sameTextAs: number | null })[]): string[] {
  const plain = rends.map(plainOrigin);
  const holders = new Map<string, Set<number>>();
  rends.forEach((r, i) => {
    if (r.root !== '' && r.sameTextAs === null) holders.set(plain[i]!, (holders.get(plain[i]!) ?? new Set()).add(r.file));
  });
  if (![...holders.values()].some((files) => files.size > 1)) return plain;
  const shown = documentOrigins(rends);
  return rends.map((r, i) => (r.root !== '' && r.sameTextAs === null && holders.get(plain[i]!)!.size > 1 ? shown[i]! : plain[i]!));
}

/** Reads the passage's text and line where they were left unread. */
function readText(db: DB, p: DocPassage): asserts p is DocPassage & { text: string; line: number | null } {
  if (p.text !== undefined && p.line !== undefined) return;
  Object.assign(p, stmt(db, 'SELECT text, line FROM passages WHERE id = ?').get(p.id) as { text: string; line: number | null });
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[,，、]/) : []);

/**
 * Replace a document's corrections with `candidates` (minus those the user reverted). The
 * passages whose corrections changed are re-indexed now, or handed to `reindex` to be
 * re-indexed with others (see `reindexPassages`).
 */
export function storeCorrections(
  db: DB, documentId: number, doc: NonNullable<ReturnType<typeof loadDocText>>, candidates: Candidate[], entityOf: (c: Candidate) => number | null,
  reindex: (passageIds: number[]) => void = (ids) => reindexPassages(db, ids),
): number {
  const before = stmt(db, 'SELECT DISTINCT passage_id FROM corrections WHERE document_id = ?').pluck().all(documentId) as number[];
  stmt(db, 'DELETE FROM corrections WHERE document_id = ?').run(documentId);
  const reverted = stmt(db, 'SELECT 1 FROM correction_reverts WHERE id = ? OR content_key = ?').pluck();
  const insert = stmt(db,
    `INSERT OR IGNORE INTO corrections (id, document_id, passage_id, offset, length, original, corrected, entity_id, confidence, reason, line)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const origins = new Map(doc.renditions.map((r) => [r.id, r.origin]));
  const lines = new Map<number, string[]>();
  const linesOf = (renditionId: number) => {
    let l = lines.get(renditionId);
    // An entry of a multi-entry file holds only its own slice: its passages' lines are the file's.
    if (!l) {
      const body = () => (stmt(db, 'SELECT body FROM renditions WHERE id = ?').pluck().get(renditionId) as string | undefined) ?? '';
      lines.set(renditionId, (l = /#\d+$/.test(origins.get(renditionId) ?? '') ? [] : body().split('\n')));
    }
    return l;
  };
  const passages = new Map(doc.renditions.flatMap((r) => r.passages.map((p) => [p.id, p] as const)));
  let n = 0;
  for (const c of candidates) {
    const p = passages.get(c.passageId)!;
    readText(db, p);
    const line = lineOf(linesOf(c.renditionId), p.line, p.text, c);
    const id = correctionId(doc.key, origins.get(c.renditionId) ?? '', line, c);
    if (reverted.get(id, revertKey(p.text, c)) !== undefined) continue;
    n += insert.run(id, documentId, c.passageId, c.offset, c.length, c.original, c.corrected, entityOf(c), c.confidence, c.reason, line).changes;
  }
  const after = stmt(db, 'SELECT DISTINCT passage_id FROM corrections WHERE document_id = ?').pluck().all(documentId) as number[];
  reindex([...new Set([...before, ...after])]);
  return n;
}

/**
 * What a revert holds for besides the correction's ID: the same span of the same passage text,
 * wherever that text is (the ID changes when its file moves: another origin and, for a document
 * known by its file, another document key).
 */
export function revertKey(passageText: string, c: Pick<Candidate, 'offset' | 'original' | 'corrected'>): string {
  return createHash('sha256').update([passageText, c.offset, c.original, c.corrected].join('\u0000')).digest('hex').slice(0, 16);
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

/**
 * Rewrite the index rows of passages: their own terms (`termsOf`, else segmented again) plus
 * their corrections' terms. Every row is deleted before any is written, and both in ascending
 * rowid order: FTS5 writes its pending terms out as a new segment whenever a row comes before
 * the last one it took, and before it deletes a row it holds on disk, so alternating or
 * unsorted rows would write a segment per passage (the terms stage re-indexes all its
 * documents' passages in one call for that reason; unsorted, the 1,383 passages of the corpus
 * took 0.6 s instead of 0.06 s).
 */
export function reindexPassages(db: DB, passageIds: Iterable<number>, termsOf: (id: number) => string | undefined = () => undefined): void {
  const get = stmt(db, 'SELECT p.id, p.text, p.role, r.kind FROM passages p JOIN renditions r ON r.id = p.rendition_id WHERE p.id = ?');
  const fixes = stmt(db, 'SELECT corrected FROM corrections WHERE passage_id = ?').pluck();
  const del = stmt(db, 'DELETE FROM passages_fts WHERE rowid = ?');
  const ins = stmt(db, 'INSERT INTO passages_fts (rowid, summary, body, raw) VALUES (?, ?, ?, ?)');
  const rows: { id: number; terms: string; col: 0 | 1 | 2 }[] = [];
  for (const id of [...passageIds].sort((a, b) => a - b)) {
    const p = get.get(id) as { id: number; text: string; role: string; kind: string } | undefined;
    if (!p || p.role === 'boilerplate') continue;
    const own = termsOf(id) ?? indexTerms(p.text).join(' ');
    const terms = [own, (fixes.all(id) as string[]).flatMap((c) => indexTerms(c)).join(' ')].filter((t) => t !== '').join(' ');
    rows.push({ id, terms, col: p.kind === 'summary' ? 0 : p.kind === 'raw-transcript' ? 2 : 1 });
  }
  for (const r of rows) del.run(r.id);
  for (const { id, terms, col } of rows) if (terms) ins.run(id, col === 0 ? terms : '', col === 1 ? terms : '', col === 2 ? terms : '');
}

export function listCorrections(db: DB, opts: { documentId?: number } = {}): CorrectionRow[] {
  const doc = opts.documentId ?? null;
  const rows = stmt(db,
    `SELECT c.id, c.document_id AS document, p.rendition_id AS rendition, c.line, p.start,
            c.original, c.corrected, c.confidence, c.reason, c.offset
       FROM corrections c JOIN passages p ON p.id = c.passage_id
      WHERE (@doc IS NULL OR c.document_id = @doc)`,
  ).all({ doc }) as (Omit<CorrectionRow, 'origin'> & { rendition: number; offset: number })[];
  if (rows.length === 0) return [];
  // Origins as search results show them: worked out over each document's renditions.
  const sources = stmt(db,
    `SELECT r.document_id AS document, r.id AS rendition, ${ORIGIN_COLUMNS} FROM renditions r JOIN files f ON f.id = r.file_id
      WHERE r.document_id IN (SELECT DISTINCT document_id FROM corrections WHERE (@doc IS NULL OR document_id = @doc))
      ORDER BY r.document_id, r.id`,
  ).all({ doc }) as (OriginSource & { document: number; rendition: number })[];
  const byDocument = new Map<number, typeof sources>();
  for (const s of sources) {
    const list = byDocument.get(s.document);
    if (list) list.push(s);
    else byDocument.set(s.document, [s]);
  }
  const originOf = new Map<number, string>();
  for (const docSources of byDocument.values()) documentOrigins(docSources).forEach((o, k) => originOf.set(docSources[k]!.rendition, o));
  const out = rows.map(({ rendition, offset, ...c }) => {
    const origin = originOf.get(rendition) ?? '';
    const row: CorrectionRow = { id: c.id, document: c.document, origin, line: c.line, start: c.start, original: c.original, corrected: c.corrected, confidence: c.confidence, reason: c.reason };
    return { row, offset, bytes: Buffer.from(origin) };
  });
  // Ordered as before: by document, origin (bytewise, as SQLite compares text), line (none first), place.
  out.sort((a, b) => a.row.document - b.row.document || Buffer.compare(a.bytes, b.bytes) || byLine(a.row.line, b.row.line) || a.offset - b.offset);
  return out.map((x) => x.row);
}

const byLine = (a: number | null, b: number | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a - b);

/** Undo a correction for good: the passage's index loses the corrected term, and no later ingest applies it again. */
export function revertCorrection(db: DB, id: string): CorrectionRow | undefined {
  const row = listCorrections(db).find((c) => c.id === id);
  if (!row) return undefined;
  db.transaction(() => {
    const { passage, offset, text } = stmt(db, 'SELECT c.passage_id AS passage, c.offset, p.text FROM corrections c JOIN passages p ON p.id = c.passage_id WHERE c.id = ?')
      .get(id) as { passage: number; offset: number; text: string };
    stmt(db, 'INSERT OR REPLACE INTO correction_reverts (id, original, corrected, reverted_at, content_key) VALUES (?, ?, ?, ?, ?)')
      .run(id, row.original, row.corrected, new Date().toISOString(), revertKey(text, { offset, original: row.original, corrected: row.corrected }));
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
