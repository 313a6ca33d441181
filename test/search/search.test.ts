import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ingest } from '../../src/pipeline/ingest.js';
import { search } from '../../src/search/search.js';
import { FIXTURES, tempLibrary } from '../helpers.js';

describe('search', () => {
  const { db } = tempLibrary();
  beforeAll(() => ingest(db, [join(FIXTURES, 'library')]));
  const titles = (q: string, o = {}) => search(db, q, o).hits.map((h) => h.document.title);

  it('finds Simplified text with a Traditional query and back', () => {
    // the archive body is Traditional (稀疏注意力機制), the subtitle and title Simplified
    const trad = search(db, '稀疏注意力機制');
    const simp = search(db, '稀疏注意力机制');
    expect(trad.hits[0]?.document.title).toMatch(/稀疏注意力机制新突破/);
    expect(simp.hits.map((h) => h.document.id)).toEqual(trad.hits.map((h) => h.document.id));
    expect(titles('英偉達')).toEqual(titles('英伟达'));
    expect(titles('英伟达').length).toBeGreaterThan(0);
  });

  it('shows each document once, with its best passage and how many more matched', () => {
    const r = search(db, '稀疏注意力');
    const ids = r.hits.map((h) => h.document.id);
    expect(new Set(ids).size).toBe(ids.length);
    const top = r.hits[0]!;
    expect(top.more).toBeGreaterThanOrEqual(1);
    expect(top.passage?.text).toMatch(/稀疏注意力/);
    expect(top.document.origins).toEqual(expect.arrayContaining(['channel/archive.md#1', 'subtitle/Ab3dEf9hIj0.txt']));
  });

  it('highlights matches in the original script', () => {
    const hit = search(db, '推理成本').hits.find((h) => h.passage?.text.includes('推理成本'))!;
    const [s, e] = hit.highlights[0]!;
    expect(hit.passage!.text.slice(s, e)).toBe('推理成本');
  });

  it('handles English with light stemming and mixed text', () => {
    expect(titles('scaling law').join()).toMatch(/英伟达/);
    expect(titles('reasoning model').join()).toMatch(/英伟达/);
    expect(titles('用MoE架构').join()).toMatch(/稀疏注意力/);
    expect(titles('densing law').join()).toMatch(/密度法则/);
  });

  it('never ranks boilerplate', () => {
    const r = search(db, '整理');
    for (const h of r.hits) expect(h.passage?.text ?? '').not.toMatch(/^好的/);
  });

  it('finds title-only entries by their title', () => {
    const hit = search(db, '面壁智能').hits.find((h) => h.document.title?.includes('面壁智能'));
    expect(hit).toBeDefined();
    expect(hit!.document.url).toBe('https://www.youtube.com/watch?v=Zz9yXw8vU7t');
  });

  it('links to the moment: podcast passages carry time and speaker', () => {
    const hit = search(db, '端侧模型 特别重要').hits[0]!;
    expect(hit.passage?.speaker).toBe('刘博士');
    expect(hit.passage?.start).toBe(75);
    expect(hit.passage?.link).toBe('https://www.xiaoyuzhoufm.com/episode/6650aa11bb22cc33dd44ee55#t=75');
  });

  it('matches quoted phrases literally', async () => {
    expect(search(db, '"端侧模型"').total).toBeGreaterThan(0);
    expect(search(db, '"模型端侧"').total).toBe(0);
    // A space and a hyphen between words are the same phrase.
    const { containsPhrase } = await import('../../src/search/postings.js');
    expect(containsPhrase('A Mixture-of-Experts model', 'mixture of experts')).toBe(true);
    expect(containsPhrase('state of the art', 'state-of-the-art')).toBe(true);
    expect(containsPhrase('mixture and experts', 'mixture of experts')).toBe(false);
  });

  it('filters by source, date range and speaker', () => {
    expect(search(db, '密度法则', { source: '测试播客' }).hits.every((h) => h.document.source === '测试播客')).toBe(true);
    expect(search(db, '密度法则', { source: '测试播客' }).total).toBe(1);
    expect(search(db, '英伟达', { since: '2025-04-01' }).total).toBe(0);
    expect(search(db, '英伟达', { until: '2025-03-31' }).total).toBe(1);
    const bySpeaker = search(db, '强化学习', { speaker: '刘博士' });
    expect(bySpeaker.hits.every((h) => h.passage?.speaker === '刘博士')).toBe(true);
    expect(bySpeaker.total).toBe(1);
  });

  it('does not let a word fragment sink the query', () => {
    // 疏注 is no word (cut from 稀疏注意力): it is left out of the required terms
    expect(titles('稀疏注意力 疏注').join()).toMatch(/稀疏注意力机制新突破/);
  });

  it('returns nothing, not an error, for queries with no terms or no match', () => {
    expect(search(db, '   ').hits).toEqual([]);
    expect(search(db, '，。！').hits).toEqual([]);
    expect(search(db, 'zyxwvut').hits).toEqual([]);
    expect(search(db, '"unbalanced').hits).toEqual([]);
  });

  it('counts facets over all matches', () => {
    const r = search(db, '模型', { facets: true });
    expect(r.facets!.source.length).toBeGreaterThan(0);
    expect(r.facets!.year.map((y) => y.value)).toContain('2025');
  });
});
