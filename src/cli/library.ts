/** Opening the library a command names (`--library DIR`, `ENGRAM_HOME`, or the per-user default). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { databasePath, libraryDir, openLibrary, type DB } from '../store/db.js';
import { loadUserDictionary } from '../text/segment.js';
import { UsageError, type Io, type Values } from './command.js';

export function openFor(values: Values, io: Io, mode: 'write' | 'read' = 'read'): { db: DB; dir: string } {
  const dir = libraryDir(values.library as string | undefined, io.env);
  if (mode === 'read' && !existsSync(databasePath(dir))) {
    throw new UsageError(`no library at ${dir}: run \`engram ingest PATH\` first (or pass --library DIR / set ENGRAM_HOME)`);
  }
  // The user's own dictionary words, then any given on the command line.
  const userDict = join(dir, 'dict.txt');
  if (existsSync(userDict)) loadUserDictionary(userDict);
  if (values.dict) loadUserDictionary(values.dict as string);
  return { db: openLibrary(dir, { readonly: mode === 'read' }), dir };
}
