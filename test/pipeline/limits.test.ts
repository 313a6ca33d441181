/** Huge and hostile inputs: bounded by size per format family, refused by type, never a crash. */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/pipeline/ingest.js';
import { readBounded } from '../../src/pipeline/parse-file.js';
import { prepareDocument } from '../../src/pipeline/prepare.js';
import { mergeUtterances } from '../../src/formats/timed-utterances.js';
import { tempDir, tempLibrary } from '../helpers.js';

/** WhisperX output as written: one line, word timings and all (~600 characters a segment). */
function oneLineWhisper(segments: number): string {
  const segs = Array.from({ length: segments }, (_, i) => {
    const words = Array.from({ length: 12 }, (_, w) => ({ word: `w${w}`, start: i * 2 + w / 10, end: i * 2 + w / 10 + 0.1, score: 0.9 }));
    return { start: i * 2, end: i * 2 + 2, text: ` 第${i}段，讨论稀疏注意力 segment ${i}`, words };
  });
  return JSON.stringify({ language: 'zh', segments: segs });
}

describe('size limits per format family', () => {
  it('reads a single-line JSON transcript over a million characters (the long-line guard is for text)', async () => {
    const dir = tempDir();
    const json = oneLineWhisper(2_000);
    expect(json.length).toBeGreaterThan(1_000_000);
    expect(json.includes('\n')).toBe(false);
    writeFileSync(join(dir, 'episode.json'), json);
    const { db } = tempLibrary();
    const r = await ingest(db, [dir]);
    expect(r.failures).toEqual([]);
    expect(r.documents.added).toBe(1);
  });

  it('refuses files over their family limit, naming size, limit and flag; the rest is ingested', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'big.md'), `# Big\n\n${'长文本。'.repeat(2000)}\n`);
    writeFileSync(join(dir, 'small.md'), '# Small\n\n短笔记。\n');
    writeFileSync(join(dir, 'episode.json'), oneLineWhisper(40));
    const { db } = tempLibrary();
    const r = await ingest(db, [dir], { limits: { textBytes: 10_000, jsonBytes: 100_000 } });
    expect(r.failures).toEqual([
      { file: 'big.md', reason: 'file is 23 KB, over the 10 KB limit for text files: skipped (raise it with --max-text-mb)' },
    ]);
    expect(r.documents.added).toBe(2); // small.md, and the JSON, bigger than the text limit
    const tight = await ingest(tempLibrary().db, [join(dir, 'episode.json')], { limits: { jsonBytes: 1000 } });
    expect(tight.failures[0]!.reason).toMatch(/over the .* limit for json files: skipped \(raise it with --max-json-mb\)/);
  });

  it('refuses special files by type on the open descriptor, without waiting on a FIFO or reading /dev/zero', () => {
    const fifo = join(tempDir(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    const limits = { textBytes: 1e6, jsonBytes: 1e6 };
    expect(readBounded(fifo, limits)).toMatchObject({ ok: false, reason: expect.stringMatching(/not a regular file/) });
    expect(readBounded('/dev/zero', limits)).toMatchObject({ ok: false, reason: expect.stringMatching(/not a regular file/) });
  });
});

describe('very many passages', () => {
  it('a document of 150,000 passages is prepared (no spreading into one call)', () => {
    const passages = Array.from({ length: 150_000 }, (_, i) => ({ text: `p${i}`, role: 'content' as const, line: i + 1 }));
    const ctx = { format: 'markdown', fallbackSource: 's', fileText: 'x', singleDocument: true };
    expect(prepareDocument({ key: 'file:x', kind: 'text', metadata: {}, passages }, ctx).passages).toHaveLength(150_000);
  });

  it('an utterance of 150,000 timed lines that take no room (punctuation only) gets its end', () => {
    const lines = Array.from({ length: 150_000 }, (_, i) => ({ text: '…', line: i + 1, start: i, end: i + 1 }));
    expect(mergeUtterances(lines)).toEqual([{ text: expect.any(String), role: 'content', line: 1, start: 0, end: 150_000 }]);
  });
});
