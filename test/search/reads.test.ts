import { beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/pipeline/ingest.js';
import { groupMatch, parseQuery } from '../../src/search/query.js';
import { corpusMap } from '../../src/search/corpus.js';
import { coOccurrenceFloor, fetchPostings, readIds, type ReadLimits } from '../../src/search/postings.js';
import { rankDocuments, weighGroups } from '../../src/search/rank.js';
import type { DB } from '../../src/store/db.js';
import { rng } from '../../src/bench/queries.js';
import { tempDir, tempLibrary } from '../helpers.js';

const COMMON = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
const RARER = ['kilo', 'lima', 'mike', 'november', 'oscar', 'papa'];

/** `files` notes of 20 paragraphs: each paragraph holds half the common words and, now and then, a rarer one. */
async function syntheticLibrary(files: number): Promise<DB> {
  const { db } = tempLibrary();
  const dir = tempDir();
  mkdirSync(join(dir, 'notes'));
  const random = rng(files);
  for (let f = 0; f < files; f++) {
    const paragraphs = Array.from({ length: 20 }, () => {
      const words = COMMON.filter(() => random() < 0.5);
      if (random() < 0.2) words.push(RARER[Math.floor(random() * RARER.length)]!);
      return `${words.join(' ')} zulu.`;
    });
    writeFileSync(join(dir, 'notes', `${String(f).padStart(4, '0')}.md`), `Note ${f} ${COMMON[f % COMMON.length]}\n\n${paragraphs.join('\n\n')}\n`);
  }
  await ingest(db, [dir], { terms: false });
  return db;
}

/** Counts the rows the full-text statements of `db` return (statements are cached per connection: call once, before any search). */
function countRows(db: DB): { passages: number; titles: number; texts: number; reads: number; matches: string[] } {
  const counts = { passages: 0, titles: 0, texts: 0, reads: 0, matches: [] as string[] };
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const s = prepare(sql);
    const table = /FROM passages_fts/.test(sql) ? 'passages' : /FROM titles_fts/.test(sql) ? 'titles' : /SELECT id, text FROM passages/.test(sql) ? 'texts' : undefined;
    if (table) {
      const all = s.all.bind(s);
      s.all = ((...args: unknown[]) => {
        const rows = all(...args);
        counts[table] += rows.length;
        if (table === 'texts') return rows;
        counts.reads++;
        counts.matches.push(args.length > 3 ? `${String(args[0])} from ${String(args[2])}` : String(args[0]));
        return rows;
      }) as typeof s.all;
    }
    return s;
  }) as typeof db.prepare;
  return counts;
}

