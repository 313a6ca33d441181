/**
 * The one tokenizer that both the index and queries use.
 *
 * Text is first folded without changing its length: full-width forms to half-width
 * (`foldWidth`), Traditional to Simplified (`toSimplified`). Every character keeps its index,
 * so offsets found in the folded text are offsets into the original (for highlighting).
 *
 * The folded text is then read as two interleaved streams:
 * - Han runs (maximal runs of Han characters) go to jieba, all runs of one text in a single
 *   call, joined by a space (a file's passages share calls: `indexTermsOfAll`). Jieba never
 *   sees Latin text, punctuation or whitespace.
 * - Everything else is scanned here for words: letters and digits of any non-Han script,
 *   joined into compounds by `-` `_` `.` `'` `&` (`DeepSeek-V3`, `GPT-4o`, `node.js`,
 *   `it's`, `AT&T`), with a trailing `++`/`+`/`#` kept (`C++`, `C#`).
 *
 * Why not let jieba cut Latin text too: it splits it inconsistently (`GPT-4o` → `GPT-4` `o`,
 * `node.js` → `node` `.` `js`), and the same rules must hold whatever script surrounds a word.
 * Consequence: dictionary entries are Han words; a Latin word is always kept whole anyway,
 * and entries mixing scripts (`小米SU7`) cannot match and are skipped.
 *
 * Terms: Han words as jieba cuts them (Simplified); Latin compounds as their parts,
 * lowercased, diacritics removed, alphabetic parts stemmed (`stem.ts`); `.` between digits
 * and `,` before three digits stay inside a number (`3.14`, `qwen2.5`, `1,000` → `1000`); a
 * possessive `'s` is dropped and other apostrophes close up (`don't` → `dont`). The index
 * additionally gets, for a compound of several parts that contains a letter, the parts run
 * together (`DeepSeek-V3` → `deepseek` `v3` + `deepseekv3`), so a query typed either way
 * (`DeepSeek V3`, `DeepSeekV3`) matches. Queries get only the parts. Punctuation, whitespace
 * and symbols make no terms.
 *
 * Index terms use jieba's search mode (sub-words too: 稀疏注意力 also indexes 稀疏, 注意力),
 * query terms its precise mode, so a query's terms are found among the index terms of the
 * same words.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Jieba } from '@node-rs/jieba';
import { dict as jiebaDict } from '@node-rs/jieba/dict.js';
import { foldWidth } from './normalize.js';
import { toSimplified } from './fold.js';
import { stem } from './stem.js';

export interface Token {
  /** Folded term: Simplified, half-width, lowercase, stemmed. */
  term: string;
  /** UTF-16 offsets into the original input string. */
  start: number;
  end: number;
}

/** Frequency given to dictionary entries that name none: enough to keep them whole in context. */
const DEFAULT_FREQ = 1000;
/** The dictionary the project ships (domain vocabulary), next to `src/` and `dist/`. */
const SHIPPED_DICT = new URL('../../data/dict.txt', import.meta.url);

const HAN_CHAR = /^\p{Script=Han}$/u;
/** A word character outside Han: any letter, digit or combining mark of another script. */
const W = '[[\\p{L}\\p{N}\\p{M}]--[\\p{Script=Han}]]';
const WORD_CHAR = new RegExp(`^${W}$`, 'v');
/** Joiners between word runs; a comma only as a thousands separator (1,000). */
const JOIN = "(?:[\\-_.'\\u2019&]|(?<=\\p{N}),(?=\\p{N}{3}(?!\\p{N})))";
const COMPOUND = new RegExp(`${W}+(?:${JOIN}${W}+)*(?:(?:\\+\\+|\\+|#)(?!${W}))?`, 'gv');
/** Inside a compound: word runs and the single joiners between them. */
const PIECE = new RegExp(`(${W}+)|([\\-_.'\\u2019&,])|(\\+\\+|\\+|#)`, 'gv');

let jieba: Jieba | undefined;

function segmenter(): Jieba {
  if (!jieba) {
    jieba = Jieba.withDict(jiebaDict);
    let shipped: string;
    try {
      shipped = readFileSync(SHIPPED_DICT, 'utf8');
    } catch (err) {
      throw new Error(`cannot read the shipped dictionary ${SHIPPED_DICT.pathname}: ${(err as Error).message}`);
    }
    addEntries(jieba, parseDictionary(shipped, 'data/dict.txt'));
  }
  return jieba;
}

/** Load the segmenter's dictionaries now (a thread that will segment, before its first text). */
export function warmSegmenter(): void {
  segmenter();
}

/**
 * Terms to index: search-mode cut (words and their dictionary sub-words) plus joined compounds.
 * `folded`: the text already through `toSimplified(foldWidth(text))`, when the caller has it.
 */
