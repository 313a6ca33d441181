/**
 * A user's query as groups of index terms.
 *
 * The query goes through the same folding and segmentation as the index, so 稀疏注意力機制
 * and 稀疏注意力机制 give the same terms. Each typed word becomes a group; a group is
 * satisfied by any one of its **alternatives**, each a sequence of terms (one term, or
 * several that must occur together: a quoted phrase, or the pieces of a word the index never
 * saw). Quoted parts ("…", “…”, 「…」) are phrases: matched as NEAR groups in the index, then
 * checked literally against the folded text, and always required.
 *
 * Alternatives are the lexicon's extension point: an `Expand` function (src/lexicon/) names
 * spans of the typed terms that have equivalent forms — 英伟达 | 輝達 | nvidia, or
 * "jensen huang" | 黄仁勋 — and each span becomes one group whose alternatives are the typed
 * terms and every form. Matching, scoring and highlighting all use every alternative.
 */
import { indexTerms, queryTerms } from '../text/segment.js';
import { isIntentWord } from './intent.js';
import { compact, foldForMatch } from './highlight.js';

export interface QueryGroup {
  /** Any one of these term sequences satisfies the group; the first is what the user typed. */
  alternatives: string[][];
  /** The quoted phrase, checked literally against the folded passage text. */
  phrase?: string;
  /** The user quoted it: an exact request, always required. */
  quoted?: boolean;
  /** A question or function word (为什么, 的, how): never required, barely scored. */
  intent?: boolean;
}

export interface ParsedQuery {
  groups: QueryGroup[];
  /** Terms to highlight: every alternative of every group that carries meaning. */
  terms: string[];
  /**
   * For a query that reads like a remembered phrase — three or more words (function words
   * count) typed as one run, not separate keywords (no space between Chinese words) — the
   * query folded, without spaces and punctuation, to find it verbatim; else ''. For keywords
   * ("AI泡沫", "数据中心 电力") a verbatim match would favour one phrasing over documents that
   * discuss the subject in other words.
   */
  verbatim: string;
}

/** A span of the typed terms, [start, end), with equivalent forms (text, folded and cut like a query). */
export interface ExpansionSpan {
  start: number;
  end: number;
  forms: string[];
}

/**
 * The lexicon's hook. Gets the typed query terms (folded, segmented, stemmed: what
 * `queryTerms` returns) and returns the spans that have equivalent forms. Spans should not
 * overlap; if they do, the longer (then earlier) one wins.
 */
export type Expand = (terms: readonly string[]) => ExpansionSpan[];

export interface ParseOptions {
  /** Whether the index holds a term; unknown words are looked up as their known pieces. */
  known?: (term: string) => boolean;
  expand?: Expand;
}

const PHRASE = /"([^"]+)"|“([^”]+)”|「([^」]+)」|『([^』]+)』/g;

export function parseQuery(input: string, opts: ParseOptions = {}): ParsedQuery {
  const { known } = opts;
  const groups: QueryGroup[] = [];
  const rest = input.replace(PHRASE, (_m, a, b, c, d) => {
    const phrase = String(a ?? b ?? c ?? d).trim();
    const terms = resolveSequence(queryTerms(phrase), known);
    if (terms.length) groups.push({ alternatives: [terms], phrase: terms.length > 1 ? phrase : undefined, quoted: true });
    return ' ';
  });
  const typed = queryTerms(rest);
  const spans = chooseSpans(opts.expand?.(typed) ?? [], typed.length);
  for (let i = 0; i < typed.length; ) {
    const span = spans.get(i);
    if (span) {
      const alternatives = [typed.slice(span.start, span.end), ...span.forms.map((f) => queryTerms(f))]
        .map((seq) => resolveSequence(seq, known))
        .filter((seq) => seq.length > 0);
      if (alternatives.length) groups.push({ alternatives: uniqueSequences(alternatives) });
      i = span.end;
      continue;
    }
    const t = typed[i++]!;
    const resolved = resolveTerm(t, known);
    if (resolved.length) groups.push({ alternatives: [resolved], intent: resolved.length === 1 && isIntentWord(resolved[0]!) });
  }
  const unique = dedupeGroups(groups);
  // A query of nothing but question words is about them after all.
  if (unique.every((g) => g.intent)) for (const g of unique) g.intent = false;
  // Words the index cannot match (a fragment cut mid-word) still highlight.
  const meaningful = unique.filter((g) => !g.intent);
  const terms = [...new Set([...meaningful.flatMap((g) => g.alternatives.flat()), ...typed.filter((t) => !isIntentWord(t))])];
  const words = unique.reduce((n, g) => n + g.alternatives[0]!.length, 0);
  const verbatim = words >= 3 && !/\p{Script=Han}\s+\p{Script=Han}/u.test(input) ? compact(foldForMatch(input)) : '';
  return { groups: unique, terms, verbatim };
}

