/** Opening the library a command names (`--library DIR`, `ENGRAM_HOME`, or the per-user default). */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { closeLibrary, databasePath, libraryDir, openLibrary, type DB } from '../store/db.js';
import { acquireWriterLock, LibraryBusy } from '../store/lock.js';
import { loadUserDictionary } from '../text/segment.js';
import { BusyError, UsageError, type Io, type Values } from './command.js';
import { printable } from './printable.js';

/** `--no-wait`, for commands that write. */
export const noWaitOption = { 'no-wait': { type: 'boolean' } } as const;

/**
 * For commands that write: the library's writer lock first (waiting for another writer and
 * saying so on stderr, or with `--no-wait` a BusyError, exit 3), then the library.
 * `close()` closes the library and releases the lock.
 */
export async function openForWriting(values: Values, io: Io, command: string, mode: 'write' | 'create' = 'write'): Promise<{ db: DB; dir: string; close(): void }> {
  const dir = libraryDir(values.library as string | undefined, io.env);
  // Before the lock, which would make the folder: a mistyped --library is an error, not a new library.
  requireLibrary(dir, mode);
  let lock;
  try {
    lock = await acquireWriterLock(dir, {
      wait: !values['no-wait'],
      command,
      onWait: (who) => io.err.write(`${who} is writing to this library; waiting… (Ctrl+C to stop; --no-wait to stop instead of waiting)\n`),
    });
  } catch (e) {
    if (e instanceof LibraryBusy) throw new BusyError(`${e.holder} is writing to ${printable(dir)}: try again when it is done`);
    throw e;
  }
  try {
    const { db } = openFor(values, io, mode);
    return { db, dir, close: () => (closeLibrary(db), lock.release()) };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/**
 * The library a command names. `read` and `write` need one to be there; only `create` (ingest,
 * following a source) makes a new one: anything else at a mistyped `--library` path would
 * leave a stray empty library behind and report success on it.
 */
export function openFor(values: Values, io: Io, mode: 'read' | 'write' | 'create' = 'read'): { db: DB; dir: string } {
  const dir = libraryDir(values.library as string | undefined, io.env);
  requireLibrary(dir, mode);
  // The user's own dictionary words, then any given on the command line.
  const userDict = join(dir, 'dict.txt');
  if (existsSync(userDict)) loadUserDictionary(userDict);
  if (values.dict) loadUserDictionary(values.dict as string);
  return { db: openLibrary(dir, { readonly: mode === 'read' }), dir };
}

export function requireLibrary(dir: string, mode: 'read' | 'write' | 'create'): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UsageError(`${printable(dir)} is a file, not a library folder (pass --library DIR, a folder)`);
  }
  if (mode !== 'create' && !existsSync(databasePath(dir))) {
    throw new UsageError(`no library at ${printable(dir)}: run \`engram ingest PATH\` first (or pass --library DIR / set ENGRAM_HOME)`);
  }
}

/**
 * `--source NAME` names a source the library has (matched as search matches it, ignoring
 * case): a misspelt one is a usage error, not an empty result that looks like "nothing there".
 */
export function requireSource(db: DB, name: string | undefined): void {
  if (name === undefined) return;
  if (db.prepare('SELECT 1 FROM sources WHERE name = ? COLLATE NOCASE').get(name) === undefined) {
    throw new UsageError(`no source "${name}" in the library (see \`engram stats\` or \`engram source list\`)`);
  }
}
