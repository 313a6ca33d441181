/** The web app's feeds: `/feed.xml` for the library and `/sources/NAME/feed.xml` per source. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { createApp } from '../../src/server/app.js';
import { buildFixtureLibrary, type FixtureLibrary } from './fixture-library.js';

let lib: FixtureLibrary;
let app: Hono;
const get = (path: string) => app.request(`http://localhost:3647${path}`, { headers: { host: 'localhost:3647' } });
const parser = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === 'entry' || n === 'item' || n === 'link' });

beforeAll(async () => {
  lib = await buildFixtureLibrary();
  app = createApp({ db: lib.db });
});
afterAll(() => lib?.cleanup());

describe('feeds', () => {
  it('/feed.xml: an Atom feed of the newest documents, linked on the address the reader used', async () => {
    const res = await get('/feed.xml');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const xml = await res.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = parser.parse(xml).feed;
    const total = lib.db.prepare('SELECT count(*) FROM documents').pluck().get() as number;
    expect(feed.entry).toHaveLength(Math.min(total, 50));
    expect(feed.link.find((l: Record<string, string>) => l['@_rel'] === 'self')['@_href']).toBe('http://localhost:3647/feed.xml');
    expect(feed.entry.every((e: { id: string }) => e.id.startsWith('http://localhost:3647/documents/'))).toBe(true);
  });

  it('/sources/NAME/feed.xml: one source; ?format=rss gives RSS 2.0', async () => {
    const name = 'Tea Talk 茶话';
    const res = await get(`/sources/${encodeURIComponent(name)}/feed.xml?format=rss`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/rss\+xml/);
    const xml = await res.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const channel = parser.parse(xml).rss.channel;
    expect(channel.title).toBe(name);
    const inSource = lib.db.prepare('SELECT count(*) FROM documents d JOIN sources s ON s.id = d.source_id WHERE s.name = ?').pluck().get(name) as number;
    expect(channel.item).toHaveLength(inSource);
  });

  it('an unknown source is a 404 and an unknown format a 400', async () => {
    expect((await get('/sources/nope/feed.xml')).status).toBe(404);
    expect((await get('/feed.xml?format=json')).status).toBe(400);
  });
});
