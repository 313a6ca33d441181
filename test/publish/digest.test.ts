/**
 * Digests: the selection of entries, and every format — the md archive parsing back into the
 * same documents, feeds that parse as XML, the HTML page and the MIME message.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { simpleParser } from 'mailparser';
import { writeFileSync } from 'node:fs';
import { FIXTURES, tempDir, tempLibrary } from '../helpers.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { selectEntries, type DigestEntry } from '../../src/publish/entries.js';
import { renderDigest, type Digest } from '../../src/publish/digest.js';
import { ENTRIES_PER_PAGE } from '../../src/publish/markdown.js';
import { digestArchive } from '../../src/formats/digest-archive.js';
import { youtubeIdFromUrl } from '../../src/formats/media.js';

/** An entry with every field set; tests override what they are about. */
export function entry(over: Partial<DigestEntry> & { id: number }): DigestEntry {
  const videoId = over.videoId === undefined ? `vid${String(over.id).padStart(8, '0')}` : over.videoId;
  return {
    title: `标题 ${over.id}`,
    date: '2025-04-02',
    source: '测试频道',
    url: videoId ? `https://www.youtube.com/watch?v=${videoId}` : null,
    videoId,
    thumbnail: videoId ? `https://img.youtube.com/vi/${videoId}/hqdefault.jpg` : null,
    number: null,
    category: null,
    keywords: [],
    summary: [`第${over.id}条的摘要：稀疏注意力让推理成本下降。`],
    summaryKind: 'stored',
    ...over,
  };
}

const digestOf = (entries: DigestEntry[], over: Partial<Digest> = {}): Digest => ({
  title: 'engram digest', generated: new Date('2025-04-08T07:00:00Z'), entries, ...over,
});

/** Hostile library text: markup, archive syntax and XML-invalid bytes in titles and summaries. */
const NASTY: DigestEntry[] = [
  entry({ id: 1, title: 'Title with </summary></details> and <script>x</script>', category: '人工智能', keywords: ['k1', 'a|b'] }),
  entry({ id: 2, title: '[Bracketed] start | not a keyword', summary: ['[model=fake,0]', '# not a heading', '1. not a list', '</details>', '---', 'a ]]> b \u0001 c'] }),
  entry({ id: 3, title: '*emphasis* and `code` and [a](http://x)', date: null, videoId: null, url: 'https://example.com/ep/3?a=1&b=2' }),
  entry({ id: 4, title: '【在标题里】的括号', videoId: null, url: null, summary: ['&amp; stays literal, <b>too</b>'] }),
];

describe('digest selection', async () => {
  const { db } = tempLibrary();
  await ingest(db, [join(FIXTURES, 'library')]);

  it('lists documents newest first with link, thumbnail and summary', () => {
    const all = selectEntries(db);
    expect(all).toHaveLength(6);
    expect(all.map((e) => e.date)).toEqual([...all.map((e) => e.date)].sort((a, b) => (b ?? '').localeCompare(a ?? '')));
    const video = all.find((e) => e.videoId === 'Ab3dEf9hIj0')!;
    expect(video).toMatchObject({ title: '稀疏注意力机制新突破', thumbnail: 'https://img.youtube.com/vi/Ab3dEf9hIj0/hqdefault.jpg', category: '人工智能', keywords: ['DeepSeek', '长上下文', '推理成本'] });
    expect(video.summaryKind).toBe('extractive');
    expect(video.summary.join('')).toContain('稀疏注意力');
  });

  it('prefers a stored summary rendition, kept to whole passages', () => {
    const podcast = selectEntries(db, { source: '测试播客' });
    expect(podcast).toHaveLength(1);
    expect(podcast[0]!.summaryKind).toBe('stored');
    expect(podcast[0]!.summary[0]).toContain('能力密度');
  });

  it('without a stored summary, a long text gets its key passages, not its opening', async () => {
    const { db: db2 } = tempLibrary();
    const dir = tempDir();
    const topic = ['稀疏注意力让长上下文的推理成本下降', '稀疏注意力只看一部分历史 token 所以推理更便宜', '长上下文推理的成本主要来自注意力计算', '注意力计算变稀疏以后推理速度提升三倍', '稀疏注意力和 MoE 一起用推理成本更低'];
    const lines = ['# 稀疏注意力的一小时', '', '**Podcast:** 长谈', '**Date:** 2025-04-05', '', '---', ''];
    lines.push('[00:00:01] 主持人: 哈喽哈喽，欢迎欢迎，今天天气不错，先喝口茶，大家最近过得怎么样，周末去哪里玩了。');
    for (let i = 0; i < 60; i++) lines.push(`[00:${String(1 + Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}] ${i % 2 ? '嘉宾' : '主持人'}: ${topic[i % topic.length]}，这是第${i + 1}段。`);
    writeFileSync(join(dir, 'transcript.md'), lines.join('\n') + '\n');
    await ingest(db2, [dir]);
    const [e] = selectEntries(db2);
    expect(e!.summaryKind).toBe('extractive');
    expect(e!.summary.length).toBeGreaterThan(0);
    expect(e!.summary.join('')).not.toContain('哈喽');
    expect(e!.summary.join('')).toMatch(/稀疏注意力|推理/);
  });

  it('selects a period: inclusive dates, undated documents left out', () => {
    const april = selectEntries(db, { since: '2025-04-02', until: '2025-04-03' });
    expect(april.map((e) => e.date)).toEqual(['2025-04-03', '2025-04-03', '2025-04-02']);
    expect(selectEntries(db, { since: '2025-01-01' }).some((e) => e.date === null)).toBe(false);
    expect(selectEntries(db, { limit: 2 })).toHaveLength(2);
  });
});

