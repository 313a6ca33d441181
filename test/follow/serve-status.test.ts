import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../src/server/app.js';
import { addSource, advanceJob, failJob, listJobs, recordDiscovery, recordItems, sourceFilesDir } from '../../src/store/follow.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { tempLibrary } from '../helpers.js';

describe('engram serve: followed sources', () => {
  it('shows each source\'s last update, pending and failed items with reasons, in pages and /api/sources', async () => {
    const { db, dir } = tempLibrary();
    const s = addSource(db, { name: '晚间茶话', kind: 'feed', url: 'https://ex.com/feed.xml' });
    recordItems(db, s.id, [{ key: 'a', title: '第一期' }, { key: 'b', title: '第二期' }, { key: 'c', title: '第三期' }]);
    recordDiscovery(db, s.id, { state: {} });
    const [a, b] = listJobs(db);
    failJob(db, a!, 'permanent', 'audio download: HTTP 404 from https://ex.com/a.mp3', { maxAttempts: 5, baseDelayMs: 1000 });
    advanceJob(db, b!.id, 'ingested');
    const files = sourceFilesDir(dir, '晚间茶话');
    mkdirSync(files, { recursive: true });
    writeFileSync(join(files, 'b.md'), '# 第二期\n\n**Podcast:** 晚间茶话\n**Episode URL:** https://ex.com/2\n\n---\n\n[00:00:01.000] 你好。\n');
    await ingest(db, [files]);
    const app = createApp({ db });
    const get = (p: string) => app.request(p, { headers: { host: 'localhost' } });
    const home = await (await get('/')).text();
    expect(home).toContain('Followed');
    expect(home).toMatch(/feed · updated \d{4}-\d\d-\d\d \d\d:\d\d · 1 pending · 1 failed/);
    expect(home).toContain('第一期: audio download: HTTP 404 from https://ex.com/a.mp3 (engram jobs retry)');
    const page = await (await get(`/sources/${encodeURIComponent('晚间茶话')}`)).text();
    expect(page).toContain('1 failed');
    const api = await (await get('/api/sources')).json();
    expect(api.followed[0]).toMatchObject({ name: '晚间茶话', documents: 1, pending: 1, failed: 1, failures: [{ title: '第一期', permanent: true }] });
  });
});
