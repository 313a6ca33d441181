import { describe, expect, it } from 'vitest';
import { checkLanguage, chineseScript, languageOf, summaryLangOf, toScript } from '../../src/text/language.js';
import { chineseNumeral, numbersIn, unsupportedNumbers } from '../../src/text/numbers.js';

describe('language and script', () => {
  it('counts Han characters against Latin words; Chinese with English terms is Chinese', () => {
    expect(languageOf('The scaling law held for six years.')).toBe('en');
    expect(languageOf('我们用MoE架构训练了Qwen3模型')).toBe('zh');
    expect(languageOf('12:30 — !!')).toBeUndefined();
  });

  it('tells Simplified from Traditional by script-specific characters', () => {
    expect(chineseScript('规模法则带来了训练成本的问题')?.script).toBe('Hans');
    expect(chineseScript('規模法則帶來了訓練成本的問題')?.script).toBe('Hant');
    expect(chineseScript('我们的大模型')?.script).toBe('Hans');
    expect(summaryLangOf('機器人的電池 真正的問題是散熱')).toBe('zh-Hant');
    expect(summaryLangOf('Welcome back to the show')).toBe('en');
  });

  it('checks an answer against the language asked for', () => {
    expect(checkLanguage('模型的能力密度大约每一百天翻一番。', 'zh-Hans')).toEqual({ ok: true });
    expect(checkLanguage('模型的能力密度大約每一百天翻一番。', 'zh-Hans')).toEqual({ ok: false, found: 'Traditional Chinese' });
    expect(checkLanguage('The capability density doubles every hundred days.', 'zh-Hant')).toEqual({ ok: false, found: 'English' });
    expect(checkLanguage('模型的能力密度大约每一百天翻一番。', 'en')).toEqual({ ok: false, found: 'Chinese' });
    expect(toScript('能力密度', 'zh-Hant')).toBe('能力密度');
    expect(toScript('训练成本', 'zh-Hant')).toBe('訓練成本');
  });
});

describe('numbers', () => {
  it('reads digits, scales, Chinese numerals and English number words as values', () => {
    expect(chineseNumeral('二十二')).toBe(22);
    expect(chineseNumeral('三千五百')).toBe(3500);
    expect(chineseNumeral('两万')).toBe(20000);
    const n = numbersIn('20万小时、1,000 GPUs, 3.5%, $56 billion, 百分之十二, ten thousand hours, at 00:12:34');
    for (const v of ['20', '200000', '1000', '3.5', '56', '56000000000', '12', '10000']) expect(n.has(v)).toBe(true);
    expect(n.has('34')).toBe(false);
  });

  it('flags numbers a claim states that the source never does', () => {
    const source = numbersIn('我们大概训练了20万到30万小时的数据，团队有两百人');
    expect(unsupportedNumbers('They trained on 200,000–300,000 hours with a team of 200.', source)).toEqual([]);
    expect(unsupportedNumbers('Training took 45,000 GPU hours in 2024, and 3 runs.', source)).toEqual(['45,000', '2024']);
  });
});
