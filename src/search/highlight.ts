/**
 * Where the query matched inside a passage, and a short window around it for result lists.
 * Matching happens on a folded copy of the text (Simplified, half-width, lowercase) whose
 * offsets equal the original's, so highlights land on the text as the reader sees it.
 */
import { toSimplified } from '../text/fold.js';
import { foldWidth } from '../text/normalize.js';
import { latinTokens } from '../text/segment.js';

const HAN = /\p{Script=Han}/u;

/** Folded text with the same UTF-16 length as the input (falls back per character if not). */
export function foldForMatch(text: string): string {
  const folded = toSimplified(foldWidth(text)).toLowerCase();
  if (folded.length === text.length) return folded;
  // A phrase conversion changed the length: fold character by character instead.
  let out = '';
  for (const ch of text) {
    const f = toSimplified(foldWidth(ch)).toLowerCase();
    out += f.length === ch.length ? f : ch;
  }
  return out;
}

/** Folded text without spaces and punctuation, for verbatim comparison. */
export const compact = (folded: string) => folded.replace(/[\p{P}\p{S}\s]+/gu, '');

/** `folded`: the text through `foldForMatch`, when at hand. */
export function highlightRanges(text: string, terms: string[], folded = text && terms.length ? foldForMatch(text) : ''): [number, number][] {
  if (!text || terms.length === 0) return [];
  const ranges: [number, number][] = [];
  const wordTerms = new Set<string>();
  for (const t of terms) {
    if (HAN.test(t)) {
      for (let at = folded.indexOf(t); at !== -1; at = folded.indexOf(t, at + t.length)) ranges.push([at, at + t.length]);
    } else wordTerms.add(t);
  }
  if (wordTerms.size) {
    // Word terms are Latin: the compounds' tokens, without segmenting the Han text around them.
    for (const tok of latinTokens(text, folded)) if (wordTerms.has(tok.term)) ranges.push([tok.start, tok.end]);
  }
  return merge(ranges);
}

function merge(ranges: [number, number][]): [number, number][] {
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const out: [number, number][] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** About `width` characters around the first match, cut at word/sentence edges where possible. */
export function snippet(text: string, highlights: [number, number][], width = 160): { text: string; highlights: [number, number][] } {
  if (text.length <= width) return { text, highlights };
  const first = highlights[0]?.[0] ?? 0;
  let from = Math.max(0, first - Math.floor(width / 3));
  const stop = text.slice(Math.max(0, from - 30), from).search(/[。！？.!?\n][^。！？.!?\n]*$/);
  if (stop !== -1 && from > 0) from = Math.max(0, from - 30) + stop + 1;
  let to = Math.min(text.length, from + width);
  if (to < text.length) {
    const space = text.lastIndexOf(' ', to);
    if (space > from + width * 0.7 && !HAN.test(text[to - 1] ?? '')) to = space;
  }
  const prefix = from > 0 ? '…' : '';
  const suffix = to < text.length ? '…' : '';
  const body = text.slice(from, to).trim();
  const lead = text.slice(from, to).length - text.slice(from, to).trimStart().length;
  const shift = prefix.length - from - lead;
  const hl = highlights
    .filter(([s, e]) => s >= from + lead && e <= from + lead + body.length)
    .map(([s, e]) => [s + shift, e + shift] as [number, number]);
  return { text: prefix + body + suffix, highlights: hl };
}
