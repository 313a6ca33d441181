/**
 * Reading the library: the shapes the CLI (`stats`, `show`) and the web app share.
 */
import { stmt } from './statements.js';
import { MACHINE_SPEAKER } from '../formats/diarized-transcript.js';
import type { DB } from './db.js';
import { deepLink, urlKeys, youtubeIdFromUrl } from '../formats/media.js';
import type { DocumentMetadata, PassageRole, RenditionKind } from '../model.js';
import { documentEntities, relatedDocuments, speakerNames } from '../entities/read.js';
import { GENERATED_FILE, parseProvenance, type Provenance } from './generated.js';
import { summaryPassageTimes } from '../quotes/times.js';
import { documentOrigins, ORIGIN_COLUMNS, type OriginSource } from './origins.js';

export interface LibraryStats {
  documents: number;
  passages: number;
  renditions: number;
  sources: number;
  files: number;
  failedFiles: number;
  boilerplatePassages: number;
  speakers: number;
  firstDate: string | null;
  lastDate: string | null;
  byKind: Record<string, number>;
}

export function libraryStats(db: DB): LibraryStats {
  const one = (sql: string) => stmt(db, sql).pluck().get() as number;
  // A text several files share counts once (store/texts.ts): renditions are the texts held.
  const kinds = stmt(db, 'SELECT kind, count(*) AS n FROM renditions WHERE same_text_as IS NULL GROUP BY kind ORDER BY kind').all() as { kind: string; n: number }[];
  const range = stmt(db, 'SELECT min(date) AS first, max(date) AS last FROM documents').get() as { first: string | null; last: string | null };
  return {
    documents: one('SELECT count(*) FROM documents'),
    passages: one('SELECT count(*) FROM passages'),
    renditions: one('SELECT count(*) FROM renditions WHERE same_text_as IS NULL'),
    sources: one('SELECT count(*) FROM sources'),
    files: one(`SELECT count(*) FROM files WHERE status = 'ok' AND abs_path <> '${GENERATED_FILE}'`),
    failedFiles: one("SELECT count(*) FROM files WHERE status = 'failed'"),
    boilerplatePassages: one("SELECT count(*) FROM passages WHERE role = 'boilerplate'"),
    speakers: one("SELECT count(DISTINCT speaker) FROM passages WHERE speaker IS NOT NULL AND speaker NOT GLOB 'SPEAKER_[0-9]*'"),
    firstDate: range.first,
    lastDate: range.last,
    byKind: Object.fromEntries(kinds.map((k) => [k.kind, k.n])),
  };
}

export interface SourceSummary {
  name: string;
  documents: number;
  firstDate: string | null;
  lastDate: string | null;
}

export function listSources(db: DB): SourceSummary[] {
  return stmt(db, 
      `SELECT s.name, count(d.id) AS documents, min(d.date) AS firstDate, max(d.date) AS lastDate
         FROM sources s JOIN documents d ON d.source_id = s.id GROUP BY s.id ORDER BY documents DESC, s.name`,
    )
    .all() as SourceSummary[];
}

export interface DocumentSummary {
  id: number;
  title: string | null;
  date: string | null;
  source: string | null;
  url: string | null;
  number: number | null;
  kinds: RenditionKind[];
}

const SUMMARY_COLUMNS = `d.id, d.title, d.date, s.name AS source, d.url, json_extract(d.metadata, '$.number') AS number,
  (SELECT group_concat(DISTINCT r.kind) FROM renditions r WHERE r.document_id = d.id AND r.same_text_as IS NULL) AS kinds`;

function toSummary(row: Omit<DocumentSummary, 'kinds'> & { kinds: string | null }): DocumentSummary {
  return { ...row, kinds: (row.kinds?.split(',') ?? []) as RenditionKind[] };
}