describe('md digest', () => {
  const parsePages = (files: { name: string; content: string }[]) =>
    files.slice(1).flatMap((f) => digestArchive.parse({ relPath: f.name, absPath: `/x/${f.name}`, text: f.content }).documents);

  it('parses back with the archive parser into the same documents, whatever the text holds', async () => {
    const files = await renderDigest('md', digestOf(NASTY), { baseUrl: 'http://127.0.0.1:3647' });
    expect(files.map((f) => f.name)).toEqual(['index.md', '01.md']);
    const docs = parsePages(files);
    expect(docs.map((d) => d.title)).toEqual([
      'Title with </summary></details> and <script>x</script>',
      '[Bracketed] start | not a keyword',
      '*emphasis* and `code` and [a](http://x)',
      '【在标题里】的括号',
    ]);
    expect(docs.map((d) => d.date)).toEqual(['2025-04-02', '2025-04-02', undefined, '2025-04-02']);
    expect(docs.map((d) => d.metadata.number)).toEqual([4, 3, 2, 1]);
    expect(docs[0]!.metadata).toMatchObject({ category: '人工智能', keywords: ['k1', 'a|b'] });
    expect(docs.map((d) => d.url && youtubeIdFromUrl(d.url))).toEqual(['vid00000001', 'vid00000002', undefined, undefined]);
    // The summary came through as passages (the repeated title and the link are not passages).
    expect(docs[1]!.passages.map((p) => p.text)).toEqual(['[model=fake,0]', '# not a heading', '1. not a list', '</details>', '---', 'a ]]> b c']); // the parser drops control bytes
    expect(docs[1]!.metadata.model).toBeUndefined();
    expect(docs[3]!.passages.map((p) => p.text)).toEqual(['&amp; stays literal, <b>too</b>']);
  });

  it('round-trips a library: same documents, titles, dates and video IDs', async () => {
    const { db } = tempLibrary();
    await ingest(db, [join(FIXTURES, 'library')]);
    const entries = selectEntries(db);
    const docs = parsePages(await renderDigest('md', digestOf(entries), {}));
    expect(docs.map((d) => [d.title, d.date ?? null, d.url ? youtubeIdFromUrl(d.url) ?? null : null])).toEqual(
      entries.map((e) => [e.title, e.date, e.videoId]),
    );
  });

  it('puts 100 entries on a page, numbered like an archive, with an index linking the pages', async () => {
    const many = Array.from({ length: 150 }, (_, i) => entry({ id: i + 1, date: `2025-0${1 + Math.floor(i / 50)}-10` }));
    const files = await renderDigest('md', digestOf(many), {});
    expect(files.map((f) => f.name)).toEqual(['index.md', '01.md', '02.md']);
    const first = digestArchive.parse({ relPath: '01.md', absPath: '/x/01.md', text: files[1]!.content });
    expect(first.documents).toHaveLength(ENTRIES_PER_PAGE);
    expect(first.warnings).toEqual([]);
    expect(first.documents[0]!.metadata.number).toBe(150);
    expect(parsePages(files).map((d) => d.metadata.number)).toEqual(Array.from({ length: 150 }, (_, i) => 150 - i));
    expect(files[0]!.content).toContain('- [150–51](01.md)');
    expect(files[0]!.content).toContain('- [50–1](02.md)');
  });
});

