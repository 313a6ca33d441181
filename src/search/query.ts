/**
 * A user's query as groups of index terms.
 *
 * The query goes through the same folding and segmentation as the index, so 稀疏注意力機制
 * and 稀疏注意力机制 give the same terms. Each typed word becomes a group; a group is
 * satisfied by any one of its **alternatives**, each a sequence of terms (one term, or
 * several that must occur together: a quoted phrase, or the pieces of a word the index never
 * saw). Quoted parts ("…", “…”, 「…」) are phrases: matched as NEAR groups in the index, then
 * checked literally against the folded text, always required, and never expanded.
 *
 * Alternatives are where the lexicon comes in: an `Expand` function (lexicon/index.ts
 * `queryExpander`) names spans of the typed tokens that have other forms — 英伟达 | 輝達 |
 * NVIDIA, export controls | 出口管制, 曹越 | Cao Yue — and every form the index can match
 * becomes an alternative of each typed word of its span: a passage that writes 出口管制 holds
 * both "export" and "controls". Forms only add ways to match: what a word is worth and
 * whether it is required stay what they are for the word as typed (rank.ts), so a document
 * that matches without the lexicon matches with it. A personal name cut into pieces (钱 思源)
 * is the exception: it is one group, its pieces kept together. Matching, scoring and
 * highlighting use every alternative, so whichever form a passage uses is highlighted.
 */
import { indexTerms, queryTerms, tokenize, type Token } from '../text/segment.js';
import { isIntentWord, yesNoQuestion } from './intent.js';
import { compact, foldForMatch } from './highlight.js';

export interface QueryGroup {
  /** Any one of these term sequences satisfies the group; the user's words come first. */
  alternatives: string[][];
  /** How many alternatives, at the end, are other forms of the typed words (the lexicon's); all of them when the index never saw the typed words. */
  forms?: number;
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
  /** Typed words that carry meaning but that the index cannot match at all (a name the library never saw). */
  unknown: string[];
}

/** Tokens `from`..`to` (exclusive) of the query have these other forms (text, cut like a query). */
export interface ExpansionSpan {
  from: number;
  to: number;
  alternatives: string[];
  /** Set when the span was read as a personal name: one unit, its words kept together, other forms or not. */
  names?: readonly unknown[];
}

/**
 * The lexicon's hook (lexicon/expand.ts): gets the query text (quoted phrases blanked out)
 * and its tokens (`tokenize`: the typed terms with their offsets, so a name can be read as
 * typed — Jen-Hsun, 萨姆·奥特曼) and returns the spans that have other forms. Spans should
 * not overlap; if they do, the longer (then earlier) one wins.
 */
export type Expand = (text: string, tokens: readonly Token[]) => ExpansionSpan[];

export interface ParseOptions {
  /** Whether the index holds a term; unknown words are looked up as their known pieces. */
  known?: (term: string) => boolean;
  expand?: Expand;
}

const HAN = /\p{Script=Han}/u;
const PHRASE = /"([^"]+)"|“([^”]+)”|「([^」]+)」|『([^』]+)』/g;

export function parseQuery(input: string, opts: ParseOptions = {}): ParsedQuery {
  const { known } = opts;
  const groups: QueryGroup[] = [];
  const unknown: string[] = [];
  const rest = input.replace(PHRASE, (_m, a, b, c, d) => {
    const phrase = String(a ?? b ?? c ?? d).trim();
    const terms = resolveSequence(queryTerms(phrase), known);
    if (terms.length) groups.push({ alternatives: [terms], phrase: terms.length > 1 ? phrase : undefined, quoted: true });
    return ' ';
  });
  const tokens = tokenize(rest);
  const typed = tokens.map((t) => t.term);
  const asking = yesNoQuestion(typed);
  const spans = opts.expand ? chooseSpans(opts.expand(rest, tokens), typed.length) : new Map<number, ExpansionSpan>();
  for (let i = 0; i < typed.length; ) {
    const span = spans.get(i);
    const expanded = span && expandedGroups(typed.slice(span.from, span.to), span, known, oneHanWord(tokens, span.from, span.to));
    if (expanded) {
      groups.push(...expanded);
      i = span!.to;
      continue;
    }
    const at = i++;
    const t = typed[at]!;
    const resolved = resolveTerm(t, known);
    if (resolved.length) groups.push({ alternatives: [resolved], intent: asking.has(at) || (resolved.length === 1 && isIntentWord(resolved[0]!)) });
    else if (!isIntentWord(t) && !asking.has(at)) unknown.push(t);
  }
  const unique = dedupeGroups(groups);
  // A query of nothing but question words is about them after all.
  if (unique.every((g) => g.intent)) for (const g of unique) g.intent = false;
  // Words the index cannot match (a fragment cut mid-word) still highlight.
  const meaningful = unique.filter((g) => !g.intent);
  const terms = [...new Set([...meaningful.flatMap((g) => g.alternatives.flat()), ...typed.filter((t) => !isIntentWord(t))])];
  const words = unique.reduce((n, g) => n + (typedAlternatives(g)[0]?.length ?? 0), 0);
  const verbatim = words >= 3 && !/\p{Script=Han}\s+\p{Script=Han}/u.test(input) ? compact(foldForMatch(input)) : '';
  return { groups: unique, terms, verbatim, unknown: [...new Set(unknown)] };
}

/** Whether tokens `from`..`to` are Han written together: one word as typed, whatever jieba cut. */
function oneHanWord(tokens: readonly Token[], from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    if (!HAN.test(tokens[k]!.term)) return false;
    if (k > from && tokens[k - 1]!.end !== tokens[k]!.start) return false;
  }
  return true;
}

