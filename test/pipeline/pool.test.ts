/**
 * What the parse pool skips for a text its document holds already (the summary file an
 * archive entry was made from): the passages are neither segmented nor scanned, and the writer
 * still indexes them should it hold the text after all.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareDocument } from '../../src/pipeline/prepare.js';
import { inlinePool, StoredTexts, storedText, workerPool } from '../../src/pipeline/pool.js';
import { DEFAULT_LIMITS } from '../../src/pipeline/parse-file.js';
import { replaceFile } from '../../src/store/write.js';
import { search } from '../../src/search/search.js';
import { lexiconTermsContext } from '../../src/terms/context.js';
import type { ParsedDocument } from '../../src/model.js';
import type { PassageScanner } from '../../src/pipeline/terms.js';
import { tempDir, tempLibrary } from '../helpers.js';

const doc: ParsedDocument = {
  key: 'url:https://example.com/ep/7',
  kind: 'summary',
  metadata: {},
  passages: [
    { role: 'content', text: '今天聊蜂鸟芯片和 DeepSeek-V3 的推理成本。', line: 1 },
    { role: 'content', text: 'Dipsick 的端侧模型也很有意思。', line: 2 },
  ],
};
const ctx = { format: 'summary', fallbackSource: 'test', fileText: '', singleDocument: true };

describe('texts a document holds already', () => {
  it('follow a rendition of the same or a better kind in the same document, no other', () => {
    const prepared = prepareDocument(doc, ctx);
    const stored = new StoredTexts();
    stored.add([[storedText(prepared), 'transcript']]);
    expect(stored.follows(prepared)).toBe(true); // a summary ranks below a cleaned transcript
    expect(stored.follows({ ...prepared, kind: 'raw-transcript' })).toBe(true);
    expect(stored.follows({ ...prepared, key: 'url:https://example.com/ep/8' })).toBe(false);
    const bySummary = new StoredTexts();
    bySummary.add([[storedText(prepared), 'summary']]);
    expect(bySummary.follows({ ...prepared, kind: 'transcript' })).toBe(false); // it would take the text over
  });

  it('are not segmented where they are parsed, and the writer segments them if it stores them after all', () => {
    const skipped = prepareDocument(doc, { ...ctx, follows: () => true });
    expect(skipped.passages.map((p) => p.terms)).toEqual([undefined, undefined]);
    expect(skipped.textHash).toBe(prepareDocument(doc, ctx).textHash);
    const { db } = tempLibrary();
    const file = { absPath: '/x/summary.md', root: '/x', relPath: 'summary.md', size: 1, mtimeMs: 0, contentHash: 'h1' };
    const out = replaceFile(db, file, 'summary', [], [skipped]);
    expect(out.withText).toHaveLength(1);
    expect(skipped.passages[0]!.terms).toContain('蜂鸟');
    expect(search(db, '蜂鸟芯片').hits).toHaveLength(1);
    expect(search(db, 'deepseekv3').hits).toHaveLength(1);
  });

  it('are not scanned for the terms stage, the other renditions are', async () => {
    const dir = tempDir();
    const path = join(dir, 'summary.md');
    writeFileSync(path, '# 第七期\n\n今天聊蜂鸟芯片和 Dipsick 的推理成本。\n');
    const terms = lexiconTermsContext([{ id: 'deepseek', type: 'organization', canonical: 'DeepSeek', names: [{ text: 'DeepSeek' }] }]);
    const pool = inlinePool({ scanner: terms.scanner });
    const job = { absPath: path, root: dir, relPath: 'summary.md', mtimeMs: 0, fallbackSource: 'test', limits: DEFAULT_LIMITS };
    const first = await pool.parse(job);
    if (first.kind !== 'parsed') throw new Error(first.kind);
    expect(first.scans![0]!.count).toBe(first.renditions[0]!.passages.length);
    expect(first.renditions[0]!.passages.every((p) => p.simplified === undefined)).toBe(true); // folded text stays where it was made
    pool.stored([[storedText(first.renditions[0]!), first.renditions[0]!.kind]]);
    const again = await pool.parse(job);
    if (again.kind !== 'parsed') throw new Error(again.kind);
    expect(again.scans).toEqual([undefined]);
    expect(again.renditions[0]!.passages.some((p) => p.terms === undefined)).toBe(true);
  });
});

describe('the terms stage scanner', () => {
  it('is given to a running pool before its first file, and worker and writer scan alike', async () => {
    const dir = tempDir();
    const path = join(dir, 'summary.md');
    writeFileSync(path, '# 第七期\n\n今天聊蜂鸟芯片和 Dipsick 的推理成本，DeepSeek 也在。\n');
    const terms = lexiconTermsContext([{ id: 'deepseek', type: 'organization', canonical: 'DeepSeek', names: [{ text: 'DeepSeek' }] }]);
    const job = { absPath: path, root: dir, relPath: 'summary.md', mtimeMs: 0, fallbackSource: 'test', limits: DEFAULT_LIMITS };
    const pool = workerPool(1, { dictionaries: [] });
    try {
      pool.scanWith(terms.scanner!);
      const [inWorker, here] = [await pool.parse(job), await inlinePool({ scanner: terms.scanner }).parse(job)];
      if (inWorker.kind !== 'parsed' || here.kind !== 'parsed') throw new Error(`${inWorker.kind} ${here.kind}`);
      expect(pool.parsedHere).toBe(0);
      expect(inWorker.scans).toEqual(here.scans);
      expect(inWorker.scans![0]!.names.length).toBeGreaterThan(0); // DeepSeek, by position in the entries
    } finally {
      await pool.close();
    }
  }, 60_000);
});

describe('a job the parser cannot do', () => {
  it('fails that file with the reason on the writer thread, never throws', async () => {
    const dir = tempDir();
    const path = join(dir, 'ep.md');
    writeFileSync(path, '# 第一期\n\n正文。\n');
    // No size limits: a caller's bug, met inside the parser's own code.
    const job = { absPath: path, root: dir, relPath: 'ep.md', mtimeMs: 0, fallbackSource: 'test', limits: undefined as never };
    const out = await inlinePool().parse(job);
    expect(out.kind).toBe('failed');
    expect(out.kind === 'failed' && out.reason).toMatch(/^cannot read: /);
  });
});

describe('parse workers with a capped heap', () => {
  it('parse a file too big for a worker on the writer thread instead of failing it', async () => {
    const dir = tempDir();
    const path = join(dir, 'long.md');
    // ~3 MB of mixed-script paragraphs: far more than a worker with an 8 MB heap can hold parsed.
    const para = (i: number) => `第${i}段：我们讨论了 DeepSeek-V${i % 9} 的推理成本，還有蜂鳥晶片與端側模型的部署。`;
    writeFileSync(path, `# 长文\n\n${Array.from({ length: 30_000 }, (_, i) => para(i)).join('\n\n')}\n`);
    const job = { absPath: path, root: dir, relPath: 'long.md', mtimeMs: 0, fallbackSource: 'test', limits: DEFAULT_LIMITS };
    const pool = workerPool(1, { dictionaries: [], workerHeapMb: 8 });
    try {
      const out = await pool.parse(job);
      if (out.kind !== 'parsed') throw new Error(`${out.kind}: ${'reason' in out ? out.reason : ''}`);
      const inline = await inlinePool().parse(job);
      if (inline.kind !== 'parsed') throw new Error(inline.kind);
      expect(out.renditions[0]!.passages.length).toBe(inline.renditions[0]!.passages.length);
      expect(out.renditions[0]!.passages.length).toBeGreaterThan(10_000);
    } finally {
      await pool.close();
    }
  }, 60_000);
});

describe('the thread waiting for a parse', () => {
  it('parses queued files itself while the worker is busy, with the same results', async () => {
    const dir = tempDir();
    const jobs = Array.from({ length: 8 }, (_, i) => {
      const path = join(dir, `ep${i}.md`);
      writeFileSync(path, `# 第${i}期\n\n${Array.from({ length: 400 }, (_, k) => `第${k}句：蜂鸟芯片和 DeepSeek-V3 的推理成本。`).join('\n\n')}\n`);
      return { absPath: path, root: dir, relPath: `ep${i}.md`, mtimeMs: 0, fallbackSource: 'test', limits: DEFAULT_LIMITS };
    });
    const pool = workerPool(1, { dictionaries: [] });
    try {
      const pending = jobs.map((j) => pool.parse(j));
      const results = [];
      for (const p of pending) results.push(await pool.wait(p));
      expect(pool.parsedHere).toBeGreaterThan(0); // the worker holds two files at a time, the rest were queued
      const inline = inlinePool();
      for (const [i, r] of results.entries()) {
        const alone = await inline.parse(jobs[i]!);
        if (r.kind !== 'parsed' || alone.kind !== 'parsed') throw new Error(`${r.kind} ${alone.kind}`);
        expect(r.renditions.map((x) => x.passages)).toEqual(alone.renditions.map((x) => x.passages));
      }
    } finally {
      await pool.close();
    }
  }, 60_000);
});

/** Three small episode files, as parse jobs. */
function episodeJobs() {
  const dir = tempDir();
  return [1, 2, 3].map((i) => {
    writeFileSync(join(dir, `ep${i}.md`), `# 第${i}期\n\n正文${i}。\n`);
    return { absPath: join(dir, `ep${i}.md`), root: dir, relPath: `ep${i}.md`, mtimeMs: 0, fallbackSource: 'test', limits: DEFAULT_LIMITS };
  });
}

