/**
 * Which passages and titles hold each query group, read from FTS5 as bare ids.
 *
 * Reading ids is cheap (no BM25 in SQLite: its bm25() scans every phrase's whole posting
 * list to count documents, which is what made queries with common words slow), and the
 * number of ids read per query is bounded: a group gets its share of a fixed budget, newest
 * passages first, and a group that holds more is marked truncated and its document
 * frequency estimated from how densely its ids fill the id range read. Rare groups — the
 * ones that decide a search — are always read whole; only very common words are sampled,
 * and they weigh little anyway. A group's typed words and the lexicon's forms of them are
 * read as two lists: its frequency (what it weighs, whether it is required) is the typed
 * words', the forms only add passages.
 */
import type { DB } from '../store/db.js';
import { stmt } from '../store/statements.js';
import type { CorpusMap } from './corpus.js';
import { compact, foldForMatch } from './highlight.js';
import { groupMatch, typedAlternatives, type ParsedQuery, type QueryGroup } from './query.js';

/** How much of the posting lists a query reads (each id costs ~0.3 µs to read and rank). */
export interface ReadLimits {
  /** Ids read per query over all groups (a common word beside rarer ones stops at its probe). */
  budget: number;
  /** Every group may read at least this many, however many groups there are. */
  minShare: number;
  /** Ids read first from each group to tell rare from common: this many over all groups, `probeMin`–`probeMax` each. */
  probes: number;
  probeMin: number;
  probeMax: number;
  /** When every group is common (nothing rarer was asked), they are read up to this many ids in all. */
  commonBudget: number;
  /** Co-occurrence reads (all groups together, typed words adjacent) return at most this many passages… */
  together: number;
  /** …and run only for queries of up to this many words. */
  togetherWords: number;
  /** Documents read per group from the title and keyword index. */
  titles: number;
}

export const READ_LIMITS: ReadLimits = {
  budget: 16_000, minShare: 1_000, probes: 8_000, probeMin: 400, probeMax: 1_500, commonBudget: 8_000, together: 1_500, togetherWords: 8, titles: 1_000,
};

/** A group in more than this share of passages is common: it scores but is not required. */
export const COMMON_SHARE = 0.05;
/** Quoted phrases are checked literally on at most this many passages. */
const PHRASE_CHECKS = 3_000;
/** A phrase-like query is looked for verbatim in at most this many passages holding all its words. */
const VERBATIM_CHECKS = 300;

export interface GroupPostings {
  /** Passage ids holding the group, descending (newest first). */
  ids: number[];
  /** The group holds more passages than were read. */
  truncated: boolean;
  /** Passages holding the group as typed (estimated when truncated); its forms' when the index never saw the typed words. */
  df: number;
  /** Documents whose title / keywords hold the group. */
  titles: Set<number>;
  keywords: Set<number>;
}

export interface Postings {
  groups: GroupPostings[];
  /** Passages holding the query's meaningful words close together. */
  adjacent: Set<number>;
  /** Passages holding a phrase-like query verbatim (ParsedQuery.verbatim). */
  verbatim: Set<number>;
}

const NONE = (): GroupPostings => ({ ids: [], truncated: false, df: 0, titles: new Set(), keywords: new Set() });

export function fetchPostings(db: DB, q: ParsedQuery, map: CorpusMap, limits: ReadLimits = READ_LIMITS): Postings {
  const groups = q.groups.map(NONE);
  const active = q.groups.map((g, i) => ({ g, p: groups[i]! })).filter(({ g }) => !g.intent);
  readGroups(db, active, map, limits);
  const { adjacent, verbatim } = readTogether(db, q, active, limits);
  for (const { g, p } of active) {
    if (g.quoted && g.phrase) {
      p.ids = holdingPhrase(db, p.ids.slice(0, PHRASE_CHECKS), g.phrase);
      if (!p.truncated) p.df = p.ids.length;
    }
    const titled = titleHits(db, g, limits.titles);
    p.titles = titled.titles;
    p.keywords = titled.keywords;
  }
  return { groups, adjacent, verbatim };
}

/**
 * The newest `limit` passage ids below `below` that match. The bound goes in as a BigInt:
 * better-sqlite3 binds a JS number as REAL, and FTS5 only seeks to an INTEGER rowid bound —
 * given a REAL it reads the list from its newest end and SQLite drops the ids above the bound,
 * so every continued read re-read all that came before it.
 */
