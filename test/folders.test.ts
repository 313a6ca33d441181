import { describe, expect, it } from 'vitest';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeFolders } from '../src/folders.js';
import { tempDir } from './helpers.js';

describe('makeFolders', () => {
  it('makes every missing folder, and is content with one that is there', () => {
    const base = tempDir();
    makeFolders(join(base, 'a', 'b', 'c'));
    expect(statSync(join(base, 'a', 'b', 'c')).isDirectory()).toBe(true);
    makeFolders(join(base, 'a', 'b'));
  });

  it('fails with the file system’s own error: a file on the way, a file system that takes no folders', () => {
    const base = tempDir();
    writeFileSync(join(base, 'file'), 'x');
    expect(() => makeFolders(join(base, 'file', 'sub'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    expect(() => makeFolders(join(base, 'file'))).toThrow(expect.objectContaining({ code: 'EEXIST', syscall: 'mkdir' }));
    if (existsSync('/proc/self')) expect(() => makeFolders(`/proc/engram-${process.pid}/x`)).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'mkdir' }));
  });
});
