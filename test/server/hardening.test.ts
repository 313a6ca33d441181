/**
 * What a hostile probe of the web app found (issue 6, server items 11–13), each with the test
 * that catches it: unbounded document answers, an open redirect, 404 for a wrong method,
 * every source on the home page, one-character tokens, and megabyte queries.
 * (Search in worker threads: search-pool.test.ts; the stats cache: stats-cache.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { Hono } from 'hono';
import { createApp } from '../../src/server/app.js';
import { BindRefused, startServer } from '../../src/server/server.js';
import { MIN_TOKEN_LENGTH } from '../../src/server/auth.js';
import { HOME_SOURCES } from '../../src/server/pages/home.js';
import { MAX_BODY_BYTES, ORIGINAL_PAGE_CHARS, PASSAGES_PER_PAGE } from '../../src/server/paging.js';
import { MAX_QUERY_LENGTH } from '../../src/search/limits.js';
import { main } from '../../src/cli/main.js';
import { serveOptions } from '../../src/cli/commands/serve.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { tempDir, tempLibrary } from '../helpers.js';
import { buildFixtureLibrary, LONG_VIDEO, type FixtureLibrary } from './fixture-library.js';

let lib: FixtureLibrary;
let app: Hono;
const request = (path: string, init: RequestInit = {}) => app.request(path, { ...init, headers: { host: 'localhost', ...(init.headers as Record<string, string>) } });
const get = (path: string) => request(path);
const docId = (title: string) => lib.db.prepare('SELECT id FROM documents WHERE title LIKE ?').pluck().get(`%${title}%`) as number;
const renditionOf = (id: number, kind: string) => lib.db.prepare('SELECT id FROM renditions WHERE document_id = ? AND kind = ?').pluck().get(id, kind) as number;

beforeAll(async () => {
  lib = await buildFixtureLibrary();
  app = createApp({ db: lib.db });
});
afterAll(() => lib?.cleanup());

function sink() {
  let text = '';
  const stream = new Writable({ write(chunk, _e, cb) { text += String(chunk); cb(); } });
  return { stream, text: () => text };
}

function cli(args: string[], stdin = '') {
  const out = sink();
  const err = sink();
  const io = { out: out.stream, err: err.stream, stdin: Readable.from([stdin]), env: {} };
  return main(args, io).then((code) => ({ code, out: out.text(), err: err.text() }));
}

describe('huge documents are paged (item 11)', () => {
  it('the API sends a page of passages per rendition and the address of the next', async () => {
    const id = lib.db.prepare('SELECT id FROM documents WHERE key = ?').pluck().get(`youtube:${LONG_VIDEO}`) as number;
    const total = lib.db.prepare('SELECT count(*) FROM passages WHERE document_id = ?').pluck().get(id) as number;
    expect(total).toBeGreaterThan(2 * PASSAGES_PER_PAGE);
    const seen: number[] = [];
    let next: string | null = `/api/documents/${id}`;
    let pages = 0;
    while (next) {
      const res = await get(next);
      expect(res.status).toBe(200);
      const doc = await res.json();
      const r = doc.renditions[0];
      expect(r.body).toBeUndefined();
      expect(r.passages.length).toBeLessThanOrEqual(PASSAGES_PER_PAGE);
      seen.push(...r.passages.map((p: { id: number }) => p.id));
      next = r.passagesNext;
      pages++;
    }
    expect(pages).toBe(Math.ceil(total / PASSAGES_PER_PAGE));
    expect(new Set(seen).size).toBe(total);
    expect((await get(`/api/documents/${id}?limit=5000`)).status).toBe(400);
    expect((await get(`/api/documents/${id}?bodies=maybe`)).status).toBe(400);
  });

  it('bodies come only on request, a window at a time, and add up to the whole text', async () => {
    const id = lib.db.prepare('SELECT id FROM documents WHERE key = ?').pluck().get(`youtube:${LONG_VIDEO}`) as number;
    const rid = renditionOf(id, 'transcript');
    const whole = lib.db.prepare('SELECT body FROM renditions WHERE id = ?').pluck().get(rid) as string;
    let text = '';
    let next: string | null = `/api/documents/${id}?rendition=${rid}&passages=0&bodies=1&body_limit=7000`;
    while (next) {
      const r = (await (await get(next)).json()).renditions.find((x: { id: number }) => x.id === rid);
      expect(r.passages).toBeUndefined();
      text += r.body;
      next = r.bodyNext;
    }
    expect(text).toBe(whole);
  });

  it(`a body over ${MAX_BODY_BYTES / 1024 / 1024} MB is neither sent nor rendered; its passages still are`, async () => {
    const id = docId('渲染安全笔记');
    const rid = lib.db.prepare('SELECT id FROM renditions WHERE document_id = ?').pluck().get(id) as number;
    lib.db.prepare('UPDATE renditions SET body = ? WHERE id = ?').run('巨大的文件\n'.repeat(MAX_BODY_BYTES / 10), rid);
    const api = await get(`/api/documents/${id}?bodies=1`);
    const json = await api.text();
    expect(json.length).toBeLessThan(100_000);
    const r = JSON.parse(json).renditions[0];
    expect(r.body).toBeUndefined();
    expect(r.bodyOmitted).toMatch(/over the 8\.0 MB the API sends: read it as passages/);
    expect(r.bodyBytes).toBeGreaterThan(MAX_BODY_BYTES);
    expect(r.passages.length).toBeGreaterThan(0);
    const page = await get(`/documents/${id}?rendition=${rid}&view=original`);
    expect(page.status).toBe(200);
    const htmlText = await page.text();
    expect(htmlText.length).toBeLessThan(100_000);
    expect(htmlText).toMatch(/too large to show in its original formatting/);
    expect((await get(`/documents/${id}?rendition=${rid}`)).status).toBe(200);
  });

  it('the original formatting is paged at blank lines, every paragraph on exactly one page', async () => {
    const id = docId('向量检索的未来');
    const rid = renditionOf(id, 'summary');
    // Paragraphs with astral characters (🙂): SQL counts code points, JavaScript UTF-16 units.
    const paragraphs = Array.from({ length: 260 }, (_, i) => `§${i}§ 第${i}段 🙂 ${'向量检索与本地知识库。'.repeat(90)}`);
    const body = paragraphs.join('\n\n');
    expect(body.length).toBeGreaterThan(2 * ORIGINAL_PAGE_CHARS);
    lib.db.prepare('UPDATE renditions SET body = ? WHERE id = ?').run(body, rid);
    const pages = Math.ceil([...body].length / ORIGINAL_PAGE_CHARS);
    const found: number[] = [];
    for (let page = 1; page <= pages; page++) {
      const res = await get(`/documents/${id}?rendition=${rid}&view=original&page=${page}`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain(`Part ${page} of ${pages}`);
      const prose = /<div class="prose">([\s\S]*?)<\/div>/.exec(text)![1]!;
      expect(prose.length).toBeLessThan(4 * ORIGINAL_PAGE_CHARS);
      // Every paragraph starts a <p>: none was cut in half.
      for (const m of prose.matchAll(/<p>§(\d+)§ /g)) found.push(Number(m[1]));
      expect(prose).not.toMatch(/<p>(?!§)/);
    }
    expect(found).toEqual(paragraphs.map((_, i) => i));
    expect((await get(`/documents/${id}?rendition=${rid}&view=original&page=${pages + 1}`)).status).toBe(404);
  });
});

describe('redirects stay on this site (item 12)', () => {
  it('/prefs?back= refuses anything that a browser would take elsewhere', async () => {
    const evil = [
      '/%09/evil.example', '/%0A/evil.example', '/%0D%0A/evil.example', '%2F%09%2Fevil.example', '/%5Cevil.example',
      '/%5C%5Cevil.example', '%5C%5Cevil.example', '//evil.example', '%2F%2Fevil.example', '/%252F%252Fevil.example',
      '/%255Cevil.example', 'https://evil.example/', 'javascript:alert(1)', '%20//evil.example', '/%00/evil.example',
      'http:/evil.example',
      // Dot segments that resolve to `//host`.
      '%2F.%2F%2Fevil.example', '/..//evil.example', '/a/..//evil.example', '/%252E//evil.example', '/.///evil.example',
      '/.//evil.example/path?x=1',
    ];
    for (const back of evil) {
      const res = await get(`/prefs?theme=dark&back=${back}`);
      expect(res.status, back).toBe(303);
      expect(res.headers.get('location'), back).toBe('/');
    }
    const fine = ['/search?q=向量 数据库&source=archive', '/documents/3?rendition=5&p=12#p12', '/sources/Tea%20Talk%20茶话'];
    for (const back of fine) {
      const location = (await get(`/prefs?theme=dark&back=${encodeURIComponent(back)}`)).headers.get('location')!;
      expect(new URL(location, 'http://x.invalid').href, back).toBe(new URL(back, 'http://x.invalid').href);
    }
  });
});

describe('methods (item 13)', () => {
  it('a path that exists answers other methods with 405 and Allow; OPTIONS with 204', async () => {
    for (const [method, path, api] of [['POST', '/', false], ['DELETE', '/api/stats', true], ['PUT', '/documents/1', false], ['PATCH', '/api/search?q=x', true]] as const) {
      const res = await request(path, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
      if (api) expect((await res.json()).error).toMatchObject({ status: 405, message: expect.stringMatching(/not allowed/) });
      else expect(await res.text()).toMatch(/not allowed/);
    }
    const options = await request('/api/search', { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect((await request('/no/such/thing', { method: 'POST' })).status).toBe(404);
    expect((await request('/api/stats', { method: 'HEAD' })).status).toBe(200);
  });
});

describe('many sources (item 13)', () => {
  const { db } = tempLibrary();
  let many: Hono;
  const SOURCES = HOME_SOURCES + 18;
  beforeAll(async () => {
    const src = tempDir();
    for (let i = 0; i < SOURCES; i++) {
      const folder = join(src, `来源${String(i).padStart(2, '0')}`);
      mkdirSync(folder);
      for (let j = 0; j <= i % 3; j++) writeFileSync(join(folder, `note${j}.md`), `# 笔记 ${i}-${j}\n\n内容 ${i} ${j}\n`);
    }
    await ingest(db, [src]);
    many = createApp({ db });
  });
  const fetchMany = (path: string) => many.request(path, { headers: { host: 'localhost' } });

  it('the home page lists the largest sources and links to all of them; /sources pages them', async () => {
    const home = await (await fetchMany('/')).text();
    const aside = /<aside aria-labelledby="srcs">([\s\S]*?)<\/aside>/.exec(home)![1]!;
    expect(aside.match(/href="\/sources\//g)).toHaveLength(HOME_SOURCES);
    expect(aside).toContain(`<a href="/sources">All ${SOURCES} sources →</a>`);
    const all = await (await fetchMany('/sources')).text();
    expect(all.match(/href="\/sources\/%E6%9D%A5%E6%BA%90/g)).toHaveLength(SOURCES);
    expect((await fetchMany('/sources?page=2')).status).toBe(404);
    const api = await (await fetchMany('/api/sources?limit=10&offset=25')).json();
    expect(api.total).toBe(SOURCES);
    expect(api.sources).toHaveLength(SOURCES - 25);
    expect((await fetchMany('/api/sources?limit=5000')).status).toBe(400);
  });
});

describe('tokens (item 13)', () => {
  it('a short token is refused everywhere, with a generated one offered', async () => {
    const short = 'x'.repeat(MIN_TOKEN_LENGTH - 1);
    await expect(startServer({ db: lib.db, port: 0, token: short })).rejects.toThrow(BindRefused);
    expect(() => createApp({ db: lib.db, token: 'x' })).toThrow(/at least 16/);
    const r = await cli(['serve', '--library', join(lib.dir, 'library'), '--token', 'x']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--token: the token is 1 character long; it needs at least 16\. Pass --new-token to have one generated, or use one like [\w-]{32}(?![\w-])/);
    const io = { out: sink().stream, err: sink().stream, stdin: Readable.from(['']), env: { ENGRAM_TOKEN: 'short' } };
    expect(() => serveOptions({}, io)).toThrow(/ENGRAM_TOKEN: the token is 5 characters long/);
  });

  it('--new-token generates a long random token', () => {
    const io = { out: sink().stream, err: sink().stream, stdin: Readable.from(['']), env: {} };
    const a = serveOptions({ 'new-token': true, host: '0.0.0.0' }, io);
    const b = serveOptions({ 'new-token': true }, io);
    expect(a.token).toMatch(/^[\w-]{32}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.tokenGenerated).toBe(true);
    expect(() => serveOptions({ 'new-token': true, token: 'y'.repeat(20) }, io)).toThrow(/not both/);
  });
});

describe('query length (item 13)', () => {
  it(`the API refuses a query over ${MAX_QUERY_LENGTH} characters and takes one of exactly that`, async () => {
    const res = await get(`/api/search?q=${'模'.repeat(MAX_QUERY_LENGTH + 1)}`);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/501 characters long; the limit is 500/);
    expect((await get(`/api/search?q=${encodeURIComponent('模型 '.repeat(MAX_QUERY_LENGTH / 3).slice(0, MAX_QUERY_LENGTH))}`)).status).toBe(200);
    expect((await get(`/search?q=${'模'.repeat(MAX_QUERY_LENGTH + 1)}`)).status).toBe(400);
  });

  it('the CLI refuses a megabyte query at once, as the API does', async () => {
    const t0 = performance.now();
    const r = await cli(['search', 'model '.repeat(200_000), '--library', join(lib.dir, 'library')]); // trimmed: 1,199,999
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/the query is 1,199,999 characters long; the limit is 500/);
    expect(performance.now() - t0).toBeLessThan(1000);
    const batch = await cli(['search', '--batch', '--json', '--library', join(lib.dir, 'library')], `向量\n${'x'.repeat(600)}\n模型\n`);
    expect(batch.code).toBe(1);
    const lines = batch.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => Boolean(l.error))).toEqual([false, true, false]);
    expect(lines[1].error).toMatch(/600 characters long/);
  });
});
