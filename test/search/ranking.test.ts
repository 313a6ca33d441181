import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/pipeline/ingest.js';
import { search } from '../../src/search/search.js';
import { parseQuery, type Expand } from '../../src/search/query.js';
import { corpusMap } from '../../src/search/corpus.js';
import { fetchPostings, type ReadLimits } from '../../src/search/postings.js';
import { minimumMatch, rankDocuments, weighGroups } from '../../src/search/rank.js';
import { FIXTURES, tempDir, tempLibrary } from '../helpers.js';

describe('ranking', () => {
  const { db } = tempLibrary();
  beforeAll(() => ingest(db, [join(FIXTURES, 'ranking')]));
  const titles = (q: string) => search(db, q).hits.map((h) => h.document.title);

  it('treats question and function words as intent, not requirements', () => {
    const q = parseQuery('为什么稀疏注意力能降低推理成本');
    expect(q.groups.filter((g) => g.intent).map((g) => g.alternatives[0]!.join(''))).toEqual(expect.arrayContaining(['为什么', '能']));
    // No note says 为什么 or 能 next to these words; the one about them still comes first.
    expect(titles('为什么稀疏注意力能降低推理成本')[0]).toBe('稀疏注意力笔记');
    expect(titles('why is sparse attention cheaper')[0]).toBe('Notes on sparse attention');
    // Highlighting ignores the question words.
    expect(search(db, '为什么稀疏注意力').terms).not.toContain('为什么');
  });

  it('reads a yes-no question ("A not A") as a question, not as a negation to match', () => {
    const intent = (query: string) => parseQuery(query).groups.filter((g) => g.intent).map((g) => g.alternatives[0]!.join(''));
    const meaning = (query: string) => parseQuery(query).groups.filter((g) => !g.intent).map((g) => g.alternatives[0]!.join(''));
    // The segmenter cuts 会不会 / 能不能 apart in context: both halves are the question.
    expect(meaning('稀疏注意力会不会降低推理成本')).not.toContain('不会');
    expect(intent('稀疏注意力会不会降低推理成本')).toEqual(expect.arrayContaining(['会', '不会']));
    expect(intent('开源模型能不能追上')).toEqual(expect.arrayContaining(['能', '不能']));
    // One word of the form X不X.
    expect(intent('这个模型好不好用')).toContain('好不好');
    // A negated light verb is a function word, as its positive form is.
    expect(intent('为什么大模型不会数数')).toContain('不会');
    expect(titles('稀疏注意力会不会降低推理成本')[0]).toBe('稀疏注意力笔记');
  });

  it('needs most, not all, of the words of a longer query', () => {
    expect(minimumMatch(1)).toBe(1);
    expect(minimumMatch(2)).toBe(2);
    expect(minimumMatch(4)).toBe(3);
    expect(minimumMatch(6)).toBe(4);
    // The note holds five of the six words (no 电池); the battery note holds one.
    const r = titles('人形机器人 灵巧手 传感器 电机 减速器 电池');
    expect(r[0]).toBe('灵巧手的供应链');
    expect(r.indexOf('电池技术的进展')).not.toBe(0);
  });

  it('follows a short list of full matches with partial ones', () => {
    // Only the data-centre note mentions both words; the sparse-attention note follows it.
    const r = titles('稀疏注意力 电力');
    expect(r[0]).toBe('数据中心的电力问题');
    expect(r).toContain('稀疏注意力笔记');
  });

  it('ranks the document about a subject above one that mentions it in passing', () => {
    const r = titles('稀疏注意力');
    expect(r.indexOf('稀疏注意力笔记')).toBeLessThan(r.indexOf('数据中心的电力问题'));
    expect(r[0]).toBe('稀疏注意力笔记');
  });

  it('matches, scores and highlights alternatives a lexicon supplies', () => {
    // The hook gets the query text and its tokens and names spans with other forms.
    const expand: Expand = (_text, tokens) => {
      const at = tokens.findIndex((t, i) => t.term === 'sparse' && tokens[i + 1]?.term === 'attention');
      return at === -1 ? [] : [{ from: at, to: at + 2, alternatives: ['稀疏注意力', '稀疏注意力機制'] }];
    };
    const q = parseQuery('sparse attention 电力', { expand });
    // Each typed word gets the forms: a passage that writes 稀疏注意力 holds "sparse" and "attention".
    expect(q.groups.slice(0, 2).map((g) => g.alternatives)).toEqual([
      [['sparse'], ['稀疏注意力'], ['稀疏注意力', '机制']],
      [['attention'], ['稀疏注意力'], ['稀疏注意力', '机制']],
    ]);
    expect(q.groups[0]!.forms).toBe(2);
    // The shipped lexicon has the same entry (sparse attention, 稀疏注意力, 稀疏注意力机制): search
    // uses it, and the Chinese notes hold all three words or two of them (as many as "sparse
    // attention" typed next to a power note in English would).
    const r = search(db, 'sparse attention 电力');
    expect(r.hits.slice(0, 3).map((h) => h.document.title).sort()).toEqual(['Notes on sparse attention', '数据中心的电力问题', '稀疏注意力笔记']);
    expect(r.terms).toEqual(expect.arrayContaining(['sparse', '稀疏注意力', '电力']));
    // Without the lexicon the English words do not reach the Chinese notes.
    const plain = search(db, 'sparse attention 电力', { expand: false });
    expect(plain.hits.map((h) => h.document.title)).not.toContain('稀疏注意力笔记');
    const hit = search(db, 'sparse attention').hits.find((h) => h.document.title === '稀疏注意力笔记')!;
    expect(hit.highlights.map(([a, b]) => hit.passage!.text.slice(a, b))).toContain('稀疏注意力');
  });

  it('keeps question and function words out of expansion, and drops forms the index cannot match', () => {
    const expand: Expand = (_text, tokens) => tokens.map((_, i) => ({ from: i, to: i + 1, alternatives: ['zzunseen', '稀疏注意力'] }));
    const known = (t: string) => t !== 'zzunseen';
    const q = parseQuery('为什么 battery', { expand, known });
    expect(q.groups[0]).toMatchObject({ alternatives: [['为什么']], intent: true });
    // The Latin form the index never saw is dropped; the Chinese one stays.
    expect(q.groups[1]!.alternatives).toEqual([['battery'], ['稀疏注意力']]);
    // A name cut into pieces stays one group; without forms the pieces are kept together.
    const name: Expand = (_text, tokens) => [{ from: 0, to: tokens.length, alternatives: [], names: [{}] }];
    expect(parseQuery('钱 思源', { expand: name }).groups.map((g) => g.alternatives)).toEqual([[['钱', '思源']]]);
    // …but a "name" with a function word in it is no name (解决了 read as Mr Xie).
    expect(parseQuery('解决了', { expand: name }).groups.map((g) => g.alternatives)).toEqual([[['解决']], [['了']]]);
  });

  it('a Chinese word typed as one, which jieba cuts in pieces, is one of the words a document must hold', async () => {
    // 出口管制 (a lexicon term) is cut 出口 + 管制: two groups made "all of two words" two of three.
    const expand: Expand = (text, tokens) => {
      const from = tokens.findIndex((t) => t.term === '出口');
      return from >= 0 && tokens[from + 1]?.term === '管制' ? [{ from, to: from + 2, text: '出口管制', alternatives: ['出口限制'] }] : [];
    };
    expect(parseQuery('黄仁勋 出口管制', { expand }).groups.map((g) => g.alternatives)).toEqual([[['黄仁勋']], [['出口', '管制'], ['出口', '限制']]]);
    // Typed apart, the words stay a group each.
    expect(parseQuery('黄仁勋 出口 管制', { expand }).groups).toHaveLength(3);
    const dir = tempDir();
    mkdirSync(join(dir, 'news'));
    writeFileSync(join(dir, 'news', 'a.md'), '管制笔记\n\n出口管制的新规定。\n\n出口管制再次收紧，出口管制影响芯片。\n');
    writeFileSync(join(dir, 'news', 'b.md'), '财报笔记\n\n黄仁勋谈到了财报。\n\n中国市场的出口管制。\n');
    const own = tempLibrary();
    await ingest(own.db, [dir]);
    expect(search(own.db, '黄仁勋 出口管制').hits.map((h) => h.document.title)[0]).toBe('财报笔记');
  });

  it('counts identical renditions once and shows a document stored twice once', () => {
    // The archive entry and summary/ID.md hold the same three paragraphs, all matching:
    // three passages, not six.
    const hits = search(db, '逻辑量子比特').hits;
    expect(hits).toHaveLength(1);
    expect(hits[0]!.document.origins).toEqual(expect.arrayContaining(['channel/archive.md#1', 'summary/Qm7xW2pL9aB.md']));
    expect(hits[0]!.more).toBe(2);
    // Two files with the same note are two documents with one text: listed once.
    const copies = search(db, '向量数据库');
    expect(copies.hits.map((h) => h.document.title)).toEqual(['向量数据库入门']);
    expect(copies.total).toBe(1);
  });
});

