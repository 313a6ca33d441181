/**
 * Ranking: which documents match a query and in what order. Pure functions over posting
 * lists (search.ts reads them); see docs/design.md "Ranking".
 *
 * 1. Weigh groups by how informative they are: IDF over passages. Question and function
 *    words are intent (never required, barely scored); words in more than COMMON_SHARE of
 *    passages are common (scored, not required); the rest are informative, and a document
 *    must hold `minimumMatch(n)` of the n informative groups (all of one or two, then fewer
 *    as queries grow), plus every quoted phrase, anywhere in its passages or title.
 * 2. Score each document by three kinds of evidence:
 *    - its best passage: the informative words it holds together, by rendition kind;
 *    - the document as a whole: per group, how many of a rendition's passages hold it,
 *      saturated and normalised by the rendition's length (BM25 over passages), taking the
 *      best rendition — so identical renditions (an archive entry and the same text as a
 *      summary file) count once, and a document that keeps returning to a subject outranks
 *      one that mentions it in passing;
 *    - its title and keywords.
 * 3. refine.ts re-scores the top documents' best passages on their text.
 * Documents meeting the requirement come first; when fewer than FILL do, documents holding
 * fewer groups follow, so a question never comes back with one or two results.
 */
import { type CorpusMap, lengthOf, runOf } from './corpus.js';
import { COMMON_SHARE, type GroupPostings } from './postings.js';
import type { QueryGroup } from './query.js';

/** Field weights: a title hit outranks a summary hit, which outranks transcript text. */
export const WEIGHTS = { title: 3.0, keywords: 1.5, summary: 1.6, body: 1.0, raw: 0.8 } as const;
/** By rendition kind (corpus.ts KIND). */
export const KIND_WEIGHT = [WEIGHTS.summary, WEIGHTS.body, WEIGHTS.raw];

/** Intent words only break ties. */
const INTENT_WEIGHT = 0.05;
/** Weight of whole-document evidence against the best passage. */
const DOCUMENT_WEIGHT = 0.5;
/** BM25 parameters over a rendition's passages. */
const DOC_K1 = 1.2;
const DOC_B = 0.75;
/** A passage holding the meaningful words close together weighs more, one holding a phrase-like query verbatim more still. */
export const ADJACENT_BOOST = 1.5;
export const VERBATIM_BOOST = 3.0;
/** Best passages kept per document for refinement. */
const CANDIDATES_PER_DOC = 3;
/** Below this many documents meeting the requirement, partial matches follow them. */
export const FILL = 10;

export type Role = 'quoted' | 'informative' | 'common' | 'intent';

export interface GroupWeight {
  role: Role;
  idf: number;
}

/** How many of n informative groups a document must hold. */
export function minimumMatch(n: number): number {
  if (n <= 2) return n;
  if (n <= 4) return n - 1;
  return Math.ceil(n * 0.6);
}

export function idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

export function weighGroups(groups: QueryGroup[], postings: GroupPostings[], passages: number): { weights: GroupWeight[]; minMatch: number } {
  const n = Math.max(1, passages);
  const weights = groups.map((g, i): GroupWeight => {
    const df = postings[i]!.df;
    if (g.intent) return { role: 'intent', idf: INTENT_WEIGHT };
    const role: Role = g.quoted ? 'quoted' : df > COMMON_SHARE * n ? 'common' : 'informative';
    return { role, idf: idf(Math.min(df, n), n) };
  });
  // Nothing rare was asked: the common words are what the query is about.
  if (!weights.some((w) => w.role === 'informative' || w.role === 'quoted')) {
    for (const w of weights) if (w.role === 'common') w.role = 'informative';
  }
  const informative = weights.filter((w) => w.role === 'informative').length;
  return { weights, minMatch: minimumMatch(informative) };
}

export interface Candidate {
  id: number;
  /** Rendition index in the corpus map. */
  rendition: number;
  score: number;
}

export interface RankedDoc {
  doc: number;
  /** 0: meets the requirement; 1: a partial match shown after them. */
  tier: 0 | 1;
  score: number;
  /** Whole-document and title evidence (already weighted). */
  evidence: number;
  title: number;
  /** Best passages first; empty for a title-only match. */
  candidates: Candidate[];
  /** Distinct passages that matched (identical renditions counted once). */
  matched: number;
}

export interface RankInput {
  map: CorpusMap;
  postings: GroupPostings[];
  /** Passages holding the meaningful words close together, and the query verbatim (postings.ts). */
  adjacent?: Set<number>;
  verbatim?: Set<number>;
  weights: GroupWeight[];
  minMatch: number;
  keepDoc?: (doc: number) => boolean;
  keepPassage?: (id: number) => boolean;
  /** Whether titles count (not when searching one speaker's words). */
  titles?: boolean;
  /** How many documents must be in exact order with their best passages (the rest follow); all by default. */
  exact?: number;
}

