import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { update, sourceFilesDir, type UpdateReport } from '../../src/pipeline/update.js';
import { addSource, getSource, listJobs, retryJobs } from '../../src/store/follow.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { search } from '../../src/search/search.js';
import { openAiRecognizer } from '../../src/providers/asr.js';
import { parseFeedText } from '../../src/sources/feed.js';
import { startLocalServer, type LocalServer } from '../support/local-server.js';
import { startFakeAsr, type FakeAsr } from '../support/fake-asr.js';
import { speechFile, type SpeechFile } from '../support/audio.js';
import { atom, pubDate, rss, type FeedItem } from '../support/feeds.js';
import { tempDir, tempLibrary } from '../helpers.js';
import { acquireWriterLock } from '../../src/store/lock.js';

const HTTP = { attempts: 3, timeoutMs: 1500, baseDelayMs: 1, maxDelayMs: 5 };
const FAST = { hostDelayMs: 0, http: HTTP, retryBaseMs: 1 };

const VTT = `WEBVTT

00:00:01.000 --> 00:00:04.000
<v 主持人小林>欢迎收听，今天聊稀疏注意力机制。

00:00:04.000 --> 00:00:09.500
<v 嘉宾老周>我觉得长上下文的关键是数据管线。
`;
const PODCAST_JSON = JSON.stringify({ version: '1.0.0', segments: [
  { speaker: 'Host', startTime: 0.5, endTime: 3, body: 'Today we look at mixture of experts routing.' },
  { speaker: 'Guest', startTime: 3, endTime: 8, body: 'Routing collapse was the main problem we had.' },
] });
const SRT = `1
00:00:02,000 --> 00:00:05,000
端侧模型的推理速度提升了三倍

2
00:00:05,000 --> 00:00:08,000
量化之后精度几乎没有损失
`;
const HTML = `<html><body><cite>主持人小林:</cite><time>0:00</time><p>这一期讨论强化学习的奖励模型。</p>
<cite>嘉宾老周:</cite><time>1:05</time><p>奖励黑客是最难处理的问题。</p></body></html>`;
const CHAPTERS = JSON.stringify({ version: '1.2.0', chapters: [{ startTime: 0, title: '开场' }, { startTime: 65, title: '奖励模型' }] });

interface World {
  server: LocalServer;
  asr: FakeAsr;
  speech: SpeechFile;
  items: FeedItem[];
  hits: Record<string, number>;
  /** Routes that answer 500 while listed here. */
  broken: Set<string>;
}

