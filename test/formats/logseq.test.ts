import { describe, expect, it } from 'vitest';
import { fixtureReader, sourceFileAt } from '../helpers.js';
import { logseq, pageNameFromPath } from '../../src/formats/logseq.js';

const fixture = fixtureReader('formats-a');
const file = sourceFileAt('x.txt');
const moePath = 'logseq/pages/AI___混合专家 MoE.md';
const moe = fixture(moePath);

describe('logseq: detection', () => {
  it('scores outline pages between 0.7 and 0.85', () => {
    expect(logseq.detect(file(moe, moePath))).toBe(0.85);
    expect(logseq.detect(file(fixture('logseq/journals/2025_03_01.md'), 'j.md'))).toBe(0.75);
    expect(logseq.detect(file(fixture('logseq/pages/first-block-props.md'), 'p.md'))).toBe(0.8);
  });
  it('does not claim Markdown notes, archives or microblogs', () => {
    expect(logseq.detect(file(fixture('note.md'), 'n.md'))).toBe(0);
    expect(logseq.detect(file('# 清单\n\n- 一\n- 二\n- 三\n', 'n.md'))).toBe(0);
    expect(logseq.detect(file(fixture('archive.md'), 'a.md'))).toBe(0);
    expect(logseq.detect(file(fixture('microblog.md'), 'm.md'))).toBe(0);
  });
});

describe('logseq: a page with properties, nesting, multi-line blocks and a URL-only block', () => {
  const { documents, warnings } = logseq.parse(file(moe, moePath));
  const d = documents[0]!;

  it('is one note keyed by the video its URL-only block names', () => {
    expect(warnings).toEqual([]);
    expect(documents).toHaveLength(1);
    expect(d.kind).toBe('note');
    expect(d.key).toBe('youtube:Moe5Exprt2z');
    expect(d.url).toBe('https://www.youtube.com/watch?v=Moe5Exprt2z');
    expect(d.entry).toBeUndefined();
  });

  it('takes title and date from page properties and keeps the others as metadata', () => {
    expect(d.title).toBe('混合專家 MoE 筆記');
    expect(d.date).toBe('2025-03-02');
    expect(d.metadata.properties).toEqual({ tags: '[[AI]], 混合专家, #LLM', date: '2025-03-02', alias: 'MoE' });
    expect(d.metadata.hashtags).toEqual(['AI', '混合专家', 'LLM', 'sparse model']);
    expect(d.metadata.pageLinks).toEqual(['DeepSeek']);
  });

  it('keeps block properties as metadata, without collapsed::', () => {
    expect(d.metadata.blockProperties).toEqual([{ key: 'importance', value: 'high', line: 11 }]);
    expect(JSON.stringify(d)).not.toMatch(/collapsed/);
  });

  it('makes one passage per block with its nesting depth and first line', () => {
    expect(d.passages.map((p) => [p.line, p.role, p.depth, p.text])).toEqual([
      [6, 'content', 1, 'https://www.youtube.com/watch?v=Moe5Exprt2z&t=42s'],
      [7, 'content', 1, '主要觀點 #sparse model'],
      [9, 'content', 2, '每個 token 只經過 top-2 專家\n第二行：這樣計算量只和啟用的參數相關'],
      [12, 'content', 3, '參考 DeepSeek 的共享專家設計'],
      [13, 'content', 2, '負載均衡靠輔助損失'],
      [14, 'heading', 2, '問題'],
      [15, 'content', 1, 'TODO 讀完 DeepSeekMoE 論文'],
      [20, 'content', 1, '程式碼片段：\n- not a block\nx:: not a property'],
    ]);
  });

  it('shows the outline without properties, drawers and planning lines', () => {
    expect(d.body).not.toMatch(/collapsed::|title::|importance::|:LOGBOOK:|:END:|SCHEDULED|CLOCK/);
    expect(d.body).toContain('\t- 每個 token 只經過 top-2 專家\n\t  第二行');
    expect(d.body).toContain('參考 DeepSeek 的共享專家設計');
    expect(d.body).toContain('x:: not a property'); // inside a code fence: text
  });

  it('gives the same result with CRLF line endings', () => {
    expect(logseq.parse(file(moe.replace(/\n/g, '\r\n'), moePath))).toEqual({ documents, warnings });
  });
});

describe('logseq: journals and other pages', () => {
  it('dates a journal by its file name and stays file-keyed when two URLs have blocks of their own', () => {
    const [d] = logseq.parse(file(fixture('logseq/journals/2025_03_01.md'), 'logseq/journals/2025_03_01.md')).documents;
    expect(d).toMatchObject({ key: 'file:/x/logseq/journals/2025_03_01.md', title: '2025-03-01', date: '2025-03-01' });
    expect(d!.url).toBeUndefined();
    expect(d!.metadata.hashtags).toEqual(['端侧模型']);
    expect(d!.passages.map((p) => p.text)).toEqual(['今天看了 MiniCPM 的 Densing Law 影片 #端侧模型', '能力密度大約每 100 天翻一倍', '另一個影片', 'https://example.com/densing-law?utm_source=x']);
  });

  it('reads a first block of only properties as page properties, and space indentation as nesting', () => {
    const [d] = logseq.parse(file(fixture('logseq/pages/first-block-props.md'), 'pages/first-block-props.md')).documents;
    expect(d!.title).toBe('first-block-props');
    expect(d!.metadata.properties).toEqual({ type: 'reading', status: 'done' });
    expect(d!.passages.map((p) => [p.line, p.depth])).toEqual([
      [3, 1],
      [4, 2],
      [5, 3],
    ]);
  });

  it('takes the subject from a url:: property before any block', () => {
    const [d] = logseq.parse(file('url:: https://youtu.be/mCpm4Dens9L?si=x\n\n- 笔记\n', 'p.md')).documents;
    expect(d!.key).toBe('youtube:mCpm4Dens9L');
  });

  it('decodes namespaced file names', () => {
    expect(pageNameFromPath('pages/AI___混合专家 MoE.md')).toBe('AI/混合专家 MoE');
    expect(pageNameFromPath('pages/AI%2FDensing Law.md')).toBe('AI/Densing Law');
    expect(pageNameFromPath('pages/100%.md')).toBe('100%');
  });
});
