/**
 * Toneless pinyin per Han character, fast enough for whole transcripts: each character's
 * reading is looked up once (pinyin-pro, its most common reading) and kept in a table.
 * Syllables are compared character by character on both sides (a lexicon term and a span of
 * text), so a polyphonic character reads the same way in both; names additionally get their
 * surname reading (单 shan) as a second key.
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

/** A name's reading with surnames read as surnames (单田芳 → shan tian fang). */
export function nameSyllables(text: string): string[] {
  const han = [...text].filter((ch) => HAN.test(ch)).join('');
  if (!han) return [];
  return pinyin(han, { toneType: 'none', type: 'array', surname: 'head', v: true }).map((s) => s.toLowerCase());
}

export function hasHan(text: string): boolean {
  return HAN.test(text);
}
