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
  return s.toLowerCase().normalize('NFD').replace(/[^a-z0-9]/g, '');
}

const metaphones = new Map<string, string[]>();

/** Double Metaphone keys of the letters (digits ignored); remembered, as spans repeat. */
export function metaphoneKeys(letters: string): string[] {
  let keys = metaphones.get(letters);
  if (!keys) {
    if (metaphones.size > 100_000) metaphones.clear();
    const alpha = letters.replace(/[0-9]/g, '');
    metaphones.set(letters, (keys = alpha ? [...new Set(doubleMetaphone(alpha))] : []));
  }
  return keys;
}

/** Levenshtein distance (small strings). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** 1 − edit distance / longer length. */
export function spellingSimilarity(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  return n === 0 ? 1 : 1 - editDistance(a, b) / n;
}

/**
 * Whether a Latin span sounds like a term: Double Metaphone keys equal, or one edit apart
 * when both keys have four sounds or more; digits must be the same (GPT-4 is not GPT-5).
 */
export function soundsLikeLatin(heard: string, term: string): 'exact' | 'near' | undefined {
  if (heard.replace(/[^0-9]/g, '') !== term.replace(/[^0-9]/g, '')) return undefined;
  const hk = metaphoneKeys(heard);
  const tk = metaphoneKeys(term);
  let near = false;
  for (const a of hk) {
    for (const b of tk) {
      if (a === b) return 'exact';
      if (Math.min(a.length, b.length) >= 4 && editDistance(a, b) <= 1) near = true;
    }
  }
  return near ? 'near' : undefined;
}
