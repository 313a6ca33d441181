/**
 * Search: BM25 over passages (summary passages weigh more than transcript text) plus a
 * title/keyword match per document, grouped so each document appears once with its best
 * passage and a count of the other passages that matched.
 */
import { stmt } from '../store/statements.js';
import { MACHINE_SPEAKER } from '../formats/diarized-transcript.js';
import type { DB } from '../store/db.js';
import { deepLink } from '../formats/media.js';
import { parseQuery, matchAll, matchAny, type ParsedQuery } from './query.js';
import { foldForMatch, highlightRanges, snippet } from './highlight.js';
import { queryExpander } from '../lexicon/index.js';
import { reciprocalRankFusion } from '../semantic/fuse.js';

/** Field weights: a title hit outranks a summary hit, which outranks transcript text. */
export const WEIGHTS = { title: 3.0, keywords: 1.5, summary: 1.6, body: 1.0, raw: 0.8 } as const;

/** Weight of the number of matching passages in a document's score (log-damped). */
const BREADTH = 0.15;

/** How many passage hits are ranked before grouping (bounds work on very common terms). */
const CANDIDATES = 3000;

export interface SearchOptions {
  limit?: number;
  offset?: number;
  source?: string;
  since?: string;
  until?: string;
  speaker?: string;
  /** Only documents that mention this entity (its slug). */
  entity?: string;
  /** Also count sources, years, speakers and entities over all matching documents (for the web facets). */
  facets?: boolean;
  /** Expand names and terms through the lexicon (other scripts, languages, romanizations); default true. */
  expand?: boolean;
  /** Passages nearest to the query's embedding, best first (semantic/search.ts): fused by reciprocal rank. */
  semantic?: { id: number; similarity: number }[];
}

export interface SearchHit {
  document: { id: number; title: string | null; date: string | null; source: string | null; url: string | null; origins: string[] };
  passage: {
    id: number; text: string; start: number | null; end: number | null; speaker: string | null;
    rendition: string; line: number | null; link: string | null;
  } | null;
  score: number;
  /** [start, end) UTF-16 offsets of matches in `passage.text` (or in the title when there is no passage). */
  highlights: [number, number][];
  /** A short window of the passage around the first match, with its own highlight offsets. */
  snippet: { text: string; highlights: [number, number][] } | null;
  /** Other passages of this document that matched. */
  more: number;
}

/** A facet value with its count; `label` when the value is an ID (an entity's slug). */
export interface Facet { value: string; count: number; label?: string }

export interface SearchResult {
  query: string;
  terms: string[];
  total: number;
  hits: SearchHit[];
  facets?: { source: Facet[]; year: Facet[]; speaker: Facet[]; entity: Facet[] };
  tookMs: number;
}

interface PassageRow { id: number; doc: number; rank: number; text: string }

export function search(db: DB, query: string, opts: SearchOptions = {}): SearchResult {
  const t0 = performance.now();
  const limit = opts.limit ?? 10;
  const offset = opts.offset ?? 0;
  const vocab = stmt(db, 'SELECT 1 FROM passages_vocab WHERE term = ?').pluck();
  const titleVocab = stmt(db, "SELECT 1 FROM titles_fts WHERE titles_fts MATCH ? LIMIT 1").pluck();
  const known = (t: string) => vocab.get(t) !== undefined || titleVocab.get(`"${t.replace(/"/g, '""')}"`) !== undefined;
  const q = parseQuery(query, known, opts.expand === false ? undefined : queryExpander(db));
  const empty: SearchResult = { query, terms: q.terms, total: 0, hits: [], tookMs: 0, ...(opts.facets ? { facets: { source: [], year: [], speaker: [], entity: [] } } : {}) };
  const lexical = q.groups.length > 0;
  if (!lexical && !opts.semantic?.length) return { ...empty, tookMs: performance.now() - t0 };

  const filter = filters(opts);
  let rows = lexical ? passageHits(db, matchAll(q), filter) : [];
  rows = applyPhrases(rows, q);
  const titles = opts.speaker || !lexical ? new Map<number, number>() : applyTitlePhrases(db, titleHits(db, matchAll(q), filter), q);
  // Any-term fallback, unless the user asked for exact phrases.
  if (rows.length === 0 && titles.size === 0 && q.terms.length > 1 && !q.groups.some((g) => g.quoted)) {
    rows = passageHits(db, matchAny(q), filter);
  }

  // Group by document: best passage, distinct other matches, title bonus.
  const docs = new Map<number, { best: PassageRow | null; score: number; texts: Set<string> }>();
  for (const r of rows) {
    const d = docs.get(r.doc);
    if (!d) docs.set(r.doc, { best: r, score: -r.rank, texts: new Set([r.text]) });
    else d.texts.add(r.text);
  }
  // A document that keeps returning to the subject outranks one that mentions it in passing.
  for (const d of docs.values()) d.score *= 1 + BREADTH * Math.log(d.texts.size);
  for (const [doc, rank] of titles) {
    const d = docs.get(doc);
    if (d) d.score += -rank * WEIGHTS.title;
    else docs.set(doc, { best: null, score: -rank * WEIGHTS.title, texts: new Set() });
  }
  let ranked = [...docs.entries()].sort((a, b) => b[1].score - a[1].score);
  if (opts.semantic?.length) {
    const near = semanticRows(db, opts.semantic, filter);
    for (const r of near) if (!docs.has(r.doc)) docs.set(r.doc, { best: r, score: 0, texts: new Set([r.text]) });
    const fused = reciprocalRankFusion([ranked.map(([id]) => id), [...new Set(near.map((r) => r.doc))]]);
    ranked = fused.map(([id, score]) => [id, { ...docs.get(id)!, score }]);
  }
  const page = ranked.slice(offset, offset + limit);
  const hits = page.map(([docId, d]) => buildHit(db, docId, d.best, d.score, d.texts.size, q));
  const result: SearchResult = { query, terms: q.terms, total: ranked.length, hits, tookMs: 0 };
  if (opts.facets) result.facets = facets(db, ranked.map(([id]) => id), rows);
  result.tookMs = performance.now() - t0;
  return result;
}