const readIds = (db: DB, match: string, below: number, limit: number) =>
  stmt(db, 'SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ?')
    .pluck()
    .all(match, BigInt(Math.min(below, Number.MAX_SAFE_INTEGER)), limit) as number[];

/** One posting list being read, newest first. */
interface ListRead {
  match: string;
  ids: number[];
  /** More ids remain (true until read to its end). */
  truncated: boolean;
}

/**
 * A probe of each group tells rare from common (a common word fills the newest ids densely).
 * Rare groups are then read whole, up to their share of the budget; common ones only if
 * nothing rarer was asked, with what the budget has left. Each read takes as many ids from
 * the group's typed list as from its forms' list.
 */
function readGroups(db: DB, active: { g: QueryGroup; p: GroupPostings }[], map: CorpusMap, limits: ReadLimits): void {
  // The typed words of one lexicon span share its forms: their list is read once.
  const shared = new Map<string, ListRead>();
  const list = (match: string): ListRead | undefined => {
    if (!match) return undefined;
    let l = shared.get(match);
    if (!l) shared.set(match, (l = { match, ids: [], truncated: true }));
    return l;
  };
  const lists = active.map(({ g }) => ({ typed: list(groupMatch(g, 'typed')), forms: list(groupMatch(g, 'forms')) }));
  /** Reads a list up to `want` ids (shared lists may be read that far already). */
  const readList = (l: ListRead | undefined, want: number) => {
    const limit = want - (l?.ids.length ?? 0);
    if (!l?.truncated || limit <= 0) return 0;
    const below = l.ids.length ? l.ids[l.ids.length - 1]! : Number.MAX_SAFE_INTEGER;
    const more = readIds(db, l.match, below, limit + 1);
    l.truncated = more.length > limit;
    l.ids = l.ids.concat(more.slice(0, limit));
    return Math.min(limit, more.length);
  };
  const probe = Math.min(limits.probeMax, Math.max(limits.probeMin, Math.floor(limits.probes / Math.max(1, active.length))));
  const wanted = active.map(() => 0);
  const read = (k: number, limit: number) => {
    const { typed, forms } = lists[k]!;
    const p = active[k]!.p;
    wanted[k]! += limit;
    // Forms beside typed words the index holds are extra evidence: a probe's worth of them.
    const n = readList(typed, wanted[k]!) + readList(forms, typed?.ids.length ? Math.min(wanted[k]!, probe) : wanted[k]!);
    p.ids = mergeDescending(typed?.ids ?? [], forms?.ids ?? []);
    p.truncated = !!typed?.truncated || !!forms?.truncated;
    p.df = typed && (typed.ids.length > 0 || !forms) ? estimateDf(typed, map) : forms ? estimateDf(forms, map) : 0;
    return n;
  };
  const common = COMMON_SHARE * map.passages;
  let used = 0;
  active.forEach((_, k) => (used += read(k, probe)));
  const share = Math.max(limits.minShare, Math.floor(limits.budget / Math.max(1, active.length)));
  active.forEach(({ p }, k) => {
    if (p.truncated && p.df <= common) used += read(k, share - p.ids.length);
  });
  if (active.every(({ p }) => p.df > common)) {
    active.forEach(({ p }, k) => {
      const extra = Math.floor((limits.commonBudget - used) / (active.length - k));
      if (extra > 0 && p.truncated) used += read(k, extra);
    });
  }
}

/**
 * Sampling a common word's list may miss the one passage that holds the whole query (a
 * remembered phrase is made of common words). So when a list was sampled, the passages
 * holding every group are read too (an AND in FTS5 skips through the lists, cheap even for
 * common words) and added to every group's list. Passages holding the query's meaningful
 * words close together are marked adjacent, and those holding a phrase-like query verbatim
 * are marked too (checked on the text of the few passages holding every group: a NEAR with
 * 的 or "the" in it would walk their whole lists).
 */
