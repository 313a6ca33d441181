import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cachedTable, cacheDir, type StoredTable } from '../../src/terms/table-cache.js';
import { englishRank, hanFrequency } from '../../src/terms/words.js';

/** A small table: a text with an odd number of code units (so the arrays after it need padding), and one array of each kind. */
const sample = (): StoredTable => ({
  text: '面壁智能 12\nDeepSeek 3\n𠀀',
  arrays: [Int32Array.of(1, -2, 3), Uint8Array.of(7, 8, 9, 10, 11), Float64Array.of(0.5, 2 ** 40)],
  numbers: [42, 7],
});

describe('cachedTable', () => {
  let dir: string;
  const before = process.env.ENGRAM_CACHE_DIR;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'engram-cache-'));
    process.env.ENGRAM_CACHE_DIR = dir;
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (before === undefined) delete process.env.ENGRAM_CACHE_DIR;
    else process.env.ENGRAM_CACHE_DIR = before;
  });

  const counting = () => {
    let builds = 0;
    return {
      get builds() {
        return builds;
      },
      table: {
        build: () => {
          builds++;
          return sample();
        },
        store: (t: StoredTable) => t,
        load: (s: StoredTable) => s,
      },
    };
  };

  it('builds a table once, then reads it back as it was', () => {
    const c = counting();
    const first = cachedTable('sample', ['list v1'], c.table);
    const again = cachedTable('sample', ['list v1'], c.table);
    expect(c.builds).toBe(1);
    expect(again).toEqual(first);
    expect(again.arrays.map((a) => a.constructor.name)).toEqual(['Int32Array', 'Uint8Array', 'Float64Array']);
    expect(cacheDir()).toBe(dir);
  });

  it('builds again when what the table is made from changes, and keeps only the newest file', () => {
    const c = counting();
    cachedTable('sample', ['list v1'], c.table);
    cachedTable('sample', ['list v2'], c.table);
    expect(c.builds).toBe(2);
    expect(readdirSync(dir).filter((f) => f.startsWith('sample-'))).toHaveLength(1);
    cachedTable('sample', ['list v2'], c.table);
    expect(c.builds).toBe(2);
  });

  it('builds again over a file cut short, garbled, or that the loader refuses', () => {
    const c = counting();
    cachedTable('sample', ['v'], c.table);
    const [file] = readdirSync(dir).map((f) => join(dir, f));
    const whole = readFileSync(file!);
    writeFileSync(file!, whole.subarray(0, whole.length - 5));
    expect(cachedTable('sample', ['v'], c.table)).toEqual(sample());
    writeFileSync(file!, Buffer.from('not a table at all'));
    expect(cachedTable('sample', ['v'], c.table)).toEqual(sample());
    expect(c.builds).toBe(3);
    let refused = 0;
    const picky = { ...c.table, load: (): StoredTable => { refused++; throw new Error('not mine'); } };
    expect(cachedTable('sample', ['v'], picky)).toEqual(sample());
    expect([refused, c.builds]).toEqual([1, 4]);
  });

  it('still gives the table where the cache cannot be written', () => {
    // A folder under a file: no one can make it, root included.
    writeFileSync(join(dir, 'file'), '');
    process.env.ENGRAM_CACHE_DIR = join(dir, 'file', 'cache');
    const c = counting();
    expect(cachedTable('sample', ['v'], c.table)).toEqual(sample());
    expect(cachedTable('sample', ['v'], c.table)).toEqual(sample());
    expect(c.builds).toBe(2);
    expect(readdirSync(dir)).toEqual(['file']);
  });

  it('gives the word lists the same answers built or read back', async () => {
    const words = ['面壁', '模型', '基座', '你好', 'x'];
    const english = ['the', 'a', 'Cloud', 'Claude', 'deepseek'];
    const built = [words.map(hanFrequency), english.map(englishRank)];
    expect(readdirSync(dir).sort().map((f) => f.replace(/-[0-9a-f]+\.bin$/, ''))).toEqual(['english-ranks', 'han-words']);
    const files = () => readdirSync(dir).map((f) => `${f} ${statSync(join(dir, f)).ino}`).sort();
    const written = files();
    // A fresh instance of the module (a module keeps its tables once loaded) reads them back, and writes nothing.
    vi.resetModules();
    const again = await import('../../src/terms/words.js');
    expect([words.map(again.hanFrequency), english.map(again.englishRank)]).toEqual(built);
    expect(files()).toEqual(written);
  });
});
