/**
 * The lexicon's names indexed for two jobs over a document's text:
 * - `find`: where its names occur as written (any script: 英伟达, 英偉達, NVIDIA), for entity
 *   mentions and as evidence for a correction;
 * - `soundAlikes`: spans that sound like a name without being one (面臂智能 → 面壁智能,
 *   Dipsick → DeepSeek), the correction candidates.
 *
 * It reads entries by shape (id, type, names), so it takes the lexicon's entries as they are.
 */
import { foldWidth } from '../text/normalize.js';
import { toSimplified } from '../text/fold.js';
import { PairFilter } from '../text/pair-filter.js';
import type { EntityType } from '../entities/names.js';
import { syllableOf } from './pinyin.js';
import { digitsOf, keysSoundAlike, latinLetters, mergeSyllable, metaphoneKeysOf, spellingSimilarity, type SoundLevel } from './phonetic.js';
import { isHan, soundAt, soundIdOf, syllableAt, syllableIdOf, MAX_SOUNDS } from './sounds.js';
import { bigramFrequency, englishRank, hanFrequency, isCommonEnglish, COMMON_HAN_FREQ } from './words.js';

export interface TermName {
  text: string;
  /** An abbreviation, nickname or former name. */
  alias?: boolean;
  /** Other entries may claim this name too (推理: reasoning and inference). */
  ambiguous?: boolean;
}

export interface TermEntry {
  id: string;
  type: EntityType;
  canonical: string;
  names: readonly TermName[];
}

interface HanName {
  entry: TermEntry;
  text: string;
  folded: string;
  syllables: string[];
  /** Ids of its merged syllables (`soundAt`) and of its syllables as they are (`syllableAt`). */
  sounds: number[];
  raw: number[];
  /** Its own frequency as a word (words.ts, at least 1), looked up once when first needed. */
  freq?: number;
}
/** A node of the trie of Han names (`TermIndex.hanByPrefix`): the name that ends here, and the code units names go on with. */
interface HanNode { name?: HanName; next?: Map<number, HanNode> }
/** Han names that start with the same two sounds, shortest first: their sizes, and their sounds after the first two, run together. */
interface HanSoundList { names: HanName[]; sizes: Uint8Array; rest: Uint16Array }
const soundList = (names: HanName[]): HanSoundList => ({
  names,
  sizes: Uint8Array.from(names, (n) => n.sounds.length),
  rest: Uint16Array.from(names.flatMap((n) => n.sounds.slice(2))),
});
/** A Latin name: its words and their letters run together, and those letters' Double Metaphone keys. */
interface LatinName { entry: TermEntry; text: string; words: string[]; letters: string; stems: Set<string>; digits: string; keys: string[] }
/** A name a run of Latin words sounds like, and how alike their spellings are. */
interface LatinAlike { name: LatinName; similarity: number }
/** What most runs of Latin words sound like. */
const NO_ALIKES: readonly LatinAlike[] = Object.freeze([]);
/** Runs of Latin words remembered at most (then forgotten all at once). */
const MAX_SPAN_NODES = 100_000;

export interface Found {
  entry: TermEntry;
  /** UTF-16 offsets in the text searched. */
  start: number;
  end: number;
  /** For a Han name: whether it is an everyday word too (its frequency as a word, see scan.ts `isEveryday`). */
  everyday?: boolean;
}

export interface SoundAlike {
  entry: TermEntry;
  /** The name it sounds like, as the lexicon writes it. */
  name: string;
  start: number;
  end: number;
  level: SoundLevel | 'latin';
  /** For Latin spans: 1 − edit distance / length of the spellings. */
  similarity: number;
  script: 'han' | 'latin';
}

const HAN = /\p{Script=Han}/u;
const HAN_CHAR = /^\p{Script=Han}$/u;