describe('bounded reads per query', () => {
  const limits: ReadLimits = { budget: 60, probes: 40, probeMin: 5, probeMax: 20, forms: 40, together: 30, togetherWords: 8, scan: 1e9, titles: 20, phrases: 40 };
  const libraries: DB[] = [];
  const counters = new Map<DB, ReturnType<typeof countRows>>();
  beforeAll(async () => {
    libraries.push(await syntheticLibrary(15), await syntheticLibrary(60));
    for (const db of libraries) counters.set(db, countRows(db));
  });
  /** What the full-text statements returned while `run` ran. */
  const reading = (db: DB, run: () => void) => {
    const counts = counters.get(db)!;
    const before = { ...counts, matches: counts.matches.length };
    run();
    return {
      passages: counts.passages - before.passages, titles: counts.titles - before.titles, texts: counts.texts - before.texts,
      reads: counts.reads - before.reads, matches: counts.matches.slice(before.matches),
    };
  };

  it('reads no more posting ids for a bigger library or a longer query', () => {
    const reads = libraries.map((db) => {
      const map = corpusMap(db);
      return ['alpha bravo', 'alpha kilo', [...COMMON, ...RARER].join(' ')].map((query) => reading(db, () => fetchPostings(db, parseQuery(query), map, limits)));
    });
    for (const perQuery of reads) {
      for (const counts of perQuery) {
        // The budget (probes included), a probe's worth of forms (none here), two co-occurrence
        // reads, and one id of look-ahead per read.
        expect(counts.passages).toBeLessThanOrEqual(limits.budget + limits.probes + 2 * limits.together + counts.reads);
        expect(counts.titles).toBeLessThanOrEqual(2 * limits.titles);
      }
    }
    // Twelve words read what two do: the budget is the query's, not each word's.
    const [small, big] = reads;
    expect(big![2]!.passages).toBeLessThanOrEqual(limits.budget + limits.probes + big![2]!.reads);
    // Common words are sampled within the budget: four times the library reads no more.
    expect(big![0]!.passages).toBeLessThanOrEqual(small![0]!.passages);
    expect(big![2]!.passages).toBeLessThanOrEqual(small![2]!.passages);
  });

  it('gathers best passages only for the documents the order needs', () => {
    const db = libraries[1]!;
    const map = corpusMap(db);
    const q = parseQuery('alpha kilo');
    const { groups: postings, adjacent, verbatim } = fetchPostings(db, q, map);
    const { weights, minMatch } = weighGroups(q.groups, postings, map.passages);
    const input = { map, postings, adjacent, verbatim, weights, minMatch };
    const all = rankDocuments(input);
    const three = rankDocuments({ ...input, exact: 3 });
    expect(three.slice(0, 3).map((d) => [d.doc, d.score])).toEqual(all.slice(0, 3).map((d) => [d.doc, d.score]));
    // The bound is the score with the best passage any rendition has: the rest need not be looked at.
    expect(all.length).toBeGreaterThan(20);
    expect(three.filter((d) => d.candidates.length > 0).length).toBeLessThanOrEqual(5);
  });

  it('looks for words close together only where they occur together', () => {
    const db = libraries[0]!;
    const map = corpusMap(db);
    const nears = (query: string) => reading(db, () => fetchPostings(db, parseQuery(query), map, limits)).matches.filter((m) => m.startsWith('NEAR('));
    // No paragraph holds two of the rarer words: nothing to look for.
    expect(nears('kilo lima')).toEqual([]);
    // Where they do, no further back than the oldest passage holding both.
    const [near] = nears('alpha kilo');
    expect(Number(/ from (\d+)$/.exec(near ?? '')?.[1])).toBeGreaterThan(1);
  });

  it('checks quoted phrases on a bounded number of passage texts per query', () => {
    const db = libraries[1]!;
    const map = corpusMap(db);
    // (No co-occurrence reads, whose verbatim check reads texts of its own.)
    const alone = { ...limits, togetherWords: 1 };
    const one = reading(db, () => fetchPostings(db, parseQuery('"alpha bravo"'), map, alone));
    const two = reading(db, () => fetchPostings(db, parseQuery('"alpha bravo" "charlie delta"'), map, alone));
    expect(one.texts).toBe(limits.phrases);
    expect(two.texts).toBeLessThanOrEqual(limits.phrases);
  });

  it('narrows co-occurrence reads of frequent words to the newest passages', () => {
    const map = { maxId: 1_000_000 } as Parameters<typeof coOccurrenceFloor>[1];
    // Rare words: the whole library.
    expect(coOccurrenceFloor([2_000, 500], map, 150_000)).toBe(0);
    // Lists holding 600,000 entries in all: the newest quarter holds about 150,000 of them.
    expect(coOccurrenceFloor([300_000, 200_000, 100_000], map, 150_000)).toBe(750_000);
  });
});

describe('reading a posting list on from where a read stopped', () => {
  it('seeks to the bound instead of reading down to it', () => {
    // A contentless table of the library's shape, one word in 200,000 passages.
    const db = new Database(':memory:');
    db.exec("CREATE VIRTUAL TABLE passages_fts USING fts5(body, content='', contentless_delete=1)");
    const insert = db.prepare('INSERT INTO passages_fts (rowid, body) VALUES (?, ?)');
    db.transaction(() => {
      for (let id = 1; id <= 200_000; id++) insert.run(id, 'word');
    })();
    const fastest = (read: () => number[]) => {
      let best = Infinity;
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        read();
        best = Math.min(best, performance.now() - t);
      }
      return best;
    };
    expect(readIds(db, '"word"', 3, 1_000)).toEqual([999, 998, 997]);
    expect(readIds(db, '"word"', 10, 1_000, 995)).toEqual([999, 998, 997, 996, 995]);
    // The oldest ids cost what the newest do (bound as a REAL, FTS5 ignored it and walked the list from the top).
    const newest = fastest(() => readIds(db, '"word"', 10));
    const oldest = fastest(() => readIds(db, '"word"', 10, 1_000));
    expect(oldest).toBeLessThan(newest * 5 + 1);
    db.close();
  });
});

describe("the lexicon's forms in the index", () => {
  it('are looked up without their function words, which keep their place in the distance', () => {
    const g = { alternatives: [['bitter'], ['苦涩', '的', '教训'], ['the', 'bitter', 'lesson'], ['bitter', 'lesson'], ['的', '话']], forms: 4 };
    expect(groupMatch(g, 'forms')).toBe('(NEAR("苦涩" "教训", 5) OR NEAR("bitter" "lesson", 5) OR NEAR("bitter" "lesson", 4) OR NEAR("的" "话", 4))');
    // The typed words are matched as typed.
    expect(groupMatch({ alternatives: [['the', 'lesson']] }, 'typed')).toBe('NEAR("the" "lesson", 6)');
  });
});
