/**
 * Script folding with OpenCC's dictionaries.
 *
 * `toSimplified` is on the index/query path, so it has two duties beyond correctness:
 * - It must keep the UTF-16 length (and position of every character), so token offsets found
 *   in the folded text point into the original. OpenCC's data is almost entirely one
 *   character for one character and phrase for same-length phrase; the few entries that are
 *   not (rare BMP characters whose Simplified form is outside the BMP, e.g. 㗲→𠵾, and a
 *   dozen phrases) are dropped, so those characters are left as they are.
 * - It must be fast (whole corpora pass through it), so instead of opencc-js's converter
 *   (a Map-based trie walked per character and a string per match) it uses the same
 *   dictionaries compiled into a 64K lookup table plus a small phrase table, writing into a
 *   Uint16Array.
 *
 * Folding chain (each stage is OpenCC's own, in OpenCC's order): CJK compatibility
 * ideographs → unified; Taiwan and Hong Kong variant forms → OpenCC standard Traditional
 * (so 裡/裏, 衞/衛, 綫/線 all meet); Traditional → Simplified (phrases first: 乾淨→干净 but
 * 乾坤 stays). Simplified input passes through unchanged. Vocabulary conversion (軟體→软件)
 * is deliberately not done: it changes words and lengths.
 *
 * `toTraditional` is for display (the web app's script toggle): OpenCC's Simplified → Taiwan
 * chain on the same engine (opencc-js's own converter takes over a second for 200 KB).
 */
import * as OpenCC from 'opencc-js';
import { PairFilter } from './pair-filter.js';

type DictLike = string | readonly (readonly [string, string])[];

/** One length-preserving conversion pass: single code units by table, phrases by prefix. */
class AlignedStage {
  /** Replacement code unit for each BMP code unit; 0 = unchanged. */
  private readonly table = new Uint16Array(0x10000);
  /** Astral characters (surrogate pairs) by code point. */
  private readonly astral = new Map<number, string>();
  /** Phrases (2+ code units) by their first two code units (`pair`), longest first: by the first alone, a common character starts a hundred. */
  private readonly phrases: PhraseTable;
  /** 1 where a phrase starts with that code unit: avoids a Map lookup per character. */
  private readonly phraseStart = new Uint8Array(0x10000);
  /**
   * 1 where the stage may act at that code unit (a character it maps, a phrase start, a
   * surrogate when it maps astral characters): text before the first such unit passes through
   * untouched, and most text has none for the first two stages (Simplified text meets neither
   * compatibility ideographs nor Taiwan/Hong Kong variants).
   */
  private readonly active = new Uint8Array(0x10000);
  /**
   * 1 where the stage can change that code unit: a character it maps, a character a phrase
   * changes, a surrogate when it maps astral characters. A text with none comes out as it went
   * in, whatever phrases start in it (a phrase that matches changes only such characters), so
   * it is not converted at all: most text is Simplified, and the last stage's phrases start
   * with common Simplified characters (一, 不, 了), which stop the `active` skip early.
   */
  private readonly changes = new Uint8Array(0x10000);
  /** Every phrase's first two code units (`pair`): a common character starts phrases, but is rarely followed by their second. */
  private readonly phrasePairs = new PairFilter();

  /** Dictionaries in priority order: an earlier one wins for the same key (as in OpenCC). */
  constructor(dicts: readonly DictLike[]) {
    const phrases: { from: string; to: string }[] = [];
    const seen = new Set<string>();
    for (const d of dicts) {
      for (const [from, to] of entries(d)) {
        // The first dictionary to name a key owns it, even when its entry is dropped here
        // (length-changing) or is an identity that protects the key from later entries.
        if (seen.has(from)) continue;
        seen.add(from);
        if (from.length !== to.length) continue;
        if (from.length > 1 || from !== to) this.add(from, to, phrases);
      }
    }
    this.phrases = new PhraseTable(phrases);
    for (let c = 0; c < 0x10000; c++) {
      if (this.table[c] !== 0 || this.phraseStart[c] === 1) this.active[c] = 1;
      if (this.table[c] !== 0) this.changes[c] = 1;
    }
    for (const p of phrases) for (let k = 0; k < p.from.length; k++) if (p.from.charCodeAt(k) !== p.to.charCodeAt(k)) this.changes[p.from.charCodeAt(k)] = 1;
    if (this.astral.size > 0) {
      this.active.fill(1, 0xd800, 0xdc00);
      this.changes.fill(1, 0xd800, 0xdc00);
    }
  }

