/**
 * Retrieval for `engram ask`: the passages a question is answered from.
 *
 * 1. The question's content words (text/keywords.ts) are searched with the search engine,
 *    together and one by one (a question rarely has every word in one passage; the per-word
 *    searches also give each word's document frequency); documents where a speaker the
 *    question names speaks are candidates too (speakers are not in the full-text index).
 * 2. Each word weighs its inverse document frequency: "DeepSeek" in a library about DeepSeek
 *    says little, a rare name says a lot; a word the library never saw weighs most.
 * 3. The candidate documents' passages are scored by **relevance**: the weighted share of the
 *    question's words found in the passage and its document's title. The best passages of the
 *    best documents are kept, within a character budget for the model's context.
 *
 * "Not in the library": no passage reaches `RELEVANCE_THRESHOLD` (half the question's weight).
 */
import { stmt } from '../store/statements.js';
import type { DB } from '../store/db.js';
import { search, type SearchOptions } from '../search/search.js';
import { deepLink } from '../formats/media.js';
import { contentTerms, coverage, foldedLookup, termLookup, type TermLookup } from '../text/keywords.js';
import { foldForMatch } from '../search/highlight.js';

/** A passage must hold this share of the question's (weighted) words to be used. */
export const RELEVANCE_THRESHOLD = 0.5;
/** How much of a word's weight a match in the document's title gives a passage. */
const TITLE_SHARE = 0.25;

export interface RetrievedPassage {
  /** Citation number (1-based) in the order given to the model. */
  n: number;
  id: number;
  document: { id: number; title: string | null; url: string | null; date: string | null; source: string | null };
  text: string;
  start: number | null;
  end: number | null;
  speaker: string | null;
  rendition: string;
  /** Deep link to the moment at the source (YouTube `&t=`, episode `#t=`), or the media URL, or null. */
  link: string | null;
  relevance: number;
}

export interface Retrieval {
  /** The question's content words, and the weight each got. */
  terms: { term: string; weight: number }[];
  /** Passages grouped by document (best document first), each group in document order. */
  passages: RetrievedPassage[];
  /** Best relevance of any passage (0 when nothing matched). */
  best: number;
}

export interface RetrieveOptions extends Pick<SearchOptions, 'source' | 'since' | 'until'> {
  /** Documents to draw passages from. Default 6. */
  documents?: number;
  /** Passages per document at most. Default 3. */
  perDocument?: number;
  /** Characters of passage text in all (the model's context). Default 8,000. */
  budgetChars?: number;
}

/** A passage longer than this is cut (at a sentence end where possible) for the model. */
const MAX_PASSAGE_CHARS = 1200;
/** Candidate documents taken from each search. */
const PER_SEARCH = 8;

interface Candidate { docId: number; order: number }

export function retrieve(db: DB, question: string, opts: RetrieveOptions = {}): Retrieval {
  const words = contentTerms(question);
  const filters = { source: opts.source, since: opts.since, until: opts.until };
  if (words.length === 0) return { terms: [], passages: [], best: 0 };

  // Candidates: the whole question first, then each word; document frequency from the latter.
  const candidates = new Map<number, Candidate>();
  const add = (docId: number) => { if (!candidates.has(docId)) candidates.set(docId, { docId, order: candidates.size }); };
  for (const h of search(db, words.join(' '), { ...filters, limit: PER_SEARCH }).hits) add(h.document.id);
  const libraryDocs = stmt(db, 'SELECT count(*) FROM documents').pluck().get() as number;
  const terms = words.map((term) => {
    const r = search(db, term, { ...filters, limit: 3 });
    for (const h of r.hits) add(h.document.id);
    return { term, weight: Math.log(1 + libraryDocs / (r.total + 0.5)) };
  });
  // Speakers are not in the full-text index: "what did Maya Chen say…" finds her episodes here.
  for (const docId of speakerDocuments(db, words, filters.source)) add(docId);
  const weightOf = new Map(terms.map((t) => [t.term, t.weight]));
  const weight = (t: string) => weightOf.get(t)!;
  // What a passage says includes who says it ("what did Karpathy say…"). The title counts a
  // quarter: a passage must say something itself, the title only helps.
  const relevance = (title: TermLookup, own: TermLookup) => {
    const mine = coverage(words, own, weight);
    const titled = coverage(words, { has: (t) => own.has(t) || title.has(t) }, weight);
    return mine + TITLE_SHARE * (titled - mine);
  };

  // Score every candidate document's passages; keep the documents whose best passage is best.
  const scored = [...candidates.values()].map((c) => {
    const doc = documentRow(db, c.docId);
    const rows = documentPassages(db, c.docId);
    const title = termLookup(doc.title ?? '');
    const passages = foldEach(rows.map((p) => `${p.speaker ?? ''}\n${p.text}`))
      .map((folded, i) => ({ p: rows[i]!, relevance: relevance(title, foldedLookup(folded)) }))
      .filter((x) => x.relevance > 0)
      // Equally relevant: the passage with a time first (its citation can open the moment).
      .sort((a, b) => b.relevance - a.relevance || Number(b.p.start != null) - Number(a.p.start != null) || a.p.seq - b.p.seq);
    return { c, doc, passages, best: passages[0]?.relevance ?? 0 };
  });
  scored.sort((a, b) => b.best - a.best || a.c.order - b.c.order);
  const best = scored[0]?.best ?? 0;

  const out: RetrievedPassage[] = [];
  const seen = new Set<string>();
  let budget = opts.budgetChars ?? 8000;
  for (const s of scored.slice(0, opts.documents ?? 6)) {
    // The same words in several renditions (an archive entry and its summary file) count once.
    const chosen = s.passages
      .filter((x) => x.relevance >= RELEVANCE_THRESHOLD && !seen.has(sameText(x.p.text)) && seen.add(sameText(x.p.text)))
      .slice(0, opts.perDocument ?? 3);
    chosen.sort((a, b) => a.p.rank - b.p.rank || a.p.seq - b.p.seq); // read in document order
    for (const { p, relevance: r } of chosen) {
      const text = cut(p.text, MAX_PASSAGE_CHARS);
      if (out.length && text.length > budget) continue;
      budget -= text.length;
      out.push({
        n: out.length + 1, id: p.id, document: s.doc, text, start: p.start, end: p.end, speaker: p.speaker,
        rendition: p.kind, link: deepLink(s.doc.url, p.start), relevance: Math.round(r * 1000) / 1000,
      });
    }
  }
  return { terms, passages: out, best };
}

