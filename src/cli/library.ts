/** Opening the library a command names (`--library DIR`, `ENGRAM_HOME`, or the per-user default). */
import { existsSync } from 'node:fs';
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
export async function openForWriting(values: Values, io: Io, command: string): Promise<{ db: DB; dir: string; close(): void }> {
  const dir = libraryDir(values.library as string | undefined, io.env);
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
    const { db } = openFor(values, io, 'write');
    return { db, dir, close: () => (closeLibrary(db), lock.release()) };
  } catch (e) {
    lock.release();
    throw e;
  }
}

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