async function world(): Promise<World> {
  const dir = tempDir();
  const speech = speechFile(dir, 'ep', [
    { text: 'This episode has no transcript from its publisher', gap: 0.6 },
    { text: 'so engram sends the audio to a speech recognizer', gap: 0.5 },
  ]);
  const audio = readFileSync(speech.path);
  const hits: Record<string, number> = {};
  const broken = new Set<string>();
  const w = { hits, broken, speech } as World;
  const handler = async (req: { url?: string; headers: Record<string, string | string[] | undefined> }, res: ServerResponse) => {
    const path = req.url!.split('?')[0]!;
    hits[path] = (hits[path] ?? 0) + 1;
    const u = w.server.url;
    const send = (status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': type, ...headers });
      res.end(body);
    };
    if (broken.has(path)) return send(500, 'text/plain', 'internal error');
    switch (path) {
      case '/show.xml': {
        const body = rss({ title: '晚间茶话', items: w.items });
        const etag = `"v${body.length}"`;
        if (req.headers['if-none-match'] === etag) return send(304, 'application/rss+xml', '');
        return send(200, 'application/rss+xml; charset=utf-8', body, { etag });
      }
      case '/chain-a': return send(301, 'text/plain', '', { location: `${u}/chain-b` });
      case '/chain-b': return send(308, 'text/plain', '', { location: `/chain-c` });
      case '/chain-c': return send(302, 'text/plain', '', { location: `${u}/show.xml` });
      case '/moved.xml': return send(301, 'text/plain', '', { location: `${u}/show.xml` });
      case '/renamed.xml': return send(200, 'application/rss+xml', rss({ title: 'Old name', newFeedUrl: `${u}/show.xml`, items: [] }));
      case '/broken.xml': return send(200, 'application/rss+xml', '<?xml version="1.0"?>\n<rss version="2.0">\n<channel>\n<title>Broken</title>\n<item><title>a</titel></item>\n</channel></rss>');
      case '/page.html': return send(200, 'text/html', `<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/show.xml"></head><body>Our show</body></html>`);
      case '/flaky.xml': return hits[path]! <= 2 ? send(500, 'text/plain', 'try again') : send(200, 'application/rss+xml', rss({ title: 'Flaky', items: [] }));
      case '/slow.xml': await new Promise((r) => setTimeout(r, 2500)); return send(200, 'application/rss+xml', rss({ title: 'Slow', items: [] }));
      case '/atom.xml': return send(200, 'application/atom+xml', atom({ title: 'Atom Show', entries: [{ id: 'tag:a,2025:1', title: 'Atom one', link: 'https://ex.com/atom/1', updated: '2025-03-01T00:00:00Z', enclosure: `${u}/t/none.mp3` }] }));
      case '/t/ep1.vtt': return send(200, 'text/vtt', VTT);
      case '/t/ep2.json': return send(200, 'application/json', PODCAST_JSON);
      case '/t/ep3.srt': return send(200, 'application/x-subrip', SRT);
      case '/t/ep4.html': return send(200, 'text/html', HTML);
      case '/t/chapters.json': return send(200, 'application/json+chapters', CHAPTERS);
      case '/t/bad.vtt': return send(404, 'text/plain', 'gone');
      case '/a/ep5.wav': {
        const range = /bytes=(\d+)-/.exec(String(req.headers.range ?? ''));
        if (range) {
          const from = Number(range[1]);
          return send(206, 'audio/wav', audio.subarray(from), { 'content-range': `bytes ${from}-${audio.length - 1}/${audio.length}`, 'content-length': String(audio.length - from) });
        }
        if (hits[path] === 1 && w.items.some((i) => i.guid === 'ep-cut')) {
          // First attempt of the resume test: half the file, then the connection drops.
          res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': String(audio.length) });
          res.write(audio.subarray(0, audio.length >> 1));
          setTimeout(() => res.destroy(), 20);
          return;
        }
        return send(200, 'audio/wav', audio, { 'content-length': String(audio.length) });
      }
      case '/a/page.mp3': return send(200, 'text/html; charset=utf-8', '<html>Episode not found</html>');
      case '/a/huge.mp3':
        res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': String(3_000_000_000) });
        return res.end();
      case '/a/missing.mp3': return send(404, 'text/plain', 'no such file');
      default: return send(404, 'text/plain', 'not found');
    }
  };
  w.server = await startLocalServer(handler as never);
  const u = w.server.url;
  w.items = [
    { guid: 'ep-1', title: '稀疏注意力与长上下文', link: 'https://ex.com/ep/1', date: pubDate(1), transcripts: [{ url: `${u}/t/bad.vtt`, type: 'text/vtt' }, { url: `${u}/t/ep1.vtt`, type: 'text/vtt' }], chapters: `${u}/t/chapters.json`, persons: ['嘉宾老周'] },
    { guid: 'ep-2', title: 'Mixture of experts routing', link: 'https://ex.com/ep/2', date: pubDate(2), transcripts: [{ url: `${u}/t/ep2.json`, type: 'application/json' }, { url: `${u}/t/ep1.vtt`, type: 'text/vtt' }] },
    { guid: 'ep-3', title: '端侧模型的量化', link: 'https://ex.com/ep/3', date: pubDate(3), transcripts: [{ url: `${u}/t/ep3.srt`, type: 'application/x-subrip' }] },
    { guid: 'ep-4', title: '奖励模型', link: 'https://ex.com/ep/4', date: pubDate(4), transcripts: [{ url: `${u}/t/ep4.html`, type: 'text/html' }], chapters: `${u}/t/chapters.json` },
    { guid: 'ep-5', title: 'Recognized episode', link: 'https://ex.com/ep/5', date: pubDate(5), enclosure: { url: `${u}/a/ep5.wav`, type: 'audio/wav' } },
    { guid: 'ep-6', title: 'Web page instead of audio', link: 'https://ex.com/ep/6', date: pubDate(6), enclosure: { url: `${u}/a/page.mp3`, type: 'audio/mpeg' } },
    { guid: 'ep-7', title: 'Three gigabytes', link: 'https://ex.com/ep/7', date: pubDate(7), enclosure: { url: `${u}/a/huge.mp3`, type: 'audio/mpeg' } },
    { guid: 'ep-8', title: 'Missing audio', link: 'https://ex.com/ep/8', date: pubDate(8), enclosure: { url: `${u}/a/missing.mp3`, type: 'audio/mpeg' } },
  ];
  w.asr = await startFakeAsr('verbose_json');
  w.asr.episode(speech.pcm, speech.script);
  return w;
}

