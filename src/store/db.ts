/**
 * Opening a library: one SQLite file in the library directory, WAL for concurrent readers
 * (the web server reads while an ingest writes), foreign keys on, migrations applied.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { migrations } from './migrations.js';

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
  if (!opts.readonly) mkdirSync(dir, { recursive: true });
  const db = new Database(databasePath(dir), { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the
    // last commits), which is the failure ingest must survive.
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -64000');
  if (!opts.readonly) migrate(db);
  return db;
}

export function migrate(db: DB): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`library schema version ${current} is newer than this engram (${migrations.length}): upgrade engram`);
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
