/**
 * HTTP-level tests of the web app: every route, its errors, security headers, the token and
 * host guards, display-script conversion, paging, and the sanitizer on hostile fixtures.
 * Requests go through `app.request` (no sockets) except where the listener itself is tested.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Hono } from 'hono';
import { createApp } from '../../src/server/app.js';
import { BindRefused, startServer } from '../../src/server/server.js';
import { isLoopback } from '../../src/server/auth.js';
import { URLS } from '../../src/server/assets.js';
import { PASSAGES_PER_PAGE } from '../../src/server/paging.js';
import { openLibrary } from '../../src/store/db.js';
import { main } from '../../src/cli/main.js';
import { buildFixtureLibrary, LONG_LINES, LONG_VIDEO, type FixtureLibrary } from './fixture-library.js';

let lib: FixtureLibrary;
let app: Hono;

const docId = (title: string) => lib.db.prepare('SELECT id FROM documents WHERE title LIKE ?').pluck().get(`%${title}%`) as number;
const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers: { host: 'localhost:3647', ...headers } });

beforeAll(async () => {
  lib = await buildFixtureLibrary();
  app = createApp({ db: lib.db });
});
afterAll(() => lib?.cleanup());

describe('pages', () => {
  it('home lists newest documents and sources with a search box, behind security headers', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('server-timing')).toMatch(/^app;dur=/);
    const body = await res.text();
    expect(body).toContain('向量数据库为什么突然火了');
    expect(body).toContain('href="/sources/Tea%20Talk%20%E8%8C%B6%E8%AF%9D"');
    expect(body).toMatch(/<input type="search" name="q"/);
    // The only script is the external asset: nothing inline.
    expect(body.match(/<script\b[^>]*>/g)).toEqual([`<script src="${URLS.js}" defer>`]);
  });

  it('a source page lists its documents, paged; unknown sources and pages are 404', async () => {
    const res = await get('/sources/archive');
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('#12');
    expect(body).toContain('只有标题的一期');
    expect((await get('/sources/nope')).status).toBe(404);
    expect((await get('/sources/archive?page=9')).status).toBe(404);
    expect((await get('/sources/archive?page=x')).status).toBe(400);
  });

  it('search in Traditional finds the Simplified document, with marks, facets and a link to the passage', async () => {
    const res = await get(`/search?q=${encodeURIComponent('向量數據庫')}`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('向量数据库为什么突然火了');
    expect(body).toMatch(/<mark>向量数据库<\/mark>/);
    expect(body).toMatch(new RegExp(`href="/documents/${docId('向量数据库为什么')}\\?rendition=\\d+&amp;p=(\\d+)&amp;hl=[^"]*#p\\1"`));
    expect(body).toContain('<h3>Source</h3>');
    expect(body).toContain('<h3>Year</h3>');
  });

  it('search facets filter by source, year and speaker; bad filters are 400', async () => {
    const q = encodeURIComponent('检索');
    const all = await (await get(`/search?q=${q}`)).text();
    expect(all).toContain('向量检索的未来');
    const onlyArchive = await (await get(`/search?q=${q}&source=archive`)).text();
    expect(onlyArchive).not.toContain('向量检索的未来 &amp; 本地知识库</a>');
    expect(onlyArchive).toContain('source: archive');
    const y2024 = await (await get(`/search?q=${q}&year=2024`)).text();
    expect(y2024).toMatch(/No documents/);
    const speaker = await (await get(`/search?q=${q}&speaker=${encodeURIComponent('周舟')}`)).text();
    expect(speaker).toContain('向量检索的未来');
    expect((await get(`/search?q=${q}&year=20x4`)).status).toBe(400);
    expect((await get(`/search?q=${q}&page=0`)).status).toBe(400);
    // Dates as the API takes them, shown as filters that can be removed; a bad one is a 400 as there.
    const later = await (await get(`/search?q=${q}&since=2099-01`)).text();
    expect(later).toMatch(/No documents/);
    expect(later).toContain('since: 2099-01-01');
    expect(later).toContain('name="since" value="2099-01-01"');
    expect(await (await get(`/search?q=${q}&since=2020&until=2099-12-31`)).text()).toContain('向量检索的未来');
    expect(await (await get(`/search?q=${q}&until=2020-01-01`)).text()).toMatch(/No documents/);
    expect((await get(`/search?q=${q}&since=garbage`)).status).toBe(400);
    // A range that ends before it starts is a 400 on the page and in the API, not an empty answer.
    expect((await get(`/search?q=${q}&since=2025-03-10&until=2025-03-01`)).status).toBe(400);
    const api = await get(`/api/search?q=${q}&since=2025-03-10&until=2025-03-01`);
    expect(api.status).toBe(400);
    expect((await api.json()).error.message).toMatch(/"since" \(2025-03-10\) is after "until" \(2025-03-01\)/);
  });

  it('search without a query shows the prompt; paging links appear when there are more results', async () => {
    const empty = await get('/search');
    expect(empty.status).toBe(200);
    expect(await empty.text()).toContain('Quote a phrase');
    const many = await (await get(`/search?q=${encodeURIComponent('模型')}`)).text();
    expect(many).toMatch(/documents? for/);
  });

  it('a document shows header, tabs, timestamps linking to the moment, and boilerplate behind a toggle', async () => {
    const id = docId('向量检索的未来');
    const res = await get(`/documents/${id}`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('Watch on YouTube');
    expect(body).toMatch(/class="tabs"[\s\S]*Summary[\s\S]*Transcript/);
    const transcriptTab = /href="(\/documents\/\d+\?rendition=\d+)"[^>]*>Transcript/.exec(body)![1]!.replace(/&amp;/g, '&');
    const t = await (await get(transcriptTab)).text();
    expect(t).toContain('href="https://www.youtube.com/watch?v=tEaTaLk0012&amp;t=21s"');
    expect(t).toContain('0:21');
    expect(t).toMatch(/class="who s\d">周舟/);
    expect(t).toContain('林然');

    const archive = await (await get(`/documents/${docId('向量数据库为什么')}`)).text();
    expect(archive).toMatch(/<details class="aside"><summary>Set aside: [^<]*<\/summary>[\s\S]*好的，我來為您整理/);
  });

  it('a long transcript is paged; ?p= opens the page holding the passage and marks it', async () => {
    const id = lib.db.prepare('SELECT id FROM documents WHERE key = ?').pluck().get(`youtube:${LONG_VIDEO}`) as number;
    const rendition = lib.db.prepare('SELECT id, (SELECT count(*) FROM passages p WHERE p.rendition_id = r.id) AS n FROM renditions r WHERE document_id = ?').get(id) as { id: number; n: number };
    expect(rendition.n).toBeGreaterThan(2 * PASSAGES_PER_PAGE);
    const first = await (await get(`/documents/${id}`)).text();
    expect(first.match(/class="psg timed/g)).toHaveLength(PASSAGES_PER_PAGE);
    expect(first).toContain(`Passages 1–${PASSAGES_PER_PAGE} of ${rendition.n}`);
    expect(first).toContain('rel="next"');

    const target = lib.db.prepare("SELECT id, seq FROM passages WHERE rendition_id = ? AND text LIKE '%青蛙灯塔%'").get(rendition.id) as { id: number; seq: number };
    const landed = await (await get(`/documents/${id}?p=${target.id}&hl=${encodeURIComponent('青蛙 灯塔')}`)).text();
    const page = Math.floor(target.seq / PASSAGES_PER_PAGE) + 1;
    expect(landed).toContain(`<span class="cur" aria-current="page">${page}</span>`);
    expect(landed).toMatch(new RegExp(`class="psg target timed" id="p${target.id}"`));
    expect(landed).toMatch(/<mark>青蛙<\/mark><mark>灯塔<\/mark>|<mark>青蛙灯塔<\/mark>/);
    expect(LONG_LINES).toBeGreaterThan(target.seq);

    expect((await get(`/documents/${id}?rendition=${rendition.id}&page=99`)).status).toBe(404);
    const passageRedirect = await get(`/passages/${target.id}`);
    expect(passageRedirect.status).toBe(302);
    expect(passageRedirect.headers.get('location')).toBe(`/documents/${id}?rendition=${rendition.id}&p=${target.id}#p${target.id}`);
  });

  it('document errors: unknown 404, malformed 400, a passage from another document 404', async () => {
    expect((await get('/documents/999999')).status).toBe(404);
    expect((await get('/documents/abc')).status).toBe(400);
    expect((await get('/passages/99999999')).status).toBe(404);
    const other = lib.db.prepare('SELECT id FROM passages WHERE document_id != ? LIMIT 1').pluck().get(docId('向量数据库为什么')) as number;
    expect((await get(`/documents/${docId('向量数据库为什么')}?p=${other}`)).status).toBe(404);
    expect((await get(`/documents/${docId('向量数据库为什么')}?rendition=999999`)).status).toBe(404);
    const nf = await get('/no/such/page');
    expect(nf.status).toBe(404);
    expect(nf.headers.get('content-type')).toMatch(/html/);
    expect(nf.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});

describe('display script', () => {
  it('converts library text on display according to the cookie; the default keeps the original', async () => {
    const id = docId('向量检索的未来');
    const original = await (await get(`/documents/${id}`)).text();
    expect(original).toContain('<h1>向量检索的未来 &amp; 本地知识库</h1>');
    const hant = await (await get(`/documents/${id}`, { cookie: 'engram_script=hant' })).text();
    expect(hant).toContain('<h1>向量檢索的未來 &amp; 本地知識庫</h1>');
    expect(hant).toContain('lang="zh-Hant"');
    const rid = lib.db.prepare("SELECT id FROM renditions WHERE document_id = ? AND kind = 'transcript'").pluck().get(id);
    const hans = await (await get(`/documents/${id}?rendition=${rid}`, { cookie: 'engram_script=hans' })).text();
    expect(hans).toContain('欢迎来到茶话');
    expect(hans).not.toContain('歡迎來到茶話');
  });

  it('/prefs sets the cookie and goes back, only to this site', async () => {
    const res = await get(`/prefs?script=hant&back=${encodeURIComponent('/search?q=x')}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/search?q=x');
    expect(res.headers.get('set-cookie')).toMatch(/^engram_script=hant;/);
    for (const evil of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      expect((await get(`/prefs?theme=dark&back=${encodeURIComponent(evil)}`)).headers.get('location')).toBe('/');
    }
    expect((await get('/prefs?script=klingon')).status).toBe(400);
    const dark = await (await get('/', { cookie: 'engram_theme=dark' })).text();
    expect(dark).toContain('data-theme="dark"');
  });
});

describe('untrusted text', () => {
  const ALLOWED_TAGS = new Set(['p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'em', 'strong', 'a', 'img', 'details', 'summary', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'del', 's']);
  /** Every tag in the fragment is allow-listed, with no event handlers or styles, and URLs only http(s)/mailto. */
  function assertInert(fragment: string, where: string): void {
    for (const m of fragment.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)\b([^>]*)>/g)) {
      const [tag, name, attrs] = m as unknown as [string, string, string];
      expect(ALLOWED_TAGS.has(name.toLowerCase()), `${where}: ${tag}`).toBe(true);
      expect(attrs, `${where}: ${tag}`).not.toMatch(/\son[a-z]+\s*=|\sstyle\s*=|xlink|srcdoc|formaction/i);
      for (const u of attrs.matchAll(/\s(?:href|src)="([^"]*)"/g)) expect(u[1], `${where}: ${tag}`).toMatch(/^(https?:\/\/|mailto:)/);
    }
  }
  const stripOwnScript = (s: string) => s.replace(`<script src="${URLS.js}" defer></script>`, '');

  it('the original-formatting view of hostile Markdown/HTML keeps the text and drops every active part', async () => {
    for (const title of ['一段不该执行的文稿', '渲染安全笔记', '向量检索的未来']) {
      const id = docId(title);
      const rids = lib.db.prepare('SELECT id FROM renditions WHERE document_id = ?').pluck().all(id) as number[];
      for (const rid of rids) {
        const res = await get(`/documents/${id}?rendition=${rid}&view=original`);
        expect(res.status).toBe(200);
        const body = stripOwnScript(await res.text());
        const prose = /<div class="prose">([\s\S]*?)<\/div>\s*<\/article>/.exec(body)?.[1] ?? '';
        expect(prose.length).toBeGreaterThan(0);
        assertInert(prose, `${title} rendition ${rid}`);
      }
    }
    const note = await (await get(`/documents/${docId('渲染安全笔记')}?view=original`)).text();
    expect(note).toContain('&amp; ampersand');
    expect(note).toContain('<a href="https://example.org/path" rel="noopener noreferrer nofollow" target="_blank">');
  });

  it('the passages view escapes whatever text the passages hold', async () => {
    for (const title of ['一段不该执行的文稿', '渲染安全笔记']) {
      const body = stripOwnScript(await (await get(`/documents/${docId(title)}`)).text());
      expect(body).not.toMatch(/<script|<img|<svg|<iframe|<a href="javascript|<a href="data/i);
    }
    const results = stripOwnScript(await (await get(`/search?q=${encodeURIComponent('注入')}`)).text());
    expect(results).not.toMatch(/<script|<img|<svg|<iframe/i);
  });
});

