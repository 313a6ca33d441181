/**
 * Search: parse the query into groups, read each group's postings (bounded), rank documents
 * on passage, whole-document and title evidence (rank.ts), refine the top documents' best
 * passage on its text, and build hits: each document once, with its best passage and a
 * count of the other passages that matched. Query words expand through the lexicon (other
 * scripts, languages, romanizations: lexicon/index.ts), and when the caller brings the
 * query's semantic neighbours (semantic/search.ts) they are fused in by reciprocal rank.
 */
import { stmt } from '../store/statements.js';
import { documentOrigins, ORIGIN_COLUMNS, type OriginSource } from '../store/origins.js';
import { MACHINE_SPEAKER } from '../formats/diarized-transcript.js';
import type { DB } from '../store/db.js';
import { deepLink } from '../formats/media.js';
import { withCheckedTimes } from '../quotes/times.js';
import { queryExpander } from '../lexicon/index.js';
import { reciprocalRankFusion } from '../semantic/fuse.js';
import { nearestPassages, SEMANTIC_NEIGHBOURS } from '../semantic/vectors.js';
import { parseQuery, type ParsedQuery } from './query.js';
import { highlightRanges, snippet } from './highlight.js';
import { corpusMap, renditionOf, type CorpusMap } from './corpus.js';
import { fetchPostings, passageTexts } from './postings.js';
import { rankDocuments, sortRanked, weighGroups, type GroupWeight, type RankedDoc, type Role } from './rank.js';
import { refineDocument } from './refine.js';

export { WEIGHTS } from './rank.js';

/** Documents beyond the requested page whose best passage is refined too (ranks can swap). */
const REFINE_SLACK = 10;
/** Further down, documents whose best passage holds the typed words together are refined too (a remembered phrase). */
const REFINE_ADJACENT = 60;

export interface SearchOptions {
  limit?: number;
  offset?: number;
  source?: string;
  since?: string;
  until?: string;
  /** A speaker label as written, or the person it was unified to (曼奇 finds Manqi's passages too). */
  speaker?: string;
  /** Only documents that mention this entity (its slug). */
  entity?: string;
  /** Also count sources, years, speakers and entities over all matching documents (for the web facets). */
  facets?: boolean;
  /** Expand names and terms through the lexicon (other scripts, languages, romanizations); default true. */
  expand?: boolean;
  /** Passages nearest to the query's embedding, best first (semantic/search.ts): fused by reciprocal rank. */
  semantic?: { id: number; similarity: number }[];
  /**
   * The query's embedding (a unit vector of `model`): its nearest passages are found where the
   * search runs — a server's search thread holds the library's vectors, its main thread only
   * asks the embeddings endpoint — and fused as `semantic` is.
   */
  near?: { model: string; vector: Float32Array };
  /** Also return how the query was read (`SearchResult.parsed`), for callers that judge passages themselves (ask). */
  explain?: boolean;
}

