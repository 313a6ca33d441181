/**
 * Which passages and titles hold each query group, read from FTS5 as bare ids.
 *
 * Reading ids is cheap (no BM25 in SQLite: its bm25() scans every phrase's whole posting
 * list to count documents, which is what made queries with common words slow), and the
 * number of ids read per query is bounded — the query's reads, whatever its length or the
 * library's size: a group gets its share of the query's budget, newest passages first, and a
 * group that holds more is marked truncated and its document frequency estimated from how
 * densely its ids fill the id range read. Rare groups — the ones that decide a search — are
 * read whole first; frequent words are sampled, and they weigh little anyway. A group's typed
 * words and the lexicon's forms of them are read as two lists: its frequency (what it weighs,
 * whether it is required) is the typed words', the forms only add passages.
 */
import type { DB } from '../store/db.js';
import { stmt } from '../store/statements.js';
import type { CorpusMap } from './corpus.js';
import { compact, foldForMatch } from './highlight.js';
import { groupMatch, typedAlternatives, type ParsedQuery, type QueryGroup } from './query.js';

/**
 * How much of the posting lists a query reads. Every limit is per query, over all its groups
 * (none is per group), so neither a bigger library nor a longer query reads more.
 */
export interface ReadLimits {
  /** Ids read from the groups' lists (their typed words', or their forms' standing in), probes included. */
  budget: number;
  /** Ids read first from each group to tell rare from common: this many over all groups, at most `probeMax` each and at least `probeMin` (a density needs a few dozen). */
  probes: number;
  probeMin: number;
  probeMax: number;
  /** Ids read of the lexicon's forms beside typed words the index holds, over all groups (at most `probeMax` each). */
  forms: number;
  /** Co-occurrence reads (all groups together, typed words adjacent) return at most this many passages… */
  together: number;
  /** …run only for queries of up to this many words… */
  togetherWords: number;
  /** …and look only at the newest passages in which the query's lists are expected to hold about this many entries (FTS5 steps through them all). */
  scan: number;
  /** Documents read from the title and keyword index. */
  titles: number;
  /** Passages whose text is checked for the query's quoted phrases (the index only knows NEAR). */
  phrases: number;
}

export const READ_LIMITS: ReadLimits = {
  budget: 6_000, probes: 6_000, probeMin: 50, probeMax: 1_500, forms: 6_000, together: 1_500, togetherWords: 8, scan: 150_000, titles: 1_000, phrases: 3_000,
};

/** A group in more than this share of passages is common: it scores but is not required. */
export const COMMON_SHARE = 0.05;
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
  const { adjacent, verbatim } = readTogether(db, q, active, map, limits);
  const titles = Math.max(1, Math.floor(limits.titles / Math.max(1, active.length)));
  const checks = Math.floor(limits.phrases / Math.max(1, active.filter(({ g }) => g.quoted && g.phrase).length));
  for (const { g, p } of active) {
    if (g.quoted && g.phrase) {
      if (p.ids.length > checks) p.truncated = true;
      p.ids = holdingPhrase(db, p.ids.slice(0, checks), g.phrase);
      if (!p.truncated) p.df = p.ids.length;
    }
    const titled = titleHits(db, g, titles);
    p.titles = titled.titles;
    p.keywords = titled.keywords;
  }
  return { groups, adjacent, verbatim };
}

/**
 * The newest `limit` passage ids in [from, below) that match. The bounds go in as BigInts:
 * better-sqlite3 binds a JS number as REAL, and FTS5 only seeks to INTEGER rowid bounds —
 * given a REAL it reads the list from its newest end and SQLite drops what is out of range,
 * so a continued read re-read all that came before it and a window bounded nothing.
 */
export function readIds(db: DB, match: string, limit: number, below = Number.MAX_SAFE_INTEGER, from = 0): number[] {
  return stmt(db, 'SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? AND rowid < ? AND rowid >= ? ORDER BY rowid DESC LIMIT ?')
    .pluck()
    .all(match, BigInt(below), BigInt(from), limit) as number[];
}

/** One posting list being read, newest first. */
interface ListRead {
  match: string;
  ids: number[];
  /** Every matching id at or above this one has been read (the list is read down to it). */
  from: number;
}