/** The first two code units of a text at `i` as one small integer (a Map key without a string). */
const pairAt = (text: string, i: number) => (text.charCodeAt(i) << 16) | text.charCodeAt(i + 1);
const MIDDLE_DOT = /[·・•‧]/g;
/** A word of a non-Han script (letters and digits), with inner apostrophes and dots. */
const NON_HAN = '[[\\p{L}\\p{N}]--[\\p{Script=Han}]]';
const LATIN_WORD = new RegExp(`${NON_HAN}+(?:[.'’]${NON_HAN}+)*`, 'gv');
const NON_HAN_CHAR = new RegExp(`^${NON_HAN}$`, 'v');
/** A Han name this short is only found where it is not part of a more frequent word. */
const SHORT_HAN = 2;
/** Latin names need this many letters to be matched by sound. */
const MIN_LATIN_LETTERS = 4;
/** Spelling similarity a Latin span needs: keys equal, or one sound apart. */
const MIN_SPELLING = { exact: 0.5, near: 0.7 } as const;

/** A Latin word of a folded text: its letters and digits (`latinLetters`), and where it is. */
interface LatinWord { w: string; start: number; end: number }

/** A text folded once, with its Latin words: what `find` and `soundAlikes` read. */
export interface FoldedText {
  readonly text: string;
  readonly words: readonly LatinWord[];
}

/**
 * Fold a text for matching (see `foldText`) and find its Latin words, once for every lookup.
 * `simplified`: the text already through `toSimplified(foldWidth(text))`, when at hand.
 */
export function foldForTerms(text: string, simplified?: string): FoldedText {
  const folded = foldText(text, simplified);
  return { text: folded, words: latinWords(folded) };
}

/** `LATIN_WORD`'s matches, scanned by hand: the regular expression was a tenth of the scan's time. */
function latinWords(folded: string): LatinWord[] {
  const out: LatinWord[] = [];
  const n = folded.length;
  for (let i = 0; i < n; ) {
    let w = wordCharWidth(folded, i);
    if (w === 0) {
      i++;
      continue;
    }
    const start = i;
    for (;;) {
      while (w > 0) {
        i += w;
        w = i < n ? wordCharWidth(folded, i) : 0;
      }
      // An apostrophe or dot joins the next run of word characters (it's, node.js, 3.14).
      const c = folded.charCodeAt(i);
      if ((c === 0x2e || c === 0x27 || c === 0x2019) && i + 1 < n && (w = wordCharWidth(folded, i + 1)) > 0) {
        i++;
        continue;
      }
      break;
    }
    const raw = folded.slice(start, i);
    const word = raw.includes("'") || raw.includes('’') ? raw.replace(/['’]s$/i, '') : raw;
    out.push({ w: latinLetters(word), start, end: i });
  }
  return out;
}

/** 1 where a BMP code unit is a letter or digit of a script other than Han, 0 where not, 2 not known yet. */
const wordChars = new Uint8Array(0x10000).fill(2);
const astralWordChars = new Map<number, boolean>();

/** Code units of the non-Han letter or digit at `i` (2 for one outside the BMP), or 0. */
function wordCharWidth(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) ? 1 : 0;
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) {
      const cp = text.codePointAt(i)!;
      let yes = astralWordChars.get(cp);
      if (yes === undefined) astralWordChars.set(cp, (yes = NON_HAN_CHAR.test(String.fromCodePoint(cp))));
      return yes ? 2 : 0;
    }
  }
  let k = wordChars[c]!;
  if (k === 2) wordChars[c] = k = NON_HAN_CHAR.test(String.fromCharCode(c)) ? 1 : 0;
  return k;
}

/** Simplified, half-width, lowercase; same length as the input (offsets carry over). */
export function foldText(text: string, simplified = toSimplified(foldWidth(text))): string {
  const f = lowerCase(simplified);
  return f.length === text.length ? f : [...text].map((c) => {
    const x = toSimplified(foldWidth(c)).toLowerCase();
    return x.length === c.length ? x : c;
  }).join('');
}

/**
 * 1 for BMP code units that `toLowerCase` changes, and for surrogates (cased letters beyond the
 * BMP): a text with none of them is its own lower case. Computed from `toLowerCase` itself, a
 * block of 256 at a time (most blocks, all of CJK, have none), when first needed (~7 ms).
 */
let cased: Uint8Array | undefined;
function casedTable(): Uint8Array {
  if (cased) return cased;
  const t = new Uint8Array(0x10000).fill(1, 0xd800, 0xe000);
  for (let block = 0; block < 0x10000; block += 256) {
    if (block >= 0xd800 && block < 0xe000) continue;
    const s = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => block + i));
    if (s.toLowerCase() === s) continue;
    for (let c = block; c < block + 256; c++) {
      const ch = String.fromCharCode(c);
      if (ch.toLowerCase() !== ch) t[c] = 1;
    }
  }
  return (cased = t);
}

