/**
 * Character-level clean-up. `cleanText` is for what is stored and shown (the original script
 * and full-width CJK punctuation stay); `foldWidth` is index-side only and keeps the string
 * length so token offsets still point into the original.
 */
import { decodeHTMLStrict } from 'entities';

/** Zero-width characters that only get in the way of matching: ZWSP, ZWNJ, ZWJ, word joiner, BOM. */
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;
/** C0 controls other than tab and newline (CR is handled first), and DEL. */
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F]/g;
/** No-break spaces (plain, narrow, figure) display and match as a space. */
const NBSP = /[\u00A0\u202F\u2007]/g;

/**
 * HTML entities to characters (`&amp;` `&nbsp;` `&#x4e2d;`). Strict: only `&name;` with its
 * semicolon, so `?a=1&copy=2` in a URL survives. Parsers call it where their format carries
 * entities (raw HTML, exported captions), exactly once: Markdown is decoded by markdown-it,
 * and decoding twice would turn a written `&amp;lt;` into `<`.
 */
export function decodeEntities(s: string): string {
  return s.includes('&') ? decodeHTMLStrict(s) : s;
}

/**
 * Text for display and storage: zero-width characters removed, no-break spaces made spaces,
 * CRLF/CR made LF, runs of spaces and tabs collapsed to one space, spaces at line ends and at
 * both ends of the text trimmed, NFC. Entities are left alone (see `decodeEntities`).
 * Meant for passage-sized text (titles, paragraphs), not whole Markdown sources: indentation
 * is not preserved.
 */
export function cleanText(s: string): string {
  let t = s;
  // Most passages hold none of what the passes change: each pass runs only where it would.
  if (ODD_CHARS.test(t)) t = t.replace(/\r\n?/g, '\n').replace(ZERO_WIDTH, '').replace(NBSP, ' ').replace(CONTROLS, '');
  if (ODD_SPACES.test(t)) t = t.replace(/[ \t]+/g, ' ').replace(/ ?\n ?/g, '\n');
  return t.trim().normalize('NFC');
}

/** Any character the first pass of `cleanText` changes (CR among the controls). */
const ODD_CHARS = /[\u200B-\u200D\u2060\uFEFF\u00A0\u202F\u2007\u0000-\u0008\u000B-\u001F\u007F]/;
/** Any space the second pass changes: a tab, a run of two, a space beside a line break. */
const ODD_SPACES = /\t|  | \n|\n /;

/** Full-width signs (U+FFE0–U+FFE6) to their ordinary forms. */
const FULLWIDTH_SIGNS: Record<number, number> = {
  0xffe0: 0x00a2, // ￠
  0xffe1: 0x00a3, // ￡
  0xffe2: 0x00ac, // ￢
  0xffe3: 0x00af, // ￣
  0xffe4: 0x00a6, // ￤
  0xffe5: 0x00a5, // ￥
  0xffe6: 0x20a9, // ￦
};

/**
 * Full-width ASCII forms (U+FF01–U+FF5E) to half-width, ideographic space to space, full-width
 * currency signs to ordinary ones. Every replacement is one UTF-16 unit for one, so the result
 * has the same length as the input (segmentation relies on that for offsets).
 */
export function foldWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E\u3000\uFFE0-\uFFE6]/g, (ch) => {
    const c = ch.charCodeAt(0);
    if (c === 0x3000) return ' ';
    if (c <= 0xff5e) return String.fromCharCode(c - 0xfee0);
    return String.fromCharCode(FULLWIDTH_SIGNS[c]);
  });
}
