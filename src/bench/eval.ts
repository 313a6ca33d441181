/**
 * `npm run eval`: search quality on the reference corpus, engram vs its peers, side by side.
 *
 * 1. The judged set (bench/judged.jsonl, see judged.ts): nDCG@10, MRR and recall@10 per
 *    query class, for engram and its peers (peers.ts): FTS5 trigram, MiniSearch, Orama with
 *    its Mandarin tokenizer, Pagefind; and how long each peer took to build its index.
 * 2. Cross-script agreement: each Chinese benchmark query typed in Simplified and in
 *    Traditional should find the same documents (top-10 overlap).
 * 3. Known-item recall: a phrase a person remembers from a passage (a run of whole words,
 *    half the time in the other script; three English words) should bring back its document
 *    (within a CPU budget per searcher: one that needs minutes is reported as not run).
 * 4. Quote verification on the Teahose summaries (quotes-eval.ts) and the corrections the
 *    terms stage makes, against bench/corrections.jsonl (eval-corrections.ts).
 * Search runs as users get it: lexicon expansion on. Names across scripts: `npm run eval:names`.
 * With an embeddings endpoint configured (ENGRAM_EMBED_URL/MODEL/KEY, or the library's
 * config.json), the library is embedded (`engram embed`) and "engram+semantic" (reciprocal
 * rank fusion, as `engram search` does) joins the judged table.
 *
 * Usage: npm run eval -- [CORPUS] [--library DIR] [--judged FILE] [--verbose]
 *   --library DIR  evaluate an existing library instead of ingesting CORPUS into a temp one
 *   --verbose      print every judged query with each searcher's nDCG@10
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openLibrary, type DB } from '../store/db.js';
import { ingest } from '../pipeline/ingest.js';
import { toSimplified, toTraditional } from '../text/fold.js';
import { loadQueries, projectRoot } from './queries.js';
import { engramSearcher, miniSearchSearcher, passageRows, trigramSearcher, type PassageRow, type Searcher } from './peers.js';
import { oramaSearcher } from './orama-peer.js';
import { pagefindSearcher } from './pagefind-peer.js';
import { byClass, documentRefs, loadJudged, score, type Scores } from './judged.js';
import { knownItems } from './known-items.js';
import { quoteEval } from './quotes-eval.js';
import { correctionReport } from './eval-corrections.js';
import { readLibraryConfig, serviceSettings } from '../config.js';
import { openAIEmbedder } from '../providers/embeddings.js';
import { embedLibrary } from '../semantic/embed.js';
import { hybridSearch } from '../semantic/search.js';

const HAN = /\p{Script=Han}/u;

function overlap(a: number[], b: number[]): number {
  if (!a.length && !b.length) return 1;
  const sb = new Set(b);
  return a.filter((x) => sb.has(x)).length / Math.max(a.length, b.length);
}

const f3 = (x: number) => x.toFixed(3);

/**
 * engram with semantic retrieval fused in, when an embeddings endpoint is configured: the
 * library's passages are embedded first (resumable: a kept --library pays once), then the
 * judged queries are answered ahead (the endpoint is asynchronous, the tables are not).
 */
async function semanticSearcher(db: DB, dir: string, judged: string): Promise<Searcher | undefined> {
  const settings = serviceSettings('embed', { config: readLibraryConfig(dir) });
  if (!settings?.url || !settings.model) return undefined;
  const embedder = openAIEmbedder(settings);
  const t = performance.now();
  const report = await embedLibrary(db, embedder);
  console.error(`eval: embedded ${report.embedded} passages with ${settings.model} in ${((performance.now() - t) / 1000).toFixed(1)} s${report.error ? ` (stopped: ${report.error})` : ''}`);
  const answers = new Map<string, number[]>();
  for (const q of loadJudged(judged)) {
    const r = await hybridSearch(db, q.query, { limit: 10 }, embedder, (e) => console.error(`eval: semantic skipped for ${q.query}: ${e.message}`));
    answers.set(q.query, r.hits.map((h) => h.document.id));
  }
  return { name: 'engram+semantic', docs: async (q, limit = 10) => (answers.get(q) ?? []).slice(0, limit) };
}

/** engram's searchers (engram first), then its peers: one row per class, three columns each. */
async function judgedTable(db: DB, ours: Searcher[], peers: Searcher[], file: string, verbose: boolean): Promise<string[]> {
  const queries = loadJudged(file);
  const refs = documentRefs(db);
  const searchers = [...ours, ...peers];
  const results: { scores: Scores[]; classes: ReturnType<typeof byClass> }[] = [];
  for (const s of searchers) {
    const scores: Scores[] = [];
    for (const q of queries) scores.push(score(await s.docs(q.query, 10), q, refs));
    results.push({ scores, classes: byClass(queries, scores) });
  }
  const lines = [
    `Judged set: ${queries.length} queries (${file}); nDCG@10 / MRR / recall@10 per class`,
    '',
    `| class | n | ${searchers.map((s) => `${s.name} nDCG | MRR | R@10`).join(' | ')} |`,
    `|---|---|${searchers.map(() => '---|---|---|').join('')}`,
  ];
  const below: string[] = [];
  for (const [cls, m] of results[0]!.classes) {
    const cells = results.map((r) => {
      const c = r.classes.get(cls)!;
      return `${f3(c.ndcg)} | ${f3(c.mrr)} | ${f3(c.recall)}`;
    });
    lines.push(`| ${cls === 'all' ? '**all**' : cls} | ${m.n} | ${cells.join(' | ')} |`);
    const engram = results[0]!.classes.get(cls)!;
    peers.forEach((p, i) => {
      const peer = results[ours.length + i]!.classes.get(cls)!;
      for (const metric of ['ndcg', 'mrr', 'recall'] as const) {
        if (peer[metric] > engram[metric]) below.push(`${cls} ${metric} ${f3(engram[metric])} < ${p.name} ${f3(peer[metric])}`);
      }
    });
  }
  lines.push('', below.length ? `engram below a peer: ${below.join('; ')}.` : `engram is at or above every peer in every class on all three measures.`);
  if (verbose) {
    lines.push('', `| query | class | ${searchers.map((s) => s.name).join(' | ')} |`, `|---|---|${searchers.map(() => '---|').join('')}`);
    queries.forEach((q, i) => lines.push(`| ${q.query} | ${q.class} | ${results.map((r) => f3(r.scores[i]!.ndcg)).join(' | ')} |`));
  }
  return lines;
}

