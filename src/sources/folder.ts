/**
 * The folder source: files and folders named on the command line, walked recursively.
 * Hidden entries (`.git`, `.DS_Store`) and `node_modules` are skipped. Nothing found on the
 * way stops the walk: a name that is not UTF-8, a folder that cannot be listed, an entry
 * that vanished, a broken link or a special file (FIFO, device, socket) is one failure with
 * its reason, and the rest of the tree is walked. Symbolic links are followed once: a link to
 * a folder already walked (a loop) or to a file already found is skipped and said so. Each
 * file is reported with the root it was found under, because origins are shown relative to it.
 */
import { isUtf8 } from 'node:buffer';
import { readdirSync, realpathSync, statSync, lstatSync, type BigIntStats, type Dirent } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

export interface FoundFile {
  absPath: string;
  /** The folder the user named (or the file's folder when a file was named). */
  root: string;
  /** Relative to root, `/`-separated. */
  relPath: string;
  size: number;
  mtimeMs: number;
}

export interface WalkProblem {
  /** Relative to the root it was found under (the path as given for a root itself). */
  path: string;
  reason: string;
}

export interface WalkResult {
  files: FoundFile[];
  /** Entries that could not be walked or are not files engram reads: each one reported failure. */
  failures: WalkProblem[];
  /** Entries left out on purpose (a link to something already found), with why. */
  skipped: WalkProblem[];
}

/** A folder the walk leaves out, and why (the library's own folder inside a folder being ingested). */
export interface Excluded {
  path: string;
  why: string;
}

/** Marks an excluded folder in the walk's map of what it found (no path starts with a NUL). */
const EXCLUDED = '\u0000';

export function walk(paths: string[], exclude: readonly Excluded[] = []): WalkResult {
  const result: WalkResult = { files: [], failures: [], skipped: [] };
  /** Files and folders already found, by device and inode: links and overlapping paths count once. */
  const seen = new Map<string, string>();
  for (const x of exclude) {
    const st = statOf(resolve(x.path), statSync);
    if (st.ok) seen.set(`${st.stats.dev}:${st.stats.ino}`, EXCLUDED + x.why);
  }
  for (const p of paths) {
    const abs = canonicalPath(p);
    const st = statOf(abs, statSync);
    if (!st.ok) {
      // A path given by the user that is not there was mistyped, not removed while reading.
      result.failures.push({ path: p, reason: st.reason === VANISHED ? 'no such file or folder: check the path' : st.reason });
      continue;
    }
    const root = st.stats.isDirectory() ? abs : dirname(abs);
    const walker = new Walker(root, result, seen);
    if (st.stats.isDirectory()) walker.folder(abs, st.stats, p);
    else walker.entry(abs, st.stats, p);
  }
  // Folder order keeps an episode's files together (the pipeline joins them by folder).
  result.files.sort((a, b) => (a.root + '/' + a.relPath < b.root + '/' + b.relPath ? -1 : 1));
  return result;
}

/**
 * A path as the library records it: absolute, with the links in its folders resolved, so the
 * same files reached by another way (`~/media` a link to `/data/media`) are recorded once, not
 * again as new files. A named file keeps its own name (a link to a file is ingested under the
 * name it was given). A path that is not there is only made absolute.
 */
export function canonicalPath(p: string): string {
  const abs = resolve(p);
  try {
    if (statSync(abs).isDirectory()) return realpathSync.native(abs);
  } catch {
    /* not there (or not readable): its folder may still be */
  }
  try {
    return join(realpathSync.native(dirname(abs)), basename(abs));
  } catch {
    return abs;
  }
}

class Walker {
  constructor(
    private readonly root: string,
    private readonly out: WalkResult,
    private readonly seen: Map<string, string>,
  ) {}

  /** Relative to the root, `/`-separated ('' for the root itself). */
  private rel(abs: string): string {
    return relative(this.root, abs).split(sep).join('/');
  }

  private relIn(dir: string, name: string): string {
    const d = this.rel(dir);
    return d ? `${d}/${name}` : name;
  }