/**
 * `s.toLowerCase()`, without its cost where nothing changes: V8 lowercases two-byte strings
 * (any Chinese text) through ICU, a tenth of the terms scan's time, for text that is mostly
 * Han and lowercase already.
 */
function lowerCase(s: string): string {
  const table = casedTable();
  for (let i = 0; i < s.length; i++) if (table[s.charCodeAt(i)] === 1) return s.toLowerCase();
  return s;
}

export class TermIndex {
  /**
   * Han names as written, in a trie of their folded code units below their first two
   * (`pairAt`): a position of text is one lookup of its first two code units, and a step per
   * code unit that some name continues with. (Names by their first two alone, each compared
   * whole, cost twice as much: the hot prefixes, 模型, 数据, 智能, begin fifteen names each.)
   */
  private readonly hanByPrefix = new Map<number, HanNode>();
  /** 1 for code units some Han name starts with: most positions stop here. */
  private readonly hanFirst = new Uint8Array(0x10000);
  /** The pairs of code units Han names start with (`pairAt`): most of the rest stop here. */
  private readonly hanPairs = new PairFilter();
  /**
   * Han names by the merged sounds of their first two syllables (first × MAX_SOUNDS + second),
   * shortest first: a window of text is compared with the few names that start as it does
   * (a trie of sounds walked a Map lookup per syllable, for the same answers, at twice the cost).
   * Their sounds are compared in typed arrays, not read from each name's object: loading the
   * objects was most of the comparison's time.
   */
  private readonly hanBySound = new Map<number, HanSoundList>();
  /**
   * A bit per pair of sounds (first × MAX_SOUNDS + second), set where some name starts with
   * them: most windows stop here. Bits, not bytes: read at every Han character, the table
   * (128 KB) stays in the CPU's cache beside jieba's dictionary and the folding tables.
   */
  private readonly hanSoundPairs = new Int32Array((MAX_SOUNDS * MAX_SOUNDS) / 32);
  /** Latin names by their first word. */
  private readonly latinByFirst = new Map<string, LatinName[]>();
  /** Latin names by Double Metaphone key and by each key with one sound deleted. */
  private readonly latinBySound: SoundKeyTable<LatinName>;
  /** Every name, folded: a span that is itself a name is never "corrected" into another. */
  private readonly names = new Set<string>();
  /** Each entry's Latin names' letters (`LatinName.letters`): a compound of any of them is no garble. */
  private readonly latinLettersOf = new Map<TermEntry, string[]>();
  private maxLatinWords = 1;
  /**
   * What runs of Latin words sound like (`latinSoundAlikes`), remembered by a hash of their
   * words (`RunKeys`): a run grows a word at a time, and its key with it. A corpus ingest meets
   * ~37,000 runs, 1,400 of them alike some name: those few are kept with their names, the rest
   * as numbers in a typed array. (A trie of the runs' words kept three objects a run, which
   * every full garbage collection visited again.)
   */
  private runAlikes = new Map<number, readonly LatinAlike[]>();
  private runsAlikeNone = new NumberSet();
  readonly entries: readonly TermEntry[];
  private readonly positions = new Map<TermEntry, number>();

