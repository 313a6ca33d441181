import { describe, expect, it } from 'vitest';
import { headerDocumentFields, parseHeaderField, readPodcastHeader, splitNames } from '../../src/formats/header-fields.js';

const lines = (s: string) => s.split('\n');

describe('header fields', () => {
  it('reads `**Key:** value`, `**Key**: value`, links and entities', () => {
    expect(parseHeaderField('**Podcast:** 夜航AI &amp; 朋友')).toMatchObject({ name: 'Podcast', value: '夜航AI & 朋友' });
    expect(parseHeaderField('**Date**: 2025-01-02')).toMatchObject({ name: 'Date', value: '2025-01-02' });
    expect(parseHeaderField('**Transcript:** [View Transcript](./transcript.md)')).toMatchObject({ value: 'View Transcript', link: './transcript.md' });
    expect(parseHeaderField('**Video URL:** https://a.b/c')).toMatchObject({ link: 'https://a.b/c' });
    expect(parseHeaderField('**加粗的一整句话，不是字段**')).toBeUndefined();
    expect(parseHeaderField('plain text: no')).toBeUndefined();
  });

  it('stops a summary header at its first rule, keeps first occurrences of repeated fields', () => {
    const h = readPodcastHeader(lines('# [T](https://x.fm/1)\n\n**Podcast:** A\n**Podcast:** B\n---\n**Region:** body'), { stopAtRule: true });
    expect(h).toMatchObject({ title: 'T', titleUrl: 'https://x.fm/1', end: 5 });
    expect(h.fields.get('podcast')?.value).toBe('A');
    expect(h.fields.has('region')).toBe(false);
  });

  it('without a rule, a summary header ends at the body\'s own title', () => {
    const h = readPodcastHeader(lines('# Episode\n**Podcast:** A\n\n# Summary\n\ntext'), { stopAtRule: true });
    expect(h).toMatchObject({ title: 'Episode', end: 2 });
  });

  it('a top without fields is not a header', () => {
    const h = readPodcastHeader(lines('# Just a heading\n\ntext'), { stopAtRule: true });
    expect(h.end).toBe(0);
    expect(h.title).toBeUndefined();
  });

  it('prefers a YouTube ID, then another URL, then the file name, then the file', () => {
    const h = (s: string) => readPodcastHeader(lines(s), { stopAtRule: true });
    expect(headerDocumentFields(h('**Episode URL:** https://x.fm/e?utm_source=rss\n**YouTube:** [Watch](https://youtu.be/Abc_def-123)'), { relPath: 'a/summary.md', absPath: '/x/a/summary.md' })).toMatchObject({
      key: 'youtube:Abc_def-123',
      url: 'https://www.youtube.com/watch?v=Abc_def-123',
      otherUrls: ['https://x.fm/e'],
    });
    expect(headerDocumentFields(h('**Video ID:** Abc_def-123'), { relPath: 'a/t.md', absPath: '/x/a/t.md' }).key).toBe('youtube:Abc_def-123');
    expect(headerDocumentFields(h('**Video ID:** 65f0a1b2c3d4e5f601234567\n**Video URL:** https://www.xiaoyuzhoufm.com/episode/65f0a1b2c3d4e5f601234567'), { relPath: 'a/t.md', absPath: '/x/a/t.md' }).key).toBe(
      'url:https://www.xiaoyuzhoufm.com/episode/65f0a1b2c3d4e5f601234567',
    );
    expect(headerDocumentFields(h('**Podcast:** P'), { relPath: 'subs/Xy7_kP2mQ9a.md', absPath: '/x/subs/Xy7_kP2mQ9a.md' }).key).toBe('youtube:Xy7_kP2mQ9a');
    expect(headerDocumentFields(h('**Podcast:** P\n**Date:** 2025年3月4日'), { relPath: 'a/t.md', absPath: '/x/a/t.md' })).toMatchObject({ key: 'file:/x/a/t.md', source: 'P', date: '2025-03-04' });
  });

  it('splits participant lists in either script', () => {
    expect(splitNames('主持人小林，嘉賓王工、Ada, Ada')).toEqual(['主持人小林', '嘉賓王工', 'Ada']);
    expect(splitNames(undefined)).toEqual([]);
  });
});
