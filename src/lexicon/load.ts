/**
 * Where lexicon entries come from: the files engram ships (`data/lexicon/*.txt`) and the
 * library's own file (`LIBRARY/lexicon.txt`, written by `engram lexicon add`). The library's
 * entries come after the shipped ones, so an entry with a shipped id extends it.
 *
 * Both are cached: the shipped lexicon for the process, the library's by file modification
 * time (a long-running server sees `engram lexicon add` without a restart).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLexicon, type LexiconEntry } from './format.js';
import { Lexicon } from './lexicon.js';

/** The shipped lexicon folder, next to `src/` and `dist/`. */
export const SHIPPED_DIR = fileURLToPath(new URL('../../data/lexicon/', import.meta.url));

export function libraryLexiconPath(libraryDir: string): string {
  return join(libraryDir, 'lexicon.txt');
}

let shipped: LexiconEntry[] | undefined;

/** Every shipped entry, file by file in name order. */
export function shippedEntries(): LexiconEntry[] {
  if (!shipped) {
    const files = readdirSync(SHIPPED_DIR).filter((f) => f.endsWith('.txt')).sort();
    shipped = files.flatMap((f) => parseLexicon(readFileSync(join(SHIPPED_DIR, f), 'utf8'), `data/lexicon/${f}`));
  }
  return shipped;
}

/** The library's own entries (none when it has no lexicon file). */
export function libraryEntries(libraryDir: string): LexiconEntry[] {
  const path = libraryLexiconPath(libraryDir);
  if (!existsSync(path)) return [];
  return parseLexicon(readFileSync(path, 'utf8'), path, true);
}

const cache = new Map<string, { stamp: string; lexicon: Lexicon }>();
let shippedOnly: Lexicon | undefined;

/** Shipped and library entries together; the shipped lexicon alone without a library. */
export function loadLexicon(libraryDir?: string): Lexicon {
  if (!libraryDir) return (shippedOnly ??= new Lexicon(shippedEntries()));
  const path = libraryLexiconPath(libraryDir);
  const stat = existsSync(path) ? statSync(path) : undefined;
  const stamp = stat ? `${stat.mtimeMs}:${stat.size}` : '';
  const hit = cache.get(libraryDir);
  if (hit && hit.stamp === stamp) return hit.lexicon;
  const lexicon = stat ? new Lexicon([...shippedEntries(), ...libraryEntries(libraryDir)]) : loadLexicon();
  cache.set(libraryDir, { stamp, lexicon });
  return lexicon;
}
