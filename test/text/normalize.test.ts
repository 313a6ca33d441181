import { describe, expect, it } from 'vitest';
import { cleanText, decodeEntities, foldWidth } from '../../src/text/normalize.js';

describe('decodeEntities', () => {
  it('decodes HTML entities, strictly', () => {
    expect(decodeEntities('Q&amp;A &lt;b&gt; &#x4e2d;&#25991; &quot;hi&quot;')).toBe('Q&A <b> 中文 "hi"');
    // No semicolon, no entity: query strings survive.
    expect(decodeEntities('https://example.com/?a=1&copy=2&amp=3')).toBe('https://example.com/?a=1&copy=2&amp=3');
  });
});

describe('cleanText', () => {
  it('leaves entities alone: decoding is the parser\'s job, done once', () => {
    expect(cleanText('a &amp;lt; b')).toBe('a &amp;lt; b');
  });

  it('removes zero-width characters and turns no-break spaces into spaces', () => {
    expect(cleanText('稀\u200B疏\u200C注\u200D意\u2060力\uFEFF')).toBe('稀疏注意力');
    expect(cleanText('a\u00A0b\u00A0c\u202Fd')).toBe('a b c d');
  });

  it('normalizes line breaks and collapses runs of spaces and tabs', () => {
    expect(cleanText('line one  \r\nline\t\t two\rthree   ')).toBe('line one\nline two\nthree');
    expect(cleanText('  \t lead and trail \t ')).toBe('lead and trail');
  });

  it('changes each kind of odd space alone, and leaves clean text as it is', () => {
    // Each pass runs only where the text needs it: one odd thing at a time must still be seen.
    expect(cleanText('a\tb')).toBe('a b');
    expect(cleanText('a \nb')).toBe('a\nb');
    expect(cleanText('a\n b')).toBe('a\nb');
    expect(cleanText('a\t\nb')).toBe('a\nb');
    expect(cleanText('a\rb')).toBe('a\nb');
    expect(cleanText('a b\nc')).toBe('a b\nc');
    expect(cleanText('e\u0301 \uF900')).toBe('\u00E9 \u8C48');
  });

  it('keeps the original script, full-width punctuation and full-width letters', () => {
    const s = '稀疏注意力機制，「ＧＰＴ－４ｏ」：好。';
    expect(cleanText(s)).toBe(s);
  });

  it('drops stray control characters but keeps newlines', () => {
    expect(cleanText('a\u0007b\u001Bc\nd')).toBe('abc\nd');
  });
});

describe('foldWidth', () => {
  it('maps full-width ASCII forms and the ideographic space to half-width', () => {
    expect(foldWidth('ＧＰＴ－４ｏ　ＤｅｅｐＳｅｅｋ！')).toBe('GPT-4o DeepSeek!');
    expect(foldWidth('价格：￥１００')).toBe('价格:¥100');
  });

  it('keeps the string length (offsets map back)', () => {
    const s = 'Ａ１　，。「」中文𠀀😀ｚ';
    expect(foldWidth(s)).toHaveLength(s.length);
  });

  it('leaves CJK text and other punctuation alone', () => {
    expect(foldWidth('稀疏注意力。、「」')).toBe('稀疏注意力。、「」');
  });
});