  /** A folder and everything under it, depth first without recursion (deep trees are fine). */
  folder(abs: string, stats: BigIntStats, shown: string): void {
    if (this.already(abs, stats, 'folder')) return;
    const stack = [abs];
    while (stack.length) {
      const dir = stack.pop()!;
      let entries: Dirent<Buffer>[];
      try {
        entries = readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
      } catch (e) {
        this.fail(dir === abs ? shown : this.rel(dir), `cannot list folder: ${errorText(e)}`);
        continue;
      }
      for (const ent of entries) {
        if (ent.name[0] === 0x2e /* . */) continue;
        if (!isUtf8(ent.name)) {
          this.fail(this.relIn(dir, escapeBytes(ent.name)), 'name is not valid UTF-8: rename it to include it');
          continue;
        }
        const name = ent.name.toString('utf8');
        if (name === 'node_modules') continue;
        const full = join(dir, name);
        // Links are followed: stat the target. Anything else: the entry itself.
        const st = statOf(full, ent.isSymbolicLink() ? statSync : lstatSync);
        if (!st.ok) {
          this.fail(this.rel(full), ent.isSymbolicLink() ? `broken link: ${st.reason}` : st.reason);
        } else if (st.stats.isDirectory()) {
          if (!this.already(full, st.stats, 'folder')) stack.push(full);
        } else {
          this.entry(full, st.stats, this.rel(full));
        }
      }
    }
  }

  /** One non-folder entry: a regular file is found; anything else is refused by type. */
  entry(abs: string, stats: BigIntStats, shown: string): void {
    const kind = specialKind(stats);
    if (kind) return this.fail(shown, `not a regular file (${kind}): skipped`);
    if (this.already(abs, stats, 'file')) return;
    this.out.files.push({
      absPath: abs, root: this.root, relPath: this.rel(abs),
      size: Number(stats.size), mtimeMs: Number(stats.mtimeMs),
    });
  }

  /** True (and said, unless it is the same path again) when this file or folder was already found. */
  private already(abs: string, stats: BigIntStats, what: 'file' | 'folder'): boolean {
    const id = `${stats.dev}:${stats.ino}`;
    const first = this.seen.get(id);
    if (first === undefined) {
      this.seen.set(id, abs);
      return false;
    }
    if (first.startsWith(EXCLUDED)) this.out.skipped.push({ path: this.rel(abs) || abs, reason: first.slice(1) });
    else if (first !== abs) this.out.skipped.push({ path: this.rel(abs), reason: `same ${what} as ${first} (a link or a path given twice)` });
    return true;
  }

  private fail(path: string, reason: string): void {
    this.out.failures.push({ path, reason });
  }
}

const VANISHED = 'no such file or folder (removed while reading?)';

type StatOutcome = { ok: true; stats: BigIntStats } | { ok: false; reason: string };

function statOf(path: string, how: typeof statSync | typeof lstatSync): StatOutcome {
  try {
    return { ok: true, stats: how(path, { bigint: true }) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, reason: VANISHED };
    if (code === 'ELOOP') return { ok: false, reason: 'symbolic link loop' };
    return { ok: false, reason: errorText(e) };
  }
}

function specialKind(s: BigIntStats): string | undefined {
  if (s.isFile()) return undefined;
  if (s.isFIFO()) return 'FIFO';
  if (s.isCharacterDevice()) return 'character device';
  if (s.isBlockDevice()) return 'block device';
  if (s.isSocket()) return 'socket';
  return 'special file';
}

function errorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'EACCES' || err.code === 'EPERM') return 'permission denied';
  return err.code ? `${err.code}: ${err.message}` : String(e);
}

/** A name that is not UTF-8, shown with its non-ASCII bytes as `\xNN`. */
function escapeBytes(name: Buffer): string {
  let s = '';
  for (const b of name) s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return s;
}

/** Whether a recorded path is gone from disk (missing, not merely unreadable). */
export function isGone(absPath: string): boolean {
  try {
    return lstatSync(absPath, { throwIfNoEntry: false }) === undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOTDIR';
  }
}

/** The source a document belongs to when its file does not name one: the first folder under the root. */
export function folderSource(file: FoundFile): string {
  const parts = file.relPath.split('/');
  return parts.length > 1 ? parts[0]! : basename(file.root);
}