describe('assets', () => {
  it('are served from memory with long-cache headers; nothing else is reachable', async () => {
    const css = await get(URLS.css);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
    expect(css.headers.get('cache-control')).toContain('immutable');
    const js = await get(URLS.js);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    for (const p of ['/assets/../package.json', '/assets/..%2f..%2fpackage.json', '/assets/%2e%2e%2fpackage.json', '/assets/app.css', '/assets/', '/assets/..%5c..%5cpackage.json']) {
      const res = await get(p);
      expect(res.status, p).toBe(404);
      expect(await res.text()).not.toContain('"name": "engram"');
    }
  });
});

describe('API', () => {
  it('/api/stats and /api/sources', async () => {
    const stats = await (await get('/api/stats')).json();
    expect(stats.documents).toBeGreaterThan(3);
    expect(stats).toHaveProperty('byKind');
    const { sources } = await (await get('/api/sources')).json();
    expect(sources.map((s: { name: string }) => s.name)).toContain('archive');
    const one = await (await get('/api/sources/archive?limit=2')).json();
    expect(one.source.name).toBe('archive');
    expect(one.documents).toHaveLength(2);
    expect(one.total).toBeGreaterThan(2);
    expect((await get('/api/sources/nope')).status).toBe(404);
    const recent = await (await get('/api/documents?limit=3')).json();
    expect(recent.documents).toHaveLength(3);
  });

  it('/api/search mirrors the CLI JSON shape, with total, took_ms and facets', async () => {
    const res = await get(`/api/search?q=${encodeURIComponent('向量數據庫')}&limit=5`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const r = await res.json();
    expect(r.total).toBeGreaterThan(0);
    expect(typeof r.took_ms).toBe('number');
    expect(Object.keys(r.facets).sort()).toEqual(['entity', 'source', 'speaker', 'year']);
    const hit = r.results[0];
    expect(Object.keys(hit).sort()).toEqual(['document', 'highlights', 'more', 'passage', 'score']);
    expect(Object.keys(hit.document).sort()).toEqual(['date', 'id', 'origins', 'source', 'title', 'url']);
    expect(Object.keys(hit.passage).sort()).toEqual(['claimed_start', 'end', 'id', 'link', 'rendition', 'speaker', 'start', 'text']);
    expect(hit.document.title).toContain('向量');
    const filtered = await (await get(`/api/search?q=${encodeURIComponent('检索')}&source=notes`)).json();
    expect(filtered.results.every((h: { document: { source: string } }) => h.document.source === 'notes')).toBe(true);
  });

  it('/api/documents/:id by ID or YouTube ID, with passage paging; bodies only on request', async () => {
    const id = docId('向量检索的未来');
    const doc = await (await get(`/api/documents/${id}`)).json();
    expect(doc.id).toBe(id);
    expect(doc.renditions.map((r: { kind: string }) => r.kind)).toEqual(['summary', 'transcript']);
    expect(doc.renditions[0].body).toBeUndefined();
    expect(doc.renditions[0].bodyBytes).toBeGreaterThan(0);
    expect((await (await get('/api/documents/tEaTaLk0012')).json()).id).toBe(id);
    const rid = doc.renditions[1].id;
    const page = await (await get(`/api/documents/${id}?rendition=${rid}&offset=2&limit=3&bodies=1`)).json();
    const r = page.renditions.find((x: { id: number }) => x.id === rid);
    expect(r.passages).toHaveLength(3);
    expect(typeof r.body).toBe('string');
    expect(r.bodyNext).toBeNull();
    expect(page.renditions.find((x: { id: number }) => x.id !== rid).body).toBeUndefined();
  });

  it('errors are JSON {error: {status, message}}', async () => {
    const cases: [string, number][] = [
      ['/api/search', 400],
      ['/api/search?q=x&limit=abc', 400],
      ['/api/search?q=x&limit=0', 400],
      ['/api/search?q=x&since=yesterday', 400],
      ['/api/documents/999999', 404],
      ['/api/documents/1?rendition=x', 400],
      ['/api/nothing-here', 404],
    ];
    for (const [path, status] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(status);
      expect(res.headers.get('content-type'), path).toMatch(/application\/json/);
      const body = await res.json();
      expect(body.error.status).toBe(status);
      expect(body.error.message).toEqual(expect.any(String));
    }
  });

  it('an internal failure is a 500: JSON for the API, a page for the browser', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'engram-web-broken-'));
    const broken = openLibrary(dir);
    broken.close();
    const brokenApp = createApp({ db: broken });
    const errors: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((s: string) => (errors.push(String(s)), true)) as typeof process.stderr.write;
    try {
      const api = await brokenApp.request('/api/stats', { headers: { host: 'localhost' } });
      expect(api.status).toBe(500);
      expect((await api.json()).error.status).toBe(500);
      const page = await brokenApp.request('/', { headers: { host: 'localhost' } });
      expect(page.status).toBe(500);
      expect(await page.text()).toContain('Something went wrong');
    } finally {
      process.stderr.write = write;
      rmSync(dir, { recursive: true, force: true });
    }
    expect(errors.join('')).toMatch(/engram serve: GET/);
  });
});

