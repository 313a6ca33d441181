import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { indexTerms, indexTermsOfAll, latinTokens, loadUserDictionary, parseDictionary, queryTerms, tokenize } from '../../src/text/segment.js';
import { toSimplified } from '../../src/text/fold.js';
import { foldWidth } from '../../src/text/normalize.js';

describe('domain dictionary', () => {
  it('keeps shipped domain terms whole', () => {
    const text = '面壁智能用混合专家和强化学习训练大模型，黄仁勋、杨立昆谈具身智能、智能体、思维链、多模态、世界模型、扩散模型、推理模型、缩放定律与密度法则。';
    const terms = queryTerms(text);
    for (const w of ['面壁智能', '混合专家', '强化学习', '大模型', '黄仁勋', '杨立昆', '具身智能', '智能体', '思维链', '多模态', '世界模型', '扩散模型', '推理模型', '缩放定律', '密度法则']) {
      expect(terms, w).toContain(w);
    }
  });

  it('indexes sub-words too, so part of a term is findable', () => {
    const terms = indexTerms('稀疏注意力机制');
    expect(terms).toEqual(expect.arrayContaining(['稀疏注意力', '稀疏', '注意力', '机制']));
    expect(queryTerms('稀疏注意力机制')).toEqual(['稀疏注意力', '机制']);
  });
});

describe('script and width folding', () => {
  it('gives a Traditional query the terms of the same Simplified words', () => {
    const pairs: [string, string][] = [
      ['稀疏注意力機制與混合專家', '稀疏注意力机制与混合专家'],
      ['黃仁勳說英偉達的算力', '黄仁勋说英伟达的算力'],
      ['強化學習讓推理模型學會思維鏈', '强化学习让推理模型学会思维链'],
    ];
    for (const [trad, simp] of pairs) {
      expect(queryTerms(trad)).toEqual(queryTerms(simp));
      expect(indexTerms(trad)).toEqual(indexTerms(simp));
    }
  });

  it('folds full-width letters and digits', () => {
    expect(queryTerms('ＧＰＴ－４ｏ　發布')).toEqual(queryTerms('GPT-4o 发布'));
  });
});

describe('mixed Chinese and English', () => {
  it('splits at script boundaries and lowercases English', () => {
    expect(queryTerms('用MoE架构')).toEqual(['用', 'moe', '架构']);
    expect(queryTerms('DeepSeek和MiniCPM')).toEqual(['deepseek', '和', 'minicpm']);
  });

  it('splits hyphenated names into parts; the index also gets them run together', () => {
    expect(queryTerms('DeepSeek-V3')).toEqual(['deepseek', 'v3']);
    expect(indexTerms('DeepSeek-V3')).toEqual(['deepseek', 'v3', 'deepseekv3']);
    expect(queryTerms('GPT-4o')).toEqual(['gpt', '4o']);
    expect(indexTerms('GPT-4o')).toContain('gpt4o');
    // Either way of typing the name finds the indexed text.
    const indexed = new Set(indexTerms('新发布的DeepSeek-V3模型'));
    for (const q of ['DeepSeek V3', 'deepseekv3', 'DEEPSEEK-V3']) {
      for (const t of queryTerms(q)) expect(indexed.has(t), `${q}: ${t}`).toBe(true);
    }
  });

  it('stems English words the same way on both sides', () => {
    expect(queryTerms('Densing Law')).toEqual(['dens', 'law']);
    expect(queryTerms('running models trained on studies')).toEqual(['run', 'model', 'train', 'on', 'study']);
    expect(queryTerms('Scaling Laws')).toEqual(queryTerms('scaled law'));
  });

  it('keeps numbers, versions and C++-style names; drops punctuation', () => {
    expect(queryTerms('Qwen2.5 得分 3.14，价格 1,000 元！')).toEqual(['qwen2.5', '得分', '3.14', '价格', '1000', '元']);
    expect(queryTerms('C++ 和 C# 还有 node.js')).toEqual(['c++', '和', 'c#', '还有', 'node', 'js']);
    expect(queryTerms("it's a café, don't")).toEqual(['it', 'a', 'cafe', 'dont']);
    expect(queryTerms('「」，。！？…——《》 ~ @ %')).toEqual([]);
  });

  it('finds every query term among the index terms of the same text', () => {
    const text = '2025年，面壁智能發布MiniCPM-V 4.0：在手機上跑多模態大模型，密度法則（Densing Law）再次應驗。';
    const indexed = new Set(indexTerms(text));
    for (const t of queryTerms(text)) expect(indexed.has(t), t).toBe(true);
  });
});

describe('indexTermsOfAll', () => {
  it('gives every text the terms it gets alone, in batches of any size', () => {
    const texts = [
      '面壁智能发布了MiniCPM-V，性能很强。',
      '',
      'Only English here, GPT-4o and C++.',
      '！？。',
      '強化學習讓模型學會推理，DeepSeek-R1 也是。',
      '稀疏注意力機制' + '，然后我们再聊大模型的训练'.repeat(900), // over one batch alone
      '黄仁勋说：英伟达的GPU',
      'x',
    ];
    const expected = texts.map((t) => indexTerms(t).join(' '));
    expect(indexTermsOfAll(texts)).toEqual(expected);
    expect(indexTermsOfAll(texts, texts.map((t) => toSimplified(foldWidth(t))))).toEqual(expected);
    // Many small texts cut together across batch boundaries.
    const many = Array.from({ length: 3000 }, (_, i) => texts[i % texts.length]!.slice(0, 60) + (i % 7 === 0 ? '' : `第${i}段，模型`));
    expect(indexTermsOfAll(many)).toEqual(many.map((t) => indexTerms(t).join(' ')));
  });
});

