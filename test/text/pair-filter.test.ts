import { describe, expect, it } from 'vitest';
import { PairFilter } from '../../src/text/pair-filter.js';

describe('PairFilter', () => {
  it('never says no to a pair it was given, and rarely yes to one it was not', () => {
    const pair = (s: string) => (s.charCodeAt(0) << 16) | s.charCodeAt(1);
    const f = new PairFilter();
    const given = ['模型', '數據', '智能', 'AI', '\uffff\uffff'];
    given.forEach((p) => f.add(pair(p)));
    for (const p of given) expect(f.mayHave(pair(p))).toBe(true);
    // The same 32 bits written as an unsigned number (fold.ts) find the same bit.
    expect(f.mayHave(0xffff * 0x10000 + 0xffff)).toBe(true);
    let stray = 0;
    for (let c = 0x4e00; c < 0x4e00 + 20_000; c++) if (f.mayHave((c << 16) | 0x4e00)) stray++;
    expect(stray).toBeLessThan(5);
  });
});
