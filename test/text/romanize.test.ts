import { describe, expect, it } from 'vitest';
import { nameKey, parseHanName, parseRomanizedName, pinyinName, romanizations, wadeGiles } from '../../src/text/romanize.js';

describe('romanizing Chinese names', () => {
  it('reads surnames as surnames, compound surnames whole', () => {
    expect(parseHanName('单田芳')).toEqual({ surname: ['shan'], given: ['tian', 'fang'] });
    expect(parseHanName('曾国藩')).toEqual({ surname: ['zeng'], given: ['guo', 'fan'] });
    expect(parseHanName('欧阳娜娜')).toEqual({ surname: ['ou', 'yang'], given: ['na', 'na'] });
    expect(parseHanName('劉先明')).toEqual({ surname: ['liu'], given: ['xian', 'ming'] }); // Traditional folds
    expect(parseHanName('英伟达公司')).toBeUndefined(); // too long, no surname
    expect(parseHanName('奥特曼')).toBeUndefined(); // 奥 is no surname in the table
  });

  it('spells a name both orders, joined, hyphenated and split, in pinyin and Wade–Giles', () => {
    const forms = romanizations(parseHanName('刘先明')!);
    expect(forms[0]).toBe('Liu Xianming');
    expect(forms).toEqual(expect.arrayContaining(['Xianming Liu', 'Liu Xian-ming', 'Liu Xian Ming', 'Liu Hsien-ming', 'Hsien-ming Liu', 'Lau Xianming']));
    expect(romanizations(parseHanName('黄仁勋')!)).toContain('Jen-hsun Huang');
    expect(romanizations(parseHanName('张忠谋')!)).toEqual(expect.arrayContaining(['Chang Chung-mou', 'Cheung Zhongmou']));
    expect(romanizations(parseHanName('吕布')!)).toEqual(expect.arrayContaining(['Lu Bu', 'Lyu Bu', 'Lv Bu']));
    expect(romanizations(parseHanName('吴恩达')!, 'surname-first').every((f) => !f.startsWith('Enda'))).toBe(true);
    expect(pinyinName(parseHanName('欧阳娜娜')!)).toBe('Ouyang Nana');
  });

  it('converts pinyin syllables to Wade–Giles as names are printed', () => {
    const wg = (s: string) => s.split(' ').map(wadeGiles).join(' ');
    expect(wg('xian ren xun zhang cai cao guo yue jie')).toBe('hsien jen hsun chang tsai tsao kuo yueh chieh');
    expect(wg('zi ci si zhi chi shi ri er yi you')).toBe('tzu tzu ssu chih chih shih jih erh i yu');
    expect(wg('zhuo luo ge he gui hui jun xue lv yong xiong')).toBe('cho lo ko ho kuei hui chun hsueh lu yung hsiung');
  });

  it('reads Latin names either order, in pinyin or Wade–Giles, into the same key', () => {
    const keys = (s: string) => parseRomanizedName(s.split(/[\s-]+/)).map(nameKey);
    expect(keys('Jie Tan')).toContain('tan jie');
    expect(keys('Tan Jie')).toContain('tan jie');
    expect(keys('Xianming Liu')).toContain('liu xianming');
    expect(keys('Liu Xian-ming')).toContain('liu xianming');
    expect(keys('Jen-Hsun Huang')).toContain('huang renxun');
    expect(keys('Cheung Chung-mou')).toContain('zhang zhongmou');
    expect(keys('Nana Ou Yang')).toContain('ouyang nana');
    expect(keys('Sam Altman')).toEqual([]);
    expect(keys('export controls')).toEqual([]);
    expect(keys('Xiaomi SU7')).toEqual([]); // words with digits are no names
  });

  it('keeps the characters out of the key: homophones share it', () => {
    expect(nameKey(parseHanName('曹越')!)).toBe(nameKey(parseHanName('曹悦')!));
  });
});