/** Ranks every matching document, each with its best passages. */
export function rankDocuments(input: RankInput): RankedDoc[] {
  const { map, weights } = input;
  const G = weights.length;
  const scan = scanPostings(input);
  const titled = input.titles === false ? new Map<number, Float64Array>() : titleEvidence(input);

  const byDoc = new Map<number, number[]>();
  for (const r of scan.keys()) {
    const doc = map.document[r]!;
    const list = byDoc.get(doc);
    if (list) list.push(r);
    else byDoc.set(doc, [r]);
  }
  for (const doc of titled.keys()) if (!byDoc.has(doc)) byDoc.set(doc, []);

  const scored: Scored[] = [];
  const bestOf = new Float64Array(G);
  for (const [doc, renditions] of byDoc) {
    const t = titled.get(doc);
    // Per group, the best rendition's BM25 saturation of its count against the rendition's length, by kind.
    bestOf.fill(0);
    let top = 0;
    for (const r of renditions) {
      const row = scan.get(r)!;
      const norm = DOC_K1 * (1 - DOC_B + (DOC_B * lengthOf(map, r)) / map.avgLength);
      const kind = KIND_WEIGHT[map.kind[r]!]!;
      for (let g = 0; g < G; g++) {
        const c = row.counts[g]!;
        if (c > 0) bestOf[g] = Math.max(bestOf[g]!, (kind * c * (DOC_K1 + 1)) / (c + norm));
      }
      top = Math.max(top, row.best[0]?.score ?? 0);
    }
    let evidence = 0;
    let title = 0;
    let coverage = 0;
    let quotedMissing = false;
    let any = false;
    for (let g = 0; g < G; g++) {
      const w = weights[g]!;
      if (w.role === 'intent') continue;
      const best = bestOf[g]!;
      const inTitle = t ? t[g]! : 0;
      evidence += w.idf * best * DOCUMENT_WEIGHT;
      title += w.idf * inTitle;
      const matched = best > 0 || inTitle > 0;
      if (matched) any = true;
      if (matched && w.role === 'informative') coverage++;
      if (!matched && w.role === 'quoted') quotedMissing = true;
    }
    if (quotedMissing || !any) continue;
    // The best passage is the best of some rendition's (one holding the same text as another counts once).
    const bound = evidence + title + top;
    scored.push({ doc, tier: coverage >= input.minMatch ? 0 : 1, score: evidence + title, evidence, title, renditions, bound });
  }
  const meeting = scored.filter((d) => d.tier === 0).length;
  const listed = meeting >= FILL ? scored.filter((d) => d.tier === 0) : scored;
  listed.sort((a, b) => a.tier - b.tier || b.bound - a.bound || a.doc - b.doc);
  return withPassages(listed, input.exact ?? Infinity, (d) => {
    const { candidates, matched } = distinctCandidates(d.renditions, scan, map);
    return { doc: d.doc, tier: d.tier, evidence: d.evidence, title: d.title, score: d.score + (candidates[0]?.score ?? 0), candidates, matched };
  });
}

interface Scored extends Omit<RankedDoc, 'candidates' | 'matched'> {
  renditions: number[];
  /** An upper bound of the score once the best passage is known. */
  bound: number;
}

/**
 * Gathers each document's best passages (merging its renditions', identical ones once) only
 * as far as the order needs them: thousands of documents match a common query. Documents are
 * visited best bound first — the bound is the score with the best passage of any of its
 * renditions, which only a rendition identical to another can lower — and once `exact` of
 * them are scored and the next bound cannot beat the last of those, the rest keep their bound
 * and no passages (they are listed after, beyond any page asked for).
 */
function withPassages(listed: Scored[], exact: number, score: (d: Scored) => RankedDoc): RankedDoc[] {
  const done: RankedDoc[] = [];
  let need = exact; // documents still to place exactly, counting from the current tier
  let best: number[] = []; // the top `need` scores of the current tier, ascending
  let inTier = 0;
  let i = 0;
  for (; i < listed.length; i++) {
    const d = listed[i]!;
    if (i > 0 && d.tier !== listed[i - 1]!.tier) {
      need -= inTier; // reaching a new tier, every document of the earlier one was scored and comes first
      best = [];
      inTier = 0;
    }
    if (need <= 0 || (best.length >= need && d.bound < best[0]!)) break;
    const r = score(d);
    done.push(r);
    inTier++;
    best.splice(sortedIndex(best, r.score), 0, r.score);
    if (best.length > need) best.shift();
  }
  const rest = listed.slice(i).map((d): RankedDoc => ({ doc: d.doc, tier: d.tier, evidence: d.evidence, title: d.title, score: d.bound, candidates: [], matched: 0 }));
  return [...sortRanked(done), ...rest];
}

