/**
 * Searches run in worker threads with a time budget, so one costly search cannot hold up the
 * rest of the server (issue 6, item 10). A stand-in search module burns CPU on demand
 * ("slow:800 words"), throws ("throw:why") or kills its thread ("exit:"); everything else is
 * the real search. One pool of two threads serves every test here, to keep the suite quick.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { createApp } from '../../src/server/app.js';
import { SearchRefused, searchPool } from '../../src/server/search-pool.js';
import type { Searcher } from '../../src/search/searcher.js';
import { startServer } from '../../src/server/server.js';
import { search } from '../../src/search/search.js';
import { FIXTURES } from '../helpers.js';
import { buildFixtureLibrary, type FixtureLibrary } from './fixture-library.js';

const STAND_IN = join(FIXTURES, 'server', 'slow-search.mjs');
const BUDGET_MS = 1000;
const STOP_AFTER_MS = 1600;

let lib: FixtureLibrary;
let pool: Searcher;
let app: Hono;
const get = (path: string) => app.request(path, { headers: { host: 'localhost' } });
const q = (query: string) => `/api/search?q=${encodeURIComponent(query)}`;

beforeAll(async () => {
  lib = await buildFixtureLibrary();
  pool = searchPool(lib.db, { database: lib.db.name, threads: 2, budgetMs: BUDGET_MS, stopAfterMs: STOP_AFTER_MS, maxWaiting: 1, module: STAND_IN });
  app = createApp({ db: lib.db, searcher: pool, llm: null });
  await pool.ready();
});
afterAll(async () => {
  await pool?.close();
  lib?.cleanup();
});

describe('search pool', () => {
  it('answers from a worker thread exactly as search() does on this one', async () => {
    expect(pool.threads).toBe(2);
    const opts = { limit: 5, facets: true };
    const pooled = await pool.search('向量數據庫', opts);
    const direct = search(lib.db, '向量數據庫', opts);
    expect(pooled.hits.length).toBeGreaterThan(0);
    expect(pooled.hits).toEqual(direct.hits);
    expect(pooled.facets).toEqual(direct.facets);
  });

  it('a search that costs most of a second of CPU does not hold up cheap requests', async () => {
    const t0 = performance.now();
    let searchAnswered = 0;
    const slow = get(q('slow:700 向量')).then((res) => {
      searchAnswered = performance.now() - t0;
      return res;
    });
    await new Promise((r) => setTimeout(r, 50));
    const stats = await get('/api/stats');
    const statsAnswered = performance.now() - t0;
    expect(stats.status).toBe(200);
    expect((await slow).status).toBe(200);
    expect(searchAnswered).toBeGreaterThan(650);
    // On the main thread the stats would have waited for the whole search.
    expect(statsAnswered).toBeLessThan(350);
  });

  it('an ask retrieves in the search threads: /api/stats answers while it does', async () => {
    const t0 = performance.now();
    const asked = get(`/api/ask?q=${encodeURIComponent('slow:700 向量数据库为什么突然火了')}`).then((res) => ({ res, at: performance.now() - t0 }));
    await new Promise((r) => setTimeout(r, 50));
    const stats = await get('/api/stats');
    const statsAnswered = performance.now() - t0;
    expect(stats.status).toBe(200);
    const { res, at } = await asked;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'answered', mode: 'offline' });
    // The ask's search ran in a thread (the stand-in's 700 ms), and the stats did not wait for it.
    expect(at).toBeGreaterThan(650);
    expect(statsAnswered).toBeLessThan(350);
  });

  it('refuses a search at once (503) when too many are waiting, and runs the rest', async () => {
    const running = [pool.search('slow:400 向量'), pool.search('slow:400 向量')];
    const queued = pool.search('slow:10 模型');
    const t0 = performance.now();
    await expect(pool.search('检索')).rejects.toMatchObject({ reason: 'busy' });
    const api = await get(q('检索'));
    expect(api.status).toBe(503);
    expect(api.headers.get('retry-after')).toBe('2');
    expect((await api.json()).error.message).toMatch(/busy/);
    const page = await get(`/search?q=${encodeURIComponent('检索')}`);
    expect(page.status).toBe(503);
    expect(await page.text()).toMatch(/Too busy[\s\S]*search(es)? waiting/);
    expect(performance.now() - t0).toBeLessThan(300);
    for (const r of running) await expect(r).resolves.toMatchObject({ query: '向量' });
    await expect(queued).resolves.toMatchObject({ query: '模型' });
  });

  it('answers a search over its time budget with a 503 at once, stops its thread later, and keeps serving', async () => {
    const t0 = performance.now();
    const res = await get(q('slow:20000 向量'));
    const took = performance.now() - t0;
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect((await res.json()).error.message).toMatch(/longer than 1 s and was stopped: try fewer/);
    expect(took).toBeGreaterThan(BUDGET_MS - 50);
    expect(took).toBeLessThan(BUDGET_MS + 500);
    // Past stopAfterMs the thread is terminated and a fresh one started; then searches go on.
    await new Promise((r) => setTimeout(r, STOP_AFTER_MS - took + 100));
    await pool.ready();
    expect((await get(q('向量'))).status).toBe(200);
  });

  it('a search that only just misses its budget is finished by its thread, which then serves on', async () => {
    await pool.ready();
    const late = pool.search('slow:1050 向量');
    await expect(late).rejects.toMatchObject({ reason: 'timeout' });
    // No thread was stopped: the next search does not wait for a new one to load.
    const t0 = performance.now();
    await expect(pool.search('模型')).resolves.toMatchObject({ query: '模型' });
    expect(performance.now() - t0).toBeLessThan(600);
  });

  it('long queries leave a thread free for ordinary ones', async () => {
    await pool.ready();
    const pasted = `slow:300 ${'向量数据库 '.repeat(30)}`;
    const long = [pool.search(pasted), pool.search(pasted)];
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    await expect(pool.search('模型')).resolves.toMatchObject({ query: '模型' });
    expect(performance.now() - t0).toBeLessThan(300);
    await Promise.all(long);
  });

  it('a search that throws is a 500; a thread that dies is replaced', async () => {
    await pool.ready();
    await expect(pool.search('throw:boom')).rejects.toThrow('boom');
    await expect(pool.search('exit:')).rejects.toThrow(/search thread/);
    await pool.ready();
    await expect(pool.search('向量')).resolves.toMatchObject({ query: '向量' });
    expect(new SearchRefused('busy', 'x')).toBeInstanceOf(Error);
  });

  it('`engram serve` searches in worker threads', async () => {
    const server = await startServer({ db: lib.db, port: 0, searchThreads: 1 });
    try {
      expect(server.searchThreads).toBe(1);
      const res = await fetch(`${server.url}${q('向量數據庫')}`);
      expect(res.status).toBe(200);
      expect((await res.json()).results.length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
