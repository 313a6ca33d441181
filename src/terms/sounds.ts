/**
 * Han characters' sounds as small numbers, so that sound keys are arithmetic, not strings: the
 * merged syllable of a character (phonetic.ts: z/zh, an/ang… as one) and its syllable as it is.
 * Read at every Han character by the terms scan (term-index.ts), and for the homophone table
 * (words.ts).
 */
import { syllableOf } from './pinyin.js';
import { mergeSyllable } from './phonetic.js';

/** Han by code unit (CJK unified ideographs, extension A, compatibility ideographs): the hot loops' test. */
export function isHan(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0xf900 && code <= 0xfaff);
}

/** Merged syllables (phonetic.ts) as small numbers. */
const soundIds = new Map<string, number>();
export const soundIdOf = (merged: string) => {
  let id = soundIds.get(merged);
  if (id === undefined) {
    soundIds.set(merged, (id = soundIds.size + 1));
    if (id >= MAX_SOUNDS) throw new Error(`more than ${MAX_SOUNDS} distinct syllables: raise MAX_SOUNDS`);
  }
  return id;
};
/** Syllables as they are (not merged) as small numbers: an exact match is equal ids. */
const syllableIds = new Map<string, number>();
export const syllableIdOf = (syllable: string) => {
  let id = syllableIds.get(syllable);
  if (id === undefined) syllableIds.set(syllable, (id = syllableIds.size + 1));
  return id;
};
/** Sound id and syllable id of each BMP code unit, computed once (0: not Han; -1: not computed yet). */
const soundOfCode = new Int16Array(0x10000).fill(-1);
const syllableOfCode = new Int16Array(0x10000);
/** The merged sound id of the code unit at `i` (0: not Han). */
export function soundAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  let id = soundOfCode[c]!;
  if (id === -1) {
    const syl = isHan(c) ? syllableOf(text[i]!) : '';
    soundOfCode[c] = id = syl ? soundIdOf(mergeSyllable(syl)) : 0;
    syllableOfCode[c] = syl ? syllableIdOf(syl) : 0;
  }
  return id;
}
/** The syllable id at `i` (after `soundAt` of the same code unit). */
export const syllableAt = (text: string, i: number) => syllableOfCode[text.charCodeAt(i)]!;
/** Sound ids stay below this (there are about 400 merged syllables). */
export const MAX_SOUNDS = 1024;
