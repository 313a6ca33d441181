/**
 * The plug-in point for finding lexicon terms in a document's passages. The lexicon-backed
 * matcher lives with the lexicon (terms/matcher.ts); tests can pass their own.
 */
import type { DB } from '../store/db.js';
import type { Mention } from './store.js';

export interface TermMatcher {
  /** Every lexicon term mentioned in the document's passages, resolved to entities. */
  mentions(db: DB, documentId: number): Mention[];
}
