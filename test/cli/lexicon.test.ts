import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, tempDir } from '../helpers.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'engram.js');

function engram(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ENGRAM_HOME: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('engram lexicon', () => {
  const lib = tempDir();
  engram('ingest', join(FIXTURES, 'names'), '--library', lib, '--json');
  const titles = (q: string) => (JSON.parse(engram('search', q, '--library', lib, '--json').out) as { document: { title: string } }[]).map((h) => h.document.title);

  it('adds an entry, and queries expand through it at once', () => {
    expect(titles('冰川机器人')).toEqual(['灵巧手新品速递']);
    const r = engram('lexicon', 'add', 'Glacier Robotics', '--alias', '冰川机器人', '--type', 'organization', '--library', lib);
    expect(r).toMatchObject({ code: 0, out: 'added organization glacier-robotics: Glacier Robotics, 冰川机器人\n' });
    expect(titles('冰川机器人')).toEqual(expect.arrayContaining(['灵巧手新品速递', 'Notes on cross-embodiment robotics']));
    expect(readFileSync(join(lib, 'lexicon.txt'), 'utf8')).toMatch(/\[organization\]\nglacier-robotics: Glacier Robotics, ~冰川机器人\n/);
  });

  it('extends a shipped entry that already has one of the names, and lists what the library added', () => {
    const r = engram('lexicon', 'add', 'NVIDIA', '--alias', '绿厂', '--library', lib);
    expect(r.out).toBe('extended organization nvidia: 绿厂\n');
    expect(engram('lexicon', 'add', '輝達', '--library', lib).out).toBe('nvidia: nothing to add, it already has these names\n');
    const mine = JSON.parse(engram('lexicon', 'list', '--mine', '--json', '--library', lib).out) as { id: string; library: string[]; tw: string[] }[];
    expect(mine.map((e) => e.id).sort()).toEqual(['glacier-robotics', 'nvidia']);
    expect(mine.find((e) => e.id === 'nvidia')).toMatchObject({ library: ['绿厂'], tw: ['輝達'] });
    expect(engram('lexicon', 'list', '輝達', '--library', lib).out).toMatch(/^nvidia\s+organization\s+NVIDIA, 英伟达, 輝達/m);
  });

  it('shows what a query expands to', () => {
    const r = engram('lexicon', 'expand', 'Glacier Robotics export controls', '--json', '--library', lib);
    expect(JSON.parse(r.out)).toEqual([
      { text: 'Glacier Robotics', alternatives: ['冰川机器人'], entries: ['glacier-robotics'] },
      { text: 'export controls', alternatives: expect.arrayContaining(['出口管制']), entries: ['export-controls'] },
    ]);
  });

  it('removes the library names, never shipped entries', () => {
    expect(engram('lexicon', 'remove', 'nvidia', '--alias', '绿厂', '--library', lib).out).toBe('removed from nvidia: 绿厂\n');
    const shipped = engram('lexicon', 'remove', 'nvidia', '--library', lib);
    expect(shipped.code).toBe(2);
    expect(shipped.err).toMatch(/shipped entry \(nvidia\): it cannot be removed/);
    expect(engram('lexicon', 'remove', '冰川机器人', '--library', lib).code).toBe(0);
    expect(titles('冰川机器人')).toEqual(['灵巧手新品速递']);
  });

  it('refuses names the format cannot hold, with exit code 2', () => {
    const r = engram('lexicon', 'add', 'a, b', '--library', lib);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot be a name/);
    expect(engram('lexicon', 'add', 'x', '--type', 'place', '--library', lib).code).toBe(2);
  });
});
