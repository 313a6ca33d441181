/**
 * Retrieval for `engram ask`: the passages a question is answered from.
 *
 * 1. The question goes to the search engine as it is, through a `Searcher` (the server's
 *    worker threads, or the calling thread in the CLI), which reads it as any query: its
 *    groups of index terms with their alternatives — the lexicon's other forms, so "export
 *    controls" also matches 出口管制 and 輝達 matches 英伟达 — each weighed by how rare it is
 *    (IDF over passages), question and function words as intent. Its best documents are the
 *    candidates; documents where a speaker the question names speaks are too (speakers are not
 *    in the full-text index).
 * 2. Intent words never count, nor groups without a content word (text/keywords.ts: a lone
 *    Han character). A word the index never saw weighs most: a question about a name the
 *    library does not hold must not be answered from its other words.
 * 3. The candidate documents' passages are scored by **relevance**: the weighted share of the
 *    question's groups found in the passage (any alternative, in any language or script) and
 *    its document's title. The best passages of the best documents are kept, within a
 *    character budget for the model's context.
 *
 * "Not in the library": no passage reaches `RELEVANCE_THRESHOLD` (half the question's weight).
 */
import { setImmediate as yieldNow } from 'node:timers/promises';
import { stmt } from '../store/statements.js';
import type { DB } from '../store/db.js';
import type { SearchOptions } from '../search/search.js';
import { inlineSearcher, type Searcher } from '../search/searcher.js';
import { idf } from '../search/rank.js';
import { deepLink } from '../formats/media.js';
import { applyCheckedTimes } from '../quotes/times.js';
import { foldedLookups, isContentTerm, termLookup, type TermLookup } from '../text/keywords.js';
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

/** What a question asks for: any one alternative (a sequence of index terms, all present) satisfies it. */
export interface QuestionGroup {
  alternatives: string[][];
  weight: number;
}

export interface Retrieval {
  /** The question's meaningful groups as the search engine read them, each with its weight. */
  groups: QuestionGroup[];
  /** Terms to highlight: every form of every group, so a passage's own form is marked. */
  terms: string[];
  /** Passages grouped by document (best document first), each group in document order. */
  passages: RetrievedPassage[];
  /** Best relevance of any passage (0 when nothing matched). */
  best: number;
}

export interface RetrieveOptions extends Pick<SearchOptions, 'source' | 'since' | 'until'> {
  /** Where the search runs; default: on this thread. */
  searcher?: Searcher;
  /** Documents to draw passages from. Default 6. */
  documents?: number;
  /** Passages per document at most. Default 3. */
  perDocument?: number;
  /** Characters of passage text in all (the model's context). Default 8,000. */
  budgetChars?: number;
}

/** A passage longer than this is cut (at a sentence end where possible) for the model. */
const MAX_PASSAGE_CHARS = 1200;
/** Candidate documents taken from the search. */
const CANDIDATES = 12;

interface Candidate { docId: number; order: number }