/** Non-overlapping spans by start, longer ones first. */
function chooseSpans(spans: ExpansionSpan[], n: number): Map<number, ExpansionSpan> {
  const taken = new Array<boolean>(n).fill(false);
  const out = new Map<number, ExpansionSpan>();
  const valid = spans.filter((s) => Number.isInteger(s.from) && Number.isInteger(s.to) && s.from >= 0 && s.to <= n && s.from < s.to);
  for (const s of valid.sort((a, b) => b.to - b.from - (a.to - a.from) || a.from - b.from)) {
    if (taken.slice(s.from, s.to).some(Boolean)) continue;
    taken.fill(true, s.from, s.to);
    out.set(s.from, s);
  }
  return out;
}

/**
 * The groups of a span with other forms: each typed word with every form the index can match
 * as further alternatives; a personal name as one group. Undefined when no form is left and
 * the span is not a name, or when a "name" holds a function word: the words then go on as
 * typed. Question and function words stay intent and get no forms.
 */
function expandedGroups(typed: string[], span: ExpansionSpan, known?: (t: string) => boolean, oneWord = false): QueryGroup[] | undefined {
  if (typed.every(isIntentWord)) return undefined;
  // A name has no function words in it: 解决了 is not Mr Xie.
  if (span.names?.length && typed.some(isIntentWord)) return undefined;
  const own = typed.map((t) => resolveTerm(t, known));
  const seen = new Set([own.flat().join(' ')]);
  const forms: string[][] = [];
  for (const form of span.alternatives) {
    const terms = matchableForm(queryTerms(form), known);
    if (!terms || seen.has(terms.join(' '))) continue;
    seen.add(terms.join(' '));
    forms.push(terms);
  }
  const withForms = (alternatives: string[][]): QueryGroup => ({ alternatives: [...alternatives, ...forms], forms: forms.length });
  if (span.names?.length && typed.length > 1) {
    const name = withForms([matchableForm(typed, known) ?? []].filter((seq) => seq.length > 0));
    return name.alternatives.length ? [name] : undefined;
  }
  if (forms.length === 0) return undefined;
  // A Chinese term typed as one word that jieba cuts in pieces (出口管制: 出口 + 管制) is one
  // group, held by a passage with all its pieces or one of its forms. As a group per piece, a
  // document with 出口 and 管制 met "all of" 黄仁勋 出口管制 (two of three groups) without 黄仁勋.
  // (Words typed apart, Gemini 3 or Scaling Law, stay a group each: a document may hold one.)
  if (oneWord && typed.length > 1 && !typed.some(isIntentWord) && own.every((o) => o.length > 0)) return [withForms([own.flat()])];
  // Typed words the index never saw (輝達 in a library that only writes 英伟达): the forms stand in.
  return typed.map((t, k) =>
    isIntentWord(t) ? { alternatives: [[t]], intent: true } : withForms(own[k]!.length ? [own[k]!] : []),
  );
}

/**
 * A form's words as index terms, or undefined when the index cannot match it: a Latin word
 * it never saw, or Chinese text less than half of which it holds (部落格 indexed as 部落 格上
 * keeps 部落, a half; a name of which it knows one character is not that name).
 */
function matchableForm(words: string[], known?: (t: string) => boolean): string[] | undefined {
  const pieces = words.map((w) => resolveTerm(w, known));
  const lost = words.filter((_, i) => pieces[i]!.length === 0);
  if (words.length === 0 || lost.some((w) => !HAN.test(w))) return undefined;
  if (lost.join('').length * 2 > words.join('').length) return undefined;
  return pieces.flat();
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

/** The alternatives as typed (none when the index never saw the typed words) and the lexicon's forms. */
export function typedAlternatives(g: QueryGroup): string[][] {
  return g.alternatives.slice(0, g.alternatives.length - (g.forms ?? 0));
}
export function formAlternatives(g: QueryGroup): string[][] {
  return g.alternatives.slice(g.alternatives.length - (g.forms ?? 0));
}

/**
 * The FTS5 expression that matches a group (or only its typed words, or only its forms): any
 * alternative; a sequence as a NEAR group — loose for the typed words (search-mode indexing
 * puts sub-words between them), tight for the lexicon's forms (Cao Yue is one name, not "Cao"
 * and "Yue" a sentence apart). A form's function words (苦涩的教训, mixture of experts) keep
 * their place in the distance but are not looked up when two words or more are left: FTS5
 * steps through every list of a NEAR, and 的's or "of"'s is a third of the library. Empty when
 * there is nothing to match.
 */
export function groupMatch(g: QueryGroup, part: 'all' | 'typed' | 'forms' = 'all'): string {
  const near = (seq: string[], slack: number, skip = (_: string) => false) => {
    if (seq.length === 1) return quote(seq[0]!);
    const looked = seq.filter((t) => !skip(t));
    return `NEAR(${(looked.length >= 2 ? looked : seq).map(quote).join(' ')}, ${seq.length + slack})`;
  };
  const parts = [
    ...(part === 'forms' ? [] : typedAlternatives(g).map((seq) => near(seq, 4))),
    ...(part === 'typed' ? [] : formAlternatives(g).map((seq) => near(seq, 2, isIntentWord))),
  ].filter((p, i, all) => all.indexOf(p) === i);
  return parts.length <= 1 ? (parts[0] ?? '') : `(${parts.join(' OR ')})`;
}
