/**
 * The folder source: files and folders named on the command line, walked recursively.
 * Hidden entries (`.git`, `.DS_Store`) and `node_modules` are skipped; symlinked folders are
 * not followed (no cycles). Each file is reported with the root it was found under, because
 * origins are shown relative to that root.
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';
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

export interface WalkResult {
  files: FoundFile[];
  /** Paths that do not exist or cannot be read, with the reason. */
  missing: { path: string; reason: string }[];
}

export function walk(paths: string[]): WalkResult {
  const files: FoundFile[] = [];
  const missing: WalkResult['missing'] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    const abs = resolve(p);
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      missing.push({ path: p, reason: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : String(e) });
      continue;
    }
    const root = st.isDirectory() ? abs : dirname(abs);
    const add = (file: string, size: number, mtimeMs: number) => {
      if (seen.has(file)) return;
      seen.add(file);
      files.push({ absPath: file, root, relPath: relative(root, file).split(sep).join('/'), size, mtimeMs });
    };
    if (!st.isDirectory()) {
      add(abs, st.size, st.mtimeMs);
      continue;
    }
    const stack = [abs];
    while (stack.length) {
      const dir = stack.pop()!;
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (e) {
        missing.push({ path: dir, reason: `cannot read folder: ${(e as Error).message}` });
        continue;
      }
      for (const ent of entries) {
        if (ent.name.startsWith('.') || ent.name === 'node_modules') continue;
        const full = join(dir, ent.name);
        if (ent.isDirectory()) stack.push(full);
        else if (ent.isFile()) {
          const s = lstatSync(full);
          add(full, s.size, s.mtimeMs);
        }
      }
    }
  }
  // Folder order keeps an episode's files together (the pipeline joins them by folder).
  files.sort((a, b) => (a.root + '/' + a.relPath < b.root + '/' + b.relPath ? -1 : 1));
  return { files, missing };
}

/** The source a document belongs to when its file does not name one: the first folder under the root. */
export function folderSource(file: FoundFile): string {
  const parts = file.relPath.split('/');
  return parts.length > 1 ? parts[0]! : basename(file.root);
}
