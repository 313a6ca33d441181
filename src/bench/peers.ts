/**
 * The peers engram is measured against, built over the same passages engram stored, each
 * answering with documents (best first, each once) so every searcher is judged alike:
 * - SQLite FTS5 with its trigram tokenizer (substring matching, BM25; the query's
 *   whitespace-separated words as quoted strings, all required — its own syntax);
 * - MiniSearch with default settings (word tokenizer, BM25-like);
 * - Orama with its Mandarin tokenizer (orama-peer.ts);
 * - Pagefind, one page per document, searched through its own bundle (pagefind-peer.ts).
 * Answers are promises because Orama and Pagefind search asynchronously.
 */
import Database from 'better-sqlite3';
import MiniSearch from 'minisearch';
import type { DB } from '../store/db.js';
import { search } from '../search/search.js';

export interface Searcher {
  name: string;
  /** Document ids, best first, each once, at most `limit`. */
  docs: (query: string, limit?: number) => Promise<number[]>;
  /** Milliseconds spent building the index (peers only). */
  buildMs?: number;
  /** Frees what the index holds (a database, files); the searcher is not used after. */
  close?: () => void | Promise<void>;
}

export interface PassageRow { id: number; doc: number; text: string; title: string }

/** Every passage but boilerplate, in document order (passages are stored in reading order). */
export function passageRows(db: DB): PassageRow[] {
  return db
    .prepare(`SELECT p.id, p.document_id AS doc, p.text, COALESCE(d.title, '') AS title FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.role <> 'boilerplate' ORDER BY p.id`)
    .all() as PassageRow[];
}

export function engramSearcher(db: DB): Searcher {
  return { name: 'engram', docs: async (q, limit = 10) => search(db, q, { limit }).hits.map((h) => h.document.id) };
}

/** Passage hits to documents, best first, each once. */
export function topDocs(ids: number[], docOf: Map<number, number>, limit: number): number[] {
  return [...new Set(ids.map((id) => docOf.get(id)!))].slice(0, limit);
}

export function trigramSearcher(rows: PassageRow[]): Searcher {
  const t = performance.now();
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE t USING fts5(title, text, tokenize = 'trigram')`);
  const ins = db.prepare('INSERT INTO t (rowid, title, text) VALUES (?, ?, ?)');
  db.transaction(() => rows.forEach((r) => ins.run(r.id, r.title, r.text)))();
  const buildMs = performance.now() - t;
  const docOf = new Map(rows.map((r) => [r.id, r.doc]));
  const stmt = db.prepare('SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank LIMIT ?').pluck();
  const toMatch = (q: string) => q.replace(/"/g, ' ').split(/\s+/).filter(Boolean).map((w) => `"${w}"`).join(' ');
  return {
    name: 'FTS5 trigram',
    buildMs,
    docs: async (q, limit = 10) => {
      try {
        return topDocs(stmt.all(toMatch(q), limit * 20) as number[], docOf, limit);
      } catch {
        return []; // words under three characters are not a valid trigram query
      }
    },
    close: () => {
      db.close();
    },
  };
}

export function miniSearchSearcher(rows: PassageRow[]): Searcher {
  const t = performance.now();
  const ms = new MiniSearch({ fields: ['title', 'text'] });
  ms.addAll(rows);
  const buildMs = performance.now() - t;
  const docOf = new Map(rows.map((r) => [r.id, r.doc]));
  return {
    name: 'MiniSearch',
    buildMs,
    docs: async (q, limit = 10) => topDocs(ms.search(q).slice(0, limit * 20).map((r) => r.id as number), docOf, limit),
  };
}
