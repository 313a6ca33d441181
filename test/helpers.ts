/** Shared test helpers: temporary libraries and copies of the fixture tree. */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openLibrary, type DB } from '../src/store/db.js';
import type { SourceFile } from '../src/model.js';

export const FIXTURES = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'fixtures');

/** A temp folder removed after the test file. */
export function tempDir(prefix = 'engram-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh library in a temp folder. */
export function tempLibrary(): { db: DB; dir: string } {
  const dir = tempDir('engram-lib-');
  const db = openLibrary(dir);
  afterAll(() => db.close());
  return { db, dir };
}

/** Copy a fixture folder somewhere writable (tests that edit files). */
export function copyFixture(name: string): string {
  const dir = tempDir('engram-fx-');
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** Reads fixture files of one folder under test/fixtures. */
export function fixtureReader(folder: string): (name: string) => string {
  return (name) => readFileSync(join(FIXTURES, folder, name), 'utf8');
}

/** A file as parsers see it, with a default path for tests that do not care. */
export function sourceFileAt(defaultPath: string): (text: string, relPath?: string) => SourceFile {
  return (text, relPath = defaultPath) => ({ relPath, absPath: `/x/${relPath}`, text });
}
