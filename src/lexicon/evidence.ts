/**
 * Name evidence from a library's full-text index (see names.ts for how it is used).
 *
 * - Han names with a reading: the index vocabulary (`passages_vocab`) is scanned for terms
 *   that start with a surname of that reading (a range scan per surname character) and are
 *   read, as a name, with the same key.
 * - Documents of a form: passages and titles that hold it, as search would match it (a
 *   multi-word form as a NEAR group, so Xianming Liu finds Liu Xianming).
 * Results are cached per connection for the life of the process, and cleared when the index
 * changes size (a new ingest).
 */
import type { DB } from '../store/db.js';
import { stmt } from '../store/statements.js';
import { nameKey, parseHanName, surnameCharacters } from '../text/romanize.js';
import { queryTerms } from '../text/segment.js';
import type { NameEvidence } from './names.js';

/** Documents per form beyond which a form is too common to be evidence of anything. */
const MAX_DOCUMENTS = 2000;

const caches = new WeakMap<DB, { stamp: number; names: Map<string, string[]>; docs: Map<string, Set<number>> }>();

export function libraryNameEvidence(db: DB): NameEvidence {
  const cache = cacheFor(db);
  return {
    hanNames(key) {
      let hit = cache.names.get(key);
      if (!hit) cache.names.set(key, (hit = hanNamesWithKey(db, key)));
      return hit;
    },
    documents(forms) {
      const out = new Set<number>();
      for (const f of forms) {
        let hit = cache.docs.get(f);
        if (!hit) cache.docs.set(f, (hit = documentsOf(db, f)));
        for (const d of hit) out.add(d);
      }
      return out;
    },
  };
}

function cacheFor(db: DB) {
  const stamp = stmt(db, 'SELECT max(id) FROM passages').pluck().get() as number | null ?? 0;
  let c = caches.get(db);
  if (!c || c.stamp !== stamp) caches.set(db, (c = { stamp, names: new Map(), docs: new Map() }));
  return c;
}

function hanNamesWithKey(db: DB, key: string): string[] {
  const surname = key.split(' ')[0]!;
  const scan = stmt(db, 'SELECT term FROM passages_vocab WHERE term >= ? AND term < ?').pluck();
  const out: string[] = [];
  for (const s of surnameCharacters(surname)) {
    const upper = s.slice(0, -1) + String.fromCharCode(s.charCodeAt(s.length - 1) + 1);
    for (const term of scan.all(s, upper) as string[]) {
      if (term.length < s.length + 1 || term.length > s.length + 2) continue;
      const name = parseHanName(term);
      if (name && nameKey(name) === key) out.push(term);
    }
  }
  return out;
}

const quote = (t: string) => `"${t.replace(/"/g, '""')}"`;

function documentsOf(db: DB, form: string): Set<number> {
  const terms = queryTerms(form);
  if (terms.length === 0) return new Set();
  const match = terms.length === 1 ? quote(terms[0]!) : `NEAR(${terms.map(quote).join(' ')}, ${terms.length + 2})`;
  const passages = stmt(db,
    `SELECT DISTINCT p.document_id FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid
      WHERE passages_fts MATCH ? LIMIT ${MAX_DOCUMENTS}`,
  ).pluck().all(match) as number[];
  const titles = stmt(db, `SELECT rowid FROM titles_fts WHERE titles_fts MATCH ? LIMIT ${MAX_DOCUMENTS}`).pluck().all(match) as number[];
  return new Set([...passages, ...titles]);
}
