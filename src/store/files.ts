/**
 * The files a library knows, by where they were: finding the ones that are gone (deleted or
 * moved away) and forgetting what they contributed.
 */
import { isAbsolute, resolve, sep } from 'node:path';
import { stmt } from './statements.js';
import type { DB } from './db.js';
import { forgetFile } from './write.js';
import { canonicalPath, isGone } from '../sources/folder.js';

export interface KnownFile {
  id: number;
  absPath: string;
  relPath: string;
}

/** Files recorded at `absPath` or anywhere under it. */
export function filesUnder(db: DB, absPath: string): KnownFile[] {
  const folder = absPath.endsWith(sep) ? absPath : absPath + sep;
  return stmt(db,
      `SELECT id, abs_path AS absPath, rel_path AS relPath FROM files
        WHERE abs_path = ? OR (abs_path >= ? AND abs_path < ?) ORDER BY abs_path`,
    )
    .all(absPath, folder, folder.slice(0, -1) + String.fromCharCode(sep.charCodeAt(0) + 1)) as KnownFile[];
}

/**
 * Files recorded under a path the user gave: where it leads (`canonicalPath`, how files are
 * recorded now) and as it is written (how a library recorded them before links were resolved).
 */
export function filesAt(db: DB, path: string): KnownFile[] {
  const [written, canonical] = [resolve(path), canonicalPath(path)];
  const files = filesUnder(db, canonical);
  if (written === canonical) return files;
  const ids = new Set(files.map((f) => f.id));
  return [...files, ...filesUnder(db, written).filter((f) => !ids.has(f.id))];
}

/** Every file recorded, for `forget --missing` without a path. */
export function allFiles(db: DB): KnownFile[] {
  return stmt(db, 'SELECT id, abs_path AS absPath, rel_path AS relPath FROM files ORDER BY abs_path').all() as KnownFile[];
}

/**
 * The files that are gone from disk (missing, not merely unreadable). Rows that are not paths
 * (the reserved row generated renditions hang on, store/generated.ts) are never gone.
 */
export function goneFiles(files: KnownFile[]): KnownFile[] {
  return files.filter((f) => isAbsolute(f.absPath) && isGone(f.absPath));
}

/**
 * Ingested files with this content whose path is gone: the file was moved (or renamed) to
 * `absPath`. Only for content read fine before.
 */
export function movedFrom(db: DB, contentHash: string, absPath: string): KnownFile[] {
  const same = stmt(db, "SELECT id, abs_path AS absPath, rel_path AS relPath FROM files WHERE content_hash = ? AND status = 'ok' AND abs_path <> ?")
    .all(contentHash, absPath) as KnownFile[];
  return goneFiles(same);
}

export interface Forgotten {
  /** Absolute paths of the files forgotten. */
  files: string[];
  /** Documents removed because nothing else described them. */
  documentsRemoved: number;
  /** Documents that lost a rendition or an origin but remain. */
  documentsUpdated: number;
}

/** Forget files (each in its own transaction unless the caller has one open). The caller prunes sources left empty, once. */
export function forgetFiles(db: DB, files: KnownFile[]): Forgotten {
  const removed = new Set<number>();
  const touched = new Set<number>();
  for (const f of files) {
    const r = forgetFile(db, f.id);
    r.touched.forEach((d) => touched.add(d));
    r.removed.forEach((d) => removed.add(d));
  }
  return { files: files.map((f) => f.absPath), documentsRemoved: removed.size, documentsUpdated: [...touched].filter((d) => !removed.has(d)).length };
}
