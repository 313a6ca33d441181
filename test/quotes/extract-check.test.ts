import { describe, expect, it } from 'vitest';
import { extractQuotes } from '../../src/quotes/extract.js';
import { checkQuotes, prepareTranscripts } from '../../src/quotes/check.js';

describe('extractQuotes', () => {
  it('reads the forms LLM summaries write quotes in', () => {
    const q = extractQuotes([
      '"The chemistry is fine. The problem is heat." [00:00:16]',
      'Cooling takes their time: "we spend most of our time on cooling" [[00:00:30]](https://www.youtube.com/watch?v=Qb7_Xy2LmN4&t=30s).',
      '"A modern actuator wastes about 12 percent of its power as heat." — Tomas Reyes 00:01:09',
      '**"Cell supply will double by 2027."** [00:03:00]',
      '"If a car maker orders more, we wait." [01:02:58] - Tomas Reyes on supply.',
      '"Build the boring parts yourself," he explained [00:04:15].',
      'Reyes explains: "Test in the real building, with the real floors, from the first month of the project."',
      '**Quote:** "Nobody sells you a dock."',
      '刘博士说：「同样的能力，需要的参数会越来越少，这对端侧模型特别重要」',
      '“能力密度大约每一百天翻一番” [00:01:15] - 刘博士',
    ]);
    expect(q.map((x) => [x.passage, x.claimedStart ?? null, x.speaker ?? null])).toEqual([
      [0, 16, null],
      [1, 30, null],
      [2, 69, 'Tomas Reyes'],
      [3, 180, null],
      [4, 3778, 'Tomas Reyes'],
      [5, 255, null],
      [6, null, 'Reyes'],
      [7, null, null],
      [8, null, null],
      [9, 75, '刘博士'],
    ]);
    expect(q[3]!.quote).toBe('Cell supply will double by 2027.');
  });

  it('leaves short quoted terms alone', () => {
    expect(extractQuotes(['The field moves from the "age of scaling" to the "age of research".', '所谓“密度法则”']).length).toBe(0);
  });
});

describe('checkQuotes', () => {
  const zhTranscript = prepareTranscripts([[
    { start: 0, text: '今天我们请到了一位嘉宾 聊聊OpenAI和Anthropic的竞争' },
    { start: 60, text: '我觉得OpenAI的对手不是Anthropic 而是Google 谷歌的位置太好了' },
    { start: 600, text: '我们团队大概有230人 每周工作七八十个小时' },
    { start: 900, text: '最后聊聊机器人 Tesla的团队效率最高' },
  ]]);

  it('tells a translation from a quote and ties it to its passage by names near the claimed time', () => {
    const [t] = checkQuotes(zhTranscript, [{ quote: "OpenAI doesn't think its competitor is Anthropic but Google.", claimedStart: 90, passage: 0 }]);
    expect(t).toMatchObject({ status: 'translation', verified: false, start: 60 });
    expect(t!.passage).toContain('Google');
  });

  it('finds a quote in its own language said inside a transcript of another (an English guest on a Chinese show)', () => {
    const mixed = prepareTranscripts([[
      { start: 3723, text: '我们的模型在长上下文上更便宜 成本下降了很多 这是一个很大的进步' },
      { start: 3730, text: 'Inline quote about sparse attention costs' },
      { start: 3735, text: '好的 我们继续聊聊下一个话题 关于机器人的数据' },
    ]]);
    const [said, never] = checkQuotes(mixed, [
      { quote: 'Inline quote about sparse attention costs', claimedStart: 605, passage: 0 },
      { quote: 'A bold claim nobody made in this episode at all', passage: 0 },
    ]);
    expect(said).toMatchObject({ status: 'verbatim', verified: true, start: 3730 });
    expect(never).toMatchObject({ status: 'translation', verified: false });
  });

  it('leaves a translation untied when nothing checkable is shared', () => {
    const [t] = checkQuotes(zhTranscript, [{ quote: 'We should all be more patient with each other in hard times.', claimedStart: 600, passage: 0 }]);
    expect(t).toMatchObject({ status: 'translation', verified: false, start: null, passage: null });
  });

  it('ties by a precise number, not by round ones alone', () => {
    const [precise, round] = checkQuotes(zhTranscript, [
      { quote: 'Our team has about 230 people.', claimedStart: 640, passage: 0 },
      { quote: 'We work 70 to 80 hours a week.', claimedStart: 640, passage: 1 },
    ]);
    expect(precise!.start).toBe(600);
    expect(round!.start).toBeNull();
  });

  it('checks a Chinese quote of Chinese speech as a quote', () => {
    const [q] = checkQuotes(zhTranscript, [{ quote: '我覺得OpenAI的對手不是Anthropic，而是Google', claimedStart: 0, passage: 0 }]);
    expect(q).toMatchObject({ status: 'verbatim', verified: true, start: 60 });
  });
});