describe('bounded reads of common words', () => {
  const { db } = tempLibrary();
  const dir = tempDir();
  // The oldest passages are the only ones holding both common words; a sample of the newest misses them.
  const limits: ReadLimits = { budget: 30, probes: 20, probeMin: 10, probeMax: 10, forms: 20, together: 50, togetherWords: 8, scan: 1_000_000, titles: 50, phrases: 100 };
  beforeAll(async () => {
    mkdirSync(join(dir, 'notes'));
    writeFileSync(join(dir, 'notes', '000-target.md'), '要找的笔记\n\n这个模型的方法很特别。\n');
    for (let i = 1; i <= 60; i++) {
      writeFileSync(join(dir, 'notes', `${String(i).padStart(3, '0')}-filler.md`), `填充笔记${i}\n\n这是关于模型的第${i}段。\n\n这里讲方法第${i}条。\n`);
    }
    writeFileSync(join(dir, 'notes', '900-distill.md'), '蒸馏笔记\n\n蒸馏把大的教师压缩成小的学生。\n');
    await ingest(db, [dir]);
  });

  it('samples a common word within the limits, estimates its frequency, and still finds the passage holding all words', () => {
    const map = corpusMap(db);
    const q = parseQuery('模型方法');
    const { groups } = fetchPostings(db, q, map, limits);
    for (const p of groups) {
      expect(p.truncated).toBe(true);
      expect(p.ids.length).toBeLessThanOrEqual(limits.budget + limits.together);
      expect(p.df).toBeGreaterThan(p.ids.length / 2);
    }
    const { weights, minMatch } = weighGroups(q.groups, groups, map.passages);
    expect(minMatch).toBe(2);
    const ranked = rankDocuments({ map, postings: groups, weights, minMatch });
    const title = (doc: number) => db.prepare('SELECT title FROM documents WHERE id = ?').pluck().get(doc);
    expect(title(ranked[0]!.doc)).toBe('要找的笔记');
  });

  it('lets a common word score without requiring it', () => {
    const q = parseQuery('模型 蒸馏');
    const map = corpusMap(db);
    const { groups } = fetchPostings(db, q, map);
    const { weights } = weighGroups(q.groups, groups, map.passages);
    expect(weights.map((w) => w.role)).toEqual(['common', 'informative']);
    expect(search(db, '模型 蒸馏').hits[0]?.document.title).toBe('蒸馏笔记');
  });
});
