import { describe, expect, it } from 'vitest';
import { fixtureReader, sourceFileAt } from '../helpers.js';
import { summaryMarkdown } from '../../src/formats/summary-markdown.js';
import { detectFormat } from '../../src/formats/index.js';

const fixture = fixtureReader('formats-b');
const file = sourceFileAt('x.txt');
const podcast = fixture('summary-podcast.md');
const llm = fixture('Kd5_Wm1nQz7.md');

describe('summary: detection', () => {
  it('0.9 for the podcast header, 0.7 for one LLM answer', () => {
    expect(summaryMarkdown.detect(file(podcast, 'p/summary.md'))).toBe(0.9);
    expect(summaryMarkdown.detect(file(fixture('summary-dual-url.md'), 'p/summary.md'))).toBe(0.9);
    expect(summaryMarkdown.detect(file(llm, 'summary/Kd5_Wm1nQz7.md'))).toBe(0.7);
    expect(summaryMarkdown.detect(file(fixture('english-notes-summary.md'), 'n.md'))).toBe(0.7);
    expect(detectFormat(file(llm, 'summary/Kd5_Wm1nQz7.md'))?.name).toBe('summary');
    expect(detectFormat(file(podcast, 'p/summary.md'))?.name).toBe('summary');
  });

  it('not a transcript header, not plain notes, not an archive of many model answers', () => {
    expect(summaryMarkdown.detect(file(fixture('diarized-named.md'), 'p/transcript.md'))).toBe(0);
    expect(summaryMarkdown.detect(file('# 读书笔记\n\n今天读了一本书。\n', 'n.md'))).toBe(0);
    expect(summaryMarkdown.detect(file('好的\n\n明天见。\n', 'n.md'))).toBe(0);
    expect(summaryMarkdown.detect(file(`${llm}\n---\n${llm}`, 'docs/00-index.md'))).toBe(0.2);
  });
});

describe('summary: podcast pipeline style', () => {
  const { documents, warnings } = summaryMarkdown.parse(file(podcast, 'podcasts/Loss Curve/31 Evals/summary.md'));
  const doc = documents[0]!;

  it('takes identity and metadata from the header', () => {
    expect(warnings).toEqual([]);
    expect(doc).toMatchObject({
      key: 'youtube:Zt3_Lq9vXa1',
      url: 'https://www.youtube.com/watch?v=Zt3_Lq9vXa1',
      kind: 'summary',
      title: 'Why evals beat vibes & leaderboards',
      date: '2024-11-02',
      source: 'Loss Curve',
    });
    expect(doc.metadata).toEqual({
      participants: ['Mira Okafor', 'Tom Lindqvist'],
      region: 'Western',
      transcript: 'podcasts/Loss Curve/31 Evals/transcript.md',
    });
  });

  it('makes passages from Markdown blocks after the header, headings with their level', () => {
    expect(doc.passages[0]).toEqual({ text: 'Summary: Loss Curve on Evaluation', role: 'heading', line: 13, depth: 1 });
    expect(doc.passages.filter((p) => p.role === 'heading').map((p) => [p.depth, p.text])).toEqual([
      [1, 'Summary: Loss Curve on Evaluation'],
      [2, '1. Key Themes'],
      [3, 'Small, versioned test sets win'],
      [3, 'Leaderboards reward overfitting'],
      [2, '2. Timeline'],
    ]);
    expect(doc.passages.some((p) => p.text.includes('**Podcast:**') || p.text === '')).toBe(false);
  });

  it('a passage citing a time starts there (link form, plain form, ranges)', () => {
    const at = (s: string) => doc.passages.find((p) => p.text.includes(s))!;
    expect(at('fails loudly." [00:00:18]')).toMatchObject({ start: 18, line: 21 });
    expect(at('Everyone wants')).toMatchObject({ start: 8, depth: 1 });
    expect(at('Introduction and the case')).toMatchObject({ start: 0, end: 22 });
    expect(at('Nobody reads').start).toBeUndefined();
  });

  it('an episode page and a YouTube link: YouTube keys, the page is kept in links', () => {
    const d = summaryMarkdown.parse(file(fixture('summary-dual-url.md'), 'fm/chips/summary.md')).documents[0]!;
    expect(d).toMatchObject({ key: 'youtube:Hc2_Yp7rLs4', title: 'Chips, power and patience', date: '2026-01-15', source: 'Example FM' });
    expect(d.metadata).toMatchObject({
      participants: ['主持人小林', '嘉賓王工', 'Ada'],
      processed: '2026-01-16T08:00:00Z',
      links: ['https://example.fm/p/chips-power'],
    });
  });

  it('reads CRLF the same', () => {
    expect(summaryMarkdown.parse(file(podcast.replace(/\n/g, '\r\n'), 'podcasts/Loss Curve/31 Evals/summary.md')).documents).toEqual(documents);
  });
});

describe('summary: raw LLM output', () => {
  const doc = summaryMarkdown.parse(file(llm, 'bestpartners/summary/Kd5_Wm1nQz7.md')).documents[0]!;

  it('keys by the file name, keeps the model tag as metadata and out of the passages', () => {
    expect(doc).toMatchObject({ key: 'youtube:Kd5_Wm1nQz7', url: 'https://www.youtube.com/watch?v=Kd5_Wm1nQz7', kind: 'summary' });
    expect(doc.metadata).toEqual({ model: 'gemini-2.0-flash,0' });
    expect(doc.passages.some((p) => p.text.includes('model='))).toBe(false);
  });

  it('keeps preamble and sign-off as content (boilerplate is classified later), list depth kept', () => {
    expect(doc.passages[0]).toEqual({ text: '好的，我來為您整理這篇文稿，使其更有條理：', role: 'content', line: 1 });
    expect(doc.passages.at(-1)!.text).toBe('希望這個整理對您有所幫助！');
    expect(doc.passages.find((p) => p.text.startsWith('例如'))).toMatchObject({ depth: 2, line: 9 });
  });

  it('takes a `標題：` line as the title; a numbered or generic heading is not one', () => {
    expect(doc.title).toBe('開源模型的追趕與評測困境');
    const t = (s: string) => summaryMarkdown.parse(file(s, 'x.md')).documents[0]!.title;
    expect(t('好的，以下是整理：\n\n## 一、背景\n\n内容\n')).toBeUndefined();
    expect(t('Here is the summary:\n\n## Main points\n\n- a\n')).toBeUndefined();
    expect(t('## 最佳拍档：小模型的逆袭\n\n内容\n')).toBe('最佳拍档：小模型的逆袭');
  });

  it('a summary with nothing but a model tag: no document', () => {
    expect(summaryMarkdown.parse(file('[model=x]\n', 'x.md')).documents).toEqual([]);
  });
});