  constructor(entries: readonly TermEntry[]) {
    this.entries = entries;
    entries.forEach((e, i) => this.positions.set(e, i));
    const bySound = new Map<number, HanName[]>();
    const bySoundKey: [string, LatinName][] = [];
    for (const entry of entries) {
      for (const n of entry.names) {
        const folded = foldText(n.text.trim()).replace(MIDDLE_DOT, '');
        if (!folded) continue;
        if (HAN.test(folded)) {
          this.names.add(folded);
          if (![...folded].every((c) => HAN_CHAR.test(c)) || folded.length < 2) continue;
          const syllables = [...folded].map((c) => syllableOf(c));
          const name: HanName = {
            entry, text: n.text, folded, syllables,
            sounds: syllables.map((x) => (x ? soundIdOf(mergeSyllable(x)) : 0)), raw: syllables.map((x) => (x ? syllableIdOf(x) : 0)),
          };
          if (name.syllables.some((s) => !s)) continue;
          this.addHanName(name);
          if (n.ambiguous) continue;
          push(bySound, name.sounds[0]! * MAX_SOUNDS + name.sounds[1]!, name);
          const pair = name.sounds[0]! * MAX_SOUNDS + name.sounds[1]!;
          this.hanSoundPairs[pair >>> 5]! |= 1 << (pair & 31);
        } else {
          const words = [...folded.matchAll(LATIN_WORD)].map((m) => latinLetters(m[0].replace(/['’]s$/i, ''))).filter(Boolean);
          if (!words.length) continue;
          const letters = words.join('');
          const name: LatinName = { entry, text: n.text, words, letters, stems: new Set(words.map(singular)), digits: digitsOf(letters), keys: metaphoneKeysOf(letters) };
          this.names.add(name.letters);
          this.names.add(words.map(singular).join(''));
          push(this.latinLettersOf, entry, letters);
          push(this.latinByFirst, words[0]!, name);
          this.maxLatinWords = Math.max(this.maxLatinWords, words.length);
          if (n.ambiguous || name.letters.replace(/[0-9]/g, '').length < MIN_LATIN_LETTERS) continue;
          for (const k of soundKeys(name.keys)) bySoundKey.push([k, name]);
        }
      }
    }
    for (const [pair, list] of bySound) this.hanBySound.set(pair, soundList(list.sort((a, b) => a.sounds.length - b.sounds.length)));
    this.latinBySound = new SoundKeyTable(bySoundKey);
  }

  /** Whether the `size` code units of `folded` at `i` are a Han name (as the trie has them). */
  private hanNameAt(folded: string, i: number, size: number): boolean {
    let node = this.hanByPrefix.get(pairAt(folded, i));
    for (let j = i + 2; node && j < i + size; j++) node = node.next?.get(folded.charCodeAt(j));
    return node?.name !== undefined;
  }

  /** Put a Han name in the trie (`hanByPrefix`): the first entry to write a name keeps it. */
  private addHanName(name: HanName): void {
    const { folded } = name;
    const pair = pairAt(folded, 0);
    let node: HanNode | undefined = this.hanByPrefix.get(pair);
    if (!node) this.hanByPrefix.set(pair, (node = {}));
    for (let j = 2; j < folded.length; j++) {
      const next: Map<number, HanNode> = (node.next ??= new Map());
      let child: HanNode | undefined = next.get(folded.charCodeAt(j));
      if (!child) next.set(folded.charCodeAt(j), (child = {}));
      node = child;
    }
    node.name ??= name;
    this.hanFirst[folded.charCodeAt(0)] = 1;
    this.hanPairs.add(pair);
  }

  /**
   * Whether a shorter run of these words is itself a name that is not spelled inside the
   * candidate (`Chad GPT` may be ChatGPT, but `AI Anthropic` holds two names already).
   */
  private holdsOtherName(words: readonly string[], candidate: string): boolean {
    for (let a = 0; a < words.length; a++) {
      let plain = '';
      let one = '';
      for (let b = a; b < words.length; b++) {
        if (b - a + 1 === words.length) break;
        plain += words[b];
        one += singular(words[b]!);
        const named = this.names.has(plain) ? plain : this.names.has(one) ? one : undefined;
        if (named !== undefined && !candidate.includes(named)) return true;
        if (named !== undefined && named === candidate) return true;
      }
    }
    return false;
  }

  /** Whether `letters` are `name` and, before or after it, another name or an everyday word of two letters or more. */
  private compoundOf(letters: string, name: string): boolean {
    const rest = letters.startsWith(name) ? letters.slice(name.length) : letters.endsWith(name) ? letters.slice(0, -name.length) : '';
    return rest.length >= 2 && (this.names.has(rest) || isCommonEnglish(rest));
  }

  /** Whether a shorter run of these words is a name. */
  private holdsName(words: readonly string[]): boolean {
    for (let a = 0; a < words.length; a++) {
      let plain = '';
      for (let b = a; b < words.length && b - a + 1 < words.length; b++) {
        plain += singular(words[b]!);
        if (this.names.has(plain)) return true;
      }
    }
    return false;
  }

  /** Position of an entry in `entries` (scans name entries by position: see scan.ts). */
  positionOf(entry: TermEntry): number {
    return this.positions.get(entry)!;
  }

  /** Whether `span` (as written) is itself one of the lexicon's names. */
  isName(span: string): boolean {
    const f = foldText(span).replace(MIDDLE_DOT, '');
    return this.names.has(f) || this.names.has(latinLetters(f));
  }

  /** The lexicon's names where they occur in `text`: longest match first, whole words only. */
  find(text: string | FoldedText): Found[] {
    const { text: folded, words } = typeof text === 'string' ? foldForTerms(text) : text;
    const out: Found[] = [];
    const latin: Found[] = [];
    let covered = 0;
    for (let i = 0; i < folded.length - 1; i++) {
      // Most characters start no name, or no name starts with them and the next: no lookup then.
      if (i < covered || this.hanFirst[folded.charCodeAt(i)] === 0) continue;
      const pair = pairAt(folded, i);
      if (!this.hanPairs.mayHave(pair)) continue;
      let node: HanNode | undefined = this.hanByPrefix.get(pair);
      if (!node) continue;
      // The longest name written here; a short one only where it stands as a word.
      let best = node.name && wholeHanWord(folded, i, SHORT_HAN, (node.name.freq ??= Math.max(hanFrequency(node.name.folded), 1))) ? node.name : undefined;
      for (let j = i + 2; node.next && j < folded.length; j++) {
        node = node.next.get(folded.charCodeAt(j));
        if (!node) break;
        if (node.name) best = node.name;
      }
      if (best) {
        const len = best.folded.length;
        out.push({ entry: best.entry, start: i, end: i + len, everyday: (best.freq ??= Math.max(hanFrequency(best.folded), 1)) >= COMMON_HAN_FREQ });
        covered = i + len;
      }
    }
    for (let k = 0; k < words.length; k++) {
      const list = this.latinByFirst.get(words[k]!.w);
      if (!list) continue;
      let best: LatinName | undefined;
      for (const n of list) {
        if ((best && n.words.length <= best.words.length) || k + n.words.length > words.length) continue;
        let j = 1;
        while (j < n.words.length && words[k + j]!.w === n.words[j] && onlySpaceBetween(folded, words[k + j - 1]!.end, words[k + j]!.start)) j++;
        if (j === n.words.length) best = n;
      }
      if (best) {
        latin.push({ entry: best.entry, start: words[k]!.start, end: words[k + best.words.length - 1]!.end });
        k += best.words.length - 1;
      }
    }
    return latin.length === 0 ? out : out.length === 0 ? latin : merged(out, latin);
  }

  /**
   * Spans of `text` that sound like a lexicon name without being one. Latin words are read by
   * sound only in Chinese text (in English text "cloud" is a cloud), unless `latinAnywhere`:
   * a query's words (search/query.ts), where a garble only adds the name it sounds like.
   */
  soundAlikes(text: string | FoldedText, { latinAnywhere = false } = {}): SoundAlike[] {
    const { text: folded, words } = typeof text === 'string' ? foldForTerms(text) : text;
    const out: SoundAlike[] = [];
    // Chinese: every start position in runs of Han characters, names looked up by sound.
    const sounds = soundsOf(folded);
    const n = folded.length;
    for (let i = 0; i + 1 < n; i++) {
      if (!sounds[i]) continue;
      const pair = sounds[i]! * MAX_SOUNDS + sounds[i + 1]!;
      if ((this.hanSoundPairs[pair >>> 5]! & (1 << (pair & 31))) === 0) continue;
      const { names, sizes, rest } = this.hanBySound.get(pair)!;
      for (let m = 0, at = 0; m < names.length; at += sizes[m]! - 2, m++) {
        const size = sizes[m]!;
        if (i + size > n) break; // shortest first: no longer name fits either
        let k = 2;
        while (k < size && sounds[i + k] === rest[at + k - 2]) k++;
        if (k < size) continue;
        const name = names[m]!;
        // The name itself (most windows that sound like a name are), or another name that sounds the same.
        if (this.hanNameAt(folded, i, size)) continue;
        // Every merged sound is the name's: the same syllables are exact.
        let exact = true;
        for (let k = 0; k < size && exact; k++) exact = syllableAt(folded, i + k) === name.raw[k];
        out.push({ entry: name.entry, name: name.text, start: i, end: i + size, level: exact ? 'exact' : 'merged', similarity: 1, script: 'han' });
      }
    }
    // English inside Chinese: runs of one or more Latin words, in passages that are Chinese
    // (English text is not matched by sound: "cloud" there is a cloud).
    if (words.length === 0 || (!latinAnywhere && !mostlyChinese(folded))) return out;
    const keys = new RunKeys(words);
    for (let k = 0; k < words.length; k++) {
      if (this.runAlikes.size + this.runsAlikeNone.size >= MAX_SPAN_NODES) {
        this.runAlikes = new Map();
        this.runsAlikeNone = new NumberSet();
      }
      const span: string[] = [];
      keys.start();
      for (let len = 1; len <= this.maxLatinWords + 1 && k + len <= words.length; len++) {
        if (len > 1 && !onlySpaceBetween(folded, words[k + len - 2]!.end, words[k + len - 1]!.start)) break;
        span.push(words[k + len - 1]!.w);
        const key = keys.add(k + len - 1);
        let alikes = this.runsAlikeNone.has(key) ? NO_ALIKES : this.runAlikes.get(key);
        if (!alikes) {
          alikes = this.latinSoundAlikes(span);
          if (alikes.length) this.runAlikes.set(key, alikes);
          else this.runsAlikeNone.add(key);
        }
        for (const m of alikes) {
          out.push({ entry: m.name.entry, name: m.name.text, start: words[k]!.start, end: words[k + len - 1]!.end, level: 'latin', similarity: m.similarity, script: 'latin' });
        }
      }
    }
    return out;
  }

  /**
   * The names a run of Latin words sounds like. Everything decided here depends on the words
   * alone, and the same English words come back passage after passage: `soundAlikes` keeps
   * the answers (`runAlikes`).
   */
  private latinSoundAlikes(span: readonly string[]): readonly LatinAlike[] {
    const found: LatinAlike[] = [];
    /** Entries one of whose names the span holds run together with another word: none of their names is heard here. */
    const compounds = new Set<TermEntry>();
    const letters = span.join('');
    if (!(nonDigits(letters) < 3 || this.names.has(letters) || this.names.has(span.map(singular).join('')))) {
      const seen = new Set<LatinName>();
      const digits = digitsOf(letters);
      const keys = metaphoneKeysOf(letters);
      for (const k of soundKeys(keys)) {
        for (const n of this.latinBySound.get(k)) {
          if (seen.has(n)) continue;
          seen.add(n);
          // The cheap tests first. Spellings this far apart in length are never alike enough
          // (similarity < 0.5); digits must be the same (GPT-4 is not GPT-5).
          if (n.digits !== digits || Math.abs(letters.length - n.letters.length) > 0.5 * Math.max(letters.length, n.letters.length)) continue;
          const sound = keysSoundAlike(keys, n.keys);
          if (!sound) continue;
          const needed = n.letters.length <= 5 ? MIN_SPELLING.near : sound === 'exact' ? MIN_SPELLING.exact : MIN_SPELLING.near;
          const similarity = spellingSimilarity(letters, n.letters, needed);
          if (similarity < needed || !sameSkeleton(letters, n.letters)) continue;
          // A part of the name, not a garble of it ("for Science" of "AI for Science"), or a
          // name written right beside another word ("AI Anthropic", "Context window to").
          if (span.every((w) => n.stems.has(singular(w))) || this.holdsOtherName(span, n.letters)) continue;
          // The name's words in another order ("Claude Sonnet 3.5" of Claude 3.5 Sonnet) are the name, written so.
          if (sameWords(span, n.words)) continue;
          // An English word that begins or ends the name is that word (a Light Ranker is no
          // reranker, an epoch no Epoch AI): a garble is heard whole, not cut short.
          if (span.length === 1 && letters.length < n.letters.length && (n.letters.startsWith(letters) || n.letters.endsWith(letters)) && englishRank(letters) !== Infinity) continue;
          // With a name written right in it ("Agentic Kit"), the rest must sound exactly alike.
          if (sound === 'near' && this.holdsName(span)) continue;
          // The name run together with another name or word (reasoningGPU, AIScaling, WeChatGPT),
          // or another of its entry's names so (JailbreakBench: jailbreak, not jailbreaking), is
          // a compound of them, not a garble of the name (but OpenAII, Deep Minde are).
          if (this.latinLettersOf.get(n.entry)!.some((l) => this.compoundOf(letters, l))) {
            compounds.add(n.entry);
            continue;
          }
          found.push({ name: n, similarity });
        }
      }
    }
    return compounds.size ? found.filter((f) => !compounds.has(f.name.entry)) : found;
  }
}

/** Two lists of names found, each in text order, as one (sorting them was a tenth of `find`'s time). */
function merged(a: Found[], b: Found[]): Found[] {
  const out: Found[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(a[i]!.start <= b[j]!.start ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/**
 * Whether two runs of words hold the same words and numbers in another order (Claude Sonnet 3.5,
 * Claude 3.5 Sonnet); a typo's swapped letters (Anthorpic) are no such thing.
 */
function sameWords(a: readonly string[], b: readonly string[]): boolean {
  const pieces = (words: readonly string[]) => words.flatMap((w) => w.match(/[a-z]+|[0-9]+/g) ?? []);
  const [x, y] = [pieces(a), pieces(b)];
  return x.length > 1 && x.join(' ') !== y.join(' ') && x.sort().join(' ') === y.sort().join(' ');
}

/**
 * Names with a version number (GPT-5.1, Gemini 3): the letters around the digits must be as
 * many and differ in one letter at most (GBT5.1 is GPT-5.1; GPD4 is not GPT-4o).
 */
function sameSkeleton(heard: string, name: string): boolean {
  if (!/[0-9]/.test(name)) return true;
  const a = heard.replace(/[0-9]/g, '');
  const b = name.replace(/[0-9]/g, '');
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
  return diff <= 1;
}

let soundBuffer = new Uint16Array(4096);

/** The sound id of each code unit of `folded` (0: not Han), in a buffer reused across calls. */
function soundsOf(folded: string): Uint16Array {
  if (soundBuffer.length < folded.length) soundBuffer = new Uint16Array(folded.length * 2);
  for (let i = 0; i < folded.length; i++) soundBuffer[i] = soundAt(folded, i);
  return soundBuffer;
}

/** How many characters of `s` are not ASCII digits. */
function nonDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) n++;
  }
  return n;
}

/** A plural's singular (agents → agent); names are compared without plural -s only. */
function singular(word: string): string {
  return word.length > 3 && word.endsWith('s') && !/(ss|us|is)$/.test(word) ? word.slice(0, -1) : word;
}

/** More Han characters than Latin words (a Chinese sentence with English names in it). */
function mostlyChinese(text: string): boolean {
  let han = 0;
  let latin = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isHan(c)) han++;
    else if (c >= 97 && c <= 122) latin++;
  }
  return han > latin / 4;
}

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}

/**
 * Values by string key (here: Latin names by sound key, ~33,000 keys), as sorted arrays of the
 * keys' 53-bit hashes: a Map would keep a string and a list per key for the whole ingest, for
 * every full garbage collection to visit again. Keys whose hashes collide share their values,
 * in the order they were given; lookups are rare (`soundAlikes` remembers each run of words).
 */
class SoundKeyTable<V> {
  private readonly hashes: Float64Array;
  private readonly values: V[];