/** Whether ids remain below what was read. */
const truncatedList = (l: ListRead) => l.from > 0;

/**
 * A probe of each group tells rare from common (a common word fills the newest ids densely).
 * The budget then goes to the groups that are not common, rarest first: each is read whole if
 * what it has left fits its share of what the budget has left (so the rare groups that decide
 * a search are read whole), the rest up to that share. Common groups are read further, with
 * what the budget has left, only if nothing rarer was asked. Last, the forms beside typed words
 * the index holds are read, once, as extra evidence: `forms` ids over all groups.
 */
function readGroups(db: DB, active: { g: QueryGroup; p: GroupPostings }[], map: CorpusMap, limits: ReadLimits): void {
  // The typed words of one lexicon span share its forms: their list is read once.
  const shared = new Map<string, ListRead>();
  const list = (match: string): ListRead | undefined => {
    if (!match) return undefined;
    let l = shared.get(match);
    if (!l) shared.set(match, (l = { match, ids: [], from: Number.MAX_SAFE_INTEGER }));
    return l;
  };
  const lists = active.map(({ g }) => ({ typed: list(groupMatch(g, 'typed')), forms: list(groupMatch(g, 'forms')) }));
  /** Reads a list on, down to `want` ids in all or to id `floor` (shared lists may be read that far already). */
  const readList = (l: ListRead | undefined, want: number, floor = 0) => {
    const limit = want - (l?.ids.length ?? 0);
    if (!l || !truncatedList(l) || limit <= 0 || l.from <= floor) return 0;
    const more = readIds(db, l.match, limit + 1, l.from, floor);
    const got = Math.min(limit, more.length);
    l.ids = l.ids.concat(more.length > limit ? more.slice(0, limit) : more);
    l.from = more.length > limit ? more[limit - 1]! : floor;
    return got;
  };
  const n = Math.max(1, active.length);
  const probe = Math.min(limits.probeMax, Math.max(limits.probeMin, Math.floor(limits.probes / n)));
  const formsEach = Math.min(limits.probeMax, Math.max(limits.probeMin, Math.floor(limits.forms / n)));
  // The list that tells a group's frequency: its typed words', or its forms' when the index holds none of those.
  const main = lists.map(({ typed, forms }) => {
    readList(typed, probe);
    if (typed?.ids.length || !forms) return typed;
    readList(forms, probe);
    return forms;
  });
  const df = (k: number) => (main[k] ? estimateDf(main[k]!, map) : 0);
  const common = COMMON_SHARE * map.passages;
  let left = limits.budget - main.reduce((sum, l) => sum + (l?.ids.length ?? 0), 0);
  const open = active.map((_, k) => k).filter((k) => main[k] && truncatedList(main[k]!));
  const rare = open.filter((k) => df(k) <= common).sort((a, b) => df(a) - df(b));
  rare.forEach((k, i) => {
    const l = main[k]!;
    const share = Math.floor(left / (rare.length - i));
    left -= readList(l, l.ids.length + Math.min(share, Math.max(0, df(k) - l.ids.length)));
  });
  if (active.every((_, k) => df(k) > common)) {
    open.forEach((k, i) => {
      const l = main[k]!;
      left -= readList(l, l.ids.length + Math.floor(left / (open.length - i)));
    });
  }
  lists.forEach(({ typed, forms }, k) => {
    // Forms beside typed words the index holds are extra evidence.
    if (forms && main[k] === typed) readList(forms, formsEach);
    const p = active[k]!.p;
    p.ids = mergeDescending(typed?.ids ?? [], forms?.ids ?? []);
    p.truncated = [typed, forms].some((l) => l && truncatedList(l));
    p.df = df(k);
  });
}

/**
 * Sampling a common word's list may miss the one passage that holds the whole query (a
 * remembered phrase is made of common words). So when a list was sampled, the passages
 * holding every group are read too (an AND in FTS5, cheap even for common words) and added
 * to every group's list. Passages holding the query's meaningful words close together are
 * marked adjacent, and those holding a phrase-like query verbatim are marked too (checked on
 * the text of the few passages holding every group: a NEAR with 的 or "the" in it would walk
 * their whole lists). FTS5 answers an AND or a NEAR by stepping through every list in it, so
 * when the words are frequent and seldom together both are read only over the newest
 * passages in which the lists hold about `limits.scan` entries (`coOccurrenceFloor`).
 */
