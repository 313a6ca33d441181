import { describe, expect, it } from 'vitest';
import { align, fragmentsOf, locateQuote, matchKey, speechSeconds, TranscriptIndex, type TimedText } from '../../src/quotes/locate.js';

const talk: TimedText[] = [
  { start: 0, text: 'Welcome to Slow Signals. Today I am talking with Tomas.', speaker: 'Mara' },
  { start: 16, text: 'Honestly, the chemistry is fine. The problem is heat. You can put a lot of energy in a small box, but you cannot get the heat out fast enough. So we spend most of our time on cooling, not on cells.', speaker: 'Tomas' },
  { start: 65, text: 'And what changed in the last two years?', speaker: 'Mara' },
  { start: 69, text: 'Um, what changed is that the motors got, uh, better. A modern actuator wastes about 12 percent of its power as heat.', speaker: 'Tomas' },
  { start: 300, text: 'The problem is heat, I said that at the start and I say it again.', speaker: 'Tomas' },
];

const zh: TimedText[] = [
  { start: 0, text: '歡迎收聽慢訊號 今天我們聊聊機器人的電池' },
  { start: 6, text: '其實化學已經不是問題了 真正的問題是散熱' },
  { start: 20, text: '電機變好了 現在的執行器大概只有百分之十二的功率變成熱量 五年前差不多是百分之三十' },
];

describe('matchKey', () => {
  it('folds script, width and case and drops everything but letters and digits, keeping offsets', () => {
    const k = matchKey('“規模法則，”  ＧＰＴ-4o!');
    expect(k.key).toBe('规模法则gpt4o');
    expect(k.offsets[0]).toBe(1);
  });
});

describe('locateQuote', () => {
  const index = new TranscriptIndex(talk);

  it('finds a verbatim quote whatever its punctuation, and gives the transcript time, not the claimed one', () => {
    const r = locateQuote(index, 'The chemistry is fine — the problem is HEAT!', 600);
    expect(r.status).toBe('verbatim');
    expect(r.passage).toBe(1);
    expect(r.speaker).toBe('Tomas');
    expect(r.start).toBeGreaterThanOrEqual(16);
    expect(r.start).toBeLessThan(20);
  });

  it('estimates the time inside a long passage at speaking pace, before the next speaker', () => {
    const r = locateQuote(index, 'So we spend most of our time on cooling');
    expect(r.start).toBeGreaterThan(20);
    expect(r.start).toBeLessThan(35);
    expect(speechSeconds('十四个汉字十四个汉字十四个汉')).toBeCloseTo(14 / 4.5);
  });

  it('uses the claimed time only to choose among places that match equally well', () => {
    expect(locateQuote(index, 'the problem is heat', 290).start).toBeGreaterThanOrEqual(300);
    expect(locateQuote(index, 'the problem is heat', 20).start).toBeLessThan(65);
  });

  it('joins fragments around an ellipsis or the model\'s bracketed words', () => {
    const r = locateQuote(index, 'You can put a lot of energy in a small box… we spend most of our time on cooling');
    expect(r.status).toBe('verbatim');
    expect(r.matched).toMatch(/^You can put .* on cooling$/);
    expect(fragmentsOf('By 2030 it is possible that they do [have a full supply chain]. But not before.')).toHaveLength(2);
  });

  it('accepts a lightly edited quote (fillers dropped) as approximate', () => {
    const r = locateQuote(index, 'What changed is that the motors got better. A modern actuator wastes about 12 percent of its power as heat.');
    expect(r.status).toBe('approximate');
    expect(r.similarity).toBeGreaterThan(0.8);
    expect(r.start).toBeGreaterThanOrEqual(69);
  });

  it('finds sentences the model joined without marking the cut', () => {
    const r = locateQuote(index, 'The chemistry is fine. A modern actuator wastes about 12 percent of its power as heat.');
    expect(r.status).not.toBe('not-found');
  });

  it('does not verify an invented or paraphrased quote', () => {
    expect(locateQuote(index, 'Cell supply will double by 2027 and prices will fall by half.').status).toBe('not-found');
    expect(locateQuote(index, 'Batteries are limited by how fast they shed heat, not by their chemistry.').status).toBe('not-found');
  });

  it('matches across Chinese scripts and the punctuation a summary adds', () => {
    const r = locateQuote(new TranscriptIndex(zh), '其实化学已经不是问题了，真正的问题是散热。', 0);
    expect(r.status).toBe('verbatim');
    expect(r.start).toBe(6);
    const edited = locateQuote(new TranscriptIndex(zh), '现在的执行器只有百分之十二的功率变成热量，五年前是百分之三十');
    expect(edited.status).toBe('approximate');
  });

  it('counts a misrecognized English term inside Chinese as one wrong word', () => {
    const index = new TranscriptIndex([{ start: 5, text: '就是L不够高效 还成为中间的Baltonex 所以我们拆掉了它' }]);
    expect(locateQuote(index, 'L不够高效，还成为中间的Bottleneck，所以我们拆掉了它').status).toBe('approximate');
  });

  it('handles an empty transcript and an empty quote', () => {
    expect(locateQuote(new TranscriptIndex([]), 'anything at all here').status).toBe('not-found');
    expect(locateQuote(index, '……').status).toBe('not-found');
  });
});

describe('align', () => {
  it('finds the pattern anywhere in the text, dropped words costing half', () => {
    const text = matchKey('xx the quick brown fox jumps yy').key;
    const r = align(matchKey('quick fox jumps').key, text, 0, text.length);
    expect(text.slice(r.at, r.end)).toBe('quickbrownfoxjumps');
    expect(r.similarity).toBeCloseTo(1 - 5 / 26, 2);
  });
});