export interface SearchHit {
  document: { id: number; title: string | null; date: string | null; source: string | null; url: string | null; origins: string[] };
  passage: {
    /**
     * `start`/`end`: the passage's moment in the media. A summary read from a file gets the time
     * where the transcript has its quote, or none (`claimedStart` is what it says: quotes/times.ts).
     */
    id: number; text: string; start: number | null; end: number | null; speaker: string | null;
    rendition: string; line: number | null; link: string | null;
    /** The time a summary read from a file gives for the passage, as it gives it (unchecked); null for other passages. */
    claimedStart: number | null;
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
  /** With `explain`: the query's groups as the engine read and weighed them. */
  parsed?: ParsedSearch;
}

/**
 * How a query was read: each group with its alternatives (index terms; any one sequence
 * satisfies it), its role (intent words are never required) and its IDF over passages; and the
 * typed words the index cannot match at all.
 */
export interface ParsedSearch {
  groups: { alternatives: string[][]; role: Role; idf: number }[];
  unknown: string[];
  /** Passages in the library (the IDF's N). */
  passages: number;
}

export function search(db: DB, query: string, opts: SearchOptions = {}): SearchResult {
  const t0 = performance.now();
  const limit = opts.limit ?? 10;
  const offset = opts.offset ?? 0;
  const q = parseQuery(query, { known: knownTerm(db), expand: opts.expand === false ? undefined : queryExpander(db) });
  const empty: SearchResult = { query, terms: q.terms, total: 0, hits: [], tookMs: 0, ...(opts.facets ? { facets: { source: [], year: [], speaker: [], entity: [] } } : {}) };
  const map = corpusMap(db);
  const parsed = (weights: GroupWeight[]) => (opts.explain ? { parsed: explained(q, weights, map.passages) } : {});
  const semantic = opts.semantic ?? (opts.near ? nearestPassages(db, opts.near.model, opts.near.vector, SEMANTIC_NEIGHBOURS) : undefined);
  if (q.groups.length === 0 && !semantic?.length) return { ...empty, ...parsed([]), tookMs: performance.now() - t0 };

  const keepDoc = documentFilter(db, opts);
  const keepPassage = speakerFilter(db, opts);
  const { groups: postings, adjacent, verbatim } = fetchPostings(db, q, map);
  const { weights, minMatch } = weighGroups(q.groups, postings, map.passages);
  const ranked = rankDocuments({
    map, postings, adjacent, verbatim, weights, minMatch, keepDoc, keepPassage, titles: !opts.speaker,
    exact: offset + limit + REFINE_SLACK + REFINE_ADJACENT,
  });

  // The best passage of the documents on (and just past) this page, judged on its text.
  const head = offset + limit + REFINE_SLACK;
  const top = ranked.slice(0, head);
  for (const d of ranked.slice(head, head + REFINE_ADJACENT)) {
    const best = d.candidates[0]?.id;
    if (best !== undefined && (verbatim.has(best) || adjacent.has(best))) top.push(d);
  }
  const texts = passageTexts(db, top.flatMap((d) => d.candidates.map((c) => c.id)));
  const folded = new Map<number, string>();
  const refined = withoutCopies(sortRanked(top.map((d) => refineDocument(d, texts, { groups: q.groups, weights, postings, adjacent, map, verbatim: q.verbatim, folded }))), texts, db);
  const rest = new Set(top.map((d) => d.doc));
  let all = [...refined, ...ranked.filter((d) => !rest.has(d.doc))];
  if (semantic?.length) all = fuseSemantic(all, semantic, map, keepDoc, keepPassage);
  const hits = all.slice(offset, offset + limit).map((d) => buildHit(db, d, q, folded));
  const result: SearchResult = { query, terms: q.terms, total: all.length, hits, tookMs: 0, ...parsed(weights) };
  if (opts.facets) result.facets = facets(db, all);
  result.tookMs = performance.now() - t0;
  return result;
}

function explained(q: ParsedQuery, weights: GroupWeight[], passages: number): ParsedSearch {
  return {
    groups: q.groups.map((g, i) => ({ alternatives: g.alternatives, role: weights[i]?.role ?? 'intent', idf: weights[i]?.idf ?? 0 })),
    unknown: q.unknown,
    passages,
  };
}

/**
 * The lexical ranking and the semantic neighbours' documents (in their order, filters
 * applied) fused by reciprocal rank; a document only the neighbours found shows its nearest
 * passage.
 */
function fuseSemantic(
  lexical: RankedDoc[], near: { id: number }[], map: CorpusMap,
  keepDoc?: (doc: number) => boolean, keepPassage?: (id: number) => boolean,
): RankedDoc[] {
  const byDoc = new Map(lexical.map((d) => [d.doc, d]));
  const neighbours: number[] = [];
  for (const { id } of near) {
    const r = renditionOf(map, id);
    if (r < 0 || (keepPassage && !keepPassage(id))) continue;
    const doc = map.document[r]!;
    if (keepDoc && !keepDoc(doc)) continue;
    if (!neighbours.includes(doc)) neighbours.push(doc);
    if (!byDoc.has(doc)) byDoc.set(doc, { doc, tier: 0, score: 0, evidence: 0, title: 0, candidates: [{ id, rendition: r, score: 0 }], matched: 1 });
  }
  return reciprocalRankFusion([lexical.map((d) => d.doc), neighbours]).map(([doc, score]) => ({ ...byDoc.get(doc)!, score }));
}

/** Whether the passage or title index holds a term (one index seek, not a posting list). */
function knownTerm(db: DB): (term: string) => boolean {
  const passages = stmt(db, 'SELECT 1 FROM passages_fts WHERE passages_fts MATCH ? LIMIT 1').pluck();
  const titles = stmt(db, 'SELECT 1 FROM titles_fts WHERE titles_fts MATCH ? LIMIT 1').pluck();
  const seen = new Map<string, boolean>();
  return (t) => {
    let k = seen.get(t);
    if (k === undefined) {
      const m = `"${t.replace(/"/g, '""')}"`;
      seen.set(t, (k = passages.get(m) !== undefined || titles.get(m) !== undefined));
    }
    return k;
  };
}

function documentFilter(db: DB, opts: SearchOptions): ((doc: number) => boolean) | undefined {
  const where: string[] = [];
  const params: unknown[] = [];
  if (opts.source) { where.push('source_id IN (SELECT id FROM sources WHERE name = ? COLLATE NOCASE)'); params.push(opts.source); }
  if (opts.since) { where.push('date >= ?'); params.push(opts.since); }
  if (opts.until) { where.push('date <= ?'); params.push(opts.until); }
  if (opts.entity) { where.push('id IN (SELECT document_id FROM mentions WHERE entity_id IN (SELECT id FROM entities WHERE slug = ?))'); params.push(opts.entity); }
  if (where.length === 0) return undefined;
  const ids = new Set(stmt(db, `SELECT id FROM documents WHERE ${where.join(' AND ')}`).pluck().all(...params) as number[]);
  return (doc) => ids.has(doc);
}

/** The passages of a speaker: the label as written, or the person it was unified to (terms stage). */
function speakerFilter(db: DB, opts: SearchOptions): ((id: number) => boolean) | undefined {
  if (!opts.speaker) return undefined;
  const like = `%${opts.speaker.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const ids = new Set(stmt(db,
      `SELECT id FROM passages WHERE speaker LIKE ? ESCAPE '\\'
       UNION SELECT p.id FROM speaker_names sn JOIN entities e ON e.id = sn.entity_id
         JOIN passages p ON p.document_id = sn.document_id AND p.speaker = sn.label
        WHERE e.name LIKE ? ESCAPE '\\' OR e.aliases LIKE ? ESCAPE '\\'`,
    ).pluck().all(like, like, like) as number[]);
  return (id) => ids.has(id);
}

/**
 * One document once: a document whose title, date and best passage repeat an earlier
 * result's is the same rendition stored under two keys, and is left out.
 */
function withoutCopies(docs: RankedDoc[], texts: Map<number, string>, db: DB): RankedDoc[] {
  const meta = stmt(db, "SELECT COALESCE(title, '') || '|' || COALESCE(date, '') FROM documents WHERE id = ?").pluck();
  const seen = new Set<string>();
  return docs.filter((d) => {
    const best = d.candidates[0];
    if (!best) return true;
    const key = `${meta.get(d.doc)}|${d.matched}|${texts.get(best.id)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `folded`: passages' folded texts by id, as refining read them. */
function buildHit(db: DB, d: RankedDoc, q: ParsedQuery, folded: Map<number, string>): SearchHit {
  const doc = stmt(db, 'SELECT d.id, d.title, d.date, d.url, s.name AS source FROM documents d LEFT JOIN sources s ON s.id = d.source_id WHERE d.id = ?')
    .get(d.doc) as { id: number; title: string | null; date: string | null; url: string | null; source: string | null };
  // The document's files as every reader shows them (two with one relative path are told apart by folder).
  const origins = documentOrigins(stmt(db,
      `SELECT ${ORIGIN_COLUMNS} FROM renditions r JOIN files f ON f.id = r.file_id
        WHERE r.document_id = ? AND r.generated IS NULL ORDER BY r.id`,
    )
    .all(d.doc) as OriginSource[]);
  const passageId = d.candidates[0]?.id ?? firstPassage(db, d.doc);
  const p = passageId === undefined ? undefined : (stmt(db,
      `SELECT p.id, p.text, p.start, p.end, COALESCE(e.name, p.speaker) AS speaker, p.line, r.kind AS rendition
         FROM passages p JOIN renditions r ON r.id = p.rendition_id
         LEFT JOIN speaker_names sn ON sn.document_id = p.document_id AND sn.label = p.speaker LEFT JOIN entities e ON e.id = sn.entity_id
        WHERE p.id = ?`,
    )
    .get(passageId) as { id: number; text: string; start: number | null; end: number | null; speaker: string | null; line: number | null; rendition: string });
  const highlights = p ? highlightRanges(p.text, q.terms, folded.get(p.id)) : highlightRanges(doc.title ?? '', q.terms);
  return {
    document: { id: doc.id, title: doc.title, date: doc.date, source: doc.source, url: doc.url, origins: [...new Set(origins)] },
    passage: p ? withCheckedTimes(db, [p], (t) => deepLink(doc.url, t))[0]! : null,
    score: Math.round(d.score * 1000) / 1000,
    highlights,
    snippet: p ? snippet(p.text, highlights) : null,
    more: Math.max(0, d.matched - 1),
  };
}

/** For a title-only match: the document's first content passage, summaries first. */
function firstPassage(db: DB, docId: number): number | undefined {
  return stmt(db,
      `SELECT p.id FROM passages p JOIN renditions r ON r.id = p.rendition_id
        WHERE p.document_id = ? AND p.role = 'content'
        ORDER BY CASE r.kind WHEN 'summary' THEN 0 WHEN 'transcript' THEN 1 ELSE 2 END, r.id, p.seq LIMIT 1`,
    )
    .pluck()
    .get(docId) as number | undefined;
}

/**
 * Sources, years and the entities documents mention most over every matching document;
 * speakers (unified to the person where known) over the shortlisted documents' passages.
 */
function facets(db: DB, docs: RankedDoc[]): NonNullable<SearchResult['facets']> {
  const count = (values: (string | null)[]) => {
    const m = new Map<string, number>();
    for (const v of values) if (v) m.set(v, (m.get(v) ?? 0) + 1);
    return [...m.entries()].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  };
  if (docs.length === 0) return { source: [], year: [], speaker: [], entity: [] };
  const ids = JSON.stringify(docs.map((d) => d.doc));
  const meta = stmt(db,
      `SELECT s.name AS source, substr(d.date, 1, 4) AS year FROM documents d LEFT JOIN sources s ON s.id = d.source_id
        WHERE d.id IN (SELECT value FROM json_each(?))`,
    )
    .all(ids) as { source: string | null; year: string | null }[];
  const speakers = stmt(db,
      `SELECT DISTINCT p.document_id, COALESCE(e.name, p.speaker) AS speaker FROM passages p
         LEFT JOIN speaker_names sn ON sn.document_id = p.document_id AND sn.label = p.speaker LEFT JOIN entities e ON e.id = sn.entity_id
        WHERE p.id IN (SELECT value FROM json_each(?)) AND p.speaker IS NOT NULL`,
    )
    .all(JSON.stringify(docs.flatMap((d) => d.candidates.map((c) => c.id)))) as { speaker: string }[];
  const entities = stmt(db,
      `SELECT e.slug AS value, e.name AS label, count(*) AS count FROM document_entities de JOIN entities e ON e.id = de.entity_id
        WHERE de.document_id IN (SELECT value FROM json_each(?)) GROUP BY e.id ORDER BY count DESC, e.name LIMIT 20`,
    )
    .all(ids) as Facet[];
  return {
    source: count(meta.map((m) => m.source)),
    year: count(meta.map((m) => m.year)).sort((a, b) => b.value.localeCompare(a.value)),
    speaker: count(speakers.map((s) => s.speaker)).filter((s) => !MACHINE_SPEAKER.test(s.value)).slice(0, 20),
    entity: entities,
  };
}
