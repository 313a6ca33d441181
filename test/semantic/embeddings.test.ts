import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/pipeline/ingest.js';
import { openAIEmbedder } from '../../src/providers/embeddings.js';
import { embedLibrary } from '../../src/semantic/embed.js';
import { hybridSearch } from '../../src/semantic/search.js';
import { vectorCoverage } from '../../src/semantic/vectors.js';
import { reciprocalRankFusion } from '../../src/semantic/fuse.js';
import { search } from '../../src/search/search.js';
import { startServer } from '../../src/server/server.js';
import { FIXTURES, tempDir, tempLibrary } from '../helpers.js';
import { startFakeEmbeddings, DIMENSIONS } from '../support/fake-embeddings.js';

const noSleep = { sleep: async () => {} };

describe('embeddings provider', () => {
  it('speaks /v1/embeddings: model, input, key; vectors in input order, unit length', async () => {
    const server = await startFakeEmbeddings();
    const e = openAIEmbedder({ url: `${server.url}/v1/`, model: 'fake-embed-1', key: 'sk-test' });
    const [a, b] = await e.embed(['a concert of new songs', '芯片']);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-test');
    expect(JSON.parse(server.requests[0]!.body.toString())).toMatchObject({ model: 'fake-embed-1', input: ['a concert of new songs', '芯片'] });
    expect(a!.length).toBe(DIMENSIONS);
    expect(a![0]).toBeGreaterThan(0.9); // music, although the server answered in reverse order
    expect(b![2]).toBeGreaterThan(0.9); // chips
    expect(Math.hypot(...a!)).toBeCloseTo(1, 5);
  });

  it('says what was wrong with an answer, and what to configure', async () => {
    const server = await startFakeEmbeddings();
    const wrongModel = openAIEmbedder({ url: `${server.url}/v1`, model: 'nope' }, noSleep);
    await expect(wrongModel.embed(['x'])).rejects.toThrow(/HTTP 404.*model nope not found/);
    expect(() => openAIEmbedder({ model: 'm' })).toThrow(/ENGRAM_EMBED_URL/);
    expect(() => openAIEmbedder({ url: 'http://127.0.0.1:1/v1' })).toThrow(/ENGRAM_EMBED_MODEL/);
  });
});

describe('reciprocal rank fusion', () => {
  it('rewards agreement and keeps each list’s leaders', () => {
    const fused = reciprocalRankFusion([['a', 'b', 'c'], ['c', 'd']]).map(([x]) => x);
    expect(fused.slice(0, 2)).toEqual(['c', 'a']); // found by both, then a list's first
    expect(fused.slice(2).sort()).toEqual(['b', 'd']); // second in their lists: tied
  });
});