  constructor(pairs: readonly (readonly [string, V])[]) {
    const sorted = pairs.map(([k, v], i) => ({ h: hash53(k), v, i })).sort((a, b) => a.h - b.h || a.i - b.i);
    this.hashes = Float64Array.from(sorted, (x) => x.h);
    this.values = sorted.map((x) => x.v);
  }

  get(key: string): V[] {
    const h = hash53(key);
    let lo = 0;
    let hi = this.hashes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.hashes[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < this.hashes.length && this.hashes[end] === h) end++;
    return lo === end ? [] : this.values.slice(lo, end);
  }
}

/**
 * Keys of runs of a text's Latin words: each word hashed once (two 32-bit FNV-1a lanes), a
 * run's key folded from its words' in order, as one integer below 2^53. Two runs with one key
 * would share what they sound like: among the ~10^5 runs a corpus has, about one chance in
 * ten million.
 */
class RunKeys {
  private readonly a: Int32Array;
  private readonly b: Int32Array;
  private ka = 0;
  private kb = 0;

  constructor(words: readonly { w: string }[]) {
    this.a = new Int32Array(words.length);
    this.b = new Int32Array(words.length);
    words.forEach(({ w }, i) => fnvLanes(w, this.a, this.b, i));
  }

  /** Start a new run. */
  start(): void {
    this.ka = 0x2545f491;
    this.kb = 0x6b43a9b5;
  }