  private add(from: string, to: string, phrases: { from: string; to: string }[]): void {
    const cp = from.codePointAt(0)!;
    if (from.length === 1) {
      this.table[from.charCodeAt(0)] = to.charCodeAt(0);
    } else if (from.length === 2 && cp > 0xffff) {
      this.astral.set(cp, to);
    } else {
      this.phraseStart[from.charCodeAt(0)] = 1;
      this.phrasePairs.add(pair(from, 0));
      phrases.push({ from, to });
    }
  }

  /** Converts `s` into `out` (same length); returns whether anything changed. */
  run(s: string, out: Uint16Array): boolean {
    const n = s.length;
    let can = 0;
    while (can < n && this.changes[s.charCodeAt(can)] === 0) can++;
    if (can === n) return false;
    let first = 0;
    while (first < n && this.active[s.charCodeAt(first)] === 0) first++;
    if (first === n) return false;
    for (let i = 0; i < first; i++) out[i] = s.charCodeAt(i);
    let changed = false;
    for (let i = first; i < n; ) {
      const c = s.charCodeAt(i);
      if (this.phraseStart[c] === 1 && i + 1 < n && this.phrasePairs.mayHave(pair(s, i))) {
        const length = this.phrases.convert(s, i, out);
        if (length !== 0) {
          if (length > 0) changed = true;
          i += Math.abs(length);
          continue;
        }
      }
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const rep = this.astral.size > 0 ? this.astral.get(s.codePointAt(i)!) : undefined;
        if (rep !== undefined) {
          out[i] = rep.charCodeAt(0);
          out[i + 1] = rep.charCodeAt(1);
          changed = true;
        } else {
          out[i] = c;
          out[i + 1] = s.charCodeAt(i + 1);
        }
        i += 2;
        continue;
      }
      const r = this.table[c];
      if (r !== 0) {
        out[i] = r;
        changed = true;
      } else {
        out[i] = c;
      }
      i++;
    }
    return changed;
  }
}

/**
 * An `AlignedStage`'s phrases, every `from` and `to` in one string and looked up by their
 * first two code units in typed arrays: OpenCC's Simplified → Traditional phrases are ~34,000,
 * and as an object and two strings each they were the largest thing the writer's thread kept
 * for a whole ingest (every full garbage collection visits each object again).
 */
class PhraseTable {
  /** Each phrase's `from` then its `to` (as long), phrase after phrase. */
  private readonly text: string;
  /** Per phrase: where its `from` starts in `text`, and its length. */
  private readonly starts: Int32Array;
  private readonly lengths: Uint8Array;
  /** Open addressing by `pair`: the pair (+1; 0 empty), and its phrases' first index and count (longest first). */
  private readonly keys: Float64Array;
  private readonly firsts: Int32Array;
  private readonly counts: Uint16Array;
  private readonly mask: number;

  constructor(phrases: readonly { from: string; to: string }[]) {
    // By pair, longest first, else in dictionary order (the first to match wins, as before).
    const order = phrases.map((p, i) => ({ p, i, key: pair(p.from, 0) }))
      .sort((a, b) => a.key - b.key || b.p.from.length - a.p.from.length || a.i - b.i);
    this.text = order.map(({ p }) => p.from + p.to).join('');
    this.starts = new Int32Array(order.length);
    this.lengths = new Uint8Array(order.length);
    let size = 16;
    while (size < order.length * 2) size *= 2;
    this.keys = new Float64Array(size);
    this.firsts = new Int32Array(size);
    this.counts = new Uint16Array(size);
    this.mask = size - 1;
    let at = 0;
    order.forEach(({ p, key }, k) => {
      this.starts[k] = at;
      this.lengths[k] = p.from.length;
      at += 2 * p.from.length;
      const slot = this.slot(key);
      if (this.keys[slot] === 0) {
        this.keys[slot] = key + 1;
        this.firsts[slot] = k;
      }
      this.counts[slot]!++;
    });
  }

  private slot(key: number): number {
    for (let i = Math.imul(key, 0x9e3779b1) >>> 0 & this.mask; ; i = (i + 1) & this.mask) {
      const k = this.keys[i]!;
      if (k === 0 || k === key + 1) return i;
    }
  }

  /**
   * The longest phrase of `s` at `i`, written into `out`: its length, negative when it
   * changes nothing (it still keeps its characters from the single-character table), 0 when
   * no phrase is there.
   */
  convert(s: string, i: number, out: Uint16Array): number {
    const slot = this.slot(pair(s, i));
    if (this.keys[slot] === 0) return 0;
    const first = this.firsts[slot]!;
    for (let k = first; k < first + this.counts[slot]!; k++) {
      const start = this.starts[k]!;
      const length = this.lengths[k]!;
      if (i + length > s.length) continue;
      let same = true;
      for (let j = 2; j < length && same; j++) same = s.charCodeAt(i + j) === this.text.charCodeAt(start + j);
      if (!same) continue;
      let changed = false;
      for (let j = 0; j < length; j++) {
        const c = this.text.charCodeAt(start + length + j);
        out[i + j] = c;
        if (c !== s.charCodeAt(i + j)) changed = true;
      }
      return changed ? length : -length;
    }
    return 0;
  }
}

