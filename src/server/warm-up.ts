/**
 * Loading the segmenter's and converters' dictionaries and compiling the hot statements takes
 * ~0.5 s: every thread that searches or converts scripts does it before its first request.
 */
import type { DB } from '../store/db.js';
import { toSimplified, toTraditional } from '../text/fold.js';
import { search } from '../search/search.js';
import { sources, stats } from './overview.js';

/**
 * The query a thread runs once before it serves: words in both scripts (to load every
 * dictionary) that few documents hold, so it costs little even on a large library.
 */
export const WARM_UP_QUERY = '预热 engram';

/**
 * The main thread's warm-up: display conversion and the library's totals and sources (which
 * the home page shows first) always, search only when it runs on this thread.
 */
export function warmUp(db: DB, opts: { search: boolean }): void {
  toSimplified('简繁');
  toTraditional('简繁');
  try {
    stats(db);
    sources(db);
  } catch {
    // As below: a library that cannot be read still starts, and says so on the first request.
  }
  if (!opts.search) return;
  try {
    search(db, WARM_UP_QUERY, { limit: 1, facets: true });
  } catch {
    // An empty or unusual library must still start; the first real request will say what is wrong.
  }
}
