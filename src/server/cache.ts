/**
 * Small caches for the few expensive, rarely changing things the server shows: the library's
 * totals (counting hundreds of thousands of passages), its source list, and rendered pages of
 * long documents' original formatting. Values are tied to the library's write state, so an
 * ingest running alongside the server (another connection) is seen on the next request.
 */
import type { DB } from '../store/db.js';
import { stmt } from '../store/statements.js';

export class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly size: number) {}

  get(key: string, make: () => V): V {
    const hit = this.map.get(key);
    if (hit !== undefined) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const value = make();
    this.map.set(key, value);
    if (this.map.size > this.size) this.map.delete(this.map.keys().next().value!);
    return value;
  }
}

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