describe('semantic search in a library', () => {
  const { db } = tempLibrary();
  let server: Awaited<ReturnType<typeof startFakeEmbeddings>>;
  let embedder: ReturnType<typeof openAIEmbedder>;
  beforeAll(async () => {
    await ingest(db, [join(FIXTURES, 'names')]);
    server = await startFakeEmbeddings();
    embedder = openAIEmbedder({ url: `${server.url}/v1`, model: 'fake-embed-1' }, noSleep);
  });

  it('embeds in batches, stops at a failing endpoint keeping what it did, and resumes', async () => {
    const { eligible } = vectorCoverage(db, 'fake-embed-1');
    expect(eligible).toBeGreaterThan(6);
    const first = await embedLibrary(db, embedder, { batchSize: 3, limit: 3 });
    expect(first).toMatchObject({ embedded: 3, remaining: eligible - 3 });
    server.failNext(10, 400);
    const failed = await embedLibrary(db, embedder, { batchSize: 3 });
    expect(failed.embedded).toBe(0);
    expect(failed.error).toMatch(/HTTP 400.*induced failure/);
    server.failNext(0, 200);
    const rest = await embedLibrary(db, embedder, { batchSize: 3 });
    expect(rest).toMatchObject({ embedded: eligible - 3, remaining: 0 });
    expect(server.inputs.at(-1)!.length).toBeLessThanOrEqual(3);
    // each passage is sent with its document's title
    expect(server.inputs.flat()).toContain('周末音乐会随记\n钱思源在音乐会上演唱了三首新歌，现场的灯光设计非常用心。\n散场以后大家都在讨论她的新专辑。');
  });

  it('finds by meaning what words miss, fused with BM25', async () => {
    expect(search(db, 'songs').hits).toEqual([]);
    const r = await hybridSearch(db, 'songs', {}, embedder);
    expect(r.hits[0]!.document.title).toBe('周末音乐会随记');
    // lexical hits keep their place: a term query still leads with its BM25 best
    const chips = await hybridSearch(db, '晶片', {}, embedder);
    expect(chips.hits[0]!.document.title).toBe(search(db, '晶片').hits[0]!.document.title);
  });

  it('applies the filters to semantic neighbours, and leaves quoted phrases exact', async () => {
    const r = await hybridSearch(db, 'songs', { since: '2025-01-01' }, embedder);
    expect(r.hits.map((h) => h.document.title)).not.toContain('周末音乐会随记'); // an undated note
    const before = server.requests.length;
    expect((await hybridSearch(db, '"songs"', {}, embedder)).hits).toEqual([]);
    expect(server.requests.length).toBe(before);
  });

  it('falls back to BM25 when the endpoint is down, and says so', async () => {
    const down = openAIEmbedder({ url: 'http://127.0.0.1:9/v1', model: 'fake-embed-1' }, { ...noSleep, attempts: 1, timeoutMs: 2000 });
    const errors: Error[] = [];
    const r = await hybridSearch(db, '晶片', {}, down, (e) => errors.push(e));
    expect(r.hits.length).toBeGreaterThan(0);
    expect(errors[0]!.message).toMatch(/network error/);
  });

  it('fuses semantic neighbours in the web app too, found in its search threads', async () => {
    await embedLibrary(db, embedder);
    const titles = async (e: typeof embedder | null) => {
      const server = await startServer({ db, port: 0, embedder: e });
      try {
        expect(server.searchThreads).toBe(2);
        const r = await (await fetch(`${server.url}/api/search?q=songs`)).json() as { results: { document: { title: string } }[] };
        return r.results.map((h) => h.document.title);
      } finally {
        await server.close();
      }
    };
    expect(await titles(null)).toEqual([]);
    const asked = server.requests.length;
    expect((await titles(embedder))[0]).toBe('周末音乐会随记');
    expect(server.requests.length).toBe(asked + 1); // the query, embedded once on the main thread
  }, 30_000);

  it('drops the vectors of passages a re-ingest replaced', async () => {
    const dir = tempDir();
    cpSync(join(FIXTURES, 'names', 'notes'), dir, { recursive: true });
    const { db: lib } = tempLibrary();
    await ingest(lib, [dir]);
    await embedLibrary(lib, embedder);
    const full = vectorCoverage(lib, 'fake-embed-1');
    writeFileSync(join(dir, 'decoy-singer.md'), '# 周末音乐会随记\n\n改期了。\n');
    await ingest(lib, [dir]);
    const after = vectorCoverage(lib, 'fake-embed-1');
    expect(after.embedded).toBeLessThan(full.embedded);
    expect(after.eligible - after.embedded).toBe(1); // only the new passage lacks one
  });
});

describe('engram embed and search with an endpoint configured', () => {
  const run = promisify(execFile);
  const BIN = join(import.meta.dirname, '..', '..', 'bin', 'engram.js');

  it('embeds, then fuses semantic neighbours into search unless told not to', async () => {
    const server = await startFakeEmbeddings();
    const lib = tempDir();
    const env = { ...process.env, ENGRAM_HOME: '', ENGRAM_EMBED_URL: `${server.url}/v1`, ENGRAM_EMBED_MODEL: 'fake-embed-1' };
    const engram = (...args: string[]) => run(process.execPath, [BIN, ...args, '--library', lib], { env, encoding: 'utf8' });
    await engram('ingest', join(FIXTURES, 'names'));
    const report = JSON.parse((await engram('embed', '--json', '--batch-size', '4')).stdout);
    expect(report).toMatchObject({ model: 'fake-embed-1', remaining: 0 });
    const hybrid = JSON.parse((await engram('search', 'songs', '--json')).stdout);
    expect(hybrid[0].document.title).toBe('周末音乐会随记');
    const lexical = JSON.parse((await engram('search', 'songs', '--json', '--no-semantic')).stdout);
    expect(lexical).toEqual([]);
  }, 60_000);

  it('exits 2 when no endpoint is configured', async () => {
    const lib = tempDir();
    const env = { ...process.env, ENGRAM_HOME: '', ENGRAM_EMBED_URL: '', ENGRAM_EMBED_MODEL: '' };
    const err = await run(process.execPath, [BIN, 'embed', '--library', lib], { env, encoding: 'utf8' }).catch((e) => e);
    expect(err.code).toBe(2);
    expect(err.stderr).toMatch(/ENGRAM_EMBED_URL/);
  });
});