function readTogether(db: DB, q: ParsedQuery, active: { g: QueryGroup; p: GroupPostings }[], map: CorpusMap, limits: ReadLimits): Pick<Postings, 'adjacent' | 'verbatim'> {
  const adjacent = new Set<number>();
  const verbatim = new Set<number>();
  const words = q.groups.reduce((n, g) => n + (typedAlternatives(g)[0]?.length ?? 0), 0);
  if (words < 2 || words > limits.togetherWords || active.length === 0) return { adjacent, verbatim };
  const floor = coOccurrenceFloor(active.map(({ p }) => p.df), map, limits.scan);
  // Passages found here hold every group: they join every group's list (once, at the end).
  const found: number[][] = [];
  const done = () => {
    const ids = found.reduce(mergeDescending, []);
    if (ids.length) for (const { p } of active) p.ids = mergeDescending(p.ids, ids);
    return { adjacent, verbatim };
  };
  let together: number[];
  /** Whether `together` holds every passage (from `floor` on) that holds all the groups. */
  let complete: boolean;
  if (active.length > 1 && active.some(({ p }) => p.truncated)) {
    // As typed (an AND of the lexicon's forms is slow, and a remembered phrase is what it is after).
    const typed = active.map(({ g }) => groupMatch(g, 'typed') || groupMatch(g));
    together = readIds(db, typed.join(' AND '), limits.together, undefined, floor);
    complete = together.length < limits.together;
    found.push(together);
  } else {
    together = active.map(({ p }) => p.ids).reduce((a, b) => intersectDescending(a, b));
    complete = !active.some(({ p }) => p.truncated);
  }
  if (q.verbatim && together.length <= VERBATIM_CHECKS) {
    for (const [id, text] of passageTexts(db, together)) if (compact(foldForMatch(text)).includes(q.verbatim)) verbatim.add(id);
  }
  const meaningful = active.flatMap(({ g }) => typedAlternatives(g)[0] ?? []);
  // Found verbatim, the phrase needs no looser sign (which would lift every 一定程度 alike).
  if (meaningful.length < 2 || verbatim.size > 0) return done();
  // Passages holding the words close together hold them all: when those were read whole, the
  // NEAR looks no further back than the oldest of them (and not at all when there are none).
  const bounded = complete && active.every(({ g }) => typedAlternatives(g).length > 0);
  if (bounded && together.length === 0) return done();
  // Search-mode indexing puts sub-words between adjacent words: allow two tokens per typed word.
  const near = `NEAR(${meaningful.map((t) => `"${t.replace(/"/g, '""')}"`).join(' ')}, ${2 * words + 2})`;
  const ids = readIds(db, near, limits.together, undefined, bounded ? together[together.length - 1]! : floor);
  for (const id of ids) adjacent.add(id);
  found.push(ids);
  return done();
}

/**
 * The lowest passage id a co-occurrence read looks at: the newest passages in which lists of
 * these frequencies hold about `scan` entries in all (0, the whole library, when they hold
 * fewer). Rare words keep the read whole; only frequent ones narrow it.
 */
export function coOccurrenceFloor(dfs: number[], map: CorpusMap, scan: number): number {
  const entries = dfs.reduce((a, b) => a + b, 0);
  if (entries <= scan) return 0;
  return Math.max(0, Math.floor(map.maxId - (map.maxId * scan) / entries));
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

/** Read whole, the count is exact; read down to id `from`, scale by the share of the id range read. */
function estimateDf(l: ListRead, map: CorpusMap): number {
  if (!truncatedList(l)) return l.ids.length;
  const span = map.maxId - l.from + 1;
  return Math.min(map.passages, Math.round((l.ids.length * map.maxId) / Math.max(1, span)));
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

/** Spaces and the joiners written in their place (mixture-of-experts, mixture of experts) do not tell phrases apart. */
const squash = (s: string) => s.replace(/[\s\-_‐‑–—]+/g, '');

export function containsPhrase(text: string, phrase: string): boolean {
  return squash(foldForMatch(text)).includes(squash(foldForMatch(phrase)));
}
