/**
 * Writing an export folder without ever losing a user's notes. A manifest
 * (`.engram-export.json`) records the hash of every page engram wrote. On the next export:
 * - a page that is new is written; one whose content changed is rewritten only if the file
 *   is still exactly what engram wrote (a page the user edited is kept, and reported);
 * - a file engram did not write (the user's own page, even under a name engram would use)
 *   is never touched;
 * - a page engram wrote that is no longer exported is removed, again only if unedited.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { Page } from './pages.js';
import { makeFolders } from '../folders.js';

export const MANIFEST = '.engram-export.json';

export interface ExportReport {
  written: number;
  unchanged: number;
  removed: number;
  /** Pages engram wrote before that the user has since edited: left as they are. */
  keptEdited: string[];
  /** Files engram did not write, where it would have written a page: left as they are. */
  notOurs: string[];
  /** Pages that could not be written (the file system refused them), and why: the others are written. */
  failed: { file: string; reason: string }[];
}

interface Manifest { format: string; files: Record<string, string> }

const hash = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

export function writeExport(dir: string, format: string, pages: Page[]): ExportReport {
  makeFolders(dir);
  const manifestPath = join(dir, MANIFEST);
  const old: Manifest = existsSync(manifestPath) ? readManifest(dir, manifestPath) : { format, files: {} };
  const files: Record<string, string> = {};
  const report: ExportReport = { written: 0, unchanged: 0, removed: 0, keptEdited: [], notOurs: [], failed: [] };
  /** The hash of what is at `rel`, or undefined; something that is not a file (a folder) hashes to no page's. */
  const onDisk = (rel: string) => {
    const path = join(dir, rel);
    if (!existsSync(path)) return undefined;
    return statSync(path).isFile() ? hash(readFileSync(path)) : 'not a file';
  };

  /** Write one page; a page the file system refuses is reported and the export goes on. */
  const put = (page: Page, now: string) => {
    try {
      write(join(dir, page.file), page.content);
      report.written++;
      files[page.file] = now;
    } catch (e) {
      report.failed.push({ file: page.file, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
      // What engram wrote there before stays its own (and is not removed below as no longer exported).
      const ours = old.files[page.file];
      if (ours !== undefined) files[page.file] = ours;
    }
  };
  for (const page of pages) {
    const now = hash(page.content);
    const disk = onDisk(page.file);
    const ours = old.files[page.file];
    if (disk === undefined) {
      put(page, now);
    } else if (ours === undefined) {
      report.notOurs.push(page.file);
    } else if (disk !== ours) {
      report.keptEdited.push(page.file);
      files[page.file] = ours; // still ours to update once the user's edits are undone
    } else if (disk === now) {
      report.unchanged++;
      files[page.file] = now;
    } else {
      put(page, now);
    }
  }
  for (const [rel, h] of Object.entries(old.files)) {
    if (rel in files || report.notOurs.includes(rel)) continue;
    const disk = onDisk(rel);
    if (disk === h) {
      rmSync(join(dir, rel));
      report.removed++;
    } else if (disk !== undefined) {
      report.keptEdited.push(rel);
    }
  }
  write(manifestPath, JSON.stringify({ format, files }, null, 1) + '\n');
  return report;
}

/**
 * What engram wrote in `dir` before. The manifest decides which files an export may replace
 * or remove, so a path in it that leads out of the folder (`../notes.md`, `/etc/x`), which
 * engram never writes, is dropped: an edited or planted manifest cannot make an export delete
 * files elsewhere. A manifest that is not engram's shape stops the export, saying so.
 */
function readManifest(dir: string, path: string): Manifest {
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path} is damaged (${(e as Error).message}): move it away and export again (the pages engram wrote before then count as yours, and are left alone)`);
  }
  const files = (m as Manifest | null)?.files;
  if (typeof m !== 'object' || m === null || typeof files !== 'object' || files === null || Array.isArray(files)) {
    throw new Error(`${path} is not an engram export record: move it away and export again (the pages engram wrote before then count as yours, and are left alone)`);
  }
  const root = resolve(dir);
  const inside = (rel: string) => !isAbsolute(rel) && !rel.split(/[\\/]/).includes('..') && !rel.includes('\0') && resolve(root, rel).startsWith(root + sep);
  return { format: String((m as Manifest).format ?? ''), files: Object.fromEntries(Object.entries(files).filter(([rel, h]) => typeof h === 'string' && inside(rel))) };
}

/** Write through a temporary file, so a crash never leaves half a page. */
function write(path: string, content: string): void {
  makeFolders(dirname(path));
  const tmp = `${path}.engram-tmp`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}