/** Non-overlapping spans by start, longer ones first. */
function chooseSpans(spans: ExpansionSpan[], n: number): Map<number, ExpansionSpan> {
  const taken = new Array<boolean>(n).fill(false);
  const out = new Map<number, ExpansionSpan>();
  const valid = spans.filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.end <= n && s.start < s.end);
  for (const s of valid.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start)) {
    if (taken.slice(s.start, s.end).some(Boolean)) continue;
    taken.fill(true, s.start, s.end);
    out.set(s.start, s);
  }
  return out;
}

function resolveSequence(terms: string[], known?: (t: string) => boolean): string[] {
  return terms.flatMap((t) => resolveTerm(t, known));
}

/**
 * A query word the index never saw (segmented differently in context, or a rare compound)
 * is looked up as its finer pieces instead, which the search-mode index does hold.
 */
function resolveTerm(term: string, known?: (t: string) => boolean): string[] {
  if (!known || known(term)) return [term];
  const pieces = indexTerms(term).filter((p) => p !== term);
  const found = pieces.filter((p) => known(p));
  if (found.length) return longestCover(term, found);
  // Single characters, if the index holds them all (jieba emits unknown spans character by
  // character); otherwise the word is left out rather than making the whole query fail
  // (a fragment like 器人 cut from 机器人).
  const chars = [...term];
  if (chars.length > 1 && chars.every((c) => /\p{Script=Han}/u.test(c) && known(c))) return chars;
  return [];
}

/** Keep the longest known pieces that cover the word, in order (not every overlapping sub-word). */
function longestCover(term: string, pieces: string[]): string[] {
  const byLength = [...new Set(pieces)].sort((a, b) => b.length - a.length);
  const out: { at: number; piece: string }[] = [];
  const covered = new Array<boolean>(term.length).fill(false);
  for (const p of byLength) {
    let at = term.indexOf(p);
    while (at !== -1) {
      if (!covered.slice(at, at + p.length).every(Boolean)) {
        out.push({ at, piece: p });
        covered.fill(true, at, at + p.length);
      }
      at = term.indexOf(p, at + 1);
    }
  }
  return out.sort((a, b) => a.at - b.at).map((x) => x.piece);
}

function uniqueSequences(seqs: string[][]): string[][] {
  const seen = new Set<string>();
  return seqs.filter((s) => {
    const k = s.join(' ');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function dedupeGroups(groups: QueryGroup[]): QueryGroup[] {
  const seen = new Set<string>();
  return groups.filter((g) => {
    const k = g.alternatives.map((a) => a.join(' ')).join('|') + '|' + (g.phrase ?? '') + (g.quoted ? '"' : '');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const quote = (t: string) => `"${t.replace(/"/g, '""')}"`;

/** The FTS5 expression that matches a group: any alternative; a sequence as a NEAR group. */
export function groupMatch(g: QueryGroup): string {
  const parts = g.alternatives.map((seq) => (seq.length === 1 ? quote(seq[0]!) : `NEAR(${seq.map(quote).join(' ')}, ${seq.length + 4})`));
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}