/** Backoff with retryBaseMs 1 is a few ms (base × 2^attempts, jittered): wait it out. */
const pastBackoff = () => new Promise((r) => setTimeout(r, 40));

const titles = (items: { title: string | null }[]) => items.map((i) => i.title).sort();

describe('following a podcast feed', () => {
  let w: World;
  const lib = tempLibrary();
  let first: UpdateReport;
  beforeAll(async () => {
    w = await world();
    // A transcript of episode 1 that the user copied in earlier: the new document must join it.
    const old = join(tempDir(), 'tea');
    mkdirSync(old);
    writeFileSync(join(old, 'transcript.md'), `# 稀疏注意力与长上下文\n\n**Podcast:** 晚间茶话\n**Episode URL:** https://ex.com/ep/1\n\n---\n\n[00:00:01] 主持人小林: 欢迎收听。\n[00:00:04] 嘉宾老周: 数据管线最重要。\n[00:00:09] 主持人小林: 好的。\n`);
    await ingest(lib.db, [old]);
    addSource(lib.db, { name: '晚间茶话', kind: 'feed', url: `${w.server.url}/show.xml` });
    first = await update(lib.db, lib.dir, { ...FAST, recognizer: openAiRecognizer({ url: w.asr.url }, { retry: HTTP }) });
  });

  it('adds every episode with a usable transcript or audio, and says why the others failed', () => {
    expect(first.sources[0]).toMatchObject({ name: '晚间茶话', discovered: 8 });
    expect(titles(first.added)).toEqual(titles(w.items.slice(0, 5)));
    const failed = Object.fromEntries(first.failed.map((f) => [f.title, f]));
    expect(failed['Web page instead of audio']!.reason).toMatch(/text\/html, not audio/);
    expect(failed['Three gigabytes']!.reason).toMatch(/3000 MB, over the 2000 MB limit/);
    expect(failed['Missing audio']!.reason).toMatch(/HTTP 404/);
    expect(first.failed.every((f) => f.permanent)).toBe(true);
  });

  it('writes transcripts as files the library can be rebuilt from', () => {
    const files = readdirSync(sourceFilesDir(lib.dir, '晚间茶话'));
    expect(files).toHaveLength(5);
    const ep1 = readFileSync(join(sourceFilesDir(lib.dir, '晚间茶话'), files.find((f) => f.includes('稀疏注意力'))!), 'utf8');
    expect(ep1).toContain('**Episode URL:** https://ex.com/ep/1');
    expect(ep1).toContain('**Chapters:** 0:00 开场 · 1:05 奖励模型');
    expect(ep1).toMatch(/\[00:00:04\.000 --> 00:00:09\.500\] \*\*嘉宾老周:\*\* 我觉得/);
    expect(existsSync(join(lib.dir, 'media', '晚间茶话', 'ep5.wav'))).toBe(false);
    expect(readdirSync(join(lib.dir, 'media', '晚间茶话')).filter((f) => !f.startsWith('.'))).toEqual([]); // audio deleted after transcription
  });

  it('joins an episode with the transcript already in the library, and keeps speakers and times', () => {
    const doc = lib.db.prepare("SELECT id FROM documents WHERE key = 'url:https://ex.com/ep/1'").pluck().get() as number;
    const kinds = lib.db.prepare('SELECT kind FROM renditions WHERE document_id = ? ORDER BY kind').pluck().all(doc);
    expect(kinds).toEqual(['transcript', 'transcript']);
    const speakers = lib.db.prepare("SELECT DISTINCT speaker FROM passages WHERE document_id = ? AND speaker IS NOT NULL ORDER BY speaker").pluck().all(doc);
    expect(speakers).toEqual(['主持人小林', '嘉宾老周']);
    const html = lib.db.prepare("SELECT p.start, p.speaker FROM passages p JOIN documents d ON d.id = p.document_id WHERE d.key = 'url:https://ex.com/ep/4' ORDER BY p.seq").all();
    expect(html).toEqual([{ start: 0, speaker: '主持人小林' }, { start: 65, speaker: '嘉宾老周' }]);
    const json = lib.db.prepare("SELECT p.speaker FROM passages p JOIN documents d ON d.id = p.document_id WHERE d.key = 'url:https://ex.com/ep/2' ORDER BY p.seq").pluck().all();
    expect(json).toEqual(['Host', 'Guest']);
  });

  it('makes the new episodes searchable, recognized ones included', () => {
    expect(search(lib.db, '数据管线').hits[0]!.document.url).toBe('https://ex.com/ep/1');
    expect(search(lib.db, 'speech recognizer').hits[0]?.document.title).toBe('Recognized episode');
    expect(search(lib.db, '量化 精度').hits[0]!.document.source).toBe('晚间茶话');
  });

  it('costs one 304 when the feed did not change, and retries nothing that failed for good', async () => {
    const before = { ...w.hits };
    const again = await update(lib.db, lib.dir, FAST);
    expect(again.sources[0]!.unchanged).toBe(true);
    expect(again.added).toEqual([]);
    expect(again.failed).toEqual([]);
    expect(w.hits['/show.xml']).toBe(before['/show.xml']! + 1);
    expect(Object.keys(w.hits).filter((k) => w.hits[k] !== before[k])).toEqual(['/show.xml']);
  });

  it('re-queues permanent failures with jobs retry', async () => {
    w.items[5]!.enclosure = { url: `${w.server.url}/a/ep5.wav`, type: 'audio/wav' }; // the publisher fixed it
    const failed = listJobs(lib.db, { states: ['failed'] });
    expect(failed).toHaveLength(3);
    expect(retryJobs(lib.db, [failed.find((j) => j.title === 'Web page instead of audio')!.id])).toBe(1);
    const r = await update(lib.db, lib.dir, { ...FAST, recognizer: openAiRecognizer({ url: w.asr.url }, { retry: HTTP }) });
    expect(titles(r.added)).toEqual(['Web page instead of audio']);
  });
});

