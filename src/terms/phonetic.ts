/**
 * How alike two things sound.
 *
 * Chinese: toneless pinyin, syllable by syllable. Recognizers (and speakers of many regional
 * accents) mix up initials z/zh, c/ch, s/sh, n/l, f/h and finals an/ang, en/eng, in/ing, so a
 * syllable is also compared in a **merged** form where each pair is one sound
 * (`mergeSyllable`). Three levels: `exact` (same toneless pinyin: 面臂/面壁), `merged` (same
 * after merging: 音韋大/英偉達), `near` (every syllable but one merged-equal, the odd one sharing
 * its initial or its final: 晚点聊/萬頂療; only for terms of three syllables or more).
 *
 * English words inside Chinese text: Double Metaphone keys (Dipsick/DeepSeek → TPSK,
 * "Dancing Law"/"Densing Law" → TNSNKL) within one edit of each other, plus a limit on the
 * edit distance of the spellings themselves.
 */
import { doubleMetaphone } from 'double-metaphone';

export type SoundLevel = 'exact' | 'merged' | 'near';

const INITIALS = ['zh', 'ch', 'sh', 'b', 'p', 'm', 'f', 'd', 't', 'n', 'l', 'g', 'k', 'h', 'j', 'q', 'x', 'r', 'z', 'c', 's', 'y', 'w'];

export function splitSyllable(s: string): { initial: string; final: string } {
  const initial = INITIALS.find((i) => s.startsWith(i)) ?? '';
  return { initial, final: s.slice(initial.length) };
}

const MERGE_INITIAL: Record<string, string> = { zh: 'z', ch: 'c', sh: 's', n: 'l', f: 'h' };
const mergeFinal = (f: string) => f.replace(/ang$/, 'an').replace(/eng$/, 'en').replace(/ing$/, 'in');

const merged = new Map<string, string>();
/** The syllable with the commonly confused sounds merged (zhi → zi, neng → len). */
export function mergeSyllable(s: string): string {
  let m = merged.get(s);
  if (m === undefined) {
    const { initial, final } = splitSyllable(s);
    m = (MERGE_INITIAL[initial] ?? initial) + mergeFinal(final);
    merged.set(s, m);
  }
  return m;
}

/** How alike two syllable sequences of the same length sound; undefined when not alike. */
export function compareSyllables(heard: readonly string[], term: readonly string[]): SoundLevel | undefined {
  if (heard.length !== term.length || heard.length === 0) return undefined;
  let exact = true;
  let odd = -1;
  for (let i = 0; i < heard.length; i++) {
    if (heard[i] === term[i]) continue;
    exact = false;
    if (mergeSyllable(heard[i]!) === mergeSyllable(term[i]!)) continue;
    if (odd !== -1) return undefined;
    odd = i;
  }
  if (exact) return 'exact';
  if (odd === -1) return 'merged';
  if (term.length < 3) return undefined;
  const a = splitSyllable(mergeSyllable(heard[odd]!));
  const b = splitSyllable(mergeSyllable(term[odd]!));
  return a.initial === b.initial || a.final === b.final ? 'near' : undefined;
}

/** Letters and digits of a Latin span, lowercase (spaces and hyphens gone). */
export function latinLetters(s: string): string {
  if (/^[a-z0-9]*$/.test(s)) return s;
  return s.toLowerCase().normalize('NFD').replace(/[^a-z0-9]/g, '');
}

const metaphones = new Map<string, string[]>();

/**
 * Double Metaphone keys of the letters (digits ignored); remembered, as the lexicon's names
 * are compared again and again. A span's own keys are needed about once (term-index.ts
 * remembers what each span sounds like): the few thousand last ones are enough, and a larger
 * memory is objects every full garbage collection visits again.
 */
export function metaphoneKeys(letters: string): string[] {
  let keys = metaphones.get(letters);
  if (!keys) {
    if (metaphones.size > 10_000) metaphones.clear();
    metaphones.set(letters, (keys = metaphoneKeysOf(letters)));
  }
  return keys;
}

/** Double Metaphone keys of the letters (digits ignored), not remembered. */
export function metaphoneKeysOf(letters: string): string[] {
  const alpha = letters.replace(/[0-9]/g, '');
  return alpha ? [...new Set(doubleMetaphone(alpha))] : [];
}

let row = new Int32Array(64);

/**
 * Levenshtein distance (small strings), in one reused row. With `max`, any distance above it
 * comes back as `max + 1` as soon as it is certain (most spans are far from most names).
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (row.length <= b.length) row = new Int32Array(b.length * 2 + 1);
  for (let j = 0; j <= b.length; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    let best = i;
    const c = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      const d = Math.min(up + 1, row[j - 1]! + 1, diagonal + (c === b.charCodeAt(j - 1) ? 0 : 1));
      diagonal = up;
      row[j] = d;
      if (d < best) best = d;
    }
    if (best > max) return max + 1;
  }
  return row[b.length]!;
}

/** 1 − edit distance / longer length; with `min`, any similarity below it may come back as 0. */
export function spellingSimilarity(a: string, b: string, min = 0): number {
  const n = Math.max(a.length, b.length);
  if (n === 0) return 1;
  const distance = editDistance(a, b, min > 0 ? Math.floor((1 - min) * n) : Infinity);
  return distance > (1 - min) * n ? 0 : 1 - distance / n;
}

/** The digits of a span, in order (GPT-4 is not GPT-5). */
export function digitsOf(s: string): string {
  let d = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) d += s[i];
  }
  return d;
}

/**
 * Whether a Latin span sounds like a term: Double Metaphone keys equal, or one edit apart
 * when both keys have four sounds or more; digits must be the same (GPT-4 is not GPT-5).
 */
export function soundsLikeLatin(heard: string, term: string): 'exact' | 'near' | undefined {
  if (digitsOf(heard) !== digitsOf(term)) return undefined;
  return keysSoundAlike(metaphoneKeys(heard), metaphoneKeys(term));
}

/** `soundsLikeLatin` of two spellings' Double Metaphone keys (their digits already the same). */
export function keysSoundAlike(hk: readonly string[], tk: readonly string[]): 'exact' | 'near' | undefined {
  let near = false;
  for (const a of hk) {
    for (const b of tk) {
      if (a === b) return 'exact';
      if (Math.min(a.length, b.length) >= 4 && editDistance(a, b, 1) <= 1) near = true;
    }
  }
  return near ? 'near' : undefined;
}
