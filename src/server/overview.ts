/**
 * What the library holds, as the home page, the sources pages and the API show it: computed
 * once per change of the library (the totals scan every passage; 20,000 sources take a while
 * to group), then served from memory.
 */
import type { DB } from '../store/db.js';
import { libraryStats, listSources, type LibraryStats, type SourceSummary } from '../store/read.js';
import { untilChanged } from '../store/until-changed.js';

export const stats = (db: DB): LibraryStats => untilChanged(db, 'stats', () => libraryStats(db));

/** Every source, most documents first. */
export const sources = (db: DB): SourceSummary[] => untilChanged(db, 'sources', () => listSources(db));

/** One source by exact name. */
export function source(db: DB, name: string): SourceSummary | undefined {
  return untilChanged(db, 'sources-by-name', () => new Map(sources(db).map((s) => [s.name, s]))).get(name);
}