describe('feed discovery', () => {
  let w: World;
  const lib = tempLibrary();
  beforeAll(async () => {
    w = await world();
  });
  const run = async (name: string, path: string) => {
    addSource(lib.db, { name, kind: 'feed', url: `${w.server.url}${path}` });
    const r = await update(lib.db, lib.dir, { ...FAST, names: [name], dryRun: name.startsWith('dry') });
    return { r: r.sources[0]!, state: getSource(lib.db, name)!.state };
  };

  it('follows 301/308/302 chains, and remembers the address only when every hop was permanent', async () => {
    const chain = await run('chain', '/chain-a');
    expect(chain.r.error).toBeUndefined();
    expect(chain.r.discovered).toBe(8);
    expect(chain.state.feedUrl).toBe(`${w.server.url}/chain-a`);
    const moved = await run('moved', '/moved.xml');
    expect(moved.r.notes.join()).toMatch(/moved permanently/);
    expect(moved.state.feedUrl).toBe(`${w.server.url}/show.xml`);
  });

  it('follows a renamed feed (itunes:new-feed-url) and a page that links its feed', async () => {
    const renamed = await run('renamed', '/renamed.xml');
    expect(renamed.state.feedUrl).toBe(`${w.server.url}/show.xml`);
    expect(renamed.r.discovered).toBe(8);
    const page = await run('page', '/page.html');
    expect(page.r.discovered).toBe(8);
  });

  it('reports broken XML with its line, 404, a slow server; recovers from a passing 500', async () => {
    expect((await run('broken', '/broken.xml')).r.error).toMatch(/not a readable RSS or Atom feed \(line 5/);
    expect((await run('gone', '/gone.xml')).r.error).toMatch(/HTTP 404/);
    expect((await run('slow', '/slow.xml')).r.error).toMatch(/timed out/);
    expect((await run('flaky', '/flaky.xml')).r.error).toBeUndefined();
    expect(getSource(lib.db, 'broken')!.error).toMatch(/line 5/);
  });

  it('reads Atom, and lists without fetching on --dry-run', async () => {
    const a = await run('atom', '/atom.xml');
    expect(a.r.discovered).toBe(1);
    const dry = await update(lib.db, lib.dir, { ...FAST, names: ['atom'], dryRun: true });
    expect(dry.wouldFetch).toEqual([]); // already known
    addSource(lib.db, { name: 'dry', kind: 'feed', url: `${w.server.url}/show.xml` });
    const d = await update(lib.db, lib.dir, { ...FAST, names: ['dry'], dryRun: true, limit: 3, since: '2025-03-02' });
    expect(d.wouldFetch.map((i) => i.date)).toEqual(['2025-03-08', '2025-03-07', '2025-03-06']);
    expect(listJobs(lib.db, { source: 'dry' })).toEqual([]);
    expect(getSource(lib.db, 'dry')!.checkedAt).toBeNull();
  });

  it('adds fetched items under the writer lock: waits while an ingest writes, then goes on', async () => {
    const ingestLock = await acquireWriterLock(lib.dir, { command: 'ingest' });
    addSource(lib.db, { name: 'locked', kind: 'feed', url: `${w.server.url}/show.xml` });
    let waited = 0;
    const running = update(lib.db, lib.dir, {
      ...FAST, names: ['locked'],
      writerLock: () => acquireWriterLock(lib.dir, { command: 'update', pollMs: 20, onWait: () => waited++ }),
    });
    let settled = false;
    void running.then(() => { settled = true; });
    await new Promise((r) => setTimeout(r, 600));
    expect(settled).toBe(false); // the fetched transcript waits for the lock
    expect(waited).toBe(1);
    ingestLock.release();
    const r = await running;
    expect(r.failed).toEqual([]);
    expect(settled).toBe(true);
  });

  it('maps feed items: guid identity, episode page, persons, transcripts', () => {
    const parsed = parseFeedText(rss({ title: 'T', items: w.items.slice(0, 1) }), 'http://x/feed');
    expect(parsed.items[0]).toMatchObject({ key: 'ep-1', url: 'https://ex.com/ep/1', date: '2025-03-01', show: 'T', language: 'zh-cn', persons: ['嘉宾老周'] });
    expect(parsed.items[0]!.transcripts).toHaveLength(2);
  });
});

describe('retries across runs', () => {
  it('backs off after transient failures, gives up after the limit, and waits for a recognizer', async () => {
    const w = await world();
    const lib = tempLibrary();
    w.items = [w.items[2]!, w.items[4]!];
    addSource(lib.db, { name: 'show', kind: 'feed', url: `${w.server.url}/show.xml` });
    w.broken.add('/t/ep3.srt');
    const r1 = await update(lib.db, lib.dir, { ...FAST, maxAttempts: 3 });
    expect(r1.failed.map((f) => [f.title, f.permanent])).toEqual([['端侧模型的量化', false]]);
    expect(r1.failed[0]!.reason).toMatch(/HTTP 500/);
    expect(r1.failed[0]!.retryAfter).toBeDefined();
    expect(r1.waiting.map((i) => i.title)).toEqual(['Recognized episode']);
    expect(r1.waiting[0]!.hint).toMatch(/ENGRAM_ASR_URL/);
    await pastBackoff();
    await update(lib.db, lib.dir, { ...FAST, maxAttempts: 3 });
    await pastBackoff();
    const r3 = await update(lib.db, lib.dir, { ...FAST, maxAttempts: 3 });
    expect(r3.failed[0]!.permanent).toBe(true);
    w.broken.clear();
    expect((await update(lib.db, lib.dir, FAST)).added).toEqual([]); // failed for good: not retried by itself
    retryJobs(lib.db, 'all');
    const r5 = await update(lib.db, lib.dir, { ...FAST, recognizer: openAiRecognizer({ url: w.asr.url }, { retry: HTTP }) });
    expect(titles(r5.added)).toEqual(['Recognized episode', '端侧模型的量化']);
  });

  it('resumes an interrupted enclosure download with Range', async () => {
    const w = await world();
    const lib = tempLibrary();
    w.items = [{ ...w.items[4]!, guid: 'ep-cut' }];
    addSource(lib.db, { name: 'cut', kind: 'feed', url: `${w.server.url}/show.xml` });
    const rec = openAiRecognizer({ url: w.asr.url }, { retry: HTTP });
    const r1 = await update(lib.db, lib.dir, { ...FAST, recognizer: rec, http: { ...HTTP, attempts: 1 } });
    expect(r1.failed[0]!.reason).toMatch(/interrupted|ended early/);
    const part = readdirSync(join(lib.dir, 'media', 'cut')).find((f) => f.endsWith('.part'));
    expect(part).toBeDefined();
    await pastBackoff();
    const r2 = await update(lib.db, lib.dir, { ...FAST, recognizer: rec });
    expect(r2.added).toHaveLength(1);
    const ranged = w.server.requests.filter((q) => q.url === '/a/ep5.wav' && q.headers.range);
    expect(ranged).toHaveLength(1);
    expect(Number(/bytes=(\d+)-/.exec(String(ranged[0]!.headers.range))![1])).toBeGreaterThan(0);
  });
});

describe('transcript files', () => {
  it('name their people as participants, and a one-line transcript is still a transcript', async () => {
    const { renderTranscriptFile } = await import('../../src/sources/transcripts.js');
    const { detectFormat } = await import('../../src/formats/index.js');
    const text = renderTranscriptFile({ title: 'Short', show: 'S', url: 'https://ex.com/s/1', date: '2025-03-01' }, { lines: [{ text: 'only **one** line', line: 1, start: 2 }], origin: 'publisher (text/vtt)', speakers: ['Ada', 'Bo'] });
    const file = { relPath: 'x.md', absPath: '/x.md', text };
    const parser = detectFormat(file)!;
    expect(parser.name).toBe('diarized-transcript');
    const doc = parser.parse(file).documents[0]!;
    expect(doc).toMatchObject({ key: 'url:https://ex.com/s/1', title: 'Short', date: '2025-03-01', source: 'S', metadata: { participants: ['Ada', 'Bo'] } });
    expect(doc.passages[0]!.text).toContain('one');
    expect(doc.passages[0]!.start).toBe(2);
  });
});