describe('tokenize', () => {
  it('gives offsets into the original string', () => {
    const text = '在ＧＰＴ－４ｏ發布後，黃仁勳說：「Scaling Laws 仍然有效」😀 𠀀字';
    const tokens = tokenize(text);
    const folded = toSimplified(foldWidth(text));
    let last = 0;
    for (const t of tokens) {
      expect(t.start).toBeGreaterThanOrEqual(last);
      expect(t.end).toBeGreaterThan(t.start);
      last = t.end;
      if (/\p{Script=Han}/u.test(t.term)) expect(folded.slice(t.start, t.end)).toBe(t.term);
    }
    const at = (term: string) => tokens.find((t) => t.term === term)!;
    expect(text.slice(at('黄仁勋').start, at('黄仁勋').end)).toBe('黃仁勳');
    expect(text.slice(at('gpt').start, at('gpt').end)).toBe('ＧＰＴ');
    expect(text.slice(at('4o').start, at('4o').end)).toBe('４ｏ');
    expect(text.slice(at('scale').start, at('scale').end)).toBe('Scaling');
    expect(text.slice(at('发布').start, at('发布').end)).toBe('發布');
    expect(tokens.map((t) => t.term)).toEqual(queryTerms(text));
  });

  it('handles empty and symbol-only input', () => {
    expect(tokenize('')).toEqual([]);
    expect(indexTerms('   \n')).toEqual([]);
  });

  it('reads characters outside the BMP by code point: Han, letters, emoji and lone surrogates', () => {
    // 𠀀𠀁 (Han, Extension B) stay in their Han run; 𝐀𝐁 (mathematical letters) start a word.
    expect(tokenize('模型𠀀𠀁训练')).toEqual([
      { term: '模型', start: 0, end: 2 }, { term: '𠀀𠀁', start: 2, end: 6 }, { term: '训练', start: 6, end: 8 },
    ]);
    expect(tokenize('𝐀𝐁c模型')).toEqual([{ term: '𝐀𝐁c', start: 0, end: 5 }, { term: '模型', start: 5, end: 7 }]);
    // An emoji or a lone surrogate is neither: it ends a word or a run and makes no term.
    expect(queryTerms('GPT😀模型')).toEqual(['gpt', '模型']);
    expect(tokenize('x\uD800y模型\uDC00z')).toEqual([
      { term: 'x', start: 0, end: 1 }, { term: 'y', start: 2, end: 3 }, { term: '模型', start: 3, end: 5 }, { term: 'z', start: 6, end: 7 },
    ]);
    expect(queryTerms('\uDE00模型\uD83D')).toEqual(['模型']);
  });
});

describe('loadUserDictionary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'engram-dict-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds words from dictionary text, Traditional entries included', () => {
    expect(queryTerms('面臂智能的新模型')).not.toContain('面臂智能');
    loadUserDictionary('# speech-recognition misspellings\n面臂智能 500 nt\n');
    expect(queryTerms('面臂智能的新模型')).toContain('面臂智能');
  });

  it('adds words from a file, folding Traditional entries to Simplified', () => {
    const file = join(dir, 'dict.txt');
    writeFileSync(file, '超導量子線路\n光子晶格計算 nz\n');
    expect(queryTerms('超导量子线路')).not.toEqual(['超导量子线路']);
    loadUserDictionary(file);
    expect(queryTerms('超導量子線路')).toEqual(['超导量子线路']);
    expect(queryTerms('光子晶格计算')).toEqual(['光子晶格计算']);
  });

  it('reports malformed lines and missing files with context', () => {
    expect(() => loadUserDictionary('好词 10 n\n坏词 abc n\n')).toThrow(/dictionary text:2: frequency/);
    expect(() => loadUserDictionary(join(dir, 'missing.txt'))).toThrow(/dictionary file not found: .*missing\.txt/);
  });

  it('parses the jieba format: word [freq] [tag], comments, Latin-only entries skipped', () => {
    expect(parseDictionary('\uFEFF# c\n大模型 2000 n\n智能体 nz\n推理模型\nDeepSeek 100\n\n', 'x')).toEqual([
      { word: '大模型', freq: 2000, tag: 'n' },
      { word: '智能体', freq: 1000, tag: 'nz' },
      { word: '推理模型', freq: 1000, tag: undefined },
    ]);
  });
});

describe('latinTokens', () => {
  it('gives tokenize\'s tokens outside Han runs, with the same offsets, without jieba', () => {
    const texts = [
      '我們用ＧＰＴ－４ｏ和DeepSeek-V3做了測試，C++ 與 C# 都行；node.js 的 it\'s 3.14 和 1,000 个 café',
      'Scaling Law 在 2025 年還成立嗎？Ｏｐｅｎ ＡＩ 说 yes',
      '',
      '只有中文，没有别的。',
      'plain English, no Han at all: AT&T and R&D',
    ];
    for (const text of texts) {
      const han = /\p{Script=Han}/u;
      const expected = tokenize(text).filter((t) => !han.test(text.slice(t.start, t.end)));
      expect(latinTokens(text)).toEqual(expected);
      // Folded by the caller, lowercased or not, the tokens are the same.
      expect(latinTokens(text, toSimplified(foldWidth(text)).toLowerCase())).toEqual(expected);
    }
  });
});
