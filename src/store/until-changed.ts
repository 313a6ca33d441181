/**
 * Values computed from the library and kept until it changes: the server's totals and source
 * list, search's map of passages, entity pages' document counts. Tied to the library's write
 * state, so a commit by another connection (an ingest beside the server) is seen at once.
 */
import type { DB } from './db.js';
import { stmt } from './statements.js';

/**
 * Changes whenever any connection commits to the library: SQLite's `data_version` moves on
 * other connections' commits, `total_changes()` on this one's. Costs microseconds.
 */
export function writeState(db: DB): string {
  const version = db.pragma('data_version', { simple: true }) as number;
  const own = stmt(db, 'SELECT total_changes()').pluck().get() as number;
  return `${version}:${own}`;
}

const remembered = new WeakMap<DB, Map<string, { state: string; value: unknown }>>();

/** `make()`'s value for `name`, computed again only after the library has changed. */
export function untilChanged<V>(db: DB, name: string, make: () => V): V {
  let values = remembered.get(db);
  if (!values) remembered.set(db, (values = new Map()));
  const state = writeState(db);
  const hit = values.get(name);
  if (hit && hit.state === state) return hit.value as V;
  const value = make();
  values.set(name, { state, value });
  return value;
}
