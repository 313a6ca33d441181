/**
 * The last step of ranking: the best passages of the documents on the page, re-scored on their
 * text — term frequency, passage length, common and intent words (which the posting reads
 * sample or skip), and a verbatim match of a phrase-like query, which is what a remembered
 * phrase is after.
 */
import type { CorpusMap } from './corpus.js';
import type { GroupPostings } from './postings.js';
import type { QueryGroup } from './query.js';
import { compact, foldForMatch } from './highlight.js';
import { ADJACENT_BOOST, byScore, KIND_WEIGHT, VERBATIM_BOOST, type GroupWeight, type RankedDoc } from './rank.js';

/** BM25 parameters over a passage's characters. */
const PASSAGE_K1 = 1.2;
const PASSAGE_B = 0.5;
/** Mean characters of a content passage (measured on the reference corpus). */
const AVG_PASSAGE_CHARS = 90;

export interface RefineInput {
  groups: QueryGroup[];
  weights: GroupWeight[];
  postings: GroupPostings[];
  adjacent?: Set<number>;
  map: CorpusMap;
  /** The query folded and compacted when it reads like a remembered phrase (query.ts), else ''. */
  verbatim: string;
  /** Passages' texts folded (`foldForMatch`) by id, filled as they are folded: the hits' highlighting reads them again. */
  folded?: Map<number, string>;
}

/**
 * Rescores a document's candidate passages on their text (term frequency, passage length,
 * common and intent words) and returns them best first, with the document's new score.
 */
export function refineDocument(doc: RankedDoc, texts: Map<number, string>, input: RefineInput): RankedDoc {
  if (doc.candidates.length === 0) return doc;
  const { verbatim } = input;
  const scored = doc.candidates.map((c) => {
    const text = texts.get(c.id) ?? '';
    let folded = input.folded?.get(c.id);
    if (folded === undefined) {
      folded = foldForMatch(text);
      input.folded?.set(c.id, folded);
    }
    const boost = verbatim.length >= 2 && compact(folded).includes(verbatim) ? VERBATIM_BOOST : input.adjacent?.has(c.id) ? ADJACENT_BOOST : 1;
    const length = Math.max(1, text.length);
    let score = 0;
    input.groups.forEach((g, i) => {
      const member = holds(input.postings[i]!.ids, c.id);
      const w = input.weights[i]!;
      // Membership is exact unless the group's postings were sampled or never read.
      if (!member && !(w.role === 'intent' || input.postings[i]!.truncated)) return;
      const tf = Math.max(member ? 1 : 0, occurrences(folded, g));
      if (tf === 0) return;
      score += w.idf * ((tf * (PASSAGE_K1 + 1)) / (tf + PASSAGE_K1 * (1 - PASSAGE_B + (PASSAGE_B * length) / AVG_PASSAGE_CHARS)));
    });
    return { ...c, score: score * KIND_WEIGHT[input.map.kind[c.rendition]!]! * boost };
  });
  scored.sort(byScore);
  return { ...doc, candidates: scored, score: scored[0]!.score + doc.evidence + doc.title };
}

/** Whether descending `ids` holds `id` (binary search). */
function holds(ids: number[], id: number): boolean {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = ids[mid]!;
    if (v === id) return true;
    if (v > id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

const LATIN = /^[\p{L}\p{N}]/u;

/** How often a group occurs in folded text: its most frequent alternative (a sequence by its rarest term). */
export function occurrences(folded: string, g: QueryGroup): number {
  let best = 0;
  for (const seq of g.alternatives) {
    let n = Infinity;
    for (const t of seq) n = Math.min(n, count(folded, t));
    if (n !== Infinity) best = Math.max(best, n);
  }
  return best;
}

function count(folded: string, term: string): number {
  if (!term) return 0;
  let n = 0;
  const wordStart = LATIN.test(term) && !/\p{Script=Han}/u.test(term);
  for (let at = folded.indexOf(term); at !== -1; at = folded.indexOf(term, at + term.length)) {
    // A Latin term (a stem) counts at the start of a word only: "ai" not inside "said".
    if (wordStart && at > 0 && /[\p{L}\p{N}]/u.test(folded[at - 1]!)) continue;
    n++;
  }
  return n;
}