  /** The run so far with word `i` after it: its key. */
  add(i: number): number {
    this.ka = Math.imul(this.ka ^ this.a[i]!, 0x01000193);
    this.kb = Math.imul((this.kb ^ this.b[i]!) + 0x3c6ef372, 0x5bd1e995);
    return (this.ka >>> 0) * 0x200000 + ((this.kb >>> 0) & 0x1fffff);
  }
}

/** A set of non-negative integers below 2^53, in open addressing over a typed array. */
class NumberSet {
  private keys = new Float64Array(1024);
  size = 0;

  has(key: number): boolean {
    return this.keys[this.slot(this.keys, key)] === key + 1;
  }

  add(key: number): void {
    if ((this.size + 1) * 2 > this.keys.length) {
      const old = this.keys;
      this.keys = new Float64Array(old.length * 2);
      for (const k of old) if (k !== 0) this.keys[this.slot(this.keys, k - 1)] = k;
    }
    const at = this.slot(this.keys, key);
    if (this.keys[at] === 0) {
      this.keys[at] = key + 1;
      this.size++;
    }
  }

  /** Where `key` is, or the empty slot where it would go (keys are stored + 1: 0 is empty). */
  private slot(keys: Float64Array, key: number): number {
    const mask = keys.length - 1;
    for (let i = Math.imul((key % 0x100000000) ^ (key / 0x100000000), 0x9e3779b1) >>> 0 & mask; ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === 0 || k === key + 1) return i;
    }
  }
}