interface Filter { joins: string; where: string; params: unknown[] }

function filters(opts: SearchOptions): Filter {
  const where: string[] = [];
  const params: unknown[] = [];
  if (opts.source) { where.push('d.source_id IN (SELECT id FROM sources WHERE name = ? COLLATE NOCASE)'); params.push(opts.source); }
  if (opts.since) { where.push('d.date >= ?'); params.push(opts.since); }
  if (opts.until) { where.push('d.date <= ?'); params.push(opts.until); }
  if (opts.entity) { where.push('d.id IN (SELECT document_id FROM mentions WHERE entity_id IN (SELECT id FROM entities WHERE slug = ?))'); params.push(opts.entity); }
  const joins = where.length ? 'JOIN documents d ON d.id = p.document_id' : '';
  if (opts.speaker) {
    // The label as written, or the person it was unified to (曼奇 finds Manqi's passages too).
    const like = `%${opts.speaker.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(`(p.speaker LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM speaker_names sn JOIN entities e ON e.id = sn.entity_id
      WHERE sn.document_id = p.document_id AND sn.label = p.speaker AND (e.name LIKE ? ESCAPE '\\' OR e.aliases LIKE ? ESCAPE '\\')))`);
    params.push(like, like, like);
  }
  return { joins, where: where.map((w) => ` AND ${w}`).join(''), params };
}

function passageHits(db: DB, match: string, f: Filter): PassageRow[] {
  return stmt(db, 
      `SELECT p.id AS id, p.document_id AS doc, bm25(passages_fts, ${WEIGHTS.summary}, ${WEIGHTS.body}, ${WEIGHTS.raw}) AS rank, p.text AS text
         FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid ${f.joins}
        WHERE passages_fts MATCH ?${f.where}
        ORDER BY rank LIMIT ${CANDIDATES}`,
    )
    .all(match, ...f.params) as PassageRow[];
}

/** The semantic neighbours that pass the filters, in their order, as passage rows. */
function semanticRows(db: DB, near: { id: number; similarity: number }[], f: Filter): PassageRow[] {
  const rows = stmt(db,
    `SELECT p.id AS id, p.document_id AS doc, 0 AS rank, p.text AS text FROM passages p ${f.joins}
      WHERE p.id IN (SELECT value FROM json_each(?))${f.where}`,
  ).all(JSON.stringify(near.map((n) => n.id)), ...f.params) as PassageRow[];
  const order = new Map(near.map((n, i) => [n.id, i]));
  return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}

function titleHits(db: DB, match: string, f: Filter): Map<number, number> {
  const rows = stmt(db, 
      `SELECT titles_fts.rowid AS doc, bm25(titles_fts, 1.0, ${WEIGHTS.keywords / WEIGHTS.title}) AS rank
         FROM titles_fts ${f.where ? 'JOIN documents d ON d.id = titles_fts.rowid' : ''}
        WHERE titles_fts MATCH ?${f.where}
        ORDER BY rank LIMIT ${CANDIDATES}`,
    )
    .all(match, ...f.params) as { doc: number; rank: number }[];
  return new Map(rows.map((r) => [r.doc, r.rank]));
}

/** Phrases must appear literally (after folding) in the passage. */
function applyPhrases(rows: PassageRow[], q: ParsedQuery): PassageRow[] {
  const phrases = phrasesOf(q);
  return phrases.length === 0 ? rows : rows.filter((r) => containsAll(r.text, phrases));
}

function applyTitlePhrases(db: DB, titles: Map<number, number>, q: ParsedQuery): Map<number, number> {
  const phrases = phrasesOf(q);
  if (phrases.length === 0) return titles;
  const titleOf = stmt(db, "SELECT COALESCE(title, '') || ' ' || json_extract(metadata, '$.keywords') FROM documents WHERE id = ?").pluck();
  return new Map([...titles].filter(([doc]) => containsAll(String(titleOf.get(doc) ?? ''), phrases)));
}

const phrasesOf = (q: ParsedQuery) => q.groups.filter((g) => g.phrase).map((g) => squash(foldForMatch(g.phrase!)));
const containsAll = (text: string, phrases: string[]) => {
  const folded = squash(foldForMatch(text));
  return phrases.every((p) => folded.includes(p));
};

const squash = (s: string) => s.replace(/\s+/g, '');

function buildHit(db: DB, docId: number, best: PassageRow | null, score: number, matched: number, q: ParsedQuery): SearchHit {
  const doc = stmt(db, 'SELECT d.id, d.title, d.date, d.url, s.name AS source FROM documents d LEFT JOIN sources s ON s.id = d.source_id WHERE d.id = ?')
    .get(docId) as { id: number; title: string | null; date: string | null; url: string | null; source: string | null };
  const origins = stmt(db, 
      `SELECT f.rel_path || COALESCE('#' || r.entry, '') FROM renditions r JOIN files f ON f.id = r.file_id
        WHERE r.document_id = ? AND r.generated IS NULL ORDER BY r.id`,
    )
    .pluck()
    .all(docId) as string[];
  const passageId = best?.id ?? firstPassage(db, docId, q);
  const p = passageId === undefined ? undefined : (stmt(db, 
      `SELECT p.id, p.text, p.start, p.end, COALESCE(e.name, p.speaker) AS speaker, p.line, r.kind AS rendition
         FROM passages p JOIN renditions r ON r.id = p.rendition_id
         LEFT JOIN speaker_names sn ON sn.document_id = p.document_id AND sn.label = p.speaker LEFT JOIN entities e ON e.id = sn.entity_id
        WHERE p.id = ?`,
    )
    .get(passageId) as { id: number; text: string; start: number | null; end: number | null; speaker: string | null; line: number | null; rendition: string });
  const highlights = highlightRanges(p?.text ?? doc.title ?? '', q.terms);
  return {
    document: { id: doc.id, title: doc.title, date: doc.date, source: doc.source, url: doc.url, origins: [...new Set(origins)] },
    passage: p ? { ...p, link: deepLink(doc.url, p.start) } : null,
    score: Math.round(score * 1000) / 1000,
    highlights,
    snippet: p ? snippet(p.text, highlights) : null,
    more: Math.max(0, matched - 1),
  };
}

/** For a title-only match: the passage that mentions a query term, else the document's first content. */
function firstPassage(db: DB, docId: number, q: ParsedQuery): number | undefined {
  const mentioning = stmt(db, 
      `SELECT p.id FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid
        WHERE passages_fts MATCH ? AND p.document_id = ? ORDER BY bm25(passages_fts) LIMIT 1`,
    )
    .pluck()
    .get(matchAny(q), docId) as number | undefined;
  if (mentioning !== undefined) return mentioning;
  return stmt(db, 
      `SELECT p.id FROM passages p JOIN renditions r ON r.id = p.rendition_id
        WHERE p.document_id = ? AND p.role = 'content'
        ORDER BY CASE r.kind WHEN 'summary' THEN 0 WHEN 'transcript' THEN 1 ELSE 2 END, r.id, p.seq LIMIT 1`,
    )
    .pluck()
    .get(docId) as number | undefined;
}

function facets(db: DB, docIds: number[], rows: PassageRow[]): NonNullable<SearchResult['facets']> {
  const count = (values: (string | null)[]) => {
    const m = new Map<string, number>();
    for (const v of values) if (v) m.set(v, (m.get(v) ?? 0) + 1);
    return [...m.entries()].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  };
  if (docIds.length === 0) return { source: [], year: [], speaker: [], entity: [] };
  const meta = stmt(db, 
      `SELECT s.name AS source, substr(d.date, 1, 4) AS year FROM documents d LEFT JOIN sources s ON s.id = d.source_id
        WHERE d.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(docIds)) as { source: string | null; year: string | null }[];
  const speakers = stmt(db, 
      `SELECT DISTINCT p.document_id, COALESCE(e.name, p.speaker) AS speaker FROM passages p
         LEFT JOIN speaker_names sn ON sn.document_id = p.document_id AND sn.label = p.speaker LEFT JOIN entities e ON e.id = sn.entity_id
        WHERE p.id IN (SELECT value FROM json_each(?)) AND p.speaker IS NOT NULL`,
    )
    .all(JSON.stringify(rows.map((r) => r.id))) as { speaker: string }[];
  const entities = stmt(db,
      `SELECT e.slug AS value, e.name AS label, count(*) AS count FROM document_entities de JOIN entities e ON e.id = de.entity_id
        WHERE de.document_id IN (SELECT value FROM json_each(?)) GROUP BY e.id ORDER BY count DESC, e.name LIMIT 20`,
    )
    .all(JSON.stringify(docIds)) as Facet[];
  return {
    source: count(meta.map((m) => m.source)),
    year: count(meta.map((m) => m.year)).sort((a, b) => b.value.localeCompare(a.value)),
    speaker: count(speakers.map((s) => s.speaker)).filter((s) => !MACHINE_SPEAKER.test(s.value)).slice(0, 20),
    entity: entities,
  };
}