export async function retrieve(db: DB, question: string, opts: RetrieveOptions = {}): Promise<Retrieval> {
  const filters = { source: opts.source, since: opts.since, until: opts.until };
  const searcher = opts.searcher ?? inlineSearcher(db);
  const found = await searcher.search(question, { ...filters, limit: CANDIDATES, explain: true });
  const parsed = found.parsed!;
  // Intent words and lone Han characters (火 in 突然火了: rare in a small library, yet no
  // subject) say nothing a passage must hold.
  const content = (alternatives: string[][]) => alternatives.some((seq) => seq.some(isContentTerm));
  const groups: QuestionGroup[] = [
    ...parsed.groups.filter((g) => g.role !== 'intent' && content(g.alternatives)).map((g) => ({ alternatives: g.alternatives, weight: g.idf })),
    ...parsed.unknown.filter(isContentTerm).map((w) => ({ alternatives: unknownForms(w), weight: idf(0, parsed.passages) })),
  ];
  const terms = [...new Set([...found.terms, ...parsed.unknown])];
  if (groups.length === 0) return { groups, terms, passages: [], best: 0 };

  const candidates = new Map<number, Candidate>();
  const add = (docId: number) => { if (!candidates.has(docId)) candidates.set(docId, { docId, order: candidates.size }); };
  for (const h of found.hits) add(h.document.id);
  // Speakers are not in the full-text index: "what did Maya Chen say…" finds her episodes here.
  for (const docId of speakerDocuments(db, groups, filters.source)) add(docId);
  // What a passage says includes who says it ("what did Karpathy say…"). The title counts a
  // quarter: a passage must say something itself, the title only helps.
  const relevance = (inDocument: QuestionGroup[], title: TermLookup, own: TermLookup) => {
    const mine = coverage(inDocument, own);
    const titled = coverage(inDocument, { has: (t) => own.has(t) || title.has(t) });
    return mine + TITLE_SHARE * (titled - mine);
  };

  // Score every candidate document's passages; keep the documents whose best passage is best.
  const score = (c: Candidate) => {
    const doc = documentRow(db, c.docId);
    const rows = documentPassages(db, c.docId);
    const [title, ...own] = foldedLookups(foldEach([doc.title ?? '', ...rows.map((p) => `${p.speaker ?? ''}\n${p.text}`)]));
    // Forms the whole document never writes are not looked for passage by passage (a question
    // with many lexicon forms over a long transcript).
    const anywhere = (t: string) => title!.has(t) || own.some((l) => l.has(t));
    const inDocument = groups.map((g) => ({ ...g, alternatives: g.alternatives.filter((seq) => seq.every(anywhere)) }));
    const passages = own
      .map((lookup, i) => ({ p: rows[i]!, relevance: relevance(inDocument, title!, lookup) }))
      .filter((x) => x.relevance > 0)
      // Equally relevant: the passage with a time first (its citation can open the moment).
      .sort((a, b) => b.relevance - a.relevance || Number(b.p.start != null) - Number(a.p.start != null) || a.p.seq - b.p.seq);
    return { c, doc, passages, best: passages[0]?.relevance ?? 0 };
  };
  const scored: ReturnType<typeof score>[] = [];
  for (const c of candidates.values()) {
    scored.push(score(c));
    // A long transcript takes tens of milliseconds to read and score: in the web server,
    // other requests get their turn between documents.
    await yieldNow();
  }
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
  // A summary another tool wrote is cited at the moment the transcript has its quote, not at the time it claims.
  applyCheckedTimes(db, out, (p) => p.rendition === 'summary', (p) => p.document.url);
  return { groups, terms, passages: out, best };
}

/**
 * How a word the index never saw may still be in a passage: as typed, or, for three Han
 * characters or more, without its first or last character — the segmenter often glues a
 * neighbouring character to a word it does not know (他们怎么说晶圆配额 gives 说晶圆). Passages
 * are searched for Han text as a substring, so 晶圆 is found in 晶圆配额.
 */
function unknownForms(word: string): string[][] {
  const chars = [...word];
  if (chars.length < 3 || !/^\p{Script=Han}+$/u.test(word)) return [[word]];
  return [[word], [chars.slice(1).join('')], [chars.slice(0, -1).join('')]];
}

/** Whether a text holds the group: every term of one of its alternatives. */
const holds = (lookup: TermLookup, g: QuestionGroup) => g.alternatives.some((seq) => seq.length > 0 && seq.every((t) => lookup.has(t)));

/** Share of the groups' weight the text holds (0 when there is none). */
function coverage(groups: readonly QuestionGroup[], lookup: TermLookup): number {
  let total = 0;
  let found = 0;
  for (const g of groups) {
    total += g.weight;
    if (holds(lookup, g)) found += g.weight;
  }
  return total ? found / total : 0;
}

/** Documents where a speaker named by one of the groups speaks (a few per speaker). */
function speakerDocuments(db: DB, groups: QuestionGroup[], source?: string): number[] {
  const speakers = stmt(db, 'SELECT DISTINCT speaker FROM passages WHERE speaker IS NOT NULL').pluck().all() as string[];
  const named = speakers.filter((s) => {
    const lookup = termLookup(s);
    return groups.some((g) => holds(lookup, g));
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
