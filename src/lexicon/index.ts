/**
 * The lexicon's front door for search: `queryExpander(db)` gives the query parser the other
 * forms of a query's names and terms, from the shipped lexicon, the library's own entries
 * (LIBRARY/lexicon.txt) and the library's name evidence.
 */
import { dirname } from 'node:path';
import type { DB } from '../store/db.js';
import type { Token } from '../text/segment.js';
import { libraryNameEvidence } from './evidence.js';
import { expandQuery, type Expansion, type SoundAlikeSpan } from './expand.js';
import type { LexiconEntry } from './format.js';
import { loadLexicon } from './load.js';
import type { Lexicon } from './lexicon.js';
import { TermIndex } from '../terms/term-index.js';
import { latinLetters, soundsLikeLatin, spellingSimilarity } from '../terms/phonetic.js';

/** The lexicon a library searches with: shipped entries and the library's own. */
export function lexiconFor(db: DB): Lexicon {
  return loadLexicon(libraryDirOf(db));
}

/** Expansions of a query's tokens in this library. */
export function queryExpander(db: DB): (text: string, tokens: readonly Token[]) => Expansion[] {
  const lexicon = lexiconFor(db);
  const evidence = libraryNameEvidence(db);
  const soundAlikes = querySoundAlikes(lexicon);
  return (text, tokens) => expandQuery(text, tokens, { lexicon, evidence, soundAlikes });
}

/**
 * Spans of a query that sound like the lexicon's names (expand.ts reads them as garbles): in
 * any query, English ones too, since a garble there only adds the name it sounds like.
 */
export function querySoundAlikes(lexicon: Lexicon): (text: string) => SoundAlikeSpan[] {
  // The index is built from these very entries: what it finds are lexicon entries.
  return (text) =>
    soundIndex(lexicon)
      .soundAlikes(text, { latinAnywhere: true })
      .map((a) => ({ entry: a.entry as LexiconEntry, start: a.start, end: a.end, exact: a.script === 'han' || sameLatinSound(text.slice(a.start, a.end), a.name) }));
}

/** Same Double Metaphone keys, and spelt mostly alike (deep sick: DeepSeek; not get up: GitHub). */
function sameLatinSound(heard: string, name: string): boolean {
  const [a, b] = [latinLetters(heard), latinLetters(name)];
  return soundsLikeLatin(a, b) === 'exact' && spellingSimilarity(a, b) >= 0.7;
}

const soundIndexes = new WeakMap<Lexicon, TermIndex>();

/** The terms stage's index of the lexicon's names by sound (built on first use: ~0.1 s). */
function soundIndex(lexicon: Lexicon): TermIndex {
  let index = soundIndexes.get(lexicon);
  if (!index) soundIndexes.set(lexicon, (index = new TermIndex(lexicon.entries())));
  return index;
}

function libraryDirOf(db: DB): string | undefined {
  return db.memory || !db.name ? undefined : dirname(db.name);
}