describe('parse workers that crash', () => {
  it('leave the files they held to the writer thread, after answering others', async () => {
    const jobs = episodeJobs();
    const pool = workerPool(1, { dictionaries: [] });
    try {
      expect((await pool.parse(jobs[0]!)).kind).toBe('parsed');
      expect(pool.parsedHere).toBe(0);
      // A lexicon the worker cannot build throws outside any file's parse: the worker dies
      // with the next two files sent to it.
      const broken = { entries: null, keptPassages: 0, scan: () => ({ names: [] }), keep: () => {} } as unknown as PassageScanner;
      pool.scanWith(broken);
      const outs = await Promise.all(jobs.slice(1).map((j) => pool.parse(j)));
      expect(outs.map((o) => o.kind)).toEqual(['parsed', 'parsed']);
      expect(pool.parsedHere).toBe(2);
    } finally {
      await pool.close();
    }
  }, 60_000);
});

describe('parse workers that cannot start', () => {
  it('leave their files to the writer thread instead of failing them', async () => {
    // A worker given --input-type refuses to start, as one inheriting it from `node --input-type=module -e` did.
    const pool = workerPool(1, { dictionaries: [], execArgv: ['--input-type=module'] });
    try {
      const outs = await Promise.all(episodeJobs().map((j) => pool.parse(j)));
      expect(outs.map((o) => o.kind)).toEqual(['parsed', 'parsed', 'parsed']);
      expect(pool.parsedHere).toBe(3);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
