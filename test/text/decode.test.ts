import { describe, expect, it } from 'vitest';
import { decodeBytes } from '../../src/text/decode.js';

const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

function utf16be(s: string): Uint8Array {
  const le = Buffer.from(s, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let i = 0; i + 1 < le.length; i += 2) {
    be[i] = le[i + 1];
    be[i + 1] = le[i];
  }
  return new Uint8Array(be);
}

function ok(bytes: Uint8Array) {
  const d = decodeBytes(bytes);
  if (!d.ok) throw new Error(`expected text, got refusal: ${d.reason}`);
  return d;
}

describe('decodeBytes', () => {
  const sample = '# 標題 Title\n稀疏注意力机制 & MoE\n';

  it('decodes UTF-8 without a BOM', () => {
    const d = ok(utf8(sample));
    expect(d.text).toBe(sample);
    expect(d.encoding).toBe('utf-8');
    expect(d.warnings).toEqual([]);
  });

  it('strips a UTF-8 BOM', () => {
    const d = ok(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(sample)]));
    expect(d.text).toBe(sample);
    expect(d.encoding).toBe('utf-8');
  });

  it('decodes UTF-16LE and UTF-16BE with a BOM', () => {
    const le = ok(new Uint8Array(Buffer.from('\uFEFF' + sample + '𠀀', 'utf16le')));
    expect(le.encoding).toBe('utf-16le');
    expect(le.text).toBe(sample + '𠀀');
    const be = ok(utf16be('\uFEFF' + sample));
    expect(be.encoding).toBe('utf-16be');
    expect(be.text).toBe(sample);
  });

  it('recognizes BOM-less UTF-16LE of mostly ASCII text by its NUL pattern', () => {
    const d = ok(new Uint8Array(Buffer.from('plain ascii text in utf-16\nsecond line\n', 'utf16le')));
    expect(d.encoding).toBe('utf-16le');
    expect(d.text).toContain('second line');
  });

  it('reads Chinese written in GBK or Big5 (files from before UTF-8), saying so', () => {
    // `# 标题\n这是中文文本，我们今天讨论大模型的未来。\n` in GBK, and its Traditional form in Big5.
    const gbk = ok(new Uint8Array(Buffer.from('2320b1eacce20ad5e2cac7d6d0cec4cec4b1bea3acced2c3c7bdf1ccecccd6c2dbb4f3c4a3d0cdb5c4ceb4c0b4a1a30a', 'hex')));
    expect(gbk).toMatchObject({ encoding: 'gb18030', text: '# 标题\n这是中文文本，我们今天讨论大模型的未来。\n' });
    expect(gbk.warnings).toEqual([{ line: 1, message: expect.stringMatching(/not UTF-8: decoded as GB 18030/) }]);
    const big5 = ok(new Uint8Array(Buffer.from('2320bcd0c3440ab36fac4fa4a4a4e5a4e5a5bba141a7daadcca4b5a4d1b051bdd7a46abcd2abacaabaa5bca8d3a1430a', 'hex')));
    expect(big5).toMatchObject({ encoding: 'big5', text: '# 標題\n這是中文文本，我們今天討論大模型的未來。\n' });
    // A UTF-8 file with a few damaged bytes stays UTF-8 (replacement characters and a warning).
    const damaged = ok(new Uint8Array([...utf8('大模型的未来'), 0xb1, 0xea, ...utf8('我们今天讨论强化学习和稀疏注意力。')]));
    expect(damaged.encoding).toBe('utf-8');
    expect(damaged.text).toContain('我们今天讨论');
    // High bytes that read as nothing in either: UTF-8 with replacement characters, as before.
    const noise = new Uint8Array(4000).map((_, i) => (i % 7 === 0 ? 0x20 : 0x81 + ((i * 7919) % 120)));
    expect(ok(noise).encoding).toBe('utf-8');
  });

  it('recognizes BOM-less UTF-16 of mostly Chinese text (few NULs, all on one side) when it reads as Chinese', () => {
    const text = '# 标题\n这是没有字节序标记的文本，我们今天讨论大模型。\n';
    const le = ok(new Uint8Array(Buffer.from(text, 'utf16le')));
    expect(le).toMatchObject({ encoding: 'utf-16le', text });
    expect(ok(utf16be(text))).toMatchObject({ encoding: 'utf-16be', text });
    // NULs on one side alone are not enough: binary stays refused.
    const binary = new Uint8Array(64).map((_, i) => (i % 2 === 1 && i < 8 ? 0 : 0xe0 + (i % 13)));
    expect(decodeBytes(binary).ok).toBe(false);
  });

  it('replaces invalid UTF-8 and warns once, naming the first bad line and the count', () => {
    const bytes = new Uint8Array([
      ...utf8('第一行\nline two\nbad '),
      0xff, // stray byte
      0xfe, // another
      ...utf8(' here '),
      0xe4, 0xb8, // truncated 3-byte sequence (中 without its last byte)
      ...utf8('\nline four '),
      0xc3, 0x28, // lead byte followed by ASCII
      ...utf8('\n'),
    ]);
    const d = ok(bytes);
    expect(d.warnings).toHaveLength(1);
    expect(d.warnings[0].line).toBe(3);
    expect(d.warnings[0].message).toMatch(/4 bad byte sequences/);
    expect(d.warnings[0].message).toMatch(/line 3/);
    expect([...d.text].filter((c) => c === '\uFFFD')).toHaveLength(4);
    expect(d.text).toContain('第一行\nline two\n');
  });

  it('counts bad sequences exactly as the decoder replaces them', () => {
    // Deterministic pseudo-random bytes: ASCII letters mixed with high bytes.
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let round = 0; round < 20; round++) {
      const bytes = new Uint8Array(2000);
      for (let i = 0; i < bytes.length; i++) bytes[i] = rand() < 0.6 ? 0x61 + Math.floor(rand() * 26) : 0x80 + Math.floor(rand() * 128);
      const d = ok(bytes);
      const replaced = [...d.text].filter((c) => c === '\uFFFD').length;
      const counted = Number(/(\d+) bad byte/.exec(d.warnings[0]?.message ?? '0 bad byte')![1]);
      expect(counted).toBe(replaced);
    }
  });

  it('refuses binary files: NUL bytes, control bytes, known signatures', () => {
    const nul = decodeBytes(new Uint8Array([...utf8('looks like text'), 0, 1, 2, 0, ...utf8('more')]));
    expect(nul).toEqual({ ok: false, reason: expect.stringMatching(/^binary file \(NUL bytes/) });
    const ctl = decodeBytes(new Uint8Array(Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41))));
    expect(ctl).toEqual({ ok: false, reason: expect.stringMatching(/^binary file \(\d+% control bytes/) });
    const png = decodeBytes(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png).toEqual({ ok: false, reason: 'binary file (PNG image)' });
    const pdf = decodeBytes(utf8('%PDF-1.7\n'));
    expect(pdf).toEqual({ ok: false, reason: 'binary file (PDF)' });
  });

  it('refuses empty and whitespace-only files', () => {
    expect(decodeBytes(new Uint8Array())).toEqual({ ok: false, reason: 'empty file' });
    expect(decodeBytes(utf8(' \n\t\r\n  '))).toEqual({ ok: false, reason: 'empty file' });
    expect(decodeBytes(new Uint8Array([0xef, 0xbb, 0xbf]))).toEqual({ ok: false, reason: 'empty file' });
    expect(decodeBytes(new Uint8Array(Buffer.from('\uFEFF  \n', 'utf16le')))).toEqual({ ok: false, reason: 'empty file' });
  });

  it('decodes a 5 MB single line quickly', () => {
    const unit = '稀疏注意力 sparse attention，';
    const line = unit.repeat(Math.ceil(5_200_000 / Buffer.byteLength(unit)));
    const bytes = utf8(line);
    expect(bytes.length).toBeGreaterThan(5_000_000);
    const t = performance.now();
    const d = ok(bytes);
    const ms = performance.now() - t;
    expect(d.text.length).toBe(line.length);
    expect(ms).toBeLessThan(500);
  });
});

describe('NUL bytes after the sniffed head', () => {
  it('become spaces, with one warning naming the line (words are not glued together)', () => {
    const head = 'padding line\n'.repeat(700); // over 8 KB: the sniffing never sees the NUL
    const d = ok(new Uint8Array(Buffer.concat([Buffer.from(head + 'before'), Buffer.from([0]), Buffer.from('after\nend\x00\n')])));
    expect(d.text.endsWith('before after\nend \n')).toBe(true);
    expect(d.warnings).toEqual([{ line: 701, message: '2 NUL characters replaced with spaces (first on line 701)' }]);
  });
});
