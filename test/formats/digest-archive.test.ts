import { describe, expect, it } from 'vitest';
import { fixtureReader, sourceFileAt } from '../helpers.js';
import { digestArchive } from '../../src/formats/digest-archive.js';
import { parseArchiveSummary } from '../../src/formats/archive-summary.js';

const fixture = fixtureReader('formats-a');
const file = sourceFileAt('archive/00-index.md');
const archive = fixture('archive.md');

describe('digest archive: detection', () => {
  it('is sure of a numbered <details>/<summary> archive, whatever the extension', () => {
    expect(digestArchive.detect(file(archive, 'seeds/000.txt'))).toBe(0.95);
  });
  it('does not claim other formats', () => {
    expect(digestArchive.detect(file(fixture('microblog.md')))).toBe(0);
    expect(digestArchive.detect(file(fixture('note.md')))).toBe(0);
    expect(digestArchive.detect(file('<details>\n<summary>Click to expand</summary>\nhidden\n</details>\n'))).toBe(0);
  });
});

describe('digest archive: entries', () => {
  const { documents: docs, warnings } = digestArchive.parse(file(archive));

  it('makes one transcript document per entry, keyed by the video', () => {
    expect(docs).toHaveLength(6);
    expect(docs.map((d) => d.entry)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(docs.every((d) => d.kind === 'transcript')).toBe(true);
    expect(docs.map((d) => d.key)).toEqual([
      'youtube:nSA0sparse7',
      'youtube:mCpm4Dens9L',
      'youtube:tOnly9Xq1Wv',
      'youtube:rLx2Grpo-8k',
      'youtube:Moe5Exprt2z',
      'youtube:Q7dSeek_v3A',
    ]);
    expect(docs[0]!.url).toBe('https://www.youtube.com/watch?v=nSA0sparse7');
  });

  it('splits the summary line into number, date, category, title and keywords', () => {
    const d = docs[0]!;
    expect(d.title).toBe('DeepSeek发布稀疏注意力新论文');
    expect(d.date).toBe('2025-04-02');
    expect(d.metadata).toEqual({
      number: 42,
      category: '人工智能',
      keywords: ['NSA', '长上下文', '推理加速'],
      model: 'gemini-2.0-flash,0',
    });
  });

  it('turns the body into passages with file line numbers, without the title, link or model tag', () => {
    const p = docs[0]!.passages;
    expect(p.map((x) => [x.line, x.role, x.depth])).toEqual([
      [11, 'content', undefined],
      [13, 'heading', 2],
      [15, 'content', undefined],
      [17, 'content', 1],
      [18, 'content', 2],
      [20, 'content', undefined],
    ]);
    expect(p[0]!.text).toBe('好的，以下是我為您整理的文稿：'); // preamble stays content: boilerplate is marked later
    expect(p[3]!.text).toBe('壓縮分支： 把遠處的內容壓成摘要。');
    const all = docs.flatMap((d) => d.passages.map((x) => x.text)).join('\n');
    expect(all).not.toMatch(/model=|Youtube|<a |---|DeepSeek发布稀疏注意力新论文/);
  });

  it('gives each entry its own Markdown body, without link HTML, repeated title or model tag', () => {
    const body = docs[0]!.body!;
    expect(body.startsWith('好的，以下是我為您整理的文稿：\n\n## 一、背景')).toBe(true);
    expect(body.endsWith('希望這份整理對您有幫助！')).toBe(true);
    expect(body).not.toMatch(/model=|<a |---|<\/details>/);
    expect(docs[2]!.body).toBe(''); // title-only: empty, not the whole page
  });

  it('joins a summary wrapped over two lines', () => {
    const d = docs[1]!;
    expect(d.title).toBe('MiniCPM端侧模型与Densing Law');
    expect(d.metadata.keywords).toEqual(['能力密度每百天翻倍', '面壁智能']);
    expect(d.metadata.model).toBe('gemini-2.5-flash,0');
    expect(d.passages).toEqual([{ text: '能力密度（capability density）是本期的關鍵詞。\n同一段落的第二行。', role: 'content', line: 40 }]);
  });

  it('keeps a title-only entry (no date, no body) as a document with no passages', () => {
    const d = docs[2]!;
    expect(d.title).toBe('每日新闻');
    expect(d.date).toBeUndefined();
    expect(d.metadata.category).toBe('AI动态');
    expect(d.metadata.model).toBeUndefined();
    expect(d.passages).toEqual([]);
  });

  it('decodes &amp;, narrows full-width letters and drops zero-width characters; category may be missing', () => {
    const d = docs[3]!;
    expect(d.title).toBe('R1复现 & 强化学习：GRPO为何有效');
    expect(d.metadata.category).toBeUndefined();
    expect(d.metadata.keywords).toEqual(['RL', '奖励模型']);
    expect(d.passages.map((x) => x.text)).toEqual(['GRPO 不需要單獨的價值模型。']);
  });

  it('reads an English [category] as the category, not as a date', () => {
    expect(docs[4]!.metadata.category).toBe('Artificial Intelligence');
    expect(docs[4]!.title).toBe('Mixture of Experts explained');
  });

  it('keeps what a truncated entry has and warns with its line', () => {
    expect(docs[5]!.passages.map((x) => [x.line, x.text])).toEqual([[111, '這一段還在，但後面的內容被截斷了']]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.line).toBe(101);
    expect(warnings[0]!.message).toMatch(/never closed/);
  });

  it('gives the same result with CRLF line endings', () => {
    const crlf = digestArchive.parse(file(archive.replace(/\n/g, '\r\n')));
    expect(crlf).toEqual({ documents: docs, warnings });
  });
});

describe('digest archive: odd entries', () => {
  it('handles <summary> on the <details> line, no number, no link, and an entry cut before the next one', () => {
    const text = [
      '<details><summary>【分享】没有编号的条目 | 关键词</summary><br>',
      '',
      '正文第一段。',
      '',
      '<details>',
      '<summary>7. [2024-1-5] 下一条</summary>',
      '<a href="https://youtu.be/Q7dSeek_v3A"><img src="x.jpg"></a>',
      '</details>',
    ].join('\n');
    const { documents, warnings } = digestArchive.parse(file(text, 'a.md'));
    expect(documents).toHaveLength(2);
    expect(documents[0]).toMatchObject({ key: 'file:/x/a.md#1', title: '没有编号的条目', entry: 1, metadata: { category: '分享', keywords: ['关键词'] } });
    expect(documents[0]!.passages).toEqual([{ text: '正文第一段。', role: 'content', line: 3 }]);
    expect(documents[1]).toMatchObject({ key: 'youtube:Q7dSeek_v3A', title: '下一条', date: '2024-01-05', metadata: { number: 7 } });
    expect(warnings.map((w) => w.line)).toEqual([1, 1]); // never closed + no link, both about entry 1
  });

  it('keeps a body H1 that is not the repeated title', () => {
    const text = '<details>\n<summary>1. 标题</summary>\n\n# 另一个标题\n\n内容\n</details>\n';
    const [d] = digestArchive.parse(file(text)).documents;
    expect(d!.passages.map((p) => [p.role, p.text])).toEqual([
      ['heading', '另一个标题'],
      ['content', '内容'],
    ]);
  });
});

describe('parseArchiveSummary', () => {
  it('splits on | with or without spaces and drops empty parts', () => {
    expect(parseArchiveSummary('61. 【人工智能】Meta的觉醒？| 告别元宇宙 |  DINO V2 |')).toMatchObject({
      number: 61,
      category: '人工智能',
      title: 'Meta的觉醒？',
      keywords: ['告别元宇宙', 'DINO V2'],
    });
  });
  it('keeps a title with no keywords whole, and trims a space after the category', () => {
    expect(parseArchiveSummary('144. 【行业】 2023中国开发者调查报告')).toMatchObject({ category: '行业', title: '2023中国开发者调查报告', keywords: [] });
  });
});