/** The code units at `i` and `i + 1` as one number. */
const pair = (s: string, i: number) => s.charCodeAt(i) * 0x10000 + s.charCodeAt(i + 1);

function* entries(d: DictLike): Iterable<readonly [string, string]> {
  if (typeof d !== 'string') {
    yield* d;
    return;
  }
  for (const line of d.split('|')) {
    const sp = line.indexOf(' ');
    if (sp <= 0) continue;
    const rest = line.slice(sp + 1);
    const sp2 = rest.indexOf(' '); // several candidates: OpenCC takes the first
    yield [line.slice(0, sp), sp2 < 0 ? rest : rest.slice(0, sp2)];
  }
}

/** Locale data as opencc-js ships it; `configs[*].normalizationChain` is untyped there. */
const locale = OpenCC.Locale as unknown as {
  from: Record<string, readonly (readonly DictLike[])[]>;
  to: Record<string, readonly (readonly DictLike[])[]>;
  configs: Record<
    string,
    { normalizationChain?: readonly (readonly DictLike[])[]; conversionChain?: readonly (readonly DictLike[])[] }
  >;
};

let simplifyStages: AlignedStage[] | undefined;
let traditionalStages: AlignedStage[] | undefined;

function compatStage(): AlignedStage {
  return new AlignedStage(locale.configs.t2s.normalizationChain?.flat() ?? []);
}

function toSimplifiedStages(): AlignedStage[] {
  simplifyStages ??= [
    compatStage(),
    // Taiwan first, then Hong Kong: both map variant forms to OpenCC's standard form.
    new AlignedStage([...locale.from.tw.flat(), ...locale.from.hk.flat()]),
    new AlignedStage(locale.to.cn.flat()),
  ];
  return simplifyStages;
}

function toTraditionalStages(): AlignedStage[] {
  // OpenCC's s2tw chain: Simplified → standard Traditional (phrases, regional phrases,
  // characters), then standard → Taiwan character forms.
  const chain = locale.configs.s2tw.conversionChain ?? [];
  traditionalStages ??= [compatStage(), ...chain.map((group) => new AlignedStage(group))];
  return traditionalStages;
}

function runStages(s: string, stages: AlignedStage[]): string {
  if (s.length === 0 || !HAS_CJK.test(s)) return s;
  let cur = s;
  const buf = new Uint16Array(s.length);
  for (const stage of stages) {
    // Uint16Array is little-endian on every platform Node runs on, hence 'utf16le'.
    if (stage.run(cur, buf)) cur = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf16le');
  }
  return cur;
}

/**
 * Traditional (Taiwan, Hong Kong or OpenCC standard) → Simplified, character for character:
 * `toSimplified(s).length === s.length` always, and each character stays at its index.
 */
export function toSimplified(s: string): string {
  return runStages(s, toSimplifiedStages());
}

/**
 * Simplified (or mixed) → Traditional with Taiwan character forms (头发→頭髮, 发展→發展), for
 * display. Same engine and the same length guarantee as `toSimplified`.
 */
export function toTraditional(s: string): string {
  return runStages(s, toTraditionalStages());
}

/** Anything the dictionaries could touch: CJK blocks, compatibility ideographs, astral planes. */
const HAS_CJK = /[\u2E80-\u9FFF\uF900-\uFAFF\uD840-\uD8BF]/;

/**
 * OpenCC's Taiwan phrase table (TWPhrases: 软件 ⇄ 軟體, 人工智能 ⇄ 人工智慧, 英伟达 ⇄ 輝達), as
 * pairs of mainland and Taiwan vocabulary, both folded to Simplified characters
 * (`[软件, 软体]`). These change words and lengths, so they are never applied to text:
 * search uses them as alternative forms of a query word (lexicon/vocabulary.ts).
 */
export function taiwanPhrasePairs(): [mainland: string, taiwan: string][] {
  const out: [string, string][] = [];
  // to.twp is [TWPhrases], [TWVariants…]: the variants are characters, folded already.
  for (const group of locale.to.twp.slice(0, 1)) {
    for (const dict of group) {
      for (const line of typeof dict === 'string' ? dict.split('|') : dict.map(([a, b]) => `${a} ${b}`)) {
        const [from, ...candidates] = line.split(' ');
        if (!from) continue;
        const mainland = toSimplified(from);
        for (const c of candidates) {
          const taiwan = toSimplified(c);
          if (taiwan !== mainland) out.push([mainland, taiwan]);
        }
      }
    }
  }
  return out;
}
