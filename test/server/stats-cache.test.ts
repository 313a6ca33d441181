/**
 * `/api/stats` (and the home page's counts) are computed once per change of the library, not
 * on every request (issue 6, item 13): the counting function is watched through a module mock.
 * A commit by another connection (an ingest running beside the server) is seen at once.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import Database from 'better-sqlite3';
import type { Hono } from 'hono';
import * as read from '../../src/store/read.js';
import { createApp } from '../../src/server/app.js';
import { buildFixtureLibrary, type FixtureLibrary } from './fixture-library.js';

vi.mock('../../src/store/read.js', async (original) => {
  const actual = await original<typeof import('../../src/store/read.js')>();
  return { ...actual, libraryStats: vi.fn(actual.libraryStats), listSources: vi.fn(actual.listSources) };
});

let lib: FixtureLibrary;
let app: Hono;
const get = (path: string) => app.request(path, { headers: { host: 'localhost' } });

beforeAll(async () => {
  lib = await buildFixtureLibrary();
  app = createApp({ db: lib.db });
});
afterAll(() => lib?.cleanup());

describe('library totals', () => {
  it('are counted once until the library changes, then again', async () => {
    const counted = vi.mocked(read.libraryStats);
    const listed = vi.mocked(read.listSources);
    counted.mockClear();
    listed.mockClear();
    const first = await (await get('/api/stats')).json();
    for (let i = 0; i < 5; i++) expect(await (await get('/api/stats')).json()).toEqual(first);
    await get('/');
    await get('/api/sources');
    await get('/sources/archive');
    expect(counted).toHaveBeenCalledTimes(1);
    expect(listed).toHaveBeenCalledTimes(1);

    // Another connection commits, as an ingest beside the server would.
    const other = new Database(lib.db.name);
    other.prepare("INSERT INTO sources (name) VALUES ('新来源')").run();
    other.close();
    const after = await (await get('/api/stats')).json();
    expect(after.sources).toBe(first.sources + 1);
    expect(counted).toHaveBeenCalledTimes(2);
  });
});
