/**
 * `npm run eval`: search quality on the reference corpus, engram vs its peers, side by side.
 * 1. Cross-script agreement: each benchmark query typed in Simplified and in Traditional
 *    should find the same documents (top-10 overlap).
 * 2. Known-item recall: a phrase a person remembers from a passage (a run of whole words,
 *    half the time in the other script; three English words) should bring back its document
 *    (recall@10, MRR).
 * 3. Quote verification on the Teahose summaries (quotes-eval.ts).
 * Peers see the same passages: SQLite FTS5 trigram, and MiniSearch with default settings.
 */
import Database from 'better-sqlite3';
import MiniSearch from 'minisearch';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLibrary, type DB } from '../store/db.js';
import { ingest } from '../pipeline/ingest.js';
import { search } from '../search/search.js';
import { toSimplified, toTraditional } from '../text/fold.js';
import { tokenize } from '../text/segment.js';
import { loadQueries, rng } from './run.js';
import { quoteEval } from './quotes-eval.js';
import { correctionReport } from './eval-corrections.js';

const projectRoot = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const corpus = resolve(process.argv[2] ?? join(projectRoot, '..', 'shared', 'corpus'));
const HAN = /\p{Script=Han}/u;

type Searcher = { name: string; docs: (q: string) => number[] };

function engramSearcher(db: DB): Searcher {
  return { name: 'engram', docs: (q) => search(db, q, { limit: 10 }).hits.map((h) => h.document.id) };
}

function peers(db: DB): Searcher[] {
  const rows = db
    .prepare(`SELECT p.id, p.document_id AS doc, p.text, COALESCE(d.title, '') AS title FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.role <> 'boilerplate'`)
    .all() as { id: number; doc: number; text: string; title: string }[];
  const docOf = new Map(rows.map((r) => [r.id, r.doc]));
  const topDocs = (ids: number[]) => [...new Set(ids.map((id) => docOf.get(id)!))].slice(0, 10);

  const tri = new Database(':memory:');
  tri.exec(`CREATE VIRTUAL TABLE t USING fts5(title, text, tokenize = 'trigram')`);
  const ins = tri.prepare('INSERT INTO t (rowid, title, text) VALUES (?, ?, ?)');
  tri.transaction(() => rows.forEach((r) => ins.run(r.id, r.title, r.text)))();
  const triStmt = tri.prepare('SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank LIMIT 200').pluck();
  const trigram: Searcher = {
    name: 'FTS5 trigram',
    docs: (q) => {
      try {
        return topDocs(triStmt.all(q.replace(/"/g, ' ').split(/\s+/).filter(Boolean).map((w) => `"${w}"`).join(' ')) as number[]);
      } catch {
        return [];
      }
    },
  };
  const ms = new MiniSearch({ fields: ['title', 'text'] });
  ms.addAll(rows);
  const mini: Searcher = { name: 'MiniSearch', docs: (q) => topDocs(ms.search(q).slice(0, 200).map((r) => r.id as number)) };
  return [trigram, mini];
}

function knownItems(db: DB, n: number): { query: string; doc: number }[] {
  const rand = rng(42);
  const rows = db
    .prepare(`SELECT p.document_id AS doc, p.text FROM passages p WHERE p.role = 'content' AND length(p.text) >= 40 ORDER BY p.id`)
    .all() as { doc: number; text: string }[];
  const out: { query: string; doc: number }[] = [];
  while (out.length < n && rows.length) {
    const r = rows[Math.floor(rand() * rows.length)]!;
    let q: string;
    if (HAN.test(r.text)) {
      // a remembered phrase: 6–12 Chinese characters of consecutive whole words
      const toks = tokenize(r.text).filter((t) => HAN.test(r.text.slice(t.start, t.end)));
      if (!toks.length) continue;
      let i = Math.floor(rand() * toks.length);
      const first = toks[i]!;
      let last = first;
      while (last.end - first.start < 6 && toks[i + 1]?.start === last.end) last = toks[++i]!;
      if (last.end - first.start < 6 || last.end - first.start > 12) continue;
      q = r.text.slice(first.start, last.end);
      q = rand() < 0.5 ? toTraditional(q) : toSimplified(q);
    } else {
      const words = r.text.split(/\s+/).filter((w) => /^[A-Za-z][A-Za-z'-]+$/.test(w));
      if (words.length < 4) continue;
      const at = Math.floor(rand() * (words.length - 3));
      q = words.slice(at, at + 3).join(' ');
    }
    out.push({ query: q, doc: r.doc });
  }
  return out;
}

function overlap(a: number[], b: number[]): number {
  if (!a.length && !b.length) return 1;
  const sb = new Set(b);
  return a.filter((x) => sb.has(x)).length / Math.max(a.length, b.length);
}

async function main(): Promise<void> {
  if (!existsSync(corpus)) {
    console.error(`eval: corpus not found at ${corpus}`);
    process.exitCode = 2;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'engram-eval-'));
  try {
    const db = openLibrary(dir);
    await ingest(db, [corpus]);
    const searchers = [engramSearcher(db), ...peers(db)];
    const cjk = loadQueries().filter((q) => HAN.test(q));
    const items = knownItems(db, 300);
    const lines = [
      `engram evaluation — ${corpus}; ${cjk.length} Chinese queries in both scripts; ${items.length} known-item queries (half typed in the other script)`,
      '',
      '| searcher | cross-script top-10 overlap | queries finding nothing (simp / trad) | known-item recall@10 | MRR |',
      '|---|---|---|---|---|',
    ];
    for (const s of searchers) {
      let agree = 0;
      let emptyS = 0;
      let emptyT = 0;
      for (const q of cjk) {
        const a = s.docs(toSimplified(q));
        const b = s.docs(toTraditional(q));
        agree += overlap(a, b);
        if (!a.length) emptyS++;
        if (!b.length) emptyT++;
      }
      let found = 0;
      let rr = 0;
      for (const it of items) {
        const rank = s.docs(it.query).indexOf(it.doc);
        if (rank !== -1) {
          found++;
          rr += 1 / (rank + 1);
        }
      }
      lines.push(
        `| ${s.name} | ${((agree / cjk.length) * 100).toFixed(1)}% | ${emptyS} / ${emptyT} | ${((found / items.length) * 100).toFixed(1)}% | ${(rr / items.length).toFixed(3)} |`,
      );
    }
    console.log(lines.join('\n'));
    console.log(['', ...quoteEval(db)].join('\n'));
    console.log('\n' + correctionReport(db, join(projectRoot, 'bench', 'corrections.jsonl')));
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