export function indexTerms(text: string, folded?: string): string[] {
  const out: string[] = [];
  walkOne(text, 'index', (term) => out.push(term), folded);
  return out;
}

/**
 * The index terms of several texts (the passages of a file), space-joined as the index takes
 * them, with few calls to jieba: texts are cut together, about `BATCH_CHARS` of Han text at a
 * time. Jieba reads its dictionary at every character, and between two calls the rest of an
 * ingest (parsing, the heap's young generation, SQLite) pushes it out of the CPU's cache:
 * called once per passage, replaying an ingest's texts with that cache flushed between calls
 * took twice as long as in batches of a few thousand characters. Runs of different texts are
 * joined like the runs of one text, so the terms are the same as `indexTerms`'.
 */
export function indexTermsOfAll(texts: readonly string[], folded?: readonly (string | undefined)[]): string[] {
  const out: string[] = [];
  let batch: { text: string; folded: string; runs: HanRun[] }[] = [];
  let chars = 0;
  const flush = () => {
    const runs: HanRun[] = [];
    for (const t of batch) for (const r of t.runs) runs.push(r);
    const words = cutRuns(runs, 'index');
    let at = 0;
    for (const t of batch) {
      const terms: string[] = [];
      at = walk(t.text, t.folded, t.runs, words, at, 'index', (term) => terms.push(term));
      // Joined now: a file's word arrays, kept to its end, would outlive the young generation.
      out.push(terms.join(' '));
    }
    batch = [];
    chars = 0;
  };
  texts.forEach((text, i) => {
    const f = text.length === 0 ? '' : (folded?.[i] ?? toSimplified(foldWidth(text)));
    const runs = hanRuns(f);
    batch.push({ text, folded: f, runs });
    for (const r of runs) chars += r.text.length + 1;
    if (chars >= BATCH_CHARS) flush();
  });
  if (batch.length > 0) flush();
  return out;
}

/** Han text cut in one call to jieba when texts are segmented together (`indexTermsOfAll`). */
const BATCH_CHARS = 16_000;

/** Terms for a query: precise cut, compound parts only. */
export function queryTerms(text: string): string[] {
  const out: string[] = [];
  walkOne(text, 'query', (term) => out.push(term));
  return out;
}

/** Precise cut with offsets into the original string, for snippets and highlights. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  walkOne(text, 'tokens', (term, start, end) => out.push({ term, start, end }));
  return out;
}

/**
 * The tokens of a text's Latin compounds alone, with offsets: `tokenize`'s tokens outside Han
 * runs, without calling jieba (what highlighting needs for a query's Latin words).
 * `folded`: the text through `toSimplified(foldWidth(text))` (lowercased or not), when at hand.
 */
export function latinTokens(text: string, folded = text.length === 0 ? '' : toSimplified(foldWidth(text))): Token[] {
  const out: Token[] = [];
  walk(text, folded, [], [], 0, 'tokens', (term, start, end) => out.push({ term, start, end }));
  return out;
}

/**
 * Jieba's part-of-speech reading of folded Han text (`nr` person name, `x` a word jieba
 * inferred, `n` noun…): tells a name (曹越/x) from a word that starts with a surname (黄金/n).
 */
export function wordTags(text: string): { word: string; tag: string }[] {
  return segmenter().tag(toSimplified(foldWidth(text)), true);
}

type Mode = 'index' | 'query' | 'tokens';
type Emit = (term: string, start: number, end: number) => void;
/** A maximal run of Han characters of a folded text, and where it starts. */
interface HanRun {
  start: number;
  text: string;
}

/** Folds `text` (unless given folded) and emits its terms, with a call to jieba of its own. */
function walkOne(text: string, mode: Mode, emit: Emit, folded = text.length === 0 ? '' : toSimplified(foldWidth(text))): void {
  const runs = hanRuns(folded);
  walk(text, folded, runs, cutRuns(runs, mode), 0, mode, emit);
}

/**
 * What each code unit is to the scanners below, decided once by the same Unicode properties
 * the patterns use: a text's Han runs and the starts of its Latin compounds are found by a
 * table lookup a character instead of a regular expression's property test (a search of a
 * range table), over every passage an ingest indexes.
 */
const enum Kind { Other, Han, Word, Surrogate }
let kinds: Uint8Array | undefined;

function kindTable(): Uint8Array {
  if (!kinds) {
    kinds = new Uint8Array(0x10000);
    for (let c = 0; c < 0x10000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) kinds[c] = Kind.Surrogate;
      else {
        const ch = String.fromCharCode(c);
        kinds[c] = HAN_CHAR.test(ch) ? Kind.Han : WORD_CHAR.test(ch) ? Kind.Word : Kind.Other;
      }
    }
  }
  return kinds;
}

