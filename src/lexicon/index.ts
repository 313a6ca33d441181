/**
 * The lexicon's front door for search: `queryExpander(db)` gives the query parser the other
 * forms of a query's names and terms, from the shipped lexicon, the library's own entries
 * (LIBRARY/lexicon.txt) and the library's name evidence.
 */
import { dirname } from 'node:path';
import type { DB } from '../store/db.js';
import type { Token } from '../text/segment.js';
import { libraryNameEvidence } from './evidence.js';
import { expandQuery, type Expansion } from './expand.js';
import { loadLexicon } from './load.js';
import type { Lexicon } from './lexicon.js';

/** The lexicon a library searches with: shipped entries and the library's own. */
export function lexiconFor(db: DB): Lexicon {
  return loadLexicon(libraryDirOf(db));
}

/** Expansions of a query's tokens in this library. */
export function queryExpander(db: DB): (text: string, tokens: readonly Token[]) => Expansion[] {
  const lexicon = lexiconFor(db);
  const evidence = libraryNameEvidence(db);
  return (text, tokens) => expandQuery(text, tokens, { lexicon, evidence });
}

function libraryDirOf(db: DB): string | undefined {
  return db.memory || !db.name ? undefined : dirname(db.name);
}