async function agreementTable(db: DB, searchers: Searcher[]): Promise<string[]> {
  const cjk = loadQueries().filter((q) => q.class === 'keywords' && HAN.test(q.query)).map((q) => q.query);
  const items = knownItems(db, 300);
  const lines = [
    `Cross-script: ${cjk.length} Chinese benchmark queries in both scripts. Known items: ${items.length} remembered phrases (half typed in the other script).`,
    '',
    '| searcher | cross-script top-10 overlap | queries finding nothing (simp / trad) | known-item recall@10 | MRR |',
    '|---|---|---|---|---|',
  ];
  for (const s of searchers) {
    let agree = 0;
    let emptyS = 0;
    let emptyT = 0;
    for (const q of cjk) {
      const a = await s.docs(toSimplified(q));
      const b = await s.docs(toTraditional(q));
      agree += overlap(a, b);
      if (!a.length) emptyS++;
      if (!b.length) emptyT++;
    }
    let found = 0;
    let rr = 0;
    let asked = 0;
    const cpu = process.cpuUsage();
    for (const it of items) {
      if (cpuSeconds(cpu) > KNOWN_ITEM_CPU_S) break;
      asked++;
      const rank = (await s.docs(it.query)).indexOf(it.doc);
      if (rank !== -1) {
        found++;
        rr += 1 / (rank + 1);
      }
    }
    const known =
      asked < items.length
        ? `not run: over ${KNOWN_ITEM_CPU_S} s of CPU after ${asked} phrases (${(cpuSeconds(cpu) / asked).toFixed(2)} s a phrase) | –`
        : `${((found / items.length) * 100).toFixed(1)}% | ${f3(rr / items.length)}`;
    lines.push(`| ${s.name} | ${((agree / cjk.length) * 100).toFixed(1)}% | ${emptyS} / ${emptyT} | ${known} |`);
  }
  return lines;
}

/**
 * CPU a searcher may spend on the 300 known-item phrases. Phrases copied from passages are
 * full of common words, which some peers score over their whole posting lists (Orama: about
 * a second a phrase on the corpus, five minutes for the set); such a searcher is reported as
 * not run rather than doubling the eval's time. engram and the other peers need a few seconds.
 */
const KNOWN_ITEM_CPU_S = 60;

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/**
 * The peers over the library's passages, built one after another. A peer that cannot be
 * built here (Pagefind's binary is per platform) is reported and left out; the exit code says so.
 */
async function buildPeers(rows: PassageRow[]): Promise<Searcher[]> {
  const builders: [string, () => Searcher | Promise<Searcher>][] = [
    ['FTS5 trigram', () => trigramSearcher(rows)],
    ['MiniSearch', () => miniSearchSearcher(rows)],
    ['Orama', () => oramaSearcher(rows)],
    ['Pagefind', () => pagefindSearcher(rows)],
  ];
  const peers: Searcher[] = [];
  for (const [name, build] of builders) {
    try {
      peers.push(await build());
    } catch (e) {
      console.error(`eval: ${name} left out: ${(e as Error).message}`);
      process.exitCode = 1;
    }
  }
  return peers;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { library: { type: 'string' }, judged: { type: 'string' }, verbose: { type: 'boolean' } },
  });
  const corpus = resolve(positionals[0] ?? join(projectRoot, '..', 'shared', 'corpus'));
  const judged = resolve(values.judged ?? join(projectRoot, 'bench', 'judged.jsonl'));
  if (!values.library && !existsSync(corpus)) {
    console.error(`eval: corpus not found at ${corpus} (pass its path, or --library DIR)`);
    process.exitCode = 2;
    return;
  }
  const dir = values.library ? resolve(values.library) : mkdtempSync(join(tmpdir(), 'engram-eval-'));
  try {
    const db = openLibrary(dir);
    if (!values.library) await ingest(db, [corpus]);
    const rows = passageRows(db);
    const peers = await buildPeers(rows);
    const searchers = [engramSearcher(db), ...peers];
    const semantic = await semanticSearcher(db, dir, judged);
    const lines = [
      `engram evaluation — ${values.library ? `library ${dir}` : corpus}`,
      '',
      ...(await judgedTable(db, semantic ? [searchers[0]!, semantic] : [searchers[0]!], peers, judged, values.verbose ?? false)),
      '',
      `Peer index build over ${rows.length} passages: ${peers.map((p) => `${p.name} ${(p.buildMs! / 1000).toFixed(1)} s`).join(', ')}.`,
      '',
      ...(await agreementTable(db, searchers)),
    ];
    console.log(lines.join('\n'));
    console.log(['', ...quoteEval(db)].join('\n'));
    console.log('\n' + correctionReport(db, join(projectRoot, 'bench', 'corrections.jsonl')));
    for (const p of peers) await p.close?.();
    db.close();
  } finally {
    if (!values.library) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
