import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPage } from '../../src/sources/xiaoyuzhou.js';
import { detectSource } from '../../src/sources/index.js';
import { update } from '../../src/pipeline/update.js';
import { addSource, getSource } from '../../src/store/follow.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { startLocalServer, type LocalServer } from '../support/local-server.js';
import { rss, pubDate } from '../support/feeds.js';
import { FIXTURES, tempDir, tempLibrary } from '../helpers.js';

const page = (name: string, base = 'http://127.0.0.1:1') => readFileSync(join(FIXTURES, 'follow', name), 'utf8').replace(/__BASE__/g, base);

describe('Xiaoyuzhou pages (fixtures written after the site\'s Next.js structure)', () => {
  it('reads a show page: title, episodes with their pages, audio and dates', () => {
    const p = readPage(page('xyz-podcast.html'));
    expect(p.show).toBe('科技早知道');
    expect(p.rss).toBeUndefined();
    expect(p.episodes).toHaveLength(2);
    expect(p.episodes[0]).toMatchObject({
      key: '67a1b2c3d4e5f60718293a4b', title: 'DeepSeek 之后，& 开源模型的下一步', date: '2025-03-05',
      url: 'https://www.xiaoyuzhoufm.com/episode/67a1b2c3d4e5f60718293a4b', show: '科技早知道', duration: 3725,
      enclosure: { url: 'http://127.0.0.1:1/audio/e1.wav' },
    });
    expect(p.episodes[1]!.enclosure!.url).toBe('http://127.0.0.1:1/audio/e2.m4a');
  });
  it('reads an episode page, from its Next.js data or its ld+json alone', () => {
    const p = readPage(page('xyz-episode.html'));
    expect(p.episodes).toHaveLength(1);
    expect(p.episodes[0]).toMatchObject({ key: '67a1b2c3d4e5f60718293a4c', show: '科技早知道', date: '2025-02-20' });
    expect(p.showId).toBe('5e5c52c9418a84a04625e6cc');
    const ldOnly = readPage(page('xyz-episode.html').replace(/<script id="__NEXT_DATA__"[\s\S]*?<\/script>/, ''));
    expect(ldOnly.episodes[0]).toMatchObject({ key: '67a1b2c3d4e5f60718293a4c', title: '端侧模型元年', show: '科技早知道' });
  });
  it('finds the show\'s RSS feed where the page names one', () => {
    expect(readPage(page('xyz-with-rss.html', 'http://h')).rss).toBe('http://h/xyz-feed.xml');
  });
  it('detects show and episode URLs', () => {
    expect(detectSource('https://www.xiaoyuzhoufm.com/podcast/5e5c52c9418a84a04625e6cc?s=share').kind).toBe('xiaoyuzhou');
    expect(detectSource('https://www.xiaoyuzhoufm.com/episode/67a1b2c3d4e5f60718293a4c').url).toBe('https://www.xiaoyuzhoufm.com/episode/67a1b2c3d4e5f60718293a4c');
    expect(() => detectSource('https://www.youtube.com/watch?v=Ab3dEf9hIj0')).toThrow(/single video/);
  });
});

describe('following a Xiaoyuzhou show', () => {
  let server: LocalServer;
  const lib = tempLibrary();
  beforeAll(async () => {
    server = await startLocalServer((req, res) => {
      const base = server.url;
      const send = (type: string, body: string) => { res.writeHead(200, { 'content-type': type }); res.end(body); };
      if (req.url === '/podcast' || req.url === '/podcast/5e5c52c9418a84a04625e6cc') return send('text/html', page('xyz-podcast.html', base));
      if (req.url === '/episode/67a1b2c3d4e5f60718293a4c') return send('text/html', page('xyz-episode.html', base));
      if (req.url === '/with-rss') return send('text/html', page('xyz-with-rss.html', base));
      if (req.url === '/xyz-feed.xml') {
        return send('application/rss+xml', rss({ title: '有 RSS 的节目', items: [
          { guid: 'r-2', title: '第二期：大模型评测', link: 'https://typlog.example/ep/2', date: pubDate(2), enclosure: { url: `${base}/audio/r2.mp3`, type: 'audio/mpeg' }, transcripts: [{ url: `${base}/t/r2.vtt`, type: 'text/vtt' }] },
          { guid: 'r-1', title: '第一期：开张', link: 'https://typlog.example/ep/1', date: pubDate(1), enclosure: { url: `${base}/audio/r1.mp3`, type: 'audio/mpeg' }, transcripts: [{ url: `${base}/t/r2.vtt`, type: 'text/vtt' }] },
        ] }));
      }
      if (req.url === '/t/r2.vtt') return send('text/vtt', 'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n评测集污染是老问题了。\n');
      res.writeHead(404).end();
    });
  });

  it('lists the page\'s episodes; without a recognizer they wait, with their pages as URLs', async () => {
    addSource(lib.db, { name: '科技早知道', kind: 'xiaoyuzhou', url: `${server.url}/podcast` });
    const r = await update(lib.db, lib.dir, { hostDelayMs: 0, names: ['科技早知道'] });
    expect(r.sources[0]).toMatchObject({ discovered: 2 });
    expect(r.waiting.map((w) => w.url).sort()).toEqual(['https://www.xiaoyuzhoufm.com/episode/67a1b2c3d4e5f60718293a4b', 'https://www.xiaoyuzhoufm.com/episode/67a1b2c3d4e5f60718293a4c']);
  });

  it('follows the show of an episode page', async () => {
    addSource(lib.db, { name: 'via episode', kind: 'xiaoyuzhou', url: `${server.url}/episode/67a1b2c3d4e5f60718293a4c` });
    const r = await update(lib.db, lib.dir, { hostDelayMs: 0, names: ['via episode'] });
    expect(r.sources[0]!.discovered).toBe(2);
    expect(r.sources[0]!.notes[0]).toMatch(/following the show 科技早知道/);
    expect(getSource(lib.db, 'via episode')!.state.showUrl).toBe(`${server.url}/podcast/5e5c52c9418a84a04625e6cc`);
  });

  it('reads the show\'s RSS when it has one, keeping Xiaoyuzhou episode pages as canonical URLs', async () => {
    // A summary of episode 2 already in the library names its Xiaoyuzhou page.
    const dir = join(tempDir(), 'notes');
    mkdirSync(dir);
    writeFileSync(join(dir, 'summary.md'), '# 第二期：大模型评测\n\n**Podcast:** 有 RSS 的节目\n**Participants:** 主持人\n**Episode URL:** https://www.xiaoyuzhoufm.com/episode/6000000000000000000000b1\n\n---\n\n## 要点\n\n评测集污染。\n');
    await ingest(lib.db, [dir]);
    addSource(lib.db, { name: '有 RSS 的节目', kind: 'xiaoyuzhou', url: `${server.url}/with-rss` });
    const r = await update(lib.db, lib.dir, { hostDelayMs: 0, names: ['有 RSS 的节目'] });
    expect(r.added.map((a) => a.url).sort()).toEqual(['https://typlog.example/ep/1', 'https://www.xiaoyuzhoufm.com/episode/6000000000000000000000b1']);
    const kinds = lib.db.prepare("SELECT r.kind FROM renditions r JOIN documents d ON d.id = r.document_id WHERE d.key = 'url:https://www.xiaoyuzhoufm.com/episode/6000000000000000000000b1' ORDER BY r.kind").pluck().all();
    expect(kinds).toEqual(['raw-transcript', 'summary']);
  });
});