/** The kind of the character starting at `i` with a surrogate: its code point's, none for a lone surrogate. */
function surrogateKind(s: string, i: number): Kind {
  const cp = s.codePointAt(i)!;
  if (cp <= 0xffff) return Kind.Other;
  const ch = String.fromCodePoint(cp);
  return HAN_CHAR.test(ch) ? Kind.Han : WORD_CHAR.test(ch) ? Kind.Word : Kind.Other;
}

function hanRuns(folded: string): HanRun[] {
  const runs: HanRun[] = [];
  const table = kindTable();
  let start = -1;
  for (let i = 0; i < folded.length; i++) {
    let kind = table[folded.charCodeAt(i)]! as Kind;
    // A Han or word character outside the BMP: its second half is skipped (any other surrogate reads as none).
    const astral = kind === Kind.Surrogate && (kind = surrogateKind(folded, i)) !== Kind.Other;
    if (kind === Kind.Han) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      runs.push({ start, text: folded.slice(start, i) });
      start = -1;
    }
    if (astral) i++;
  }
  if (start >= 0) runs.push({ start, text: folded.slice(start) });
  return runs;
}

/**
 * The next Latin compound of `folded` from `from` on, as `folded.matchAll(COMPOUND)` gives it:
 * a compound starts with a word character, so the pattern is run from the first one.
 */
function nextCompound(folded: string, from: number): RegExpExecArray | null {
  const table = kindTable();
  for (let i = from; i < folded.length; i++) {
    let kind = table[folded.charCodeAt(i)]! as Kind;
    const astral = kind === Kind.Surrogate && (kind = surrogateKind(folded, i)) !== Kind.Other;
    if (kind === Kind.Word) {
      COMPOUND.lastIndex = i;
      return COMPOUND.exec(folded);
    }
    if (astral) i++;
  }
  return null;
}

/** Jieba's words of the runs, in one call: a ' ' word is the boundary between two runs. */
function cutRuns(runs: readonly HanRun[], mode: Mode): string[] {
  if (runs.length === 0) return [];
  const joined = runs.map((r) => r.text).join(' ');
  const j = segmenter();
  return mode === 'index' ? j.cutForSearch(joined, true) : j.cut(joined, true);
}

/**
 * Emits the terms of Han runs and Latin compounds of `text` in text order. `runs` are the
 * folded text's Han runs, whose jieba words start at `words[at]`; returns where the next
 * text's words start (after the boundary that follows this text's last run).
 */
function walk(text: string, folded: string, runs: readonly HanRun[], words: readonly string[], at: number, mode: Mode, emit: Emit): number {
  if (text.length === 0) return at;

  let next = nextCompound(folded, 0);
  const flushBefore = (pos: number): void => {
    while (next !== null && next.index < pos) {
      const { 0: s, index: start } = next;
      if (mode === 'index') for (const term of indexCompound(s)) emit(term, start, start + s.length);
      else compound(s, start, mode, emit);
      next = nextCompound(folded, start + s.length);
    }
  };

  if (runs.length > 0) {
    // Walk jieba's output: a ' ' word is the boundary to the next run. In precise mode the
    // words of a run concatenate to it, which gives their offsets.
    let r = 0;
    let offset = 0;
    flushBefore(runs[0]!.start);
    for (; at < words.length; at++) {
      const w = words[at]!;
      if (w === ' ') {
        r++;
        offset = 0;
        if (r >= runs.length) {
          at++; // the boundary to the next text's first run
          break;
        }
        flushBefore(runs[r]!.start);
        continue;
      }
      const start = runs[r]!.start + offset;
      emit(w, start, start + w.length);
      if (mode !== 'index') offset += w.length;
    }
  }
  flushBefore(Infinity);
  return at;
}

interface Part {
  text: string;
  start: number;
  end: number;
}

/**
 * The index terms of a Latin compound, remembered by its text: the same words (the, AI,
 * GPT-4o) come back passage after passage, and index terms carry no offsets.
 */
function indexCompound(s: string): readonly string[] {
  let terms = indexCompounds.get(s);
  if (terms === undefined) {
    const out: string[] = [];
    compound(s, 0, 'index', (term) => out.push(term));
    if (indexCompounds.size >= 50_000) indexCompounds.clear();
    indexCompounds.set(s, (terms = out));
  }
  return terms;
}
const indexCompounds = new Map<string, readonly string[]>();

/** Emits the terms of one Latin compound found at `at`. */
function compound(s: string, at: number, mode: Mode, emit: Emit): void {
  const parts = splitCompound(s, at);
  let letters = false;
  for (const p of parts) {
    const t = latinTerm(p.text);
    if (!letters && /\p{L}/u.test(t)) letters = true;
    emit(/^[a-z]+$/.test(t) ? stem(t) : t, p.start, p.end);
  }
  if (mode === 'index' && parts.length > 1 && letters) {
    emit(parts.map((p) => latinTerm(p.text)).join(''), parts[0].start, parts[parts.length - 1].end);
  }
}

