import { describe, expect, it } from 'vitest';
import { isSoundEvent, joinAllSpoken, joinSpoken, mergeUtterances, sizeOf, SPEECH_SIZE, type TimedLine } from '../../src/formats/timed-utterances.js';

describe('joinSpoken', () => {
  it('marks a caption boundary with a space unless punctuation already does', () => {
    expect(joinSpoken('今天聊模型', '明天聊数据')).toBe('今天聊模型 明天聊数据');
    expect(joinSpoken('今天聊模型，', '明天聊数据')).toBe('今天聊模型，明天聊数据');
    expect(joinSpoken('Hello everyone', ', this is it')).toBe('Hello everyone, this is it');
    expect(joinSpoken('', 'x')).toBe('x');
    expect(joinAllSpoken(['第一句', '', '第二句。', '第三句', 'and more', '.'])).toBe('第一句 第二句。第三句 and more.');
  });

  it('counts Han characters (incl. extension B) and Latin words (don\'t, 4.5 and GPT-4o are one word)', () => {
    const unit = { maxCjk: 1, maxWords: 1000 };
    expect(sizeOf('模型𠀀 ok', unit)).toBeCloseTo(3 + 1 / 1000);
    expect(sizeOf("don't use 4.5 or GPT-4o", { maxCjk: 1, maxWords: 1 })).toBe(5);
  });
});

describe('sound events', () => {
  it('recognizes bracketed non-speech but not timecodes or text', () => {
    expect(['[Music]', '(Applause)', '（笑）', '【掌声】', '♪ ♪'].every(isSoundEvent)).toBe(true);
    expect(['[00:01]', 'Music is great', '[这是一个很长很长很长的方括号里的句子内容超过二十个字]'].some(isSoundEvent)).toBe(false);
  });
});

describe('mergeUtterances', () => {
  const l = (line: number, start: number, text: string, speaker?: string): TimedLine => ({ line, start, text, ...(speaker ? { speaker } : {}) });

  it('splits on speaker change; speakerless lines continue; leading ones join the first named speaker', () => {
    const ps = mergeUtterances([l(1, 0, 'intro'), l(2, 2, 'a1', 'A'), l(3, 4, 'a2'), l(4, 6, 'b1', 'B'), l(5, 8, 'b2', 'B')]);
    expect(ps).toEqual([
      { text: 'intro a1 a2', role: 'content', line: 1, start: 0, end: 6, speaker: 'A' },
      { text: 'b1 b2', role: 'content', line: 4, start: 6, speaker: 'B' },
    ]);
  });

  it('caps an utterance at the size budget without cutting lines, mixing scripts', () => {
    const zh = '这是一个十个字的句子'; // 10 Han characters
    const lines = Array.from({ length: 70 }, (_, i) => l(i + 1, i, zh, 'A'));
    const ps = mergeUtterances(lines);
    expect(ps.length).toBe(3); // 700 chars over a 300-char budget
    expect(ps.every((p) => sizeOf(p.text, SPEECH_SIZE) <= 1)).toBe(true);
    expect(ps[1]).toMatchObject({ start: 30, end: 60, speaker: 'A', line: 31 });
    expect(sizeOf('ten words ' + zh, { maxCjk: 10, maxWords: 4 })).toBeCloseTo(1.5);
  });

  it('uses explicit ends when the source gives them, drops sound events and blanks', () => {
    const ps = mergeUtterances([{ line: 1, start: 1, end: 2.5, text: 'one' }, { line: 2, start: 3, end: 4, text: '[Music]' }, { line: 3, start: 5, end: 6, text: '  ' }]);
    expect(ps).toEqual([{ text: 'one', role: 'content', line: 1, start: 1, end: 2.5 }]);
  });
});
