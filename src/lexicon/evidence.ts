/**
 * Name evidence from a library (see names.ts for how it is used).
 *
 * - Documents of a form: passages and titles that hold it. The full-text index finds
 *   candidates (a multi-word form as a NEAR group, so Xianming Liu finds Liu Xianming);
 *   a Chinese form is then checked literally in the folded text, because the index often
 *   cuts names into pieces (钱思远 → 钱 思远) that a NEAR group would also find apart.
 * - Han names with a reading in given documents: their text is scanned for a surname of
 *   that reading followed by one or two characters, read as a name (not through the
 *   index, for the same reason).
 * Results are cached per connection, and dropped when the library changes (a new ingest).
 */
import type { DB } from '../store/db.js';
import { stmt } from '../store/statements.js';
import { toSimplified } from '../text/fold.js';
import { foldWidth } from '../text/normalize.js';
import { nameKey, parseHanName, surnameCharacters } from '../text/romanize.js';
import { queryTerms } from '../text/segment.js';
import type { NameEvidence } from './names.js';

/** Passages looked at per form; a form found more often than this is common, not evidence. */
const MAX_PASSAGES = 2000;
/** Documents scanned for names. */
const MAX_SCANNED = 200;

const HAN = /\p{Script=Han}/u;

interface Cache { stamp: number; docs: Map<string, Set<number>>; names: Map<string, string[]> }
const caches = new WeakMap<DB, Cache>();

export function libraryNameEvidence(db: DB): NameEvidence {
  const cache = cacheFor(db);
  return {
    documents(forms) {
      const out = new Set<number>();
      for (const f of forms) {
        let hit = cache.docs.get(f);
        if (!hit) cache.docs.set(f, (hit = documentsOf(db, f)));
        for (const d of hit) out.add(d);
      }
      return out;
    },
    hanNamesIn(documents, key) {
      const ids = [...documents].sort((a, b) => a - b).slice(0, MAX_SCANNED);
      const k = `${key}\u0000${ids.join(',')}`;
      let hit = cache.names.get(k);
      if (!hit) cache.names.set(k, (hit = namesIn(db, ids, key)));
      return hit;
    },
  };
}

function cacheFor(db: DB): Cache {
  const stamp = (stmt(db, 'SELECT max(id) FROM passages').pluck().get() as number | null) ?? 0;
  let c = caches.get(db);
  if (!c || c.stamp !== stamp) caches.set(db, (c = { stamp, docs: new Map(), names: new Map() }));
  return c;
}

const quote = (t: string) => `"${t.replace(/"/g, '""')}"`;
const fold = (s: string) => toSimplified(foldWidth(s)).replace(/\s+/g, '');

function documentsOf(db: DB, form: string): Set<number> {
  const terms = queryTerms(form);
  if (terms.length === 0) return new Set();
  const match = terms.length === 1 ? quote(terms[0]!) : `NEAR(${terms.map(quote).join(' ')}, ${terms.length + 2})`;
  // Most spellings of a name occur nowhere (Tsao Yueh): a vocabulary lookup per term is cheaper than the match.
  const indexed = stmt(db, 'SELECT 1 FROM passages_vocab WHERE term = ?').pluck();
  const inPassages = terms.every((t) => indexed.get(t) !== undefined);
  const rows = !inPassages ? [] : stmt(db,
    `SELECT p.document_id AS doc, p.text AS text FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid
      WHERE passages_fts MATCH ? LIMIT ${MAX_PASSAGES}`,
  ).all(match) as { doc: number; text: string }[];
  const titles = stmt(db,
    `SELECT d.id AS doc, COALESCE(d.title, '') AS text FROM titles_fts JOIN documents d ON d.id = titles_fts.rowid
      WHERE titles_fts MATCH ? LIMIT ${MAX_PASSAGES}`,
  ).all(match) as { doc: number; text: string }[];
  const literal = HAN.test(form) ? fold(form) : undefined;
  const out = new Set<number>();
  for (const r of [...rows, ...titles]) if (!literal || fold(r.text).includes(literal)) out.add(r.doc);
  return out;
}

function namesIn(db: DB, documents: number[], key: string): string[] {
  const surnames = surnameCharacters(key.split(' ')[0]!);
  if (surnames.length === 0 || documents.length === 0) return [];
  const rows = stmt(db,
    `SELECT text FROM passages WHERE document_id IN (SELECT value FROM json_each(?))
      UNION ALL SELECT COALESCE(title, '') FROM documents WHERE id IN (SELECT value FROM json_each(?))`,
  ).pluck().all(JSON.stringify(documents), JSON.stringify(documents)) as string[];
  const found = new Set<string>();
  for (const text of rows) {
    const folded = toSimplified(foldWidth(text));
    if (!surnames.some((s) => folded.includes(s))) continue;
    for (const s of surnames) {
      for (let at = folded.indexOf(s); at !== -1; at = folded.indexOf(s, at + 1)) {
        for (const len of [1, 2]) {
          const candidate = folded.slice(at, at + s.length + len);
          if (candidate.length !== s.length + len || !/^\p{Script=Han}+$/u.test(candidate)) continue;
          const name = parseHanName(candidate);
          if (name && nameKey(name) === key) found.add(candidate);
        }
      }
    }
  }
  return [...found];
}
