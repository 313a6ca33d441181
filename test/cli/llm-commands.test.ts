/**
 * `engram summarize` and `engram quotes` through the CLI entry point, in-process (the fake
 * chat server shares this event loop).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PassThrough, Writable } from 'node:stream';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { FIXTURES, tempDir } from '../helpers.js';
import { startFakeChat } from '../support/fake-chat.js';

async function engram(args: string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void) => new Writable({ write(c, _e, cb) { f(String(c)); cb(); } });
  const code = await main(args, { out: sink((s) => (out += s)), err: sink((s) => (err += s)), stdin: new PassThrough(), env: { ...env, ENGRAM_HOME: '' } });
  return { code, out, err };
}

describe('engram quotes and summarize', () => {
  const lib = tempDir();
  beforeAll(async () => {
    expect((await engram(['ingest', join(FIXTURES, 'llm'), '--library', lib, '--json'])).code).toBe(0);
  });

  it('quotes --json gives the documented shape; exit 1 when some quotes are not verified', async () => {
    const r = await engram(['quotes', 'Qb7_Xy2LmN4', '--library', lib, '--json']);
    expect(r.code).toBe(1);
    const quotes = JSON.parse(r.out) as Record<string, unknown>[];
    expect(quotes.length).toBe(6);
    for (const q of quotes) {
      expect(Object.keys(q)).toEqual(expect.arrayContaining(['quote', 'speaker', 'claimed_start', 'verified', 'start', 'passage']));
    }
    const car = quotes.find((q) => String(q.quote).startsWith('If a car maker'))!;
    expect(car).toMatchObject({ speaker: 'Tomas Reyes', claimed_start: 3778, verified: true, status: 'verbatim' });
    expect(car.start as number).toBeGreaterThanOrEqual(170);
    expect(car.start as number).toBeLessThan(190);
    expect(car.passage).toMatch(/^For us the bottleneck is the supply of good cells/);
    const invented = quotes.find((q) => String(q.quote).startsWith('Cell supply'))!;
    expect(invented).toMatchObject({ verified: false, start: null, passage: null, status: 'not-found' });
  });

  it('quotes prints one line per quote with its mark, real time and claimed time', async () => {
    const r = await engram(['quotes', 'Qb7_Xy2LmN4', '--library', lib]);
    expect(r.out).toMatch(/6 quotes — 5 verbatim, 0 approximate, 0 translations, 1 not found/);
    expect(r.out).toMatch(/✓ 2:5\d \[1:02:58\] Tomas Reyes: “If a car maker orders more, we wait\.”/);
    expect(r.out).toMatch(/✗ --:--:-- \[3:00\] “Cell supply/);
  });

  it('summarize needs a selection and a known language', async () => {
    expect((await engram(['summarize', '--library', lib])).code).toBe(2);
    expect((await engram(['summarize', '--missing', '--lang', 'fr', '--library', lib])).code).toBe(2);
  });

  it('summarize --missing makes extractive summaries offline, then has nothing left to do', async () => {
    const first = await engram(['summarize', '--missing', '--library', lib]);
    expect(first.code).toBe(0);
    expect(first.err).toMatch(/2 documents; no chat model configured: extractive summaries/);
    expect(first.out).toMatch(/✓ \d+ Batteries, chips and the long middle \[en\]\n {4}extractive summary \d+/);
    expect(first.out).toMatch(/\[zh-Hant\]/);
    const again = await engram(['summarize', '--missing', '--library', lib]);
    expect(again.err).toMatch(/^0 documents/);
    // A document named twice is summarized once.
    const twice = await engram(['summarize', 'Qb7_Xy2LmN4', 'Qb7_Xy2LmN4', '--extractive', '--library', lib]);
    expect(twice.err).toMatch(/^1 document;/);
  });

  it('summarize with a chat model from the flags, as JSON lines', async () => {
    const chat = await startFakeChat([{ content: JSON.stringify({ overview: 'Heat limits robot batteries.', key_points: [{ point: 'Heat.', quote: 'The problem is heat.', time: '00:00:16' }] }) }]);
    const r = await engram(['summarize', 'Qb7_Xy2LmN4', '--no-tidy', '--json', '--library', lib, '--llm-url', chat.url, '--llm-model', 'fake'], { ENGRAM_LLM_MODEL: 'ignored-env-model' });
    expect(r.code).toBe(0);
    const line = JSON.parse(r.out.trim());
    expect(line).toMatchObject({ lang: 'en', tasks: [{ task: 'summary', status: 'ok', quotes: { verified: 1, total: 1 } }] });
    expect(chat.bodies[0]!.model).toBe('fake');
  });

  it('summarize stops with exit 1 when the chat model refuses the key', async () => {
    const chat = await startFakeChat([{ status: 401, body: { error: { message: 'bad key' } } }]);
    const r = await engram(['summarize', 'Qb7_Xy2LmN4', '--library', lib], { ENGRAM_LLM_URL: chat.url, ENGRAM_LLM_MODEL: 'm', ENGRAM_LLM_KEY: 'sk-wrong' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad key.*ENGRAM_LLM_KEY/s);
    expect(r.err).toMatch(/Stopped: the chat model cannot be used/);
    expect(r.err).not.toContain('sk-wrong');
  });
});
