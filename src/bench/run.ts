/**
 * `npm run bench`: ingest the reference corpus, then compare, side by side in one run:
 * - ingest time vs the segmentation bound (jieba alone over the same decoded text);
 * - engram search latency vs two peers on the same passages: SQLite FTS5 with its trigram
 *   tokenizer, and MiniSearch with default settings (and how many queries each finds nothing for);
 * - the web app over HTTP (search, largest document page), when the server module is built;
 * - the web app under load: 20 clients for 20 s, mixed requests (load.ts).
 * Ratios, not absolute numbers, are the point: these machines are noisy.
 */
import Database from 'better-sqlite3';
import MiniSearch from 'minisearch';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { openLibrary, type DB } from '../store/db.js';
import { ingest } from '../pipeline/ingest.js';
import { search } from '../search/search.js';
import { walk } from '../sources/folder.js';
import { decodeBytes } from '../text/decode.js';
import { startServer } from '../server/server.js';
import { loadBench } from './load.js';

const projectRoot = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const corpus = resolve(process.argv[2] ?? join(projectRoot, '..', 'shared', 'corpus'));

export function loadQueries(): string[] {
  return readFileSync(join(projectRoot, 'bench', 'queries.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
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

interface PeerResult { name: string; p50: number; p95: number; empty: number; build?: number }

/** Each query timed `rounds` times after one warm-up; the median of its rounds is its latency. */
function timeQueries(queries: string[], run: (q: string) => number, rounds = 3): { p50: number; p95: number; empty: number } {
  const latencies: number[] = [];
  let empty = 0;
  for (const q of queries) {
    if (run(q) === 0) empty++;
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      run(q);
      times.push(performance.now() - t);
    }
    latencies.push(percentile(times, 50));
  }
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), empty };
}

function segmentationBound(paths: string[]): { ms: number; chars: number } {
  const jieba = Jieba.withDict(dict);
  const texts: string[] = [];
  for (const p of paths) {
    const d = decodeBytes(readFileSync(p));
    if (d.ok) texts.push(d.text);
  }
  jieba.cutForSearch('预热', true);
  const t = performance.now();
  let n = 0;
  for (const text of texts) n += jieba.cutForSearch(text, true).length;
  void n;
  return { ms: performance.now() - t, chars: texts.reduce((a, s) => a + s.length, 0) };
}

function passagesOf(db: DB): { id: number; text: string; title: string }[] {
  return db
    .prepare(`SELECT p.id, p.text, COALESCE(d.title, '') AS title FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.role <> 'boilerplate'`)
    .all() as { id: number; text: string; title: string }[];
}

function trigramPeer(rows: { id: number; text: string; title: string }[], queries: string[]): PeerResult {
  const db = new Database(':memory:');
  const t = performance.now();
  db.exec(`CREATE VIRTUAL TABLE t USING fts5(title, text, tokenize = 'trigram')`);
  const ins = db.prepare('INSERT INTO t (rowid, title, text) VALUES (?, ?, ?)');
  db.transaction(() => rows.forEach((r) => ins.run(r.id, r.title, r.text)))();
  const build = performance.now() - t;
  const stmt = db.prepare('SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank LIMIT 10');
  // The peer's own query syntax: each whitespace-separated word as a quoted string, ANDed.
  const toMatch = (q: string) => q.replace(/"/g, ' ').split(/\s+/).filter(Boolean).map((w) => `"${w}"`).join(' ');
  const r = timeQueries(queries, (q) => {
    try {
      return stmt.all(toMatch(q)).length;
    } catch {
      return 0;
    }
  });
  db.close();
  return { name: 'SQLite FTS5 trigram', ...r, build };
}

function miniSearchPeer(rows: { id: number; text: string; title: string }[], queries: string[]): PeerResult {
  const t = performance.now();
  const ms = new MiniSearch({ fields: ['title', 'text'] });
  ms.addAll(rows);
  const build = performance.now() - t;
  const r = timeQueries(queries, (q) => ms.search(q).slice(0, 10).length);
  return { name: 'MiniSearch (defaults)', ...r, build };
}

async function httpBench(db: DB, queries: string[]): Promise<string[]> {
  const server = await startServer({ db, port: 0, host: '127.0.0.1' });
  try {
    const fetchTimed = async (path: string) => {
      const t = performance.now();
      const res = await fetch(server.url + path);
      await res.arrayBuffer();
      const serverMs = Number(res.headers.get('server-timing')?.match(/dur=([\d.]+)/)?.[1] ?? NaN);
      return { wall: performance.now() - t, server: serverMs, status: res.status };
    };
    const searchTimes: number[] = [];
    const searchServer: number[] = [];
    for (const q of queries) await fetchTimed(`/api/search?q=${encodeURIComponent(q)}`);
    for (const q of queries) {
      const r = await fetchTimed(`/search?q=${encodeURIComponent(q)}`);
      searchTimes.push(r.wall);
      if (!Number.isNaN(r.server)) searchServer.push(r.server);
    }
    const largest = db
      .prepare('SELECT document_id FROM renditions GROUP BY document_id ORDER BY sum(length(body)) DESC LIMIT 1')
      .pluck()
      .get() as number;
    const docTimes: number[] = [];
    const docServer: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await fetchTimed(`/documents/${largest}`);
      if (i === 0) continue;
      docTimes.push(r.wall);
      if (!Number.isNaN(r.server)) docServer.push(r.server);
    }
    const fmt = (xs: number[]) => (xs.length ? `${percentile(xs, 50).toFixed(1)} / ${percentile(xs, 95).toFixed(1)}` : 'n/a');
    return [
      `| HTTP /search page (wall, ms p50/p95) | ${fmt(searchTimes)} | server-timing p50/p95: ${fmt(searchServer)} | target p95 < 50 ms server |`,
      `| HTTP largest document page #${largest} (wall, ms p50/p95) | ${fmt(docTimes)} | server-timing p50/p95: ${fmt(docServer)} | target < 200 ms server |`,
    ];
  } finally {
    await server.close();
  }
}

