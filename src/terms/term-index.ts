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
import type { EntityType } from '../entities/names.js';
import { syllableOf } from './pinyin.js';
import { compareSyllables, latinLetters, mergeSyllable, metaphoneKeys, soundsLikeLatin, spellingSimilarity, type SoundLevel } from './phonetic.js';
import { bigramFrequency, hanFrequency } from './words.js';

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

interface HanName { entry: TermEntry; text: string; folded: string; syllables: string[]; sounds: number[] }
interface LatinName { entry: TermEntry; text: string; words: string[]; letters: string; stems: Set<string> }

export interface Found {
  entry: TermEntry;
  /** UTF-16 offsets in the text searched. */
  start: number;
  end: number;
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

/** Han by code unit (CJK unified ideographs, extension A, compatibility ideographs): the hot loops' test. */
function isHan(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0xf900 && code <= 0xfaff);
}

/** Merged syllables (phonetic.ts) as small numbers, so sound keys are arithmetic, not strings. */
const soundIds = new Map<string, number>();
const soundIdOf = (merged: string) => {
  let id = soundIds.get(merged);
  if (id === undefined) soundIds.set(merged, (id = soundIds.size + 1));
  return id;
};
/** Sound id of each BMP code unit, computed once (0: not Han; -1: not computed yet). */
const soundOfCode = new Int16Array(0x10000).fill(-1);
function soundAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  let id = soundOfCode[c]!;
  if (id === -1) {
    const syl = isHan(c) ? syllableOf(text[i]!) : '';
    soundOfCode[c] = id = syl ? soundIdOf(mergeSyllable(syl)) : 0;
  }
  return id;
}
/** Syllables a sound key holds (1024 sounds a syllable: five syllables stay below 2^53). */
const KEY_SYLLABLES = 5;
const keyOf = (ids: readonly number[]) => ids.slice(0, KEY_SYLLABLES).reduce((k, id) => k * 1024 + id, 0);
const MIDDLE_DOT = /[·・•‧]/g;
/** A word of a non-Han script (letters and digits), with inner apostrophes and dots. */
const NON_HAN = '[[\\p{L}\\p{N}]--[\\p{Script=Han}]]';
const LATIN_WORD = new RegExp(`${NON_HAN}+(?:[.'’]${NON_HAN}+)*`, 'gv');
/** A Han name this short is only found where it is not part of a more frequent word. */
const SHORT_HAN = 2;
/** Latin names need this many letters to be matched by sound. */
const MIN_LATIN_LETTERS = 4;
/** Spelling similarity a Latin span needs: keys equal, or one sound apart. */
const MIN_SPELLING = { exact: 0.5, near: 0.7 } as const;

/** Simplified, half-width, lowercase; same length as the input (offsets carry over). */
export function foldText(text: string): string {
  const f = toSimplified(foldWidth(text)).toLowerCase();
  return f.length === text.length ? f : [...text].map((c) => {
    const x = toSimplified(foldWidth(c)).toLowerCase();
    return x.length === c.length ? x : c;
  }).join('');
}

export class TermIndex {
  /** Han names by their first two folded characters. */
  private readonly hanByPrefix = new Map<string, HanName[]>();
  /** 1 for code units some Han name starts with. */
  private readonly hanFirst = new Uint8Array(0x10000);
  /** Han names by the sound key of their (first five) merged syllables. */
  private readonly hanBySound = new Map<number, HanName[]>();
  /** Every prefix of those keys: a window whose sound no name starts with stops growing. */
  private readonly hanSoundPrefixes = new Set<number>();
  /** Latin names by their first word. */
  private readonly latinByFirst = new Map<string, LatinName[]>();
  /** Latin names by Double Metaphone key and by each key with one sound deleted. */
  private readonly latinBySound = new Map<string, LatinName[]>();
  /** Every name, folded: a span that is itself a name is never "corrected" into another. */
  private readonly names = new Set<string>();
  private maxLatinWords = 1;
  readonly entries: readonly TermEntry[];

