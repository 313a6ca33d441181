/**
 * Toneless pinyin per Han character, fast enough for whole transcripts: each character's
 * reading is looked up once (pinyin-pro, its most common reading) and kept in a table.
 * Syllables are compared character by character on both sides (a lexicon term and a span of
 * text), so a polyphonic character reads the same way in both.
 */
import { pinyin } from 'pinyin-pro';

const HAN = /\p{Script=Han}/u;

/** Syllable of each BMP code unit: '' = not Han (or not computed yet: see `known`). */
const table: string[] = new Array(0x10000);
const known = new Uint8Array(0x10000);

/** Toneless syllable of one Han character ('' for anything else); `ü` is written `v`. */
export function syllableOf(ch: string): string {
  const c = ch.charCodeAt(0);
  if (ch.length === 1 && known[c] === 1) return table[c]!;
  const s = HAN.test(ch) ? pinyin(ch, { toneType: 'none', v: true }).toLowerCase() : '';
  const valid = /^[a-z]+$/.test(s) ? s : '';
  if (ch.length === 1) {
    table[c] = valid;
    known[c] = 1;
  }
  return valid;
}

/** Syllables of the Han characters of `text`, in order (other characters skipped). */
export function syllables(text: string): string[] {
  const out: string[] = [];
  for (const ch of text) {
    const s = syllableOf(ch);
    if (s) out.push(s);
  }
  return out;
}

export function hasHan(text: string): boolean {
  return HAN.test(text);
}
