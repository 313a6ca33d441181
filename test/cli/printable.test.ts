import { describe, expect, it } from 'vitest';
import { printable, printableText } from '../../src/cli/printable.js';

describe('printable', () => {
  it('escapes C0, DEL, C1 and bidirectional overrides; keeps every script', () => {
    expect(printable('a\x1b[31mb\x07\x7f\x9b2J\u202Etxt.md')).toBe('a\\x1B[31mb\\x07\\x7F\\x9B2J\\u202Etxt.md');
    expect(printable('稀疏注意力 Ｍｏｅ café')).toBe('稀疏注意力 Ｍｏｅ café');
    expect(printable('two\nlines')).toBe('two\\x0Alines');
    expect(printable(null)).toBe('');
  });
  it('running text keeps its line breaks and tabs', () => {
    expect(printableText('one\n\ttwo\x1b]0;t\x07')).toBe('one\n\ttwo\\x1B]0;t\\x07');
  });
});