  constructor(entries: readonly TermEntry[]) {
    this.entries = entries;
    for (const entry of entries) {
      for (const n of entry.names) {
        const folded = foldText(n.text.trim()).replace(MIDDLE_DOT, '');
        if (!folded) continue;
        if (HAN.test(folded)) {
          this.names.add(folded);
          if (![...folded].every((c) => HAN_CHAR.test(c)) || folded.length < 2) continue;
          const syllables = [...folded].map((c) => syllableOf(c));
          const name: HanName = { entry, text: n.text, folded, syllables, sounds: syllables.map((x) => (x ? soundIdOf(mergeSyllable(x)) : 0)) };
          if (name.syllables.some((s) => !s)) continue;
          push(this.hanByPrefix, folded.slice(0, 2), name);
          this.hanFirst[folded.charCodeAt(0)] = 1;
          if (n.ambiguous) continue;
          push(this.hanBySound, keyOf(name.sounds), name);
          for (let k = 1; k < Math.min(name.sounds.length, KEY_SYLLABLES); k++) this.hanSoundPrefixes.add(keyOf(name.sounds.slice(0, k)));
        } else {
          const words = [...folded.matchAll(LATIN_WORD)].map((m) => latinLetters(m[0].replace(/['’]s$/i, ''))).filter(Boolean);
          if (!words.length) continue;
          const name: LatinName = { entry, text: n.text, words, letters: words.join(''), stems: new Set(words.map(singular)) };
          this.names.add(name.letters);
          this.names.add(words.map(singular).join(''));
          push(this.latinByFirst, words[0]!, name);
          this.maxLatinWords = Math.max(this.maxLatinWords, words.length);
          if (n.ambiguous || name.letters.replace(/[0-9]/g, '').length < MIN_LATIN_LETTERS) continue;
          for (const k of soundKeys(name.letters)) push(this.latinBySound, k, name);
        }
      }
    }
  }

  /**
   * Whether a shorter run of these words is itself a name that is not spelled inside the
   * candidate (`Chad GPT` may be ChatGPT, but `AI Anthropic` holds two names already).
   */
  private holdsOtherName(words: string[], candidate: string): boolean {
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

  /** Whether a shorter run of these words is a name. */
  private holdsName(words: string[]): boolean {
    for (let a = 0; a < words.length; a++) {
      let plain = '';
      for (let b = a; b < words.length && b - a + 1 < words.length; b++) {
        plain += singular(words[b]!);
        if (this.names.has(plain)) return true;
      }
    }
    return false;
  }

  /** Whether `span` (as written) is itself one of the lexicon's names. */
  isName(span: string): boolean {
    const f = foldText(span).replace(MIDDLE_DOT, '');
    return this.names.has(f) || this.names.has(latinLetters(f));
  }

  /** The lexicon's names where they occur in `text`: longest match first, whole words only. */
  find(text: string): Found[] {
    const folded = foldText(text);
    const out: Found[] = [];
    let covered = 0;
    for (let i = 0; i < folded.length - 1; i++) {
      if (i < covered || this.hanFirst[folded.charCodeAt(i)] !== 1) continue;
      const list = this.hanByPrefix.get(folded.slice(i, i + 2));
      if (!list) continue;
      let best: HanName | undefined;
      for (const n of list) {
        if (folded.startsWith(n.folded, i) && (!best || n.folded.length > best.folded.length) && wholeHanWord(folded, i, n.folded)) best = n;
      }
      if (best) {
        const len = best.folded.length;
        out.push({ entry: best.entry, start: i, end: i + len });
        covered = i + len;
      }
    }
    const words = [...folded.matchAll(LATIN_WORD)].map((m) => ({ w: latinLetters(m[0].replace(/['’]s$/i, '')), start: m.index, end: m.index + m[0].length }));
    for (let k = 0; k < words.length; k++) {
      const list = this.latinByFirst.get(words[k]!.w);
      if (!list) continue;
      let best: LatinName | undefined;
      for (const n of list) {
        if (n.words.every((w, j) => words[k + j]?.w === w && (j === 0 || onlySpaceBetween(folded, words[k + j - 1]!.end, words[k + j]!.start))) && (!best || n.words.length > best.words.length)) best = n;
      }
      if (best) {
        out.push({ entry: best.entry, start: words[k]!.start, end: words[k + best.words.length - 1]!.end });
        k += best.words.length - 1;
      }
    }
    return out.sort((a, b) => a.start - b.start);
  }

  /** Spans of `text` that sound like a lexicon name without being one. */
  soundAlikes(text: string): SoundAlike[] {
    const folded = foldText(text);
    const out: SoundAlike[] = [];
    // Chinese: every start position in runs of Han characters, names looked up by sound.
    const sounds = new Array<number>(folded.length);
    for (let i = 0; i < folded.length; i++) sounds[i] = soundAt(folded, i);
    for (let i = 0; i < folded.length; i++) {
      let key = sounds[i]!;
      if (!key || !this.hanSoundPrefixes.has(key)) continue;
      for (let len = 2; len <= KEY_SYLLABLES && sounds[i + len - 1]; len++) {
        key = key * 1024 + sounds[i + len - 1]!;
        const list = this.hanBySound.get(key);
        if (!list && !this.hanSoundPrefixes.has(key)) break;
        if (!list) continue;
        for (const n of list) {
          const size = n.sounds.length;
          // Names longer than a key: the rest of their sounds must follow too.
          if (size !== len && !(len === KEY_SYLLABLES && size > len && n.sounds.every((x, k) => k < len || sounds[i + k] === x))) continue;
          const heard = folded.slice(i, i + size);
          if (this.names.has(heard)) continue;
          const level = compareSyllables([...heard].map((c) => syllableOf(c)), n.syllables);
          if (level && level !== 'near') out.push({ entry: n.entry, name: n.text, start: i, end: i + size, level, similarity: 1, script: 'han' });
        }
      }
    }
    // English inside Chinese: runs of one or more Latin words, in passages that are Chinese
    // (English text is not matched by sound: "cloud" there is a cloud).
    if (!mostlyChinese(folded)) return out;
    const words = [...folded.matchAll(LATIN_WORD)].map((m) => ({ w: latinLetters(m[0].replace(/['’]s$/i, '')), start: m.index, end: m.index + m[0].length }));
    for (let k = 0; k < words.length; k++) {
      for (let len = 1; len <= this.maxLatinWords + 1 && k + len <= words.length; len++) {
        if (len > 1 && !onlySpaceBetween(folded, words[k + len - 2]!.end, words[k + len - 1]!.start)) break;
        const span = words.slice(k, k + len).map((w) => w.w);
        const letters = span.join('');
        if (letters.replace(/[0-9]/g, '').length < 3 || this.names.has(letters) || this.names.has(span.map(singular).join(''))) continue;
        const seen = new Set<LatinName>();
        for (const key of soundKeys(letters)) {
          for (const n of this.latinBySound.get(key) ?? []) {
            if (seen.has(n)) continue;
            seen.add(n);
            // A part of the name, not a garble of it ("for Science" of "AI for Science"), or a
            // name written right beside another word ("AI Anthropic", "Context window to").
            if (span.every((w) => n.stems.has(singular(w))) || this.holdsOtherName(span, n.letters)) continue;
            const { similarity, sound } = compareLatin(letters, n.letters);
            // With a name written right in it ("Agentic Kit"), the rest must sound exactly alike.
            if (sound === 'near' && this.holdsName(span)) continue;
            const needed = n.letters.length <= 5 ? MIN_SPELLING.near : sound === 'exact' ? MIN_SPELLING.exact : MIN_SPELLING.near;
            if (!sound || similarity < needed || !sameSkeleton(letters, n.letters)) continue;
            out.push({ entry: n.entry, name: n.text, start: words[k]!.start, end: words[k + len - 1]!.end, level: 'latin', similarity, script: 'latin' });
          }
        }
      }
    }
    return out;
  }
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

const latinComparisons = new Map<string, { similarity: number; sound: ReturnType<typeof soundsLikeLatin> }>();

/** Spelling similarity and sound of a span against a name, remembered (spans repeat). */
function compareLatin(heard: string, name: string): { similarity: number; sound: ReturnType<typeof soundsLikeLatin> } {
  const k = `${heard}\u0000${name}`;
  let r = latinComparisons.get(k);
  if (!r) {
    if (latinComparisons.size > 100_000) latinComparisons.clear();
    latinComparisons.set(k, (r = { similarity: spellingSimilarity(heard, name), sound: soundsLikeLatin(heard, name) }));
  }
  return r;
}

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}

const soundKeyCache = new Map<string, string[]>();

/** Double Metaphone keys and their one-deletion variants (symmetric-delete lookup). */
function soundKeys(letters: string): string[] {
  const cached = soundKeyCache.get(letters);
  if (cached) return cached;
  if (soundKeyCache.size > 50_000) soundKeyCache.clear();
  const keys = new Set<string>();
  for (const k of metaphoneKeys(letters)) {
    keys.add(k);
    if (k.length >= 4) for (let i = 0; i < k.length; i++) keys.add(k.slice(0, i) + k.slice(i + 1));
  }
  const list = [...keys];
  soundKeyCache.set(letters, list);
  return list;
}

function onlySpaceBetween(text: string, from: number, to: number): boolean {
  return /^[\s\-_]*$/.test(text.slice(from, to));
}

/**
 * A short Han name counts only where it is not part of a more frequent word around it
 * (天工 is not in 每天工作: 每天 and 工作 are far more frequent words). With `atLeast`, any
 * span is checked, against words at least that frequent (因为大 is cut out of 大家).
 */
export function wholeHanWord(folded: string, at: number, name: string, atLeast = 1): boolean {
  if (name.length > SHORT_HAN && atLeast === 1) return true;
  const own = Math.max(hanFrequency(name), atLeast);
  const before = at > 0 && isHan(folded.charCodeAt(at - 1)) ? bigramFrequency(folded, at - 1) : 0;
  const end = at + name.length;
  const after = end < folded.length && isHan(folded.charCodeAt(end)) ? bigramFrequency(folded, end - 1) : 0;
  return before <= own && after <= own;
}
