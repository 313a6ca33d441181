/**
 * The server's public address (`--public-url`, ENGRAM_PUBLIC_URL, config.json "publicUrl"):
 * feeds build their links and IDs on it, whatever Host a client or a reverse proxy sends; the
 * setting is taken flag > environment > config.json, and an unusable value is refused, naming
 * where it was set, with the usage exit code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { Hono } from 'hono';
import { XMLParser } from 'fast-xml-parser';
import { createApp } from '../../src/server/app.js';
import { startServer } from '../../src/server/server.js';
import { parsePublicUrl, PublicUrlError } from '../../src/server/public-url.js';
import { serveOptions } from '../../src/cli/commands/serve.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../helpers.js';
import { buildFixtureLibrary, type FixtureLibrary } from './fixture-library.js';

const PUBLIC = 'https://kb.example.com';
const TOKEN = 'public-url-test-token-0123';
const parser = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === 'entry' || n === 'item' || n === 'link' });

let lib: FixtureLibrary;
beforeAll(async () => {
  lib = await buildFixtureLibrary();
});
afterAll(() => lib?.cleanup());

type Link = Record<string, string>;
/** The absolute addresses an Atom feed holds: its ID, its links, and each entry's ID and (web app) link. */
function atomAddresses(xml: string) {
  const feed = parser.parse(xml).feed;
  return {
    id: feed.id as string,
    self: feed.link.find((l: Link) => l['@_rel'] === 'self')['@_href'] as string,
    home: feed.link.find((l: Link) => l['@_rel'] === 'alternate')['@_href'] as string,
    entryIds: (feed.entry as { id: string }[]).map((e) => e.id),
    appLinks: (feed.entry as { link: Link[] }[]).map((e) => e.link[0]!['@_href']).filter((h) => h.includes('/documents/')),
  };
}

const io = (env: NodeJS.ProcessEnv = {}) => {
  const sink = new Writable({ write(_c, _e, cb) { cb(); } });
  return { out: sink, err: sink, stdin: Readable.from(['']), env };
};

