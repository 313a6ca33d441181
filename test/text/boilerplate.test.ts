import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParsedPassage } from '../../src/model.js';
import { markdownBlocks } from '../../src/formats/markdown-blocks.js';
import { isBoilerplateText, markBoilerplate } from '../../src/text/boilerplate.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/text');

/** Passages the way the Markdown parsers build them: headings, items with depth, paragraphs. */
function passages(name: string): ParsedPassage[] {
  return markdownBlocks(readFileSync(join(FIXTURES, name), 'utf8'))
    .filter((b) => b.kind !== 'hr')
    .map((b) => ({ text: b.text, line: b.line, role: b.kind === 'heading' ? 'heading' : 'content', depth: b.depth }));
}

const flagged = (ps: ParsedPassage[]) => ps.filter((p) => p.role === 'boilerplate').map((p) => p.text);

describe('markBoilerplate', () => {
  it('flags the preamble with its plan, the notes section, the sign-off and the model tag', () => {
    const ps = passages('llm-summary-traditional.md');
    const n = markBoilerplate(ps);
    const marked = flagged(ps);
    expect(n).toBe(marked.length);
    expect(marked).toEqual([
      '好的，我來為您整理這篇關於端側模型的文稿。我主要做了以下調整：',
      '分段： 將冗長的段落拆開，方便閱讀。',
      '統一用詞： 把「端測」統一改為「端側」。',
      '刪除贅字： 移除「那個」、「就是說」等口語。',
      '整理後的文稿：',
      '整理說明：',
      '結構化： 加上了小標題，讓層次更清楚。',
      '精簡： 刪去重複的開場白。',
      '希望這個整理版本對您有所幫助！如果您有任何其他需求，請隨時告訴我。',
      '[model=gemini-2.0-flash,0]',
    ]);
    // Content, including the paragraph that mentions 整理 and the summary, stays content.
    expect(ps.find((p) => p.text.startsWith('研究團隊整理了'))!.role).toBe('content');
    expect(ps.find((p) => p.text.startsWith('端側模型的進步'))!.role).toBe('content');
    expect(ps.find((p) => p.text === '隱私：資料不必離開手機。')!.role).toBe('content');
  });

  it('flags nothing in a plain document, even with 整理, 說明 and 備註 in it', () => {
    const ps = passages('plain-article.md');
    expect(markBoilerplate(ps)).toBe(0);
    expect(flagged(ps)).toEqual([]);
  });

  it('flags an English preamble, notes heading section and sign-off', () => {
    const ps = passages('english-summary.md');
    markBoilerplate(ps);
    expect(flagged(ps)).toEqual([
      "Sure! Here's the cleaned-up transcript of the episode, with filler words removed:",
      'Notes',
      'Removed repeated filler words ("you know", "like").',
      'Fixed the speaker names in two places.',
      "I hope this helps! Let me know if you'd like a shorter version.",
    ]);
  });

  it('only takes openers at the start and sign-offs at the end', () => {
    const p = (text: string, role: ParsedPassage['role'] = 'content'): ParsedPassage => ({ text, role, line: 1 });
    const ps = [
      p('第一段正文，介紹背景。'),
      p('第二段正文。'),
      p('第三段正文。'),
      p('好的，以下是整理後的文稿：'), // too late to be the opener
      p('希望這個整理對您有幫助！'), // not among the last passages
      p('第四段正文。'),
      p('第五段正文。'),
      p('第六段正文。'),
    ];
    expect(markBoilerplate(ps)).toBe(0);
  });

  it('does not count already-marked passages twice', () => {
    const ps: ParsedPassage[] = [{ text: '[model=x]', role: 'boilerplate', line: 1 }, { text: '正文', role: 'content', line: 2 }];
    expect(markBoilerplate(ps)).toBe(0);
  });

  it('treats notes headings as whole labels, not as words inside content headings', () => {
    const ps: ParsedPassage[] = [
      { text: '正文開始。', role: 'content', line: 1 },
      { text: 'GPU 的改進', role: 'heading', depth: 2, line: 2 },
      { text: '記憶體頻寬提升了一倍。', role: 'content', line: 3 },
      { text: 'OpenAI 的聲明：', role: 'content', line: 4 },
      { text: '公司表示將公開爬蟲名單。', role: 'content', depth: 1, line: 5 },
      { text: '結語', role: 'heading', depth: 2, line: 6 },
      { text: '感謝大家的觀看，我們下期再見。', role: 'content', line: 7 },
    ];
    expect(markBoilerplate(ps)).toBe(0);
  });
});

describe('isBoilerplateText', () => {
  it('recognizes openers, markers, notes headings, sign-offs and model tags in either script', () => {
    for (const t of [
      '好的，我來為您整理這篇文稿，使其更清晰。',
      '好的，这是我整理后的文稿：',
      '以下是整理後的文稿：',
      '作為您的專業文件整理員，我已將文稿重新編排。',
      'Here is the cleaned-up transcript:',
      '**整理說明：**',
      '修改说明',
      '主要修改說明：',
      '希望這個整理對您有所幫助！',
      '这个整理后的版本更易于阅读。',
      '如果您有任何其他問題，請隨時告訴我。',
      'Let me know if you need anything else.',
      '[model=gemini-2.0-flash,0]',
      // A label under heavy decoration: heading marks, numbering, brackets, bold, spaced colons.
      '### 【12】、  **【主要修改說明】**   ：  ',
      '## b. Editing notes :',
    ]) {
      expect(isBoilerplateText(t), t).toBe(true);
    }
  });

  it('takes a label only up to 24 characters once stripped', () => {
    const marker = (n: number) => `整理后的文稿（${'甲'.repeat(n)}）`;
    expect(marker(16)).toHaveLength(24);
    expect(isBoilerplateText(marker(16))).toBe(true);
    expect(isBoilerplateText(`## a. **${marker(16)}**  ：`)).toBe(true);
    expect(isBoilerplateText(marker(17))).toBe(false);
    expect(isBoilerplateText(`## a. **${marker(17)}**  ：`)).toBe(false);
  });

  it('does not flag content that mentions editing words mid-sentence', () => {
    for (const t of [
      '研究團隊整理了過去兩年的數據，發現參數量每百日減半。',
      '這週我整理了書架，順便重讀了三本書。',
      '說明：', // ambiguous on its own: decided by position
      'GPU 的改進：',
      '總結：',
      '感謝大家的觀看，我們下期再見！',
      '希望大家喜歡今天的節目。',
      '如果你喜歡這期節目，歡迎訂閱我們的頻道。',
      '好的問題會帶來好的答案。',
    ]) {
      expect(isBoilerplateText(t), t).toBe(false);
    }
  });
});
