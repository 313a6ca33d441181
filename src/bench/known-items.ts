/**
 * Known-item queries sampled from the library itself: a phrase a person remembers from a
 * passage (6–12 Chinese characters of consecutive whole words, half the time converted to the
 * other script; three English words), paired with the passage's document.
 */
import type { DB } from '../store/db.js';
import { toSimplified, toTraditional } from '../text/fold.js';
import { tokenize } from '../text/segment.js';
import { rng } from './queries.js';

const HAN = /\p{Script=Han}/u;

export function knownItems(db: DB, n: number): { query: string; doc: number }[] {
  const rand = rng(42);
  const rows = db
    .prepare(`SELECT p.document_id AS doc, p.text FROM passages p WHERE p.role = 'content' AND length(p.text) >= 40 ORDER BY p.id`)
    .all() as { doc: number; text: string }[];
  const out: { query: string; doc: number }[] = [];
  while (out.length < n && rows.length) {
    const r = rows[Math.floor(rand() * rows.length)]!;
    let q: string;
    if (HAN.test(r.text)) {
      // a remembered phrase: 6–12 Chinese characters of consecutive whole words
      const toks = tokenize(r.text).filter((t) => HAN.test(r.text.slice(t.start, t.end)));
      if (!toks.length) continue;
      let i = Math.floor(rand() * toks.length);
      const first = toks[i]!;
      let last = first;
      while (last.end - first.start < 6 && toks[i + 1]?.start === last.end) last = toks[++i]!;
      if (last.end - first.start < 6 || last.end - first.start > 12) continue;
      q = r.text.slice(first.start, last.end);
      q = rand() < 0.5 ? toTraditional(q) : toSimplified(q);
    } else {
      const words = r.text.split(/\s+/).filter((w) => /^[A-Za-z][A-Za-z'-]+$/.test(w));
      if (words.length < 4) continue;
      const at = Math.floor(rand() * (words.length - 3));
      q = words.slice(at, at + 3).join(' ');
    }
    out.push({ query: q, doc: r.doc });
  }
  return out;
}

