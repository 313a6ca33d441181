/**
 * Query expansion: which spans of a query have other forms, and what they are.
 *
 * The query's tokens (text/segment.ts `tokenize`) are scanned left to right for the longest
 * span that is
 * 1. a name of a lexicon entry (export controls, Jensen Huang, 輝達, 幻觉), also typed apart
 *    (Open AI, Deep Seek): the alternatives are the entry's other names, romanizations of a
 *    Chinese person's name, and the other region's vocabulary;
 * 2. Taiwan or mainland vocabulary from OpenCC's phrase table (伺服器 ⇄ 服务器);
 * 3. a garble of one lexicon name, as recognizers write them (黄仁训 → 黄仁勋, 完点聊 → 晚点聊):
 *    the terms stage's sound-alike rules (terms/term-index.ts: Chinese by pinyin, Latin words
 *    in a Chinese query by Double Metaphone), for a span that is no everyday word and sounds
 *    like the names of exactly one entry;
 * 4. a Chinese personal name (曹越 → Cao Yue, Tsao Yueh…) or a romanized one (Jie Tan → Tan
 *    Jie, and the Chinese names the library pairs with it), checked as names.ts explains.
 * Spans never overlap. The caller (search/query.ts) turns each alternative into index terms.
 */
import type { Token } from '../text/segment.js';
import { nameKey, type PinyinName } from '../text/romanize.js';
import type { LexiconEntry } from './format.js';
import { spanKey, type Lexicon } from './lexicon.js';
import { bridgeHanName, bridgeRomanName, hanPersonName, personRomanizations, romanPersonNames, type NameEvidence } from './names.js';
import { regionalVariants } from './vocabulary.js';
import { hanFrequency, isCommonEnglish } from '../terms/words.js';

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

/** A span of the query text that sounds like a lexicon name without being one (offsets into the text). */
export interface SoundAlikeSpan {
  entry: LexiconEntry;
  start: number;
  end: number;
  /** Same pinyin or merged sounds (Chinese), or the same Double Metaphone keys (Latin): not one sound off. */
  exact?: boolean;
}

export interface ExpandContext {
  lexicon: Lexicon;
  /** Sound-alikes of lexicon names in a query text; without it garbles are not read. */
  soundAlikes?: (text: string) => SoundAlikeSpan[];
  /** What the library knows about names; without it names bridge by sound alone. */
  evidence?: NameEvidence;
}

/** Longest span tried, in tokens (a long English term: "reinforcement learning from human feedback"). */
const MAX_SPAN = 6;

const HAN = /^\p{Script=Han}+$/u;
const LATIN = /^[a-z]+$/;
const LATIN_WORD = /^[a-z0-9]+$/;
/**
 * English words that join no name typed apart: "a OR b" is not Worldcoin's Orb. (A name with
 * such a word in it, AI for Science, is found as typed, with its spaces.)
 */
const FUNCTION_WORDS = new Set(['a', 'an', 'and', 'or', 'not', 'the', 'of', 'to', 'in', 'on', 'at', 'by', 'for', 'is', 'it', 'as', 'be', 'with']);

export function expandQuery(text: string, tokens: readonly Token[], ctx: ExpandContext): Expansion[] {
  const out: Expansion[] = [];
  const alikes = tokens.length && ctx.soundAlikes ? ctx.soundAlikes(text) : [];
  for (let i = 0; i < tokens.length; ) {
    let found: Expansion | undefined;
    for (let j = Math.min(tokens.length, i + MAX_SPAN); j > i && !found; j--) {
      found = expandSpan(text, tokens, i, j, ctx, alikes);
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

function expandSpan(text: string, tokens: readonly Token[], from: number, to: number, ctx: ExpandContext, alikes: SoundAlikeSpan[]): Expansion | undefined {
  const key = spanKey(text, tokens, from, to);
  const typed = text.slice(tokens[from]!.start, tokens[to - 1]!.end);
  const make = (alternatives: string[], entries: LexiconEntry[] = [], names?: PinyinName[]): Expansion | undefined => {
    const alts = [...new Set(alternatives)].filter((a) => a !== typed);
    return alts.length || names ? { from, to, text: typed, alternatives: alts, entries, ...(names ? { names } : {}) } : undefined;
  };

  const span = tokens.slice(from, to);
  const apart = to - from >= 2 && span.every((t) => LATIN_WORD.test(t.term) && !FUNCTION_WORDS.has(t.term));
  const entries = ctx.lexicon.lookupKey(key).length || !apart ? ctx.lexicon.lookupKey(key) : ctx.lexicon.lookupKey(key.replace(/ /g, ''));
  const namesOf = (list: LexiconEntry[]) => list.flatMap((e) => [...e.names.map((n) => n.text), ...personRomanizations(e)]);
  if (entries.length) return make([...namesOf(entries), ...regionalVariants(key)], entries);
  const regional = regionalVariants(key);
  if (regional.length) return make(regional);
  const start = tokens[from]!.start;
  const end = tokens[to - 1]!.end;
  const here = alikes.filter((a) => a.start === start && a.end === end);
  const garbled = [...new Set(here.map((a) => a.entry))];
  if (garbled.length === 1 && (!isEverydayWord(key, typed) || splitEverydayWords(span, here))) return make(namesOf(garbled), garbled);

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

/**
 * Everyday English words that run together sound exactly like one name (deep sick: DeepSeek,
 * Cloud Code: Claude Code): a name heard as words, as recognizers write it and people then
 * search for it. One word alone stays itself (cloud is a cloud).
 */
function splitEverydayWords(span: readonly Token[], alikes: readonly SoundAlikeSpan[]): boolean {
  return span.length >= 2 && span.every((t) => LATIN_WORD.test(t.term)) && alikes.every((a) => a.exact);
}

/**
 * A word people type meaning itself, never read as a garble of a name: Chinese in jieba's
 * dictionary (中心 sounds like 中芯, 一时 like 意识), English among the everyday words (cloud,
 * open), as typed. Garbles are words nobody writes: 黄仁训, 完点聊, GBT5.
 */
function isEverydayWord(key: string, typed: string): boolean {
  if (HAN.test(key)) return hanFrequency(key) > 0;
  // The words as typed: the key's are stemmed (preparing → prepar, which no word list has).
  return typed.toLowerCase().split(/[^\p{L}\p{N}']+/u).filter(Boolean).every((w) => isCommonEnglish(w));
}
