/**
 * A search thread (see search-pool.ts): opens the library read-only, loads the same user
 * dictionaries as the main thread, warms up (segmenter and statements), says it is ready, then
 * answers one search per message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { loadUserDictionary } from '../text/segment.js';
import type { SearchOptions, SearchResult } from '../search/search.js';
import { WARM_UP_QUERY } from './warm-up.js';

const { database, dictionaries, module } = workerData as { database: string; dictionaries: string[]; module?: string };
for (const d of dictionaries) loadUserDictionary(d);

const db = new Database(database, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -64000');

type SearchFn = (db: Database.Database, query: string, opts?: SearchOptions) => SearchResult;
const from = module === undefined ? '../search/search.js' : module.startsWith('file:') ? module : pathToFileURL(module).href;
const { search } = (await import(from)) as { search: SearchFn };

try {
  search(db, WARM_UP_QUERY, { limit: 1, facets: true });
} catch {
  // An empty or unusual library still serves; the first real search will say what is wrong.
}
parentPort!.postMessage({ ready: true });

parentPort!.on('message', ({ query, opts }: { query: string; opts: SearchOptions }) => {
  try {
    parentPort!.postMessage({ result: search(db, query, opts) });
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).message });
  }
});
