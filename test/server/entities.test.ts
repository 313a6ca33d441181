/**
 * The web app's terms and entities: entity pages, entity links on document pages, the
 * entity facet and filter on search, corrected words shown with what was heard.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp } from '../../src/server/app.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { findDocumentId } from '../../src/store/read.js';
import { copyFixture, tempLibrary } from '../helpers.js';

const { db } = tempLibrary();
let app: Hono;
const get = (path: string) => app.request(path, { headers: { host: 'localhost:3647' } });

beforeAll(async () => {
  await ingest(db, [copyFixture('corrections'), copyFixture('terms')]);
  app = createApp({ db });
});

describe('entity pages', () => {
  it('shows an entity with aliases, a timeline chart, passages and documents', async () => {
    const res = await get('/entities/modelbest');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<h1>ModelBest</h1>');
    expect(page).toContain('面壁智能');
    expect(page).toMatch(/<svg[^>]+role="img" aria-label="Mentions by month"/);
    expect(page).toContain('Small Labs, Big Models');
  });

  it('finds an entity by any name and lists entities by type', async () => {
    expect((await get(`/entities/${encodeURIComponent('習近平')}`)).status).toBe(200);
    expect((await get('/entities/nobody-at-all')).status).toBe(404);
    const list = await (await get('/entities?type=person')).text();
    expect(list).toContain('习近平');
    expect((await get('/entities?type=planet')).status).toBe(400);
    const bad = await get('/api/entities?type=planet');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/"type" is one of person/);
    const people = (await (await get('/api/entities?type=person')).json()) as { entities: { type: string }[] };
    expect(people.entities.length).toBeGreaterThan(0);
    expect(people.entities.every((e) => e.type === 'person')).toBe(true);
    const api = await (await get('/api/entities/xi%20jinping')).json() as { type: string; documents: unknown[] };
    expect(api.type).toBe('person');
    expect(api.documents).toHaveLength(2);
  });
});

describe('document pages and search', () => {
  it('link the entities a document mentions and show corrected words with what was heard', async () => {
    const id = findDocumentId(db, 'https://podcast.example.com/episodes/small-labs')!;
    const raw = db.prepare("SELECT id FROM renditions WHERE document_id = ? AND kind = 'raw-transcript'").pluck().get(id) as number;
    const page = await (await get(`/documents/${id}?rendition=${raw}`)).text();
    expect(page).toMatch(/<a class="chip ent organization" href="\/entities\/modelbest"/);
    expect(page).toMatch(/<span class="fix" title="Heard “面臂智能”[^"]*">面壁智能<s class="heard" aria-label="heard">面臂智能<\/s><\/span>/);
  });

  it('offers a Mentions facet and filters by entity', async () => {
    const all = await (await get('/api/search?q=%E6%A8%A1%E5%9E%8B')).json() as { total: number; facets: { entity: { value: string; label: string }[] } };
    expect(all.facets.entity.map((f) => f.value)).toContain('modelbest');
    const only = await (await get('/api/search?q=%E6%A8%A1%E5%9E%8B&entity=modelbest')).json() as { total: number };
    expect(only.total).toBeGreaterThan(0);
    expect(only.total).toBeLessThan(all.total);
    const html = await (await get('/search?q=%E6%A8%A1%E5%9E%8B')).text();
    expect(html).toContain('<h3>Mentions</h3>');
  });
});
