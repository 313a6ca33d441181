/**
 * Prepared statements, cached per connection: preparing is a measurable share of ingest and
 * search time when the same few statements run hundreds of thousands of times.
 */
import type Database from 'better-sqlite3';
import type { DB } from './db.js';

const caches = new WeakMap<DB, Map<string, Database.Statement>>();

export function stmt(db: DB, sql: string): Database.Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let s = cache.get(sql);
  if (!s) cache.set(sql, (s = db.prepare(sql)));
  return s;
}
