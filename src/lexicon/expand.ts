/**
 * Query expansion: which spans of a query have other forms, and what they are.
 *
 * The query's tokens (text/segment.ts `tokenize`) are scanned left to right for the longest
 * span that is
 * 1. a name of a lexicon entry (export controls, Jensen Huang, 輝達, 幻觉): the alternatives
 *    are the entry's other names, romanizations of a Chinese person's name, and the other
 *    region's vocabulary;
 * 2. Taiwan or mainland vocabulary from OpenCC's phrase table (伺服器 ⇄ 服务器);
 * 3. a Chinese personal name (曹越 → Cao Yue, Tsao Yueh…) or a romanized one (Jie Tan → Tan
 *    Jie, and the Chinese names the library pairs with it), checked as names.ts explains.
 * Spans never overlap. The caller (search/query.ts) turns each alternative into index terms.
 */
import type { Token } from '../text/segment.js';
import { nameKey, type PinyinName } from '../text/romanize.js';
import type { LexiconEntry } from './format.js';
import { spanKey, type Lexicon } from './lexicon.js';
import { bridgeHanName, bridgeRomanName, hanPersonName, personRomanizations, romanPersonNames, type NameEvidence } from './names.js';
import { regionalVariants } from './vocabulary.js';

export interface Expansion {
  /** Query tokens `from`..`to` (exclusive) that the alternatives stand for. */
  from: number;
  to: number;
  /** The span as typed. */
  text: string;
  /** Other forms of the span, as text. */
  alternatives: string[];
  /** Lexicon entries the span names (empty for vocabulary and names outside the lexicon). */
  entries: LexiconEntry[];
  /**
   * The personal name read in the span, when it was read as one. Such a span is returned
   * even without other forms: search keeps a name's words together (钱思源 cut as 钱 思源 is
   * one name, not "money" and a word).
   */
  names?: PinyinName[];
}

export interface ExpandContext {
  lexicon: Lexicon;
  /** What the library knows about names; without it names bridge by sound alone. */
  evidence?: NameEvidence;
}

/** Longest span tried, in tokens (a long English term: "reinforcement learning from human feedback"). */
const MAX_SPAN = 6;

const HAN = /^\p{Script=Han}+$/u;
const LATIN = /^[a-z]+$/;

export function expandQuery(text: string, tokens: readonly Token[], ctx: ExpandContext): Expansion[] {
  const out: Expansion[] = [];
  for (let i = 0; i < tokens.length; ) {
    let found: Expansion | undefined;
    for (let j = Math.min(tokens.length, i + MAX_SPAN); j > i && !found; j--) {
      found = expandSpan(text, tokens, i, j, ctx);
    }
    if (found) {
      out.push(found);
      i = found.to;
    } else {
      i++;
    }
  }
  return out;
}

function expandSpan(text: string, tokens: readonly Token[], from: number, to: number, ctx: ExpandContext): Expansion | undefined {
  const key = spanKey(text, tokens, from, to);
  const typed = text.slice(tokens[from]!.start, tokens[to - 1]!.end);
  const make = (alternatives: string[], entries: LexiconEntry[] = [], names?: PinyinName[]): Expansion | undefined => {
    const alts = [...new Set(alternatives)].filter((a) => a !== typed);
    return alts.length || names ? { from, to, text: typed, alternatives: alts, entries, ...(names ? { names } : {}) } : undefined;
  };

  const entries = ctx.lexicon.lookupKey(key);
  if (entries.length) {
    const alternatives = entries.flatMap((e) => [...e.names.map((n) => n.text), ...personRomanizations(e)]);
    return make([...alternatives, ...regionalVariants(key)], entries);
  }
  const regional = regionalVariants(key);
  if (regional.length) return make(regional);

  const span = tokens.slice(from, to);
  if (HAN.test(key) && key.length >= 2 && key.length <= 4) {
    const name = hanPersonName(key);
    if (name) return make(bridgeHanName(key, name, ctx.evidence), [], [name]);
  } else if (to - from >= 2 && span.every((t) => LATIN.test(t.term))) {
    const words = span.map((t) => text.slice(t.start, t.end));
    const names = romanPersonNames(words);
    if (names.length) {
      const people = [...new Set(names.flatMap((n) => ctx.lexicon.personsWithNameKey(nameKey(n))))];
      const known = people.flatMap((e) => [...e.names.map((n) => n.text), ...personRomanizations(e)]);
      const { han, roman } = bridgeRomanName(names, ctx.evidence);
      return make([...known, ...han, ...roman], people, names);
    }
  }
  return undefined;
}
