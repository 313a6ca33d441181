/**
 * Where searches run, as one small interface: the web server's worker threads
 * (server/search-pool.ts), or the calling thread (the CLI, `engram mcp`, tests). Callers that
 * only need results — the API, the MCP tools, ask's retrieval — take a `Searcher` and never
 * block the server's event loop themselves.
 */
import type { DB } from '../store/db.js';
import { search, type SearchOptions, type SearchResult } from './search.js';

export interface Searcher {
  /** Worker threads searching (0: searches run on the calling thread). */
  readonly threads: number;
  search(query: string, opts?: SearchOptions): Promise<SearchResult>;
  /** Resolves once every thread has opened the library and warmed up. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Searches on the calling thread. */
export function inlineSearcher(db: DB): Searcher {
  return {
    threads: 0,
    search: async (query, opts) => search(db, query, opts),
    ready: async () => {},
    close: async () => {},
  };
}