/** Two 32-bit FNV-1a hashes of a string (different offsets and primes), into `a[i]` and `b[i]`. */
function fnvLanes(s: string, a: Int32Array, b: Int32Array, i: number): void {
  let x = 0x811c9dc5;
  let y = 0x01000193;
  for (let j = 0; j < s.length; j++) {
    const c = s.charCodeAt(j);
    x = Math.imul(x ^ c, 0x01000193);
    y = Math.imul(y ^ c, 0x5bd1e995);
  }
  a[i] = x;
  b[i] = y;
}
const laneA = new Int32Array(1);
const laneB = new Int32Array(1);

/** `fnvLanes` of a string as one integer below 2^53. */
function hash53(s: string): number {
  fnvLanes(s, laneA, laneB, 0);
  return (laneA[0]! >>> 0) * 0x200000 + ((laneB[0]! >>> 0) & 0x1fffff);
}

/**
 * Double Metaphone keys and their one-deletion variants (symmetric-delete lookup). Not
 * remembered: `soundAlikes` remembers what each run of words sounds like already, and a
 * name's keys are computed once, with the index.
 */
function soundKeys(metaphone: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const k of metaphone) {
    keys.add(k);
    if (k.length >= 4) for (let i = 0; i < k.length; i++) keys.add(k.slice(0, i) + k.slice(i + 1));
  }
  return [...keys];
}

function onlySpaceBetween(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2d || c === 0x5f || c === 0x20) continue; // - _ and space, the usual cases
    if (!SPACE.test(text[i]!)) return false;
  }
  return true;
}
const SPACE = /^\s$/;

/**
 * Whether the `length` characters at `at` of `folded` stand as a word of their own: no
 * two-character word across either edge is more frequent than `own` (the span's own
 * frequency as a word). A short Han name counts only there (天工 is not in 每天工作: 每天 and
 * 工作 are far more frequent words); a correction candidate is checked against words at least
 * everyday-frequent (因为大 is cut out of 大家).
 */
export function wholeHanWord(folded: string, at: number, length: number, own: number): boolean {
  const before = at > 0 && isHan(folded.charCodeAt(at - 1)) ? bigramFrequency(folded, at - 1) : 0;
  const end = at + length;
  const after = end < folded.length && isHan(folded.charCodeAt(end)) ? bigramFrequency(folded, end - 1) : 0;
  return before <= own && after <= own;
}