function sortedIndex(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function sortRanked(docs: RankedDoc[]): RankedDoc[] {
  return docs.sort((a, b) => a.tier - b.tier || b.score - a.score || a.doc - b.doc);
}

/** What the posting lists say about one rendition. */
interface RenditionScan {
  /** Passages holding each group. */
  counts: Int32Array;
  /** Passages holding any group. */
  matched: number;
  /** Its best passages (by the idf of the groups they hold and the rendition kind). */
  best: Candidate[];
}

/** Per passage id, the summed idf of the groups it holds; reused across searches, cleared after each. */
let accumulator = new Float32Array(0);

/**
 * Two passes over the posting lists. First, per list: count each rendition's matching
 * passages and add the group's idf to each passage's accumulator. Then, per distinct
 * passage: keep the best few of each rendition. Filters apply in the first pass. Only
 * renditions that match are allocated, so the work follows the ids read, not the library size.
 */
function scanPostings(input: RankInput): Map<number, RenditionScan> {
  const { map, postings, weights } = input;
  const G = weights.length;
  const scan = new Map<number, RenditionScan>();
  if (accumulator.length <= map.maxId) accumulator = new Float32Array(map.maxId + 1 + (map.maxId >> 3));
  const acc = accumulator;
  const ids: number[] = [];
  postings.forEach((p, g) => {
    const w = weights[g]!;
    if (w.role === 'intent') return;
    let run = -1;
    let r = -1;
    let row: RenditionScan | undefined;
    for (const id of p.ids) {
      // A rendition's ids are consecutive (corpus.ts): most lookups hit the previous run.
      if (run < 0 || id < map.first[run]! || id > map.last[run]!) {
        run = runOf(map, id);
        r = run < 0 ? -1 : map.rendition[run]!;
        row = undefined;
      }
      if (r < 0 || id >= acc.length) continue;
      if (input.keepDoc && !input.keepDoc(map.document[r]!)) continue;
      if (input.keepPassage && !input.keepPassage(id)) continue;
      if (!row) {
        row = scan.get(r);
        if (!row) scan.set(r, (row = { counts: new Int32Array(G), matched: 0, best: [] }));
      }
      row.counts[g]!++;
      if (acc[id] === 0) ids.push(id);
      acc[id] += w.idf;
    }
  });
  // Ascending, so on equal scores the earlier passage stays, and consecutive ids share a run.
  let run = -1;
  let r = -1;
  let row: RenditionScan | undefined;
  let kind = 1;
  const verbatim = input.verbatim?.size ? input.verbatim : undefined;
  const adjacent = input.adjacent?.size ? input.adjacent : undefined;
  for (const id of Int32Array.from(ids).sort()) {
    if (run < 0 || id > map.last[run]!) {
      run = runOf(map, id);
      r = map.rendition[run]!;
      row = scan.get(r)!;
      kind = KIND_WEIGHT[map.kind[r]!]!;
    }
    const boost = verbatim?.has(id) ? VERBATIM_BOOST : adjacent?.has(id) ? ADJACENT_BOOST : 1;
    const score = kind * acc[id]! * boost;
    acc[id] = 0;
    row!.matched++;
    const list = row!.best;
    if (list.length === CANDIDATES_PER_DOC && score <= list[CANDIDATES_PER_DOC - 1]!.score) continue;
    // Best first; an equal score keeps the earlier (smaller) id ahead, as byScore orders them.
    let at = list.length === CANDIDATES_PER_DOC ? CANDIDATES_PER_DOC - 1 : list.length;
    while (at > 0 && list[at - 1]!.score < score) {
      list[at] = list[at - 1]!;
      at--;
    }
    list[at] = { id, rendition: r, score };
  }
  return scan;
}

export const byScore = (a: Candidate, b: Candidate) => b.score - a.score || a.id - b.id;

/** Title and keyword weight per document and group. */
function titleEvidence(input: RankInput): Map<number, Float64Array> {
  const { postings, weights } = input;
  const titled = new Map<number, Float64Array>();
  postings.forEach((p, g) => {
    if (weights[g]!.role === 'intent') return;
    const mark = (doc: number, w: number) => {
      if (input.keepDoc && !input.keepDoc(doc)) return;
      let t = titled.get(doc);
      if (!t) titled.set(doc, (t = new Float64Array(weights.length)));
      t[g] = Math.max(t[g]!, w);
    };
    for (const doc of p.keywords) mark(doc, WEIGHTS.keywords);
    for (const doc of p.titles) mark(doc, WEIGHTS.title);
  });
  return titled;
}

/**
 * A document's best passages and how many passages matched, skipping renditions identical
 * to an earlier one (same length, same counts): the same words stored twice are one piece
 * of evidence and one result.
 */
function distinctCandidates(renditions: number[], scan: Map<number, RenditionScan>, map: CorpusMap): { candidates: Candidate[]; matched: number } {
  if (renditions.length === 1) {
    const only = scan.get(renditions[0]!)!;
    return { candidates: only.best, matched: only.matched };
  }
  const seen: number[] = [];
  const candidates: Candidate[] = [];
  let matched = 0;
  for (const r of [...renditions].sort((a, b) => a - b)) {
    const row = scan.get(r)!;
    let signature = lengthOf(map, r);
    for (const c of row.counts) signature = (Math.imul(signature, 31) + c) | 0;
    if (seen.includes(signature)) continue;
    seen.push(signature);
    matched += row.matched;
    candidates.push(...row.best);
  }
  candidates.sort(byScore);
  return { candidates: candidates.slice(0, CANDIDATES_PER_DOC), matched };
}
