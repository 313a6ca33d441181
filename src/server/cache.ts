/**
 * Small caches for the few expensive, rarely changing things a page shows: the library's
 * totals (counting hundreds of thousands of passages) and the rendered original formatting
 * of long documents. Entries are keyed by the library's write state, so an ingest running
 * alongside the server (another connection) is seen on the next request.
 */
import type { DB } from '../store/db.js';

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

/** Changes whenever any connection commits to the library. */
export function writeState(db: DB): string {
  const version = db.pragma('data_version', { simple: true }) as number;
  const own = db.prepare('SELECT total_changes()').pluck().get() as number;
  return `${version}:${own}`;
}