/** Documents where a speaker named by one of the words speaks (a few per speaker). */
function speakerDocuments(db: DB, words: string[], source?: string): number[] {
  const speakers = stmt(db, 'SELECT DISTINCT speaker FROM passages WHERE speaker IS NOT NULL').pluck().all() as string[];
  const named = speakers.filter((s) => {
    const lookup = termLookup(s);
    return words.some((w) => lookup.has(w));
  });
  return named.slice(0, 10).flatMap((speaker) =>
    stmt(db,
      `SELECT DISTINCT p.document_id FROM passages p JOIN documents d ON d.id = p.document_id
        WHERE p.speaker = ? ${source ? 'AND d.source_id IN (SELECT id FROM sources WHERE name = ? COLLATE NOCASE)' : ''} LIMIT 3`,
    ).pluck().all(...(source ? [speaker, source] : [speaker])) as number[],
  );
}

interface PassageRow { id: number; seq: number; rank: number; text: string; start: number | null; end: number | null; speaker: string | null; kind: string }

function documentRow(db: DB, id: number): RetrievedPassage['document'] {
  return stmt(db, 'SELECT d.id, d.title, d.url, d.date, s.name AS source FROM documents d LEFT JOIN sources s ON s.id = d.source_id WHERE d.id = ?')
    .get(id) as RetrievedPassage['document'];
}

/**
 * A document's content passages, renditions in reading order (summary, cleaned transcript, …).
 * A raw machine transcript is left out when a cleaned one exists: it says the same, worse.
 */
function documentPassages(db: DB, id: number): PassageRow[] {
  return stmt(db,
    `SELECT p.id, p.seq, p.text, p.start, p.end, p.speaker, r.kind,
            CASE r.kind WHEN 'summary' THEN 0 WHEN 'transcript' THEN 1 WHEN 'raw-transcript' THEN 3 ELSE 2 END * 1000000 + r.id AS rank
       FROM passages p JOIN renditions r ON r.id = p.rendition_id
      WHERE p.document_id = ? AND p.role = 'content'
        AND NOT (r.kind = 'raw-transcript' AND EXISTS (SELECT 1 FROM renditions t WHERE t.document_id = r.document_id AND t.kind = 'transcript'))`,
  ).all(id) as PassageRow[];
}

/** A passage's text for spotting repeats: folded, without spaces and punctuation. */
const sameText = (text: string) => foldForMatch(text).replace(/[^\p{L}\p{N}]/gu, '');

/** Many texts folded in one call (folding keeps offsets, so the joined result slices back). */
function foldEach(texts: string[]): string[] {
  const folded = foldForMatch(texts.join('\n'));
  const out: string[] = [];
  let at = 0;
  for (const t of texts) {
    out.push(folded.slice(at, at + t.length));
    at += t.length + 1;
  }
  return out;
}

/** At most `max` characters, ending at a sentence end when one is near. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const end = Math.max(...['。', '！', '？', '. ', '! ', '? '].map((p) => head.lastIndexOf(p)));
  return (end > max * 0.6 ? head.slice(0, end + 1) : head).trimEnd() + '…';
}
