/**
 * Search with semantic retrieval fused in, when the library has vectors for the configured
 * model: the query is embedded, its nearest passages are found (vectors.ts) and
 * search/search.ts fuses their documents with the BM25 ranking by reciprocal rank fusion.
 * Without an embedder or vectors, or for a query with a quoted phrase (an exact request),
 * it is plain search. If the endpoint fails, search goes on without it (`onError` hears why).
 */
import type { DB } from '../store/db.js';
import type { Embedder } from '../providers/embeddings.js';
import { search, type SearchOptions, type SearchResult } from '../search/search.js';
import { hasVectors, nearestPassages } from './vectors.js';

/** Nearest passages fused: enough to reach documents BM25 ranks beyond the first pages. */
const NEIGHBOURS = 200;

const QUOTED = /["“「『]/;

export async function hybridSearch(
  db: DB,
  query: string,
  opts: SearchOptions = {},
  embedder?: Embedder,
  onError?: (e: Error) => void,
): Promise<SearchResult> {
  if (!embedder || QUOTED.test(query) || query.trim() === '' || !hasVectors(db, embedder.model)) return search(db, query, opts);
  let vector: Float32Array | undefined;
  try {
    [vector] = await embedder.embed([query]);
  } catch (e) {
    onError?.(e as Error);
    return search(db, query, opts);
  }
  return search(db, query, { ...opts, semantic: nearestPassages(db, embedder.model, vector!, NEIGHBOURS) });
}
