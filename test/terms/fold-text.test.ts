import { describe, expect, it } from 'vitest';
import { foldText } from '../../src/terms/term-index.js';

describe('foldText', () => {
  it('lowercases like toLowerCase wherever a letter has case, keeping every offset', () => {
    const samples = ['ABC 英伟达 GPT-4o', 'Σίσυφος ΟΔΟΣ', 'ǅ ǈ Ǆ', 'ÀÉÎ straße', '𐐀𐐁 Deseret', 'Ⅻ Ⓐ Ω K', '平凡的一天没有大写', ''];
    for (const s of samples) {
      const f = foldText(s);
      expect(f, s).toBe(s.toLowerCase());
      expect(f.length).toBe(s.length);
    }
  });

  it('folds scripts and widths too, and leaves a letter whose lower case is longer as it is', () => {
    expect(foldText('輝達 ＮＶＩＤＩＡ')).toBe('辉达 nvidia');
    // İ lowercases to two code units: kept, so offsets still point into the original.
    expect(foldText('İstanbul AI')).toBe('İstanbul ai');
  });
});
