/**
 * A user's query to an FTS5 MATCH expression over the pre-segmented, folded terms.
 *
 * The query goes through the same folding and segmentation as the index, so 稀疏注意力機制
 * and 稀疏注意力机制 give the same terms. Quoted parts ("…", “…”, 「…」) are phrases: they are
 * matched as NEAR groups in the index and then checked literally against the folded text
 * (the index holds overlapping sub-words, so FTS5's strict adjacency would miss real phrases).
 */
import { indexTerms, queryTerms, tokenize, type Token } from '../text/segment.js';

export interface ParsedQuery {
  /** Every term, for OR fallback and highlighting. */
  terms: string[];
  /** Groups that must all match: a single term, or a phrase's terms. */
  groups: QueryGroup[];
}

export interface QueryGroup {
  /** The terms as typed: one, a phrase's (NEAR group), or a lexicon span's (all must occur). */
  terms: string[];
  /** The phrase, for the literal check; undefined for single words. */
  phrase?: string;
  /** The user quoted it: an exact request, never relaxed to any-term matching. */
  quoted?: boolean;
  /** Other forms that satisfy the group as well, each a term sequence (NEAR group). */
  alternatives?: string[][];
}

/**
 * Other forms of spans of the query (lexicon/expand.ts): token range and the alternatives'
 * text. Quoted phrases are exact requests and are not expanded.
 */
export type Expand = (text: string, tokens: readonly Token[]) => { from: number; to: number; alternatives: string[] }[];

const HAN = /\p{Script=Han}/u;
const PHRASE = /"([^"]+)"|“([^”]+)”|「([^」]+)」|『([^』]+)』/g;

export function parseQuery(input: string, knownTerm?: (t: string) => boolean, expand?: Expand): ParsedQuery {
  const groups: QueryGroup[] = [];
  const rest = input.replace(PHRASE, (_m, a, b, c, d) => {
    const phrase = String(a ?? b ?? c ?? d).trim();
    const terms = queryTerms(phrase).flatMap((t) => resolveTerm(t, knownTerm));
    if (terms.length) groups.push({ terms, phrase: terms.length > 1 ? phrase : undefined, quoted: true });
    return ' ';
  });
  const tokens = tokenize(rest);
  const typed = tokens.map((t) => t.term);
  const spans = expand ? expand(rest, tokens) : [];
  for (let i = 0, s = 0; i < tokens.length; ) {
    const span = spans[s];
    if (span && span.from === i) {
      s++;
      const group = alternativeGroup(typed.slice(span.from, span.to), span.alternatives, knownTerm);
      if (group) {
        groups.push(group);
        i = span.to;
        continue;
      }
    }
    const t = typed[i++]!;
    const resolved = resolveTerm(t, knownTerm);
    if (resolved.length === 1) groups.push({ terms: resolved });
    else if (resolved.length > 1) groups.push({ terms: resolved, phrase: t });
  }
  // Terms the index cannot match (a fragment cut mid-word) still highlight.
  const terms = [...new Set([...groups.flatMap((g) => [...g.terms, ...(g.alternatives ?? []).flat()]), ...typed])];
  return { terms, groups: dedupeGroups(groups) };
}

/**
 * A span with other forms: its typed terms (all required) or any alternative (a NEAR group);
 * undefined when no alternative is left. An alternative the index cannot match is dropped: a Latin word it never saw, or Chinese
 * text less than half of which it holds (部落格 indexed as 部落 格上 keeps 部落).
 */
function alternativeGroup(typed: string[], alternatives: string[], knownTerm?: (t: string) => boolean): QueryGroup | undefined {
  const own = typed.flatMap((t) => resolveTerm(t, knownTerm));
  const seen = new Set([own.join(' ')]);
  const alts: string[][] = [];
  for (const alt of alternatives) {
    const words = queryTerms(alt);
    const pieces = words.map((t) => resolveTerm(t, knownTerm));
    const lost = words.filter((w, i) => pieces[i]!.length === 0);
    if (words.length === 0 || lost.some((w) => !HAN.test(w))) continue;
    if (lost.join('').length * 2 > words.join('').length) continue;
    const terms = pieces.flat();
    const key = terms.join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    alts.push(terms);
  }
  // Typed terms the index has never seen (輝達 in a library that only writes 英伟达): the
  // first alternative stands in for them. No alternative left: the words go on as typed.
  if (own.length === 0) {
    const [first, ...others] = alts;
    return first && (others.length ? { terms: first, alternatives: others } : { terms: first });
  }
  return alts.length ? { terms: own, alternatives: alts } : undefined;
}

/**
 * A query word the index never saw (segmented differently in context, or a rare compound)
 * is looked up as its finer pieces instead, which the search-mode index does hold.
 */
function resolveTerm(term: string, knownTerm?: (t: string) => boolean): string[] {
  if (!knownTerm || knownTerm(term)) return [term];
  const pieces = indexTerms(term).filter((p) => p !== term);
  const known = pieces.filter((p) => knownTerm(p));
  if (known.length) return longestCover(term, known);
  // Single characters, if the index holds them all (jieba emits unknown spans character by
  // character); otherwise the word is left out of the required terms rather than making the
  // whole query fail (a fragment like 器人 cut from 机器人).
  const chars = [...term];
  if (chars.length > 1 && chars.every((c) => /\p{Script=Han}/u.test(c) && knownTerm(c))) return chars;
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
    const k = g.terms.join(' ') + '|' + (g.phrase ?? '') + '|' + (g.alternatives ?? []).map((a) => a.join(' ')).join('|');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const quote = (t: string) => `"${t.replace(/"/g, '""')}"`;

const near = (terms: string[], slack: number) => `NEAR(${terms.map(quote).join(' ')}, ${terms.length + slack})`;

/** All groups must match (phrases as NEAR groups; a group with alternatives as an OR of them). */
export function matchAll(q: ParsedQuery): string {
  return q.groups.map(groupMatch).join(' AND ');
}

function groupMatch(g: QueryGroup): string {
  const own =
    g.terms.length === 1 ? quote(g.terms[0]!)
    : g.phrase !== undefined || !g.alternatives ? near(g.terms, 4)
    : `(${g.terms.map(quote).join(' AND ')})`;
  if (!g.alternatives?.length) return own;
  const alts = g.alternatives.map((a) => (a.length === 1 ? quote(a[0]!) : near(a, 2)));
  return `(${[own, ...alts].join(' OR ')})`;
}

/**
 * Any term may match: the fallback when no passage holds every term. A multi-word
 * alternative (Cao Yue) counts as one unit, not as its words (a passage saying "yue" alone
 * is no match for 曹越).
 */
export function matchAny(q: ParsedQuery): string {
  const units = q.groups.flatMap((g) => (g.alternatives ?? []).filter((a) => a.length > 1));
  const own = new Set(q.groups.flatMap((g) => [...g.terms, ...(g.alternatives ?? []).filter((a) => a.length === 1).flat()]));
  const inUnits = new Set(units.flat().filter((t) => !own.has(t)));
  return [...q.terms.filter((t) => !inUnits.has(t)).map(quote), ...units.map((a) => near(a, 2))].join(' OR ');
}
