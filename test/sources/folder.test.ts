import { describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { walk } from '../../src/sources/folder.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { tempDir, tempLibrary } from '../helpers.js';

// Permission errors cannot be produced for real when the tests run as root (CI containers do),
// and a file vanishing between listing and stat is a race: both are injected at the fs calls.
const injected = vi.hoisted(() => ({ readdir: new Map<string, string>(), lstat: new Map<string, string>() }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fail = (table: Map<string, string>, path: unknown) => {
    const code = table.get(String(path));
    if (code) throw Object.assign(new Error(`${code}: injected, '${String(path)}'`), { code });
  };
  return {
    ...fs,
    readdirSync: ((p: string, o: never) => (fail(injected.readdir, p), fs.readdirSync(p, o))) as typeof fs.readdirSync,
    lstatSync: ((p: string, o: never) => (fail(injected.lstat, p), fs.lstatSync(p, o))) as typeof fs.lstatSync,
  };
});

const note = (title: string) => `# ${title}\n\n关于${title}的一段笔记。\n`;

describe('walking a folder', () => {
  it('reports each bad entry once and walks the rest: bad name, unlistable folder, vanished file, FIFO', () => {
    const root = tempDir();
    mkdirSync(join(root, 'ok'));
    writeFileSync(join(root, 'ok', 'a.md'), note('甲'));
    writeFileSync(Buffer.from(join(root, 'ok', 'caf\xe9.md'), 'latin1'), note('乙'));
    mkdirSync(join(root, 'locked'));
    writeFileSync(join(root, 'locked', 'hidden.md'), note('丙'));
    writeFileSync(join(root, 'ok', 'gone.md'), note('丁'));
    execFileSync('mkfifo', [join(root, 'ok', 'pipe.md')]);
    injected.readdir.set(join(root, 'locked'), 'EACCES');
    injected.lstat.set(join(root, 'ok', 'gone.md'), 'ENOENT');
    try {
      const r = walk([root]);
      expect(r.files.map((f) => f.relPath)).toEqual(['ok/a.md']);
      expect([...r.failures].sort((a, b) => a.path.localeCompare(b.path))).toEqual([
        { path: 'locked', reason: 'cannot list folder: permission denied' },
        { path: 'ok/caf\\xE9.md', reason: expect.stringMatching(/not valid UTF-8/) },
        { path: 'ok/gone.md', reason: expect.stringMatching(/no such file/) },
        { path: 'ok/pipe.md', reason: 'not a regular file (FIFO): skipped' },
      ]);
    } finally {
      injected.readdir.clear();
      injected.lstat.clear();
    }
  });

  it('says a path given that does not exist was not found, not that it vanished', () => {
    const dir = tempDir();
    const r = walk([join(dir, 'no-such-folder')]);
    expect(r.failures).toEqual([{ path: join(dir, 'no-such-folder'), reason: 'no such file or folder: check the path' }]);
  });

  it('refuses special files given as arguments by type, without opening them', () => {
    const dir = tempDir();
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const r = walk(['/dev/zero', fifo]);
    expect(r.files).toEqual([]);
    expect(r.failures).toEqual([
      { path: '/dev/zero', reason: 'not a regular file (character device): skipped' },
      { path: fifo, reason: 'not a regular file (FIFO): skipped' },
    ]);
  });

  it('follows symbolic links once: loops and second paths to a file are skipped and said so', () => {
    const root = tempDir();
    const outside = tempDir();
    mkdirSync(join(root, 'notes'));
    writeFileSync(join(root, 'notes', 'a.md'), note('甲'));
    writeFileSync(join(outside, 'b.md'), note('乙'));
    symlinkSync(join(outside, 'b.md'), join(root, 'notes', 'linked.md')); // followed
    symlinkSync(join(root, 'notes', 'a.md'), join(root, 'notes', 'again.md')); // same file as a.md
    symlinkSync(root, join(root, 'notes', 'loop')); // back to the root
    symlinkSync(join(root, 'nowhere.md'), join(root, 'dangling.md'));
    const r = walk([root]);
    expect(r.files.map((f) => f.relPath).sort()).toEqual(['notes/a.md', 'notes/linked.md']);
    expect(r.skipped.map((s) => s.path).sort()).toEqual(['notes/again.md', 'notes/loop']);
    expect(r.skipped.find((s) => s.path === 'notes/loop')?.reason).toMatch(/same folder as/);
    expect(r.failures).toEqual([{ path: 'dangling.md', reason: expect.stringMatching(/^broken link: no such file/) }]);
  });
});

describe('a folder reached through a link', () => {
  it('is recorded where it is: ingesting it by the other way finds the same files unchanged, and forget takes either way', async () => {
    const base = tempDir();
    const real = join(base, 'real');
    mkdirSync(join(real, 'show'), { recursive: true });
    writeFileSync(join(real, 'show', 'a.md'), note('甲'));
    symlinkSync(real, join(base, 'link'));
    symlinkSync(join(real, 'show', 'a.md'), join(base, 'named.md'));
    expect(walk([join(base, 'link')]).files.map((f) => [f.absPath, f.root])).toEqual([[join(real, 'show', 'a.md'), real]]);
    // A file named by a link keeps the name it was given.
    expect(walk([join(base, 'named.md')]).files.map((f) => f.relPath)).toEqual(['named.md']);
    const { db } = tempLibrary();
    expect((await ingest(db, [real])).documents.added).toBe(1);
    const again = await ingest(db, [join(base, 'link')]);
    expect(again.documents).toMatchObject({ added: 0, unchanged: 1 });
    expect(again.shared).toBe(0);
    expect(db.prepare('SELECT abs_path FROM files').pluck().all()).toEqual([join(real, 'show', 'a.md')]);
    const { filesAt } = await import('../../src/store/files.js');
    expect(filesAt(db, join(base, 'link')).map((f) => f.absPath)).toEqual([join(real, 'show', 'a.md')]);
  });
});

describe('ingest with bad entries', () => {
  it('ingests the rest and reports each one', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'a.md'), note('甲'));
    writeFileSync(Buffer.from(join(root, 'caf\xe9.md'), 'latin1'), note('乙'));
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'sub', 'b.md'), note('丙'));
    injected.readdir.set(join(root, 'sub'), 'EACCES');
    const { db } = tempLibrary();
    try {
      const r = await ingest(db, [root]);
      expect(r.documents.added).toBe(1);
      expect(r.failures.map((f) => f.file).sort()).toEqual(['caf\\xE9.md', 'sub']);
    } finally {
      injected.readdir.clear();
    }
  });
});