/** Splits a compound into parts by the joiner rules above (numbers, apostrophes, suffixes). */
function splitCompound(s: string, at: number): Part[] {
  const parts: Part[] = [];
  let joiner = '';
  for (const m of s.matchAll(PIECE)) {
    const start = at + m.index;
    const end = start + m[0].length;
    if (m[3] !== undefined) {
      // ++ / + / # suffix: part of the word before it (C++, C#).
      const last = parts[parts.length - 1];
      last.text += m[3];
      last.end = end;
    } else if (m[2] !== undefined) {
      joiner = m[2];
    } else {
      const run = m[1];
      const last = parts[parts.length - 1];
      const digitJoin = (joiner === '.' || joiner === ',') && last && /\p{N}$/u.test(last.text) && /^\p{N}/u.test(run);
      const apostrophe = joiner === "'" || joiner === '\u2019';
      if (last && digitJoin) {
        last.text += (joiner === '.' ? '.' : '') + run; // 3.14 stays, 1,000 → 1000
        last.end = end;
      } else if (last && apostrophe) {
        // Possessive 's (only when it ends the compound or a joiner follows) is dropped.
        const rest = s.slice(m.index + run.length);
        if (!(run === 's' || run === 'S') || (rest !== '' && !/^[\-_.&]/.test(rest))) {
          last.text += run;
          last.end = end;
        }
      } else {
        parts.push({ text: run, start, end });
      }
      joiner = '';
    }
  }
  return parts;
}

/** Lowercase, Latin diacritics removed (café → cafe). */
function latinTerm(s: string): string {
  const lower = s.toLowerCase();
  if (/^[\x00-\x7f]*$/.test(lower)) return lower;
  return lower.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC');
}

export interface DictionaryEntry {
  word: string;
  freq: number;
  tag?: string;
}

/**
 * Extends the segmentation dictionary at runtime. Takes a file path or the dictionary text
 * itself (jieba format: `word [freq] [tag]` per line; `#` starts a comment line). Words are
 * folded like text (Traditional entries work); entries without Han characters are skipped
 * (Latin words are always whole). Throws with file and line on a malformed line.
 */
export function loadUserDictionary(pathOrText: string): void {
  let text = pathOrText;
  let source = 'dictionary text';
  if (!pathOrText.includes('\n')) {
    if (existsSync(pathOrText)) {
      source = pathOrText;
      try {
        text = readFileSync(pathOrText, 'utf8');
      } catch (e) {
        throw new Error(`cannot read the dictionary ${pathOrText}: ${(e as { code?: string }).code === 'EISDIR' ? 'it is a folder, not a file' : (e as Error).message}`);
      }
    } else if (/[/\\]|\.(txt|dict?)$/i.test(pathOrText)) {
      throw new Error(`dictionary file not found: ${pathOrText}`);
    }
  }
  addEntries(segmenter(), parseDictionary(text, source));
  loaded.push(pathOrText);
}

const loaded: string[] = [];

/** Every dictionary (path or text) loaded so far, in order: worker threads load the same. */
export function loadedDictionaries(): readonly string[] {
  return loaded;
}

/** Parses jieba dictionary text; `source` names it in errors. */
export function parseDictionary(text: string, source: string): DictionaryEntry[] {
  const entries: DictionaryEntry[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    if (fields.length > 3) throw new Error(`${source}:${i + 1}: expected "word [freq] [tag]", got "${line}"`);
    const [word, second, third] = fields;
    let freq = DEFAULT_FREQ;
    let tag: string | undefined;
    if (second !== undefined) {
      if (/^\d+$/.test(second)) freq = Number(second);
      else if (third === undefined && /^[a-z]+$/i.test(second)) tag = second;
      else throw new Error(`${source}:${i + 1}: frequency must be a whole number, got "${second}"`);
    }
    if (third !== undefined) {
      if (!/^[a-z]+$/i.test(third)) throw new Error(`${source}:${i + 1}: tag must be letters, got "${third}"`);
      tag = third;
    }
    if (freq === 0) freq = DEFAULT_FREQ; // jieba would never use a zero-frequency word
    const folded = toSimplified(foldWidth(word));
    // Only pure-Han words can ever match: jieba only sees Han runs (see above).
    if (!/^\p{Script=Han}+$/u.test(folded)) return;
    entries.push({ word: folded, freq, tag });
  });
  return entries;
}

function addEntries(j: Jieba, entries: DictionaryEntry[]): void {
  if (entries.length === 0) return;
  const lines = entries.map((e) => `${e.word} ${e.freq}${e.tag ? ' ' + e.tag : ''}`);
  j.loadDict(Buffer.from(lines.join('\n') + '\n', 'utf8'));
}
