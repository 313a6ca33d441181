/**
 * Ask retrieval reads the question as the search engine does (its groups, the lexicon's other
 * forms, intent words), so a question in one language or script finds passages in another,
 * question words are never required, and what the library does not hold still ends as "not in
 * the library". The fixtures: one Chinese and one English episode about chips, and a library
 * lexicon entry the shipped lexicon does not have (wafer allocation = 晶圆配额).
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { FIXTURES, tempLibrary } from '../helpers.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { ask } from '../../src/pipeline/ask.js';
import { retrieve, RELEVANCE_THRESHOLD } from '../../src/pipeline/ask-retrieve.js';
import { inlineSearcher } from '../../src/search/searcher.js';
import type { SearchOptions } from '../../src/search/search.js';

const { db, dir } = tempLibrary();
writeFileSync(join(dir, 'lexicon.txt'), '[concept]\nwafer-allocation: wafer allocation, 晶圆配额\n');
await ingest(db, [join(FIXTURES, 'ask-languages')]);

const CHINESE = '芯片观察：出口管制与晶圆配额';
const ENGLISH = 'Chip Notes: the new export rules';

/** The titles of the documents the retrieved passages come from, and whether any is relevant enough. */
async function found(question: string) {
  const r = await retrieve(db, question);
  return { answered: r.best >= RELEVANCE_THRESHOLD, titles: [...new Set(r.passages.map((p) => p.document.title))], r };
}

describe('ask retrieval across languages', () => {
  it('an English question finds Chinese passages through a lexicon entry of the library', async () => {
    const { answered, titles, r } = await found('What did they say about wafer allocation?');
    expect(answered).toBe(true);
    expect(titles).toEqual([CHINESE]);
    expect(r.passages[0]!.text).toContain('晶圆配额');
    // The passage's own form is what gets highlighted.
    expect(r.terms).toContain('配额');
  });

  it('an English question finds passages in both languages (shipped lexicon: export controls = 出口管制)', async () => {
    const { answered, titles } = await found('What did they say about chip export controls?');
    expect(answered).toBe(true);
    expect(titles).toEqual(expect.arrayContaining([CHINESE, ENGLISH]));
  });

  it('a Chinese question finds the English passages too', async () => {
    const { answered, titles } = await found('出口管制对芯片有什么影响？');
    expect(answered).toBe(true);
    expect(titles).toEqual(expect.arrayContaining([CHINESE, ENGLISH]));
  });

  it('a Traditional question with Taiwan vocabulary finds Simplified passages', async () => {
    const { answered, r } = await found('伺服器的電費為什麼變貴了？');
    expect(answered).toBe(true);
    expect(r.passages[0]!.text).toContain('服务器的电费变贵了');
  });

  it('question words are never requirements, in either language', async () => {
    for (const q of ['Can you tell me what they said about the wafer allocation?', '请问他们到底为什么说晶圆配额是最大的变化呢？', '他们怎么说晶圆配额？']) {
      const { answered, titles, r } = await found(q);
      expect(answered, q).toBe(true);
      expect(titles, q).toEqual([CHINESE]);
      expect(r.groups.flatMap((g) => g.alternatives.flat()), q).not.toEqual(expect.arrayContaining(['请问', '为什么', 'what', 'the']));
    }
  });

  it('a question the library cannot answer still says so', async () => {
    for (const q of ['What did they say about quantum error correction?', '量子纠错有什么进展？', 'What did Lisa Su say about export controls?']) {
      const r = await ask(db, q);
      expect(r.status, q).toBe('not-in-library');
      expect(r.citations, q).toEqual([]);
    }
    const zh = await ask(db, '量子纠错有什么进展？');
    expect(zh.answer).toBe('资料库里没有找到能回答这个问题的内容。');
  });

  it('answers offline from the other language, with links to the moment', async () => {
    const r = await ask(db, 'What did they say about wafer allocation?');
    expect(r).toMatchObject({ status: 'answered', mode: 'offline', language: 'en' });
    expect(r.citations[0]!.passage.text).toContain('晶圆配额');
    expect(r.citations[0]!.passage.link).toMatch(/^https:\/\/www\.youtube\.com\/watch\?v=Xl8nGuAgE01&t=\d+/);
  });

  it('retrieves through the searcher it is given (the web server passes its worker pool)', async () => {
    const asked: [string, SearchOptions | undefined][] = [];
    const inline = inlineSearcher(db);
    const searcher = { ...inline, search: (q: string, o?: SearchOptions) => (asked.push([q, o]), inline.search(q, o)) };
    const r = await retrieve(db, 'What did they say about wafer allocation?', { searcher, source: '芯片观察' });
    expect(r.passages.length).toBeGreaterThan(0);
    expect(asked).toEqual([['What did they say about wafer allocation?', expect.objectContaining({ explain: true, source: '芯片观察' })]]);
  });
});
