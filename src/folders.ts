import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p`. Node's own (`mkdirSync(dir, { recursive: true })`) loops forever where a file
 * system answers ENOENT for a folder whose parent exists (anywhere under /proc): a mistyped
 * `--library` or export folder there hung engram. Each missing folder is made in turn
 * instead, so such a file system's error comes back as it is (and is said as a sentence, cli/main.ts).
 */
export function makeFolders(dir: string): void {
  const target = resolve(dir);
  // A file where the folder goes: mkdir's own error (EEXIST), as the recursive one gave.
  if (existsSync(target) && !statSync(target).isDirectory()) mkdirSync(target);
  const missing: string[] = [];
  for (let d = target; !existsSync(d); ) {
    missing.push(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      // Made meanwhile by another process (two ingests starting at once): what was wanted.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