describe('feeds', () => {
  const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'entry' || name === 'item' || name === 'link' });

  it('atom: valid XML that says what the entries say, markup in titles shown as text', async () => {
    const [file] = await renderDigest('atom', digestOf(NASTY), { baseUrl: 'http://127.0.0.1:3647' });
    expect(file!.type).toBe('application/atom+xml');
    expect(XMLValidator.validate(file!.content)).toBe(true);
    const feed = parser.parse(file!.content).feed;
    expect(feed.entry).toHaveLength(4);
    expect(feed.entry[0].title['#text']).toBe('Title with &lt;/summary&gt;&lt;/details&gt; and &lt;script&gt;x&lt;/script&gt;');
    expect(feed.entry[0].link[0]['@_href']).toBe('https://www.youtube.com/watch?v=vid00000001');
    expect(feed.entry[0].id).toBe('http://127.0.0.1:3647/documents/1');
    expect(feed.entry[2].link[0]['@_href']).toBe('https://example.com/ep/3?a=1&b=2');
    expect(feed.entry[3].link[0]['@_href']).toBe('http://127.0.0.1:3647/documents/4');
    expect(feed.entry[1].content['#text']).toContain('a ]]&gt; b  c'); // control byte dropped, CDATA intact
  });

  it('rss: valid RSS 2.0 with one item per entry, no live markup in titles', async () => {
    const [file] = await renderDigest('rss', digestOf(NASTY), {});
    expect(XMLValidator.validate(file!.content)).toBe(true);
    const channel = parser.parse(file!.content).rss.channel;
    // Readers that take an RSS title as HTML show the markup as text; ampersands stay as they are.
    expect(channel.item.map((i: { title: string }) => i.title)).toEqual(NASTY.map((e) => e.title.replace(/</g, '&lt;').replace(/>/g, '&gt;')));
    expect(file!.content).not.toContain('<script>');
    expect(channel.item[0].pubDate).toBe('Wed, 02 Apr 2025 00:00:00 GMT');
  });

  it('an empty period is still a valid feed', async () => {
    const [file] = await renderDigest('atom', digestOf([], { since: '2030-01-01' }), {});
    expect(XMLValidator.validate(file!.content)).toBe(true);
  });
});

describe('html and email digests', () => {
  it('html: one page, every piece of library text escaped, no script', async () => {
    const [file] = await renderDigest('html', digestOf(NASTY, { since: '2025-04-01', until: '2025-04-07' }), {});
    expect(file!.content).toContain('engram digest — 2025-04-01 … 2025-04-07');
    expect(file!.content).toContain('Title with &lt;/summary&gt;&lt;/details&gt; and &lt;script&gt;x&lt;/script&gt;');
    expect(file!.content).not.toMatch(/<script/i);
    expect(file!.content).toContain('src="https://img.youtube.com/vi/vid00000001/hqdefault.jpg"');
    expect(file!.content).toContain('href="https://example.com/ep/3?a=1&amp;b=2"');
  });

  it('email: a MIME message with a plain-text and an HTML part', async () => {
    const [file] = await renderDigest('email', digestOf(NASTY), { from: 'me@example.com', to: ['you@example.com'] });
    const mail = await simpleParser(file!.content);
    expect(mail.subject).toBe('engram digest (4 entries)');
    expect(mail.from?.text).toBe('me@example.com');
    expect(mail.text).toContain('1. Title with </summary></details> and <script>x</script>');
    expect(mail.text).toContain('https://example.com/ep/3?a=1&b=2');
    expect(mail.html).toContain('第1条的摘要');
    expect(mail.html).not.toContain('<script>x');
  });
});
