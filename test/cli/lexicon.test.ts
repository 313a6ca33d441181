import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { FIXTURES, tempDir } from '../helpers.js';

/** Runs the CLI in this process (as bin/engram.js does) and collects what it prints. */
async function engram(...args: string[]) {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) => Object.assign(new PassThrough(), { isTTY: false }).on('data', (c: Buffer) => add(c.toString()));
  const io = { out: sink((s) => (out += s)), err: sink((s) => (err += s)), stdin: new PassThrough(), env: { ...process.env, ENGRAM_HOME: '' } };
  const code = await main(args, io);
  await new Promise((r) => setImmediate(r));
  return { code, out, err };
}

describe('engram lexicon', () => {
  const lib = tempDir();
  beforeAll(() => engram('ingest', join(FIXTURES, 'names'), '--library', lib, '--json'));
  type Hit = { document: { title: string }; passage: { text: string } | null; highlights: [number, number][] };
  const hits = async (q: string) => JSON.parse((await engram('search', q, '--library', lib, '--json')).out) as Hit[];
  // Search lists partial matches after full ones (冰川机器人 → a note on robotics): what tells
  // whether the alias reached the English note is that it matched "Glacier" there.
  const throughGlacier = async (q: string) =>
    (await hits(q)).filter((h) => h.highlights.some(([a, b]) => /glacier/i.test(h.passage?.text.slice(a, b) ?? ''))).map((h) => h.document.title);

  it('adds an entry, and queries expand through it at once', async () => {
    expect((await hits('冰川机器人'))[0]!.document.title).toBe('灵巧手新品速递');
    expect(await throughGlacier('冰川机器人')).toEqual([]);
    const r = await engram('lexicon', 'add', 'Glacier Robotics', '--alias', '冰川机器人', '--type', 'organization', '--library', lib);
    expect(r).toMatchObject({ code: 0, out: 'added organization glacier-robotics: Glacier Robotics, 冰川机器人\n' });
    expect((await hits('冰川机器人')).map((h) => h.document.title)).toEqual(expect.arrayContaining(['灵巧手新品速递', 'Notes on cross-embodiment robotics']));
    expect(await throughGlacier('冰川机器人')).toEqual(['Notes on cross-embodiment robotics']);
    expect(readFileSync(join(lib, 'lexicon.txt'), 'utf8')).toMatch(/\[organization\]\nglacier-robotics: Glacier Robotics, ~冰川机器人\n/);
  });

  it('extends a shipped entry that already has one of the names, and lists what the library added', async () => {
    const r = await engram('lexicon', 'add', 'NVIDIA', '--alias', '绿厂', '--library', lib);
    expect(r.out).toBe('extended organization nvidia: 绿厂\n');
    expect((await engram('lexicon', 'add', '輝達', '--library', lib)).out).toBe('nvidia: nothing to add, it already has these names\n');
    const mine = JSON.parse((await engram('lexicon', 'list', '--mine', '--json', '--library', lib)).out) as { id: string; library: string[]; tw: string[] }[];
    expect(mine.map((e) => e.id).sort()).toEqual(['glacier-robotics', 'nvidia']);
    expect(mine.find((e) => e.id === 'nvidia')).toMatchObject({ library: ['绿厂'], tw: ['輝達'] });
    expect((await engram('lexicon', 'list', '輝達', '--library', lib)).out).toMatch(/^nvidia\s+organization\s+NVIDIA, 英伟达, 輝達/m);
  });

  it('shows what a query expands to', async () => {
    const r = await engram('lexicon', 'expand', 'Glacier Robotics export controls', '--json', '--library', lib);
    expect(JSON.parse(r.out)).toEqual([
      { text: 'Glacier Robotics', alternatives: ['冰川机器人'], entries: ['glacier-robotics'] },
      { text: 'export controls', alternatives: expect.arrayContaining(['出口管制']), entries: ['export-controls'] },
    ]);
  });

  it('removes the library names, never shipped entries', async () => {
    expect((await engram('lexicon', 'remove', 'nvidia', '--alias', '绿厂', '--library', lib)).out).toBe('removed from nvidia: 绿厂\n');
    const shipped = await engram('lexicon', 'remove', 'nvidia', '--library', lib);
    expect(shipped.code).toBe(2);
    expect(shipped.err).toMatch(/shipped entry \(nvidia\): it cannot be removed/);
    expect((await engram('lexicon', 'remove', '冰川机器人', '--library', lib)).code).toBe(0);
    expect(await throughGlacier('冰川机器人')).toEqual([]);
  });

  it('refuses names the format cannot hold, with exit code 2', async () => {
    const r = await engram('lexicon', 'add', 'a, b', '--library', lib);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot be a name/);
    expect((await engram('lexicon', 'add', 'x', '--type', 'place', '--library', lib)).code).toBe(2);
  });

  it('adds entries of one type under one header, and leaves the file as it was when a line would not read back', async () => {
    const own = tempDir();
    const typo = join(own, 'no-such-library');
    const refused = await engram('lexicon', 'add', 'Foo Robotics', '--library', typo);
    expect([refused.code, refused.err]).toEqual([2, expect.stringContaining(`no library at ${typo}`)]);
    expect(existsSync(typo)).toBe(false);
    await engram('ingest', join(FIXTURES, 'names'), '--library', own, '--json');
    await engram('lexicon', 'add', 'Foo Robotics', '--type', 'organization', '--library', own);
    await engram('lexicon', 'add', 'Bar Robotics', '--type', 'organization', '--library', own);
    const file = join(own, 'lexicon.txt');
    const text = readFileSync(file, 'utf8');
    expect(text.match(/\[organization\]/g)).toHaveLength(1);
    expect(text).toMatch(/\[organization\]\nfoo-robotics: Foo Robotics\nbar-robotics: Bar Robotics\n$/);
    const r = await engram('lexicon', 'add', 'tw:Thing', '--library', own);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/not saved, .*lexicon\.txt is left as it was/);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