function readTogether(db: DB, q: ParsedQuery, active: { g: QueryGroup; p: GroupPostings }[], limits: ReadLimits): Pick<Postings, 'adjacent' | 'verbatim'> {
  const adjacent = new Set<number>();
  const verbatim = new Set<number>();
  const words = q.groups.reduce((n, g) => n + (typedAlternatives(g)[0]?.length ?? 0), 0);
  if (words < 2 || words > limits.togetherWords || active.length === 0) return { adjacent, verbatim };
  let together: number[] | undefined;
  if (active.length > 1 && active.some(({ p }) => p.truncated)) {
    // As typed (an AND of the lexicon's forms is slow, and a remembered phrase is what it is after).
    const typed = active.map(({ g }) => groupMatch(g, 'typed') || groupMatch(g));
    together = readIds(db, typed.join(' AND '), Number.MAX_SAFE_INTEGER, limits.together);
    for (const { p } of active) p.ids = mergeDescending(p.ids, together);
  } else {
    together = active.map(({ p }) => p.ids).reduce((a, b) => intersectDescending(a, b));
  }
  if (q.verbatim && together.length <= VERBATIM_CHECKS) {
    for (const [id, text] of passageTexts(db, together)) if (compact(foldForMatch(text)).includes(q.verbatim)) verbatim.add(id);
  }
  const meaningful = active.flatMap(({ g }) => typedAlternatives(g)[0] ?? []);
  // Found verbatim, the phrase needs no looser sign (which would lift every 一定程度 alike).
  if (meaningful.length < 2 || verbatim.size > 0) return { adjacent, verbatim };
  // Search-mode indexing puts sub-words between adjacent words: allow two tokens per typed word.
  const near = `NEAR(${meaningful.map((t) => `"${t.replace(/"/g, '""')}"`).join(' ')}, ${2 * words + 2})`;
  const ids = readIds(db, near, Number.MAX_SAFE_INTEGER, limits.together);
  for (const id of ids) adjacent.add(id);
  for (const { p } of active) p.ids = mergeDescending(p.ids, ids);
  return { adjacent, verbatim };
}

/** Intersection of two descending id lists. */
function intersectDescending(a: number[], b: number[]): number[] {
  const out: number[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      out.push(a[i]!);
      i++;
      j++;
    } else if (a[i]! > b[j]!) i++;
    else j++;
  }
  return out;
}

export function passageTexts(db: DB, ids: number[]): Map<number, string> {
  if (ids.length === 0) return new Map();
  const rows = stmt(db, 'SELECT id, text FROM passages WHERE id IN (SELECT value FROM json_each(?))').raw().all(JSON.stringify(ids)) as [number, string][];
  return new Map(rows);
}

/** Union of two descending id lists, descending, without repeats. */
export function mergeDescending(a: number[], b: number[]): number[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? a[i]! : -Infinity;
    const y = j < b.length ? b[j]! : -Infinity;
    const v = x >= y ? x : y;
    if (x === v) i++;
    if (y === v) j++;
    if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
  }
  return out;
}

/** Read whole, the count is exact; truncated, scale by the share of the id range read. */
function estimateDf(p: { ids: number[]; truncated: boolean }, map: CorpusMap): number {
  if (!p.truncated || p.ids.length === 0) return p.ids.length;
  const span = map.maxId - p.ids[p.ids.length - 1]! + 1;
  return Math.min(map.passages, Math.round((p.ids.length * map.maxId) / Math.max(1, span)));
}

/** The documents whose title / keywords hold the group (the newest `limit` of each: a word in thousands of titles says little). */
function titleHits(db: DB, g: QueryGroup, limit: number): { titles: Set<number>; keywords: Set<number> } {
  const ids = (column: string) =>
    new Set(stmt(db, 'SELECT rowid FROM titles_fts WHERE titles_fts MATCH ? ORDER BY rowid DESC LIMIT ?').pluck().all(`{${column}} : ${groupMatch(g)}`, limit) as number[]);
  let titles = ids('title');
  let keywords = ids('keywords');
  if (g.quoted && g.phrase) {
    const text = stmt(db, "SELECT COALESCE(title, '') || ' ' || COALESCE(json_extract(metadata, '$.keywords'), '') FROM documents WHERE id = ?").pluck();
    const holds = (doc: number) => containsPhrase(String(text.get(doc) ?? ''), g.phrase!);
    titles = new Set([...titles].filter(holds));
    keywords = new Set([...keywords].filter(holds));
  }
  return { titles, keywords };
}

/** The passages whose folded text holds the phrase literally (the index only knows NEAR). */
function holdingPhrase(db: DB, ids: number[], phrase: string): number[] {
  const texts = passageTexts(db, ids);
  return ids.filter((id) => containsPhrase(texts.get(id) ?? '', phrase));
}

const squash = (s: string) => s.replace(/\s+/g, '');

export function containsPhrase(text: string, phrase: string): boolean {
  return squash(foldForMatch(text)).includes(squash(foldForMatch(phrase)));
}
