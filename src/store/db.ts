/**
 * Opening a library: one SQLite file in the library directory, foreign keys on, migrations
 * applied. Writers switch it to WAL, so readers (the web server) go on while an ingest writes,
 * and back to a plain rollback journal when they close (`closeLibrary`): a library at rest is
 * one database file that anyone allowed to read it can open read-only, with no side files to
 * create (`writer.lock` next to it is only for writers, see lock.ts).
 * Commands that only read open it read-only.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { migrations } from './migrations.js';
import { makeFolders } from '../folders.js';

export type DB = Database.Database;

/** `--library DIR`, else `ENGRAM_HOME`, else the per-user data directory of the platform. */
export function libraryDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return resolve(explicit);
  if (env.ENGRAM_HOME) return resolve(env.ENGRAM_HOME);
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'engram');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'engram');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'engram');
}

export function databasePath(dir: string): string {
  return join(dir, 'library.db');
}

export interface OpenOptions {
  readonly?: boolean;
}

export function openLibrary(dir: string, opts: OpenOptions = {}): DB {
  try {
    return opts.readonly ? openForReading(dir) : openForWriting(dir);
  } catch (e) {
    throw damaged(e, dir) ?? e;
  }
}

/** SQLite's "file is not a database" says neither which file nor what to do. */
function damaged(e: unknown, dir: string): Error | undefined {
  const code = (e as { code?: string }).code ?? '';
  if (code !== 'SQLITE_NOTADB' && code !== 'SQLITE_CORRUPT') return undefined;
  return new Error(
    `${databasePath(dir)} is ${code === 'SQLITE_NOTADB' ? 'not an SQLite database' : 'damaged'} (${(e as Error).message}): ` +
      'restore it from a backup, or move it away and ingest your files again into a new library',
  );
}

function openForWriting(dir: string): DB {
  makeFolders(dir);
  const db = new Database(databasePath(dir));
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the
  // last commits), which is the failure ingest must survive.
  db.pragma('synchronous = NORMAL');
  settings(db);
  migrate(db);
  return db;
}

function settings(db: DB): void {
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -64000');
}

/**
 * Close a connection; a writer first returns the library to a rollback journal, so it can be
 * read without write access. If another connection (a running web server) still has it open,
 * it stays in WAL mode until the next writer closes.
 */
export function closeLibrary(db: DB): void {
  if (db.open && !db.readonly) {
    try {
      db.pragma('busy_timeout = 0');
      db.pragma('journal_mode = DELETE');
    } catch {
      /* busy: another connection is open; it stays WAL */
    }
  }
  db.close();
}

/** Error codes of a read-only open that would have to create the WAL's shared-memory file. */
const NEEDS_WRITE = new Set(['SQLITE_READONLY_DIRECTORY', 'SQLITE_CANTOPEN', 'SQLITE_READONLY_CANTINIT', 'SQLITE_READONLY_RECOVERY']);

/**
 * Read-only. A library left in WAL mode (its last writer was killed, or a web server had it
 * open) needs a shared-memory file next to it, which a reader without write access to the
 * folder cannot create: then the reader gets an in-memory snapshot of the file instead. A
 * schema older than this engram is upgraded first when the user may write, else explained.
 */
function openForReading(dir: string): DB {
  const path = databasePath(dir);
  let db = new Database(path, { readonly: true, fileMustExist: true });
  let version: number;
  try {
    version = db.pragma('user_version', { simple: true }) as number;
  } catch (e) {
    if (!NEEDS_WRITE.has((e as { code?: string }).code ?? '')) throw e;
    db.close();
    const bytes = readFileSync(path);
    bytes[18] = 1; // file format "legacy": the snapshot has no WAL of its own
    bytes[19] = 1;
    db = new Database(bytes, { readonly: true });
    version = db.pragma('user_version', { simple: true }) as number;
  }
  if (version < migrations.length) {
    db.close();
    upgrade(dir, version);
    return openForReading(dir);
  }
  settings(db);
  return db;
}

function upgrade(dir: string, version: number): void {
  let writer: DB;
  try {
    writer = openLibrary(dir);
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (!code.startsWith('SQLITE_READONLY') && !code.startsWith('SQLITE_CANTOPEN') && code !== 'EACCES') throw e;
    throw new Error(
      `the library at ${dir} was written by an older engram (schema ${version}, this one reads ${migrations.length}) and you may not write to it: ` +
        'its owner can upgrade it by running any engram command on it once',
    );
  }
  closeLibrary(writer);
}

export function migrate(db: DB): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`library schema version ${current} is newer than this engram (${migrations.length}): upgrade engram`);
  }
  for (let v = current; v < migrations.length; v++) {
    const migration = migrations[v]!;
    db.transaction(() => {
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