describe('access', () => {
  it('without a token, only requests addressed to loopback are answered (DNS rebinding)', async () => {
    expect((await get('/', { host: 'evil.example:3647' })).status).toBe(403);
    expect((await get('/api/stats', { host: 'evil.example' })).status).toBe(403);
    expect((await get('/', { host: '127.0.0.1:3647' })).status).toBe(200);
    expect((await get('/', { host: '[::1]:3647' })).status).toBe(200);
    expect(isLoopback('127.3.2.1') && isLoopback('::1') && isLoopback('localhost')).toBe(true);
    expect(isLoopback('0.0.0.0') || isLoopback('192.168.1.2') || isLoopback('::') || isLoopback('127.0.0.1.evil.com')).toBe(false);
  });

  it('with a token, every request needs the bearer header or the cookie from /?token=', async () => {
    const token = 'correct-horse-battery';
    const guarded = createApp({ db: lib.db, token });
    const req = (path: string, headers: Record<string, string> = {}) => guarded.request(path, { headers: { host: '192.168.1.5:3647', ...headers } });

    const page = await req('/');
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toMatch(/html/);
    const api = await req('/api/stats');
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await api.json()).error.status).toBe(401);
    expect((await req(URLS.css)).status).toBe(401);
    expect((await req('/api/stats', { authorization: 'Bearer wrong-token-xx' })).status).toBe(401);
    expect((await req('/api/stats', { authorization: `Bearer ${token}` })).status).toBe(200);

    expect((await req('/?token=nope')).status).toBe(401);
    const login = await req(`/search?q=x&token=${token}`);
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/search?q=x');
    // The address left after the token goes is a path of this site, or the home page.
    for (const path of ['//evil.example/', '/.//evil.example', '///evil.example']) {
      const away = await guarded.request(`http://192.168.1.5:3647${path}?token=${token}`, { headers: { host: '192.168.1.5:3647' } });
      expect(away.headers.get('location'), path).toBe('/');
    }
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const pair = cookie.split(';')[0]!;
    expect((await req('/', { cookie: pair })).status).toBe(200);
    expect((await req('/', { cookie: 'engram_token=guess' })).status).toBe(401);
  });

  it('the listener refuses non-loopback addresses without a token, and serves with one', async () => {
    await expect(startServer({ db: lib.db, host: '0.0.0.0', port: 0 })).rejects.toThrow(BindRefused);
    await expect(startServer({ db: lib.db, host: '0.0.0.0', port: 0 })).rejects.toThrow(/--token/);
    const open = await startServer({ db: lib.db, port: 0 });
    try {
      expect(open.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${open.url}/`);
      expect(res.status).toBe(200);
    } finally {
      await open.close();
    }
    const guarded = await startServer({ db: lib.db, host: '0.0.0.0', port: 0, token: 'a-long-enough-token' });
    try {
      const url = `http://127.0.0.1:${guarded.port}/api/stats`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer a-long-enough-token' } })).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('`engram serve` says why it will not bind beyond loopback without a token', async () => {
    let err = '';
    const sink = (f: (s: string) => void) => new Writable({ write(chunk, _e, cb) { f(String(chunk)); cb(); } });
    const io = { out: sink(() => {}), err: sink((s) => (err += s)), stdin: process.stdin, env: {} };
    const code = await main(['serve', '--library', lib.dir + '/library', '--host', '0.0.0.0'], io);
    expect(code).toBe(2);
    expect(err).toMatch(/refusing to serve on 0\.0\.0\.0/);
    expect(err).toMatch(/ENGRAM_TOKEN/);
    err = '';
    expect(await main(['serve', '--library', lib.dir + '/library', '--port', 'eighty'], io)).toBe(2);
    expect(err).toMatch(/--port/);
  });
});
