import { describe, expect, it } from 'vitest';
import { fixtureReader, sourceFileAt } from '../helpers.js';
import { microblog, postEmoticons, postHashtags, postLinks } from '../../src/formats/microblog.js';

const fixture = fixtureReader('formats-a');
const file = sourceFileAt('weibo/2025-02-10.md');
const day = fixture('microblog.md');

describe('microblog: detection', () => {
  it('claims `# date` followed by `## 1`', () => {
    expect(microblog.detect(file(day, 'seeds/003.txt'))).toBe(0.9);
  });
  it('leaves other formats alone', () => {
    expect(microblog.detect(file(fixture('archive.md')))).toBe(0);
    expect(microblog.detect(file(fixture('note.md')))).toBe(0);
    expect(microblog.detect(file('# 2025-02-10\n\n今天没有分节的日记。\n'))).toBe(0);
  });
});

describe('microblog: posts', () => {
  const { documents: docs, warnings } = microblog.parse(file(day));

  it('makes one post document per `## N`, keyed by file and entry', () => {
    expect(warnings).toEqual([]);
    expect(docs).toHaveLength(5);
    expect(docs.every((d) => d.kind === 'post' && d.date === '2025-02-10')).toBe(true);
    expect(docs.map((d) => d.entry)).toEqual([1, 2, 3, 4, 5]);
    expect(docs.slice(0, 4).map((d) => d.key)).toEqual([1, 2, 3, 4].map((n) => `file:/x/weibo/2025-02-10.md#${n}`));
    expect(docs[0]!.metadata.number).toBe(1);
  });

  it('records #话题# hashtags and short links, keeping them in the text', () => {
    const d = docs[0]!;
    expect(d.metadata.hashtags).toEqual(['DeepSeek开源周']);
    expect(d.metadata.links).toEqual(['http://t.cn/A6xYz01Q']);
    expect(d.passages.map((p) => [p.line, p.text])).toEqual([
      [5, '#DeepSeek开源周#第一天放出了FlashMLA，推理显存占用明显下降。大家怎么看？'],
      [7, '项目地址看这里 http://t.cn/A6xYz01Q 。'],
    ]);
    expect(d.title).toBe('#DeepSeek开源周#第一天放出了FlashMLA，推理显存占用明显下降');
  });

  it('restores flattened backtick hashtags into three tags and drops the `~` debris', () => {
    const d = docs[1]!;
    expect(d.metadata.hashtags).toEqual(['大出海', '供应链攻防战', '产业高地']);
    expect(d.metadata.emoticons).toEqual(['加油']);
    expect(d.passages).toEqual([{ text: '#大出海##供应链攻防战##产业高地#国产芯片厂商开始给海外客户做适配[加油]', role: 'content', line: 11 }]);
    expect(d.body).toBe('#大出海##供应链攻防战##产业高地#国产芯片厂商开始给海外客户做适配[加油]\n\n~');
  });

  it('keeps a post that is only an emoticon', () => {
    const d = docs[2]!;
    expect(d.passages).toEqual([{ text: '[doge]', role: 'content', line: 17 }]);
    expect(d.metadata.emoticons).toEqual(['doge']);
    expect(d.title).toBe('[doge]');
  });

  it('titles a long post with its first sentence cut to 40 characters', () => {
    const d = docs[3]!;
    expect([...d.title!]).toHaveLength(41);
    expect(d.title!.endsWith('…')).toBe(true);
    expect(d.title!.startsWith('混合專家（MoE）模型的路由器')).toBe(true);
    expect(d.metadata.emoticons).toEqual(['思考']);
  });

  it('keys a post by its own address when the heading gives one', () => {
    const d = docs[4]!;
    expect(d.key).toBe('url:https://weibo.com/1234567890/PqRsTuVwX');
    expect(d.url).toBe('https://weibo.com/1234567890/PqRsTuVwX');
    expect(d.metadata.hashtags).toEqual(['强化学习']);
    expect(d.title).toBe('这条微博有自己的地址');
  });

  it('gives the same result with CRLF line endings', () => {
    expect(microblog.parse(file(day.replace(/\n/g, '\r\n')))).toEqual({ documents: docs, warnings });
  });
});

describe('microblog: several days and stray text', () => {
  it('follows `# date` changes, numbers entries across the file and warns about text outside posts', () => {
    const text = '# 2025-02-10\n\n前言不属于任何一条\n\n## 1\n\n第一天\n\n# 2025-02-11\n\n## 1\n\n第二天\n';
    const { documents, warnings } = microblog.parse(file(text, 'w.md'));
    expect(documents.map((d) => [d.entry, d.date, d.key, d.passages[0]!.line])).toEqual([
      [1, '2025-02-10', 'file:/x/w.md#1', 7],
      [2, '2025-02-11', 'file:/x/w.md#2', 13],
    ]);
    expect(warnings).toEqual([{ line: 3, message: expect.stringMatching(/outside any/) }]);
  });
});

describe('microblog: helpers', () => {
  it('does not take C#, F# or #1# for hashtags', () => {
    expect(postHashtags('我用 C# 和 F# 写代码，第#1#条')).toEqual([]);
    expect(postHashtags('`模型时代`黄仁勋访谈 #AI 前沿#')).toEqual(['模型时代', 'AI 前沿']);
  });
  it('does not take Markdown links or footnote numbers for emoticons', () => {
    expect(postEmoticons('[链接](http://t.cn/x) 见[1] [笑cry][笑cry]')).toEqual(['笑cry']);
  });
  it('trims punctuation after links', () => {
    expect(postLinks('看 http://t.cn/A1b2C3，还有(https://example.com/a).')).toEqual(['http://t.cn/A1b2C3', 'https://example.com/a']);
  });
});
