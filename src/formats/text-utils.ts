/**
 * Small text utilities shared by the format parsers:
 * line splitting that keeps line numbers stable, display-text cleanup, and short titles.
 */
import { cleanText as normalizeText, decodeEntities } from '../text/normalize.js';

/**
 * The file's lines, with CRLF / lone CR treated as one line break (as markdown-it does) and a
 * leading BOM dropped, so line numbers we report match what an editor shows.
 */
export function splitLines(text: string): string[] {
  return normalizeNewlines(text).split('\n');
}

export function normalizeNewlines(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/**
 * HTML entities (`&amp;`, `&#39;`, `&nbsp;`) in text that did not go through markdown-it.
 * Strict: only entities with their `;`, so a URL's `?a=1&copy=2` is left alone.
 */
export { decodeEntities };

// Full-width ASCII letters and digits (ＡＩ, ２０２５) become ASCII so they read and search like
// ASCII. Full-width punctuation (，。：（）) is kept: it is the normal punctuation of Chinese text.
const FULLWIDTH_ALNUM = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g;

/**
 * Display text for a passage or title: the shared clean-up (entities, zero-width characters,
 * no-break spaces, space runs, NFC), plus letters, digits and the ideographic space at normal
 * width, as the data model asks of display text. The script (Simplified or Traditional) and
 * CJK punctuation are never changed.
 */
export function cleanText(s: string): string {
  return normalizeText(s.replace(FULLWIDTH_ALNUM, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' '));
}

const CJK = /[\u3000-\u303F\u3400-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]/;

/**
 * Joins lines of one logical line that was wrapped (a `<summary>` broken over several lines):
 * no space between two CJK characters, one space otherwise.
 */
export function joinWrapped(parts: string[]): string {
  let out = '';
  for (const raw of parts) {
    const p = raw.trim();
    if (!p) continue;
    if (!out) out = p;
    else if (CJK.test(out.at(-1)!) && CJK.test(p[0]!)) out += p;
    else out += ' ' + p;
  }
  return out;
}

/** The first non-empty line of a text, trimmed. */
export function firstLine(text: string): string | undefined {
  return text.split('\n').map((l) => l.trim()).find((l) => l.length > 0);
}

/** At most `max` characters (code points, so CJK and emoji are not split), `…` marking a cut. */
export function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length > max ? chars.slice(0, max).join('').trimEnd() + '…' : s;
}

/**
 * A post's title: its first line, cut after the first sentence (Chinese or Latin end marks;
 * not `.`, which decimals and URLs use), then to `max` characters.
 */
export function shortTitle(text: string, max: number): string | undefined {
  const line = firstLine(text);
  if (!line) return undefined;
  const sentence = /^(.+?[。！？!?])/u.exec(line)?.[1] ?? line;
  return truncate(sentence.replace(/。$/, ''), max);
}
