import { describe, expect, it } from 'vitest';
import { toSimplified, toTraditional } from '../../src/text/fold.js';

describe('toSimplified', () => {
  it('folds Traditional to Simplified', () => {
    expect(toSimplified('稀疏注意力機制')).toBe('稀疏注意力机制');
    expect(toSimplified('黃仁勳說英偉達的護城河是軟體生態')).toBe('黄仁勋说英伟达的护城河是软体生态');
  });

  it('folds Taiwan and Hong Kong variant forms the same way', () => {
    expect(toSimplified('裡面 裏面')).toBe('里面 里面');
    expect(toSimplified('衞星 衛星')).toBe('卫星 卫星');
    expect(toSimplified('綫 線')).toBe('线 线');
  });

  it('uses phrases where one character has several Simplified forms', () => {
    expect(toSimplified('乾淨')).toBe('干净');
    expect(toSimplified('乾坤')).toBe('乾坤');
    expect(toSimplified('頭髮和發展')).toBe('头发和发展');
    // Text with no character a stage can change skips it; one such character anywhere converts it all.
    expect(toSimplified('一个不了的说法，于是干脆')).toBe('一个不了的说法，于是干脆');
    expect(toSimplified('一个不了的说法，于是乾淨')).toBe('一个不了的说法，于是干净');
    expect(toSimplified('一个不了的说法：乾坤')).toBe('一个不了的说法：乾坤');
  });

  it('leaves Simplified, Latin and symbols unchanged', () => {
    const s = '混合专家模型（MoE）让大模型更便宜：GPT-4o, 3.14 ✓';
    expect(toSimplified(s)).toBe(s);
  });

  it('keeps the UTF-16 length and every character in place', () => {
    const s = '臺灣的㗲字、𠀀與😀，還有二噁英和豈（相容字）';
    const out = toSimplified(s);
    expect(out).toHaveLength(s.length);
    // Characters without a same-length Simplified form stay as they are.
    expect(out).toContain('㗲');
    expect(out.startsWith('台湾的')).toBe(true);
  });

  it('folds a 200 KB string fast', () => {
    const unit = '在這個整理後的版本中，我們討論了稀疏注意力機制、混合專家架構與強化學習的關係。';
    const big = unit.repeat(Math.ceil(200_000 / unit.length));
    toSimplified(unit.repeat(50)); // build the tables and warm up
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const out = toSimplified(big);
      best = Math.min(best, performance.now() - t);
      expect(out).toHaveLength(big.length);
    }
    expect(best).toBeLessThan(60);
  });
});

describe('toTraditional', () => {
  it('converts Simplified to Taiwan Traditional, by phrase', () => {
    expect(toTraditional('稀疏注意力机制')).toBe('稀疏注意力機制');
    expect(toTraditional('头发和发展')).toBe('頭髮和發展');
  });

  it('round-trips Simplified text', () => {
    for (const s of ['大模型的缩放定律与密度法则', '黄仁勋说英伟达的护城河是软件生态', '强化学习让推理模型学会思维链']) {
      expect(toSimplified(toTraditional(s))).toBe(s);
    }
  });
});