/** Newest first; undated documents last. */
export function recentDocuments(db: DB, opts: { limit?: number; offset?: number; source?: string } = {}): { total: number; documents: DocumentSummary[] } {
  const where = opts.source ? 'WHERE s.name = ?' : '';
  const params = opts.source ? [opts.source] : [];
  const total = stmt(db, `SELECT count(*) FROM documents d LEFT JOIN sources s ON s.id = d.source_id ${where}`).pluck().get(...params) as number;
  const rows = stmt(db, 
      `SELECT ${SUMMARY_COLUMNS} FROM documents d LEFT JOIN sources s ON s.id = d.source_id ${where}
        ORDER BY d.date IS NULL, d.date DESC, json_extract(d.metadata, '$.number') DESC, d.id DESC LIMIT ? OFFSET ?`,
    )
    .all(...params, opts.limit ?? 20, opts.offset ?? 0) as (Omit<DocumentSummary, 'kinds'> & { kinds: string | null })[];
  return { total, documents: rows.map(toSummary) };
}

export interface PassageView {
  id: number;
  seq: number;
  role: PassageRole;
  text: string;
  start: number | null;
  end: number | null;
  /** The speaker as the person they are (unified across files; machine labels named where another rendition names them). */
  speaker: string | null;
  /** The label as the file wrote it, when it differs from `speaker`. */
  speakerLabel?: string;
  line: number | null;
  depth: number | null;
  /** Link to this moment at the source (YouTube `&t=`, podcast `#t=`), when the document has a URL and the passage a time. */
  link: string | null;
  /**
   * In a summary read from a file, the time it gives for the passage, when it gives one: `start`
   * (and `link`) are where the transcript has the passage's quote, null when it was not found
   * there (quotes/times.ts).
   */
  claimedStart?: number;
  /** Recognition errors corrected in this passage; `text` keeps what was heard. */
  corrections?: PassageCorrection[];
}

export interface PassageCorrection {
  id: string;
  /** UTF-16 span of `original` in the passage text. */
  offset: number;
  length: number;
  original: string;
  corrected: string;
  confidence: number;
  reason: string;
}

export interface RenditionView {
  id: number;
  kind: RenditionKind;
  format: string;
  /** The file (and entry) the text was read from. */
  origin: string;
  /** Every file holding this very text (`origin` first): copies, and renditions made from one another. */
  origins: string[];
  title: string | null;
  metadata: DocumentMetadata;
  passageCount: number;
  /** Size of the original text in bytes (UTF-8), known without reading it. */
  bodyBytes: number;
  /** The original text, or the window of it that was asked for. */
  body?: string;
  /** With a window: whether the text goes on after it. */
  bodyMore?: boolean;
  passages?: PassageView[];
  /** Set when engram generated this rendition (a summary, a cleaned transcript): what made it. */
  generated?: Provenance;
}

export interface DocumentView {
  id: number;
  key: string;
  title: string | null;
  date: string | null;
  source: string | null;
  url: string | null;
  metadata: DocumentMetadata;
  origins: string[];
  speakers: string[];
  /** Entities the document mentions, most mentioned first. */
  entities: { name: string; slug: string; type: string; count: number }[];
  /** The same media item covered by another source. */
  related: { id: number; title: string | null; date: string | null; source: string | null; reason: string }[];
  renditions: RenditionView[];
}

/** A document by numeric ID, media URL, YouTube ID or key; undefined when not in the library. */
export function findDocumentId(db: DB, ref: string): number | undefined {
  const r = ref.trim();
  if (/^\d+$/.test(r)) return stmt(db, 'SELECT id FROM documents WHERE id = ?').pluck().get(Number(r)) as number | undefined;
  const yt = youtubeIdFromUrl(r) ?? (/^[A-Za-z0-9_-]{11}$/.test(r) ? r : undefined);
  const keys = [r, yt ? `youtube:${yt}` : '', ...(/^https?:/.test(r) ? urlKeys(r) : [])].filter(Boolean);
  for (const k of keys) {
    const id = stmt(db, 'SELECT id FROM documents WHERE key = ?').pluck().get(k) as number | undefined;
    if (id !== undefined) return id;
  }
  return stmt(db, 'SELECT id FROM documents WHERE url = ?').pluck().get(r) as number | undefined;
}