describe('feeds on the public address', () => {
  let app: Hono;
  let tokenApp: Hono;
  beforeAll(() => {
    app = createApp({ db: lib.db, publicUrl: `${PUBLIC}/` });
    tokenApp = createApp({ db: lib.db, token: TOKEN, publicUrl: PUBLIC });
  });

  it('/feed.xml: links and IDs on the public URL, not on the Host the request names', async () => {
    const res = await app.request('http://127.0.0.1:3647/feed.xml', { headers: { host: '127.0.0.1:3647' } });
    expect(res.status).toBe(200);
    const a = atomAddresses(await res.text());
    expect(a.self).toBe(`${PUBLIC}/feed.xml`);
    expect(a.id).toBe(`${PUBLIC}/feed.xml`);
    expect(a.home).toBe(`${PUBLIC}/`);
    expect(a.entryIds.length).toBeGreaterThan(0);
    expect(a.entryIds.every((id) => id.startsWith(`${PUBLIC}/documents/`))).toBe(true);
    expect(a.appLinks.length).toBeGreaterThan(0);
    expect(a.appLinks.every((l) => l.startsWith(`${PUBLIC}/documents/`))).toBe(true);
  });

  it('a spoofed Host changes nothing (with a token, any Host is let through)', async () => {
    const feed = (host: string, path = '/feed.xml') =>
      tokenApp.request(`http://${host}${path}`, { headers: { host, authorization: `Bearer ${TOKEN}` } }).then(async (r) => {
        expect(r.status).toBe(200);
        return atomAddresses(await r.text());
      });
    const proxied = await feed('127.0.0.1:3647');
    expect(proxied.self).toBe(`${PUBLIC}/feed.xml`);
    expect(await feed('evil.example')).toEqual(proxied);
    expect(await feed('kb.example.com:8443')).toEqual(proxied);
    // One source, its path encoded either way: one address and ID.
    const name = 'Tea Talk 茶话';
    const encoded = await feed('evil.example', `/sources/${encodeURIComponent(name)}/feed.xml`);
    expect(encoded.self).toBe(`${PUBLIC}/sources/${encodeURIComponent(name)}/feed.xml`);
    expect(encoded.home).toBe(`${PUBLIC}/sources/${encodeURIComponent(name)}`);
    expect(await feed('127.0.0.1', `/sources/Tea%20Talk%20${encodeURIComponent('茶话')}/feed.xml`)).toEqual(encoded);
  });

  it('RSS too', async () => {
    const res = await tokenApp.request('http://evil.example/feed.xml?format=rss', { headers: { host: 'evil.example', authorization: `Bearer ${TOKEN}` } });
    const channel = parser.parse(await res.text()).rss.channel;
    expect(channel.link[0]).toBe(`${PUBLIC}/`);
    expect(channel.item.every((i: { guid: string | { '#text': string } }) => (typeof i.guid === 'string' ? i.guid : i.guid['#text']).startsWith(`${PUBLIC}/documents/`))).toBe(true);
    expect(JSON.stringify(channel)).not.toContain('evil.example');
  });

  it('without a public URL: the request origin, as before (loopback names only without a token)', async () => {
    const plain = createApp({ db: lib.db });
    const a = atomAddresses(await (await plain.request('http://localhost:3647/feed.xml', { headers: { host: 'localhost:3647' } })).text());
    expect(a.self).toBe('http://localhost:3647/feed.xml');
    expect(a.entryIds.every((id) => id.startsWith('http://localhost:3647/documents/'))).toBe(true);
    expect((await plain.request('http://evil.example/feed.xml', { headers: { host: 'evil.example' } })).status).toBe(403);
  });

  it('over a real socket on 127.0.0.1, a Host the client makes up does not reach the feed', async () => {
    const server = await startServer({ db: lib.db, port: 0, token: TOKEN, publicUrl: PUBLIC, searchThreads: 0 });
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: server.port, path: '/feed.xml', headers: { host: 'attacker.example:666', authorization: `Bearer ${TOKEN}` } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`status ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end();
      });
      expect(body).not.toContain('attacker.example');
      expect(atomAddresses(body).self).toBe(`${PUBLIC}/feed.xml`);
    } finally {
      await server.close();
    }
  });

  it('/mcp takes a page on the public address as its own origin (behind a proxy Host is the upstream)', async () => {
    const post = (a: Hono, origin: string) =>
      a.request('http://127.0.0.1:3647/mcp', {
        method: 'POST',
        headers: { host: '127.0.0.1:3647', origin, authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
      });
    expect((await post(tokenApp, PUBLIC)).status).toBe(200);
    expect((await post(tokenApp, 'https://evil.example')).status).toBe(403);
    const noPublic = createApp({ db: lib.db, token: TOKEN });
    expect((await post(noPublic, PUBLIC)).status).toBe(403);
  });
});

describe('the setting', () => {
  it('is an http(s) origin; anything else is refused with the reason', () => {
    expect(parsePublicUrl('https://KB.Example.com/')).toBe('https://kb.example.com');
    expect(parsePublicUrl('https://kb.example.com:443')).toBe('https://kb.example.com');
    expect(parsePublicUrl('http://10.0.0.5:8080')).toBe('http://10.0.0.5:8080');
    expect(parsePublicUrl('http://[::1]:3647/')).toBe('http://[::1]:3647');
    const refused: [string, RegExp][] = [
      ['kb.example.com', /not an absolute URL|not an http/],
      ['/feed.xml', /not an absolute URL/],
      ['ftp://kb.example.com', /not an http:\/\/ or https:\/\/ address/],
      ['javascript:alert(1)', /not an http:\/\/ or https:\/\/ address/],
      ['https://kb.example.com/engram', /has a path \(\/engram\).*https:\/\/kb\.example\.com/],
      ['https://me:pw@kb.example.com', /user name or password/],
      ['https://kb.example.com/?a=1', /query or fragment/],
      ['https://kb.example.com/#top', /query or fragment/],
    ];
    for (const [raw, message] of refused) {
      expect(() => parsePublicUrl(raw), raw).toThrow(PublicUrlError);
      expect(() => parsePublicUrl(raw), raw).toThrow(message);
    }
    expect(() => parsePublicUrl(42)).toThrow(/must be a string/);
    expect(() => createApp({ db: lib.db, publicUrl: 'kb.example.com' })).toThrow(PublicUrlError);
  });

  it('startServer refuses an unusable address before starting anything', async () => {
    await expect(startServer({ db: lib.db, port: 0, publicUrl: 'https://kb.example.com/x', searchThreads: 0 })).rejects.toThrow(/has a path/);
  });

  it('precedence: --public-url, else ENGRAM_PUBLIC_URL, else config.json "publicUrl"; empty is none', () => {
    const dir = tempDir('engram-public-');
    const library = join(dir, 'library');
    mkdirSync(library);
    writeFileSync(join(library, 'config.json'), JSON.stringify({ publicUrl: 'https://from-config.example' }));
    const env = { ENGRAM_PUBLIC_URL: 'https://from-env.example/' };
    expect(serveOptions({ library, 'public-url': 'https://from-flag.example' }, io(env)).publicUrl).toBe('https://from-flag.example');
    expect(serveOptions({ library }, io(env)).publicUrl).toBe('https://from-env.example');
    expect(serveOptions({ library }, io()).publicUrl).toBe('https://from-config.example');
    // ENGRAM_HOME names the library as --library does.
    expect(serveOptions({}, io({ ENGRAM_HOME: library })).publicUrl).toBe('https://from-config.example');
    // An empty value is no setting: the first one given wins (as for service settings), so it turns the others off.
    expect(serveOptions({ library, 'public-url': '' }, io(env)).publicUrl).toBeUndefined();
    expect(serveOptions({ library: join(dir, 'elsewhere') }, io()).publicUrl).toBeUndefined();
    // A valid flag wins over a broken environment value: only the value used is checked.
    expect(serveOptions({ library, 'public-url': 'http://127.0.0.1:9000' }, io({ ENGRAM_PUBLIC_URL: 'nonsense' })).publicUrl).toBe('http://127.0.0.1:9000');
  });

  it('`engram serve` refuses an invalid value with exit code 2, naming the flag, variable or file', async () => {
    const dir = tempDir('engram-public-');
    const library = join(dir, 'library');
    mkdirSync(library);
    const flag = await runCli(['serve', '--library', library, '--public-url', 'kb.example.com']);
    expect(flag.code).toBe(2);
    expect(flag.err).toMatch(/^engram serve: --public-url: "kb\.example\.com" is not/);
    const env = await runCli(['serve', '--library', library], { ENGRAM_PUBLIC_URL: 'https://kb.example.com/engram/' });
    expect(env.code).toBe(2);
    expect(env.err).toMatch(/^engram serve: ENGRAM_PUBLIC_URL: "https:\/\/kb\.example\.com\/engram\/" has a path/);
    writeFileSync(join(library, 'config.json'), JSON.stringify({ publicUrl: 'ftp://kb.example.com' }));
    const file = await runCli(['serve', '--library', library]);
    expect(file.code).toBe(2);
    expect(file.err).toContain(`${join(library, 'config.json')} "publicUrl": "ftp://kb.example.com" is not an http:// or https:// address`);
    writeFileSync(join(library, 'config.json'), JSON.stringify({ publicUrl: ['https://kb.example.com'] }));
    expect((await runCli(['serve', '--library', library])).err).toMatch(/"publicUrl": must be a string/);
    const demo = await runCli(['demo', '--library', join(dir, 'demo'), '--public-url', 'nope']);
    expect(demo.code).toBe(2);
    expect(demo.err).toMatch(/--public-url: "nope" is not an absolute URL/);
  });
});
