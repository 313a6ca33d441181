/**
 * Small text utilities shared by the archive, microblog, Logseq and generic Markdown parsers:
 * line splitting that keeps line numbers stable, display-text cleanup, and short titles.
 */
import { decodeHTML } from 'entities';

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

/** HTML entities (`&amp;`, `&#39;`, `&nbsp;`) in text that did not go through markdown-it. */
export function decodeEntities(s: string): string {
  return s.includes('&') ? decodeHTML(s) : s;
}

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
// Full-width ASCII letters and digits (ＡＩ, ２０２５) become ASCII so they search like ASCII.
// Full-width punctuation (，。：（）) is kept: it is the normal punctuation of Chinese text.
const FULLWIDTH_ALNUM = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g;

/**
 * Display text for a passage or title: no zero-width characters, ASCII letters and digits at
 * normal width, non-breaking and ideographic spaces as plain spaces, no trailing spaces on
 * lines. The script (Simplified or Traditional) is never changed.
 */
export function cleanText(s: string): string {
  return s
    .replace(ZERO_WIDTH, '')
    .replace(FULLWIDTH_ALNUM, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\u00A0\u3000]/g, ' ')
    .replace(/[ \t]+\n/g, '\n')
    .trim();
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

/**
 * A short title from the start of a text: its first line, cut at the end of the first sentence
 * if that comes early, then at `max` characters (code points, so CJK and emoji are not split).
 */
export function shortTitle(text: string, max: number): string | undefined {
  const firstLine = text.split('\n').map((l) => l.trim()).find((l) => l.length > 0);
  if (!firstLine) return undefined;
  const sentence = /^(.+?[。！？!?])/u.exec(firstLine)?.[1] ?? firstLine;
  const chosen = sentence.replace(/[。]$/, '');
  const chars = [...chosen];
  return chars.length > max ? chars.slice(0, max).join('').trimEnd() + '…' : chosen;
}