export interface DocumentOptions {
  /** Include passages (default true). */
  passages?: boolean;
  /**
   * Include rendition bodies (default false): whole, or a window of `limit` characters from
   * `offset` (a 200 MB transcript is not something to send, or even read, whole).
   */
  bodies?: boolean | { offset: number; limit: number };
  /** Leave out bodies over this many bytes (`bodyBytes` still says how large they are). */
  maxBodyBytes?: number;
  /** Page the passages of each rendition (for very long transcripts). */
  passageOffset?: number;
  passageLimit?: number;
  /** Only this rendition's passages. */
  renditionId?: number;
}

export function getDocument(db: DB, id: number, opts: DocumentOptions = {}): DocumentView | undefined {
  const d = stmt(db, 'SELECT d.id, d.key, d.title, d.date, d.url, d.metadata, s.name AS source FROM documents d LEFT JOIN sources s ON s.id = d.source_id WHERE d.id = ?')
    .get(id) as { id: number; key: string; title: string | null; date: string | null; url: string | null; metadata: string; source: string | null } | undefined;
  if (!d) return undefined;
  // Bodies are read only when asked for, and then only the window asked for (SQL substr
  // counts characters, 1-based): most requests never touch a large body at all.
  const window = typeof opts.bodies === 'object' ? opts.bodies : undefined;
  // Not for other renditions than the one asked for, nor over the size limit.
  const within = (opts.renditionId === undefined ? '' : ' WHEN r.id <> @only THEN NULL') +
    (opts.maxBodyBytes === undefined ? '' : ' WHEN octet_length(r.body) > @maxBytes THEN NULL');
  const guarded = (expr: string) => (within ? `CASE${within} ELSE ${expr} END` : expr);
  const bodyColumns = window
    ? `${guarded('substr(r.body, @from, @limit)')} AS body, ${guarded("substr(r.body, @after, 1) <> ''")} AS bodyMore`
    : opts.bodies
      ? `${guarded('r.body')} AS body, NULL AS bodyMore`
      : 'NULL AS body, NULL AS bodyMore';
  const params: Record<string, number> = { id };
  if (opts.bodies && opts.renditionId !== undefined) params.only = opts.renditionId;
  if (opts.bodies && opts.maxBodyBytes !== undefined) params.maxBytes = opts.maxBodyBytes;
  if (window) Object.assign(params, { from: window.offset + 1, limit: window.limit, after: window.offset + window.limit + 1 });
  const rends = stmt(db, 
      `SELECT r.id, r.kind, r.format, r.title, r.metadata, ${bodyColumns}, octet_length(r.body) AS bodyBytes,
              ${ORIGIN_COLUMNS}, r.generated, r.same_text_as AS sameTextAs,
              (SELECT count(*) FROM passages p WHERE p.rendition_id = r.id) AS passageCount
         FROM renditions r JOIN files f ON f.id = r.file_id WHERE r.document_id = @id
        ORDER BY json_extract(r.generated, '$.status') = 'failed', CASE r.kind WHEN 'summary' THEN 0 WHEN 'transcript' THEN 1 WHEN 'raw-transcript' THEN 2 ELSE 3 END, r.id`,
    )
    .all(params) as (OriginSource & {
      id: number; kind: RenditionKind; format: string; title: string | null; metadata: string; passageCount: number;
      body: string | null; bodyMore: number | null; bodyBytes: number; generated: string | null; sameTextAs: number | null;
    })[];
  const originOf = new Map(documentOrigins(rends).map((o, i) => [rends[i]!.id, o]));
  const passagesOf = stmt(db, 
    `SELECT id, seq, role, text, start, end, speaker, line, depth FROM passages WHERE rendition_id = ? ORDER BY seq LIMIT ? OFFSET ?`,
  );
  const names = speakerNames(db, id);
  // A text several files share is shown once, under the rendition that holds it, with every origin.
  const followers = new Map<number, string[]>();
  for (const r of rends) if (r.sameTextAs !== null) followers.set(r.sameTextAs, [...(followers.get(r.sameTextAs) ?? []), originOf.get(r.id)!]);
  const renditions: RenditionView[] = rends.filter((r) => r.sameTextAs === null).map((r) => {
    const origin = originOf.get(r.id)!;
    const view: RenditionView = {
      id: r.id, kind: r.kind, format: r.format, origin, origins: [...new Set([origin, ...(followers.get(r.id) ?? [])])],
      title: r.title, metadata: JSON.parse(r.metadata), passageCount: r.passageCount, bodyBytes: r.bodyBytes,
    };
    if (r.body !== null) view.body = r.body;
    if (r.bodyMore !== null) view.bodyMore = r.bodyMore === 1;
    const generated = parseProvenance(r.generated);
    if (generated) view.generated = generated;
    if (opts.passages !== false && (opts.renditionId === undefined || opts.renditionId === r.id)) {
      const rows = passagesOf.all(r.id, opts.passageLimit ?? -1, opts.passageOffset ?? 0) as Omit<PassageView, 'link'>[];
      const fixes = correctionsOf(db, rows.map((p) => p.id));
      // A summary another tool wrote links to where the transcript has its quotes, not to the times it claims.
      const checked = r.kind === 'summary' && !r.generated ? summaryPassageTimes(db, rows.map((p) => p.id)) : undefined;
      view.passages = rows.map((p) => {
        const person = p.speaker ? names.get(p.speaker) : undefined;
        const who = person && person.name !== p.speaker ? { speaker: person.name, speakerLabel: p.speaker! } : {};
        const fixed = fixes.get(p.id);
        const t = checked?.get(p.id);
        const time = t ? { start: t.start, end: null, ...(t.claimedStart != null ? { claimedStart: t.claimedStart } : {}) } : {};
        const start = t ? t.start : p.start;
        return { ...p, ...who, ...time, link: start != null ? deepLink(d.url, start) : null, ...(fixed ? { corrections: fixed } : {}) };
      });
    }
    return view;
  });
  const allSpeakers = stmt(db, "SELECT speaker FROM passages WHERE document_id = ? AND speaker IS NOT NULL GROUP BY speaker ORDER BY min(id)")
    .pluck()
    .all(id) as string[];
  // Machine labels (SPEAKER_00) only when no rendition names the speakers; one name per person.
  const named = allSpeakers.filter((s) => !MACHINE_SPEAKER.test(s));
  const speakers = [...new Set((named.length ? named : allSpeakers).map((s) => names.get(s)?.name ?? s))];
  return {
    id: d.id, key: d.key, title: d.title, date: d.date, source: d.source, url: d.url,
    metadata: JSON.parse(d.metadata), origins: [...new Set(rends.filter((r) => !r.generated).map((r) => originOf.get(r.id)!))], speakers,
    entities: documentEntities(db, id), related: relatedDocuments(db, id), renditions,
  };
}

