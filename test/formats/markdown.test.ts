import { describe, expect, it } from 'vitest';
import { fixtureReader, sourceFileAt } from '../helpers.js';
import { markdownFallback } from '../../src/formats/markdown.js';

const fixture = fixtureReader('formats-a');
const file = sourceFileAt('notes/x.md');

describe('markdown fallback: detection', () => {
  it('claims any non-empty text at 0.1 and nothing else', () => {
    expect(markdownFallback.detect(file(fixture('note.md')))).toBe(0.1);
    expect(markdownFallback.detect(file(fixture('archive.md')))).toBe(0.1);
    expect(markdownFallback.detect(file(' \n\t\n'))).toBe(0);
  });
});

describe('markdown fallback: parse', () => {
  it('makes one file-keyed text document titled by its first line', () => {
    const { documents, warnings } = markdownFallback.parse(file(fixture('note.md'), 'notes/note.md'));
    expect(warnings).toEqual([]);
    expect(documents).toHaveLength(1);
    const d = documents[0]!;
    expect(d).toMatchObject({ key: 'file:/x/notes/note.md', kind: 'text', title: 'Reading notes on sparse attention' });
    expect(d.entry).toBeUndefined();
    expect(d.passages.map((p) => [p.line, p.role, p.depth ?? null])).toEqual([
      [1, 'content', null],
      [3, 'content', null],
      [6, 'heading', 1],
      [8, 'content', 1],
      [9, 'content', 1],
    ]);
    expect(d.passages[1]!.text).toBe('稀疏注意力把計算集中在少數位置。\nSecond line of the same paragraph.');
  });

  it('titles by the opening heading and joins the one video the note is about', () => {
    const [d] = markdownFallback.parse(file(fixture('video-note.md'))).documents;
    expect(d).toMatchObject({ title: 'MiniCPM 视频笔记', key: 'youtube:mCpm4Dens9L', url: 'https://www.youtube.com/watch?v=mCpm4Dens9L' });
  });

  it('stays file-keyed when the text links two videos, or mentions one only far down', () => {
    const two = '# 对比\n\nhttps://youtu.be/mCpm4Dens9L\n\nhttps://youtu.be/Moe5Exprt2z\n';
    expect(markdownFallback.parse(file(two, 'two.md')).documents[0]!.key).toBe('file:/x/two.md');
    const late = Array.from({ length: 25 }, (_, i) => `第${i + 1}段。\n`).join('\n') + '\nhttps://youtu.be/mCpm4Dens9L\n';
    expect(markdownFallback.parse(file(late, 'late.md')).documents[0]!.key).toBe('file:/x/late.md');
  });

  it('reads plain text with CRLF line endings', () => {
    const [d] = markdownFallback.parse(file(fixture('plain-crlf.txt'), 'a.txt')).documents;
    expect(d!.title).toBe('第一行是纯文本标题');
    expect(d!.passages.map((p) => [p.line, p.text])).toEqual([
      [1, '第一行是纯文本标题'],
      [3, '第二段，Windows 换行。'],
    ]);
  });

  it('cuts a very long first line for the title', () => {
    const [d] = markdownFallback.parse(file('这'.repeat(120))).documents;
    expect([...d!.title!]).toHaveLength(81);
    expect(d!.passages[0]!.text).toHaveLength(120);
  });
});
