/**
 * Search with semantic retrieval fused in, when the library has vectors for the configured
 * model: the query is embedded, its nearest passages are found (vectors.ts) and
 * search/search.ts fuses their documents with the BM25 ranking by reciprocal rank fusion.
 * Without an embedder or vectors, or for a query with a quoted phrase (an exact request),
 * it is plain search. If the endpoint fails, search goes on without it (`onError` hears why).
 */
import type { DB } from '../store/db.js';
import type { Embedder } from '../providers/embeddings.js';
import type { SearchOptions, SearchResult } from '../search/search.js';
import { inlineSearcher, type Searcher } from '../search/searcher.js';
import { hasVectors } from './vectors.js';

const QUOTED = /["“「『]/;

/**
 * `inner` with the query's embedding passed along (`SearchOptions.near`) when it applies. The
 * endpoint is asked here, asynchronously; the neighbours are found where `inner` searches (a
 * server's search thread, or this one).
 */
export function semanticSearcher(inner: Searcher, db: DB, embedder: Embedder, onError?: (e: Error) => void): Searcher {
  return {
    threads: inner.threads,
    ready: () => inner.ready(),
    close: () => inner.close(),
    async search(query: string, opts: SearchOptions = {}): Promise<SearchResult> {
      if (opts.semantic || QUOTED.test(query) || query.trim() === '' || !hasVectors(db, embedder.model)) return inner.search(query, opts);
      let vector: Float32Array | undefined;
      try {
        [vector] = await embedder.embed([query]);
      } catch (e) {
        onError?.(e as Error);
        return inner.search(query, opts);
      }
      return inner.search(query, { ...opts, near: { model: embedder.model, vector: vector! } });
    },
  };
}

/** One search on this thread, semantic when `embedder` is given and the library has its vectors. */
export function hybridSearch(
  db: DB,
  query: string,
  opts: SearchOptions = {},
  embedder?: Embedder,
  onError?: (e: Error) => void,
): Promise<SearchResult> {
  const inline = inlineSearcher(db);
  return (embedder ? semanticSearcher(inline, db, embedder, onError) : inline).search(query, opts);
}
