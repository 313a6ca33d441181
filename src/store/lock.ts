/**
 * One writer per library. A command that writes (ingest, forget) holds the library's writer
 * lock for its whole run: an exclusive SQLite lock on a small side file, `writer.lock`. The
 * operating system drops it when the process ends, however it ends (kill -9 included), so a
 * lock is never stale. The holder writes its pid and command to `writer.pid`, so a second
 * writer can say whom it waits for. Readers (search, the web server) never take it.
 */
import Database from 'better-sqlite3';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeFolders } from '../folders.js';

export interface WriterLock {
  release(): void;
}

/** Raised when the library is being written and the caller chose not to wait. */
export class LibraryBusy extends Error {
  constructor(readonly holder: string) {
    super(`${holder} is writing to this library`);
    this.name = 'LibraryBusy';
  }
}

export interface LockOptions {
  /** Wait until the other writer is done (default) or throw `LibraryBusy` at once. */
  wait?: boolean;
  /** Called once, when the lock is taken by someone else and this call starts waiting. */
  onWait?: (holder: string) => void;
  /** What this process is doing, for the other side's message (e.g. "ingest"). */
  command?: string;
  pollMs?: number;
}

export async function acquireWriterLock(dir: string, opts: LockOptions = {}): Promise<WriterLock> {
  makeFolders(dir);
  const lock = new Database(join(dir, 'writer.lock'));
  lock.pragma('busy_timeout = 0');
  let waiting = false;
  for (;;) {
    try {
      lock.exec('BEGIN EXCLUSIVE');
      break;
    } catch (e) {
      if ((e as { code?: string }).code !== 'SQLITE_BUSY') {
        lock.close();
        throw e;
      }
      const who = holder(dir);
      if (opts.wait === false) {
        lock.close();
        throw new LibraryBusy(who);
      }
      if (!waiting) opts.onWait?.(who);
      waiting = true;
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 200));
    }
  }
  const note = join(dir, 'writer.pid');
  writeFileSync(note, `${process.pid} ${opts.command ?? 'engram'}\n`);
  return {
    release() {
      if (!lock.open) return;
      rmSync(note, { force: true }); // before unlocking: the next holder writes its own
      lock.exec('ROLLBACK');
      lock.close();
    },
  };
}

/** "another engram ingest (pid 1234)", from the holder's note (or as much as is known). */
function holder(dir: string): string {
  try {
    const [pid, command] = readFileSync(join(dir, 'writer.pid'), 'utf8').trim().split(/\s+/);
    if (pid && /^\d+$/.test(pid)) return `another engram ${command ?? 'process'} (pid ${pid})`;
  } catch {
    /* no note yet: the holder has only just started */
  }
  return 'another engram process';
}