async function main(): Promise<void> {
  if (!existsSync(corpus)) {
    console.error(`bench: corpus not found at ${corpus} (pass its path as the first argument)`);
    process.exitCode = 2;
    return;
  }
  const queries = loadQueries();
  const dir = mkdtempSync(join(tmpdir(), 'engram-bench-'));
  try {
    const db = openLibrary(dir);
    const { files } = walk([corpus]);
    // The bound is measured before and after the ingest and averaged, so a noisy moment
    // does not decide the ratio alone (the first run also warms the page cache for both).
    const boundBefore = segmentationBound(files.map((f) => f.absPath));
    const rssBefore = process.memoryUsage().rss;
    const report = await ingest(db, [corpus]);
    const peakRss = process.resourceUsage().maxRSS * 1024;
    const boundAfter = segmentationBound(files.map((f) => f.absPath));
    const bound = { ms: (boundBefore.ms + boundAfter.ms) / 2 };
    const termsOff = await ingestWithoutTerms(corpus);
    const docs = report.documents.added + report.documents.updated + report.documents.unchanged;
    const secs = report.elapsedMs / 1000;

    search(db, '预热 warm up');
    const engram = timeQueries(queries, (q) => search(db, q, { limit: 10 }).hits.length);
    const rows = passagesOf(db);
    const trigram = trigramPeer(rows, queries);
    const mini = miniSearchPeer(rows, queries);
    const http = await httpBench(db, queries);

    const lines = [
      `engram benchmark — corpus ${corpus} (${files.length} files, ${(report.bytes / 1e6).toFixed(1)} MB), ${queries.length} queries`,
      '',
      '| measure | engram | peer / bound | ratio / target |',
      '|---|---|---|---|',
      `| ingest (whole corpus) | ${secs.toFixed(1)} s, ${(report.bytes / 1e6 / secs).toFixed(2)} MB/s, ${(docs / secs).toFixed(0)} docs/s | jieba cutForSearch alone: ${(bound.ms / 1000).toFixed(1)} s (${(boundBefore.ms / 1000).toFixed(1)} before, ${(boundAfter.ms / 1000).toFixed(1)} after) | ${(report.elapsedMs / bound.ms).toFixed(2)}x the bound (target ≤ 3x) |`,
      `| ingest without the terms stage | ${(termsOff / 1000).toFixed(1)} s | corrections + entity linking: ${((report.terms?.elapsedMs ?? 0) / 1000).toFixed(1)} s (${report.terms?.corrections ?? 0} corrections, ${report.terms?.mentions ?? 0} mentions) | ${(termsOff / bound.ms).toFixed(2)}x the bound off, ${(report.elapsedMs / bound.ms).toFixed(2)}x on |`,
      `| ingest peak RSS | ${(peakRss / 1e6).toFixed(0)} MB (process start ${(rssBefore / 1e6).toFixed(0)} MB) | | |`,
      `| documents / passages / failures | ${docs} / ${report.passages} / ${report.failures.length} | | |`,
      `| search latency p50 / p95 (ms) | ${engram.p50.toFixed(2)} / ${engram.p95.toFixed(2)} | | p95 target < 50 ms |`,
      `| vs ${trigram.name} p50 / p95 (ms) | | ${trigram.p50.toFixed(2)} / ${trigram.p95.toFixed(2)} (index build ${(trigram.build! / 1000).toFixed(1)} s) | engram p95 = ${(engram.p95 / trigram.p95).toFixed(2)}x trigram |`,
      `| vs ${mini.name} p50 / p95 (ms) | | ${mini.p50.toFixed(2)} / ${mini.p95.toFixed(2)} (index build ${(mini.build! / 1000).toFixed(1)} s) | engram p95 = ${(engram.p95 / mini.p95).toFixed(2)}x MiniSearch |`,
      `| queries with no result (of ${queries.length}) | ${engram.empty} | trigram ${trigram.empty}, MiniSearch ${mini.empty} | |`,
      ...http,
    ];
    console.log(lines.join('\n'));
    console.log(['', ...(await loadBench(db, queries))].join('\n'));
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same ingest with correction and entity linking turned off, in a library of its own. */
async function ingestWithoutTerms(corpus: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'engram-bench-off-'));
  try {
    const db = openLibrary(dir);
    const r = await ingest(db, [corpus], { terms: false });
    db.close();
    return r.elapsedMs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
