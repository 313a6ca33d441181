/**
 * Which passages and titles hold each query group, read from FTS5 as bare ids.
 *
 * Reading ids is cheap (no BM25 in SQLite: its bm25() scans every phrase's whole posting
 * list to count documents, which is what made queries with common words slow), and the
 * number of ids read per query is bounded: a group gets its share of a fixed budget, newest
 * passages first, and a group that holds more is marked truncated and its document
 * frequency estimated from how densely its ids fill the id range read. Rare groups — the
 * ones that decide a search — are always read whole; only very common words are sampled,
 * and they weigh little anyway.
 */
import type { DB } from '../store/db.js';
import { stmt } from '../store/statements.js';
import type { CorpusMap } from './corpus.js';
import { foldForMatch } from './highlight.js';
import { groupMatch, type ParsedQuery, type QueryGroup } from './query.js';

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
}

export const READ_LIMITS: ReadLimits = {
  budget: 30_000, minShare: 2_000, probes: 12_000, probeMin: 500, probeMax: 2_000, commonBudget: 12_000, together: 3_000, togetherWords: 8,
};

/** A group in more than this share of passages is common: it scores but is not required. */
export const COMMON_SHARE = 0.05;
/** Quoted phrases are checked literally on at most this many passages. */
const PHRASE_CHECKS = 3_000;

export interface GroupPostings {
  /** Passage ids holding the group, descending (newest first). */
  ids: number[];
  /** The group holds more passages than were read. */
  truncated: boolean;
  /** Passages holding the group (estimated when truncated). */
  df: number;
  /** Documents whose title / keywords hold the group. */
  titles: Set<number>;
  keywords: Set<number>;
}

export interface Postings {
  groups: GroupPostings[];
  /** Passages holding every typed word close together: near-verbatim matches. */
  adjacent: Set<number>;
}

const NONE = (): GroupPostings => ({ ids: [], truncated: false, df: 0, titles: new Set(), keywords: new Set() });

export function fetchPostings(db: DB, q: ParsedQuery, map: CorpusMap, limits: ReadLimits = READ_LIMITS): Postings {
  const groups = q.groups.map(NONE);
  const active = q.groups.map((g, i) => ({ g, p: groups[i]! })).filter(({ g }) => !g.intent);
  readGroups(db, active, map, limits);
  const adjacent = readTogether(db, q, active, limits);
  for (const { g, p } of active) {
    if (g.quoted && g.phrase) p.ids = holdingPhrase(db, p.ids.slice(0, PHRASE_CHECKS), g.phrase);
    if (!p.truncated) p.df = p.ids.length;
    const titled = titleHits(db, g);
    p.titles = titled.titles;
    p.keywords = titled.keywords;
  }
  return { groups, adjacent };
}

const readIds = (db: DB, match: string, below: number, limit: number) =>
  stmt(db, 'SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ?')
    .pluck()
    .all(match, below, limit) as number[];

/**
 * A probe of each group tells rare from common (a common word fills the newest ids densely).
 * Rare groups are then read whole, up to their share of the budget; common ones only if
 * nothing rarer was asked, with what the budget has left.
 */
function readGroups(db: DB, active: { g: QueryGroup; p: GroupPostings }[], map: CorpusMap, limits: ReadLimits): void {
  const read = (g: QueryGroup, p: GroupPostings, limit: number) => {
    const below = p.ids.length ? p.ids[p.ids.length - 1]! : Number.MAX_SAFE_INTEGER;
    const more = readIds(db, groupMatch(g), below, limit + 1);
    p.truncated = more.length > limit;
    p.ids = p.ids.length ? p.ids.concat(more.slice(0, limit)) : more.slice(0, limit);
    p.df = estimateDf(p, map);
    return Math.min(limit, more.length);
  };
  const common = COMMON_SHARE * map.passages;
  const probe = Math.min(limits.probeMax, Math.max(limits.probeMin, Math.floor(limits.probes / Math.max(1, active.length))));
  let used = 0;
  for (const { g, p } of active) used += read(g, p, probe);
  const share = Math.max(limits.minShare, Math.floor(limits.budget / Math.max(1, active.length)));
  for (const { g, p } of active) if (p.truncated && p.df <= common) used += read(g, p, share - p.ids.length);
  if (active.every(({ p }) => p.df > common)) {
    for (const [k, { g, p }] of active.entries()) {
      const extra = Math.floor((limits.commonBudget - used) / (active.length - k));
      if (extra > 0 && p.truncated) used += read(g, p, extra);
    }
  }
}

/**
 * Sampling a common word's list may miss the one passage that holds the whole query (a
 * remembered phrase is made of common words). So when a list was sampled, the passages
 * holding every group are read too (an AND in FTS5 skips through the lists, cheap even for
 * common words) and added to every group's list; and the passages holding every typed word,
 * intent words included, close together are marked adjacent.
 */
function readTogether(db: DB, q: ParsedQuery, active: { g: QueryGroup; p: GroupPostings }[], limits: ReadLimits): Set<number> {
  const adjacent = new Set<number>();
  const words = q.groups.flatMap((g) => g.alternatives[0]!);
  if (words.length < 2 || words.length > limits.togetherWords) return adjacent;
  if (active.length > 1 && active.some(({ p }) => p.truncated)) {
    const together = readIds(db, active.map(({ g }) => groupMatch(g)).join(' AND '), Number.MAX_SAFE_INTEGER, limits.together);
    for (const { p } of active) p.ids = mergeDescending(p.ids, together);
  }
  // Search-mode indexing puts sub-words between adjacent words: allow two tokens per word.
  const near = `NEAR(${words.map((t) => `"${t.replace(/"/g, '""')}"`).join(' ')}, ${2 * words.length + 2})`;
  const ids = readIds(db, near, Number.MAX_SAFE_INTEGER, limits.together);
  for (const id of ids) adjacent.add(id);
  // An intent word can make a passage adjacent that a group list (sampled) does not hold.
  for (const { p } of active) p.ids = mergeDescending(p.ids, ids);
  return adjacent;
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
function estimateDf(p: GroupPostings, map: CorpusMap): number {
  if (!p.truncated || p.ids.length === 0) return p.ids.length;
  const span = map.maxId - p.ids[p.ids.length - 1]! + 1;
  return Math.min(map.passages, Math.round((p.ids.length * map.maxId) / Math.max(1, span)));
}

function titleHits(db: DB, g: QueryGroup): { titles: Set<number>; keywords: Set<number> } {
  const ids = (column: string) =>
    new Set(stmt(db, 'SELECT rowid FROM titles_fts WHERE titles_fts MATCH ?').pluck().all(`{${column}} : ${groupMatch(g)}`) as number[]);
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
  if (ids.length === 0) return ids;
  const rows = stmt(db, 'SELECT id, text FROM passages WHERE id IN (SELECT value FROM json_each(?))')
    .raw()
    .all(JSON.stringify(ids)) as [number, string][];
  const keep = new Set(rows.filter(([, text]) => containsPhrase(text, phrase)).map(([id]) => id));
  return ids.filter((id) => keep.has(id));
}

const squash = (s: string) => s.replace(/\s+/g, '');

export function containsPhrase(text: string, phrase: string): boolean {
  return squash(foldForMatch(text)).includes(squash(foldForMatch(phrase)));
}
