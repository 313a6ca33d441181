/**
 * A small LRU for rendered pages of long documents' original formatting, keyed with the
 * library's write state (store/until-changed.ts), so an ingest running alongside the server
 * (another connection) is seen on the next request.
 */

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