/** Length in characters (code points) of a rendition's original text: reads all of it. */
export function bodyLength(db: DB, renditionId: number): number {
  return (stmt(db, 'SELECT length(body) FROM renditions WHERE id = ?').pluck().get(renditionId) as number | undefined) ?? 0;
}

/** `limit` characters (code points) of a rendition's original text from `offset`. */
export function bodyWindow(db: DB, renditionId: number, offset: number, limit: number): string {
  return (stmt(db, 'SELECT substr(body, ?, ?) FROM renditions WHERE id = ?').pluck().get(offset + 1, limit, renditionId) as string | undefined) ?? '';
}

function correctionsOf(db: DB, passageIds: number[]): Map<number, PassageCorrection[]> {
  const out = new Map<number, PassageCorrection[]>();
  if (passageIds.length === 0) return out;
  const rows = stmt(db,
    `SELECT passage_id AS p, id, offset, length, original, corrected, confidence, reason FROM corrections
      WHERE passage_id IN (SELECT value FROM json_each(?)) ORDER BY passage_id, offset`,
  ).all(JSON.stringify(passageIds)) as (PassageCorrection & { p: number })[];
  for (const { p, ...c } of rows) out.set(p, [...(out.get(p) ?? []), c]);
  return out;
}

/** Which rendition holds a passage and where it sits in it (for landing on a search hit). */
export function locatePassage(db: DB, passageId: number): { documentId: number; renditionId: number; seq: number } | undefined {
  return stmt(db, 'SELECT document_id AS documentId, rendition_id AS renditionId, seq FROM passages WHERE id = ?')
    .get(passageId) as { documentId: number; renditionId: number; seq: number } | undefined;
}
