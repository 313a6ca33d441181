import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/pipeline/ingest.js';
import { findEntity, getEntity } from '../../src/entities/read.js';
import { tempDir, tempLibrary } from '../helpers.js';

/**
 * Six notes: every one says AI; three are about Jensen Huang and NVIDIA, two more about NVIDIA
 * alone, and one of Jensen's also names GTC, which nothing else does.
 */
const NOTES: Record<string, string> = {
  'a.md': '# 发布会\n\n黄仁勋在 GTC 上讲了 NVIDIA 的新芯片和 AI 的未来。',
  'b.md': '# 访谈\n\n黄仁勋谈 NVIDIA 如何押注 AI。',
  'c.md': '# 财报\n\n黄仁勋说 NVIDIA 的数据中心收入还在涨，AI 需求很强。',
  'd.md': '# 芯片\n\nNVIDIA 的对手也在做 AI 芯片。',
  'e.md': '# 市场\n\nNVIDIA 市值又创新高，AI 行情还在继续。',
  'f.md': '# 教育\n\nAI 进入课堂以后，老师的工作变了。',
};

describe('related entities', () => {
  const { db } = tempLibrary();
  beforeAll(async () => {
    const root = join(tempDir(), 'notes');
    mkdirSync(root, { recursive: true });
    for (const [name, text] of Object.entries(NOTES)) writeFileSync(join(root, name), text);
    await ingest(db, [root]);
  });

  it('ranks what comes up with an entity more than its share of the library predicts, not what every document has', () => {
    const jensen = getEntity(db, findEntity(db, '黄仁勋')!)!;
    expect(jensen.documents).toHaveLength(3);
    const names = jensen.related.map((r) => r.name);
    // AI is in all three of his documents, as in every other: it says nothing about him.
    expect(names).not.toContain('AI');
    // GTC (one shared document) needs a second one to count for an entity in three.
    expect(names).not.toContain('GTC');
    expect(jensen.related.find((r) => r.name === 'NVIDIA')).toMatchObject({ count: 3, type: 'organization' });
  });

  it('counts shared documents, and an entity in one or two documents takes one shared document', () => {
    const gtc = getEntity(db, findEntity(db, 'GTC')!)!;
    expect(gtc.documents).toHaveLength(1);
    expect(gtc.related.map((r) => r.name)).toEqual(expect.arrayContaining(['黄仁勋']));
    expect(gtc.related.every((r) => r.count === 1)).toBe(true);
    expect(gtc.related.map((r) => r.name)).not.toContain('AI');
  });

  it('passages come from the newest documents, at most two each, mention highlighted', () => {
    const nvidia = getEntity(db, findEntity(db, 'NVIDIA')!)!;
    expect(nvidia.documents).toHaveLength(5);
    expect(new Set(nvidia.passages.map((p) => p.document.id)).size).toBe(5);
    for (const p of nvidia.passages) {
      const [s, e] = p.highlights[0]!;
      expect(p.passage.text.slice(s, e)).toBe('NVIDIA');
    }
  });
});
