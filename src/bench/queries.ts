/**
 * Benchmark queries and timing. Queries come from bench/queries.txt (grouped by
 * `# class: NAME` headers) and from the judged set (bench/judged.jsonl, its own classes), so
 * the speed of every kind of query is measured: keywords, questions, common words, pasted
 * sentences, twenty-term queries, and the judged classes.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadJudged } from './judged.js';

export const projectRoot = resolve(fileURLToPath(import.meta.url), '..', '..', '..');

export interface BenchQuery {
  class: string;
  query: string;
}

/** bench/queries.txt: one query a line; `# class: NAME` starts a class, other `#` lines are comments. */
export function loadQueries(file = join(projectRoot, 'bench', 'queries.txt')): BenchQuery[] {
  let cls = 'keywords';
  const out: BenchQuery[] = [];
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    const header = /^#\s*class:\s*(\S+)/.exec(line);
    if (header) cls = header[1]!;
    else if (line && !line.startsWith('#')) out.push({ class: cls, query: line });
  }
  return out;
}

/** The benchmark set: bench/queries.txt and the judged queries (class prefixed `judged/`). */
export function benchQueries(): BenchQuery[] {
  const judged = loadJudged(join(projectRoot, 'bench', 'judged.jsonl')).map((q) => ({ class: `judged/${q.class}`, query: q.query }));
  return [...loadQueries(), ...judged];
}

/** Deterministic pseudo-random numbers, so every run samples the same items. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

export interface Timing {
  /** Milliseconds per query (median of its rounds), in query order. */
  ms: number[];
  /** Queries that found nothing. */
  empty: number;
}

/**
 * Each query runs once to warm up, then `rounds` times; its latency is the median round.
 * `run` answers with its result count, or a promise of it (peers search asynchronously); a
 * synchronous run is timed without waiting for a promise.
 */
export async function timeQueries(queries: BenchQuery[], run: (q: string) => number | Promise<number>, rounds = 3): Promise<Timing> {
  const ms: number[] = [];
  let empty = 0;
  for (const { query } of queries) {
    if ((await run(query)) === 0) empty++;
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      const found = run(query);
      if (typeof found !== 'number') await found;
      times.push(performance.now() - t);
    }
    ms.push(percentile(times, 50));
  }
  return { ms, empty };
}

export interface ClassStats { n: number; p50: number; p95: number; max: number }

/** p50 / p95 / max per class (first-seen order) and over all queries ("all"). */
export function statsByClass(queries: BenchQuery[], ms: number[]): Map<string, ClassStats> {
  const groups = new Map<string, number[]>();
  queries.forEach((q, i) => {
    const list = groups.get(q.class) ?? [];
    list.push(ms[i]!);
    groups.set(q.class, list);
  });
  groups.set('all', ms);
  return new Map([...groups].map(([k, xs]) => [k, { n: xs.length, p50: percentile(xs, 50), p95: percentile(xs, 95), max: Math.max(...xs) }]));
}
