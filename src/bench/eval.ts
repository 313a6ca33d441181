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
 * 5. `engram lexicon suggest`: precision at 20 and 50 against bench/suggest-labels.json
 *    (suggest-eval.ts).
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
import { byClass, documentRefs, loadJudged, score, type JudgedQuery, type Scores } from './judged.js';
import { knownItems } from './known-items.js';
import { quoteEval } from './quotes-eval.js';
import { correctionReport } from './eval-corrections.js';
import { suggestEval } from './suggest-eval.js';
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

/** The queries every searcher answers, loaded once. */
interface QuerySets {
  file: string;
  judged: JudgedQuery[];
  refs: Map<number, string[]>;
  /** Chinese benchmark keywords, each asked in Simplified and in Traditional. */
  cjk: string[];
  knownItems: { query: string; doc: number }[];
}

function querySets(db: DB, file: string): QuerySets {
  return {
    file,
    judged: loadJudged(file),
    refs: documentRefs(db),
    cjk: loadQueries().filter((q) => q.class === 'keywords' && HAN.test(q.query)).map((q) => q.query),
    knownItems: knownItems(db, 300),
  };
}

/** What one searcher scored. */
interface Measured {
  name: string;
  buildMs?: number;
  scores: Scores[];
  classes: ReturnType<typeof byClass>;
  /** Cross-script and known-item measures (not for a searcher that only answers the judged set). */
  agreement?: { overlap: number; emptySimplified: number; emptyTraditional: number; found: number; rr: number; asked: number; cpuS: number };
}

/**
 * CPU a searcher may spend on the 300 known-item phrases. Phrases copied from passages are
 * full of common words, which some peers score over their whole posting lists (Orama: about
 * a second a phrase on the corpus, five minutes for the set); such a searcher is reported as
 * not run rather than doubling the eval's time. engram and the other peers need seconds.
 */
const KNOWN_ITEM_CPU_S = 60;

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

async function measure(s: Searcher, sets: QuerySets, agreement = true): Promise<Measured> {
  const scores: Scores[] = [];
  for (const q of sets.judged) scores.push(score(await s.docs(q.query, 10), q, sets.refs));
  const measured: Measured = { name: s.name, buildMs: s.buildMs, scores, classes: byClass(sets.judged, scores) };
  if (!agreement) return measured;
  const a = { overlap: 0, emptySimplified: 0, emptyTraditional: 0, found: 0, rr: 0, asked: 0, cpuS: 0 };
  for (const q of sets.cjk) {
    const simplified = await s.docs(toSimplified(q));
    const traditional = await s.docs(toTraditional(q));
    a.overlap += overlap(simplified, traditional) / sets.cjk.length;
    if (!simplified.length) a.emptySimplified++;
    if (!traditional.length) a.emptyTraditional++;
  }
  const cpu = process.cpuUsage();
  for (const it of sets.knownItems) {
    if (cpuSeconds(cpu) > KNOWN_ITEM_CPU_S) break;
    a.asked++;
    const rank = (await s.docs(it.query)).indexOf(it.doc);
    if (rank !== -1) {
      a.found++;
      a.rr += 1 / (rank + 1);
    }
  }
  a.cpuS = cpuSeconds(cpu);
  return { ...measured, agreement: a };
}

/**
 * Each peer over the library's passages, built, measured and closed before the next is built:
 * one index in memory at a time, so no peer pays for another's garbage collection. A peer
 * that cannot be built here (Pagefind's binary is per platform) is reported and left out;
 * the exit code says so.
 */
async function measurePeers(rows: PassageRow[], sets: QuerySets): Promise<Measured[]> {
  const builders: [string, () => Searcher | Promise<Searcher>][] = [
    ['FTS5 trigram', () => trigramSearcher(rows)],
    ['MiniSearch', () => miniSearchSearcher(rows)],
    ['Orama', () => oramaSearcher(rows)],
    ['Pagefind', () => pagefindSearcher(rows)],
  ];
  const measured: Measured[] = [];
  for (const [name, build] of builders) {
    let peer: Searcher;
    try {
      peer = await build();
    } catch (e) {
      console.error(`eval: ${name} left out: ${(e as Error).message}`);
      process.exitCode = 1;
      continue;
    }
    try {
      measured.push(await measure(peer, sets));
    } finally {
      await peer.close?.(); // its index (Pagefind's files in a temporary folder) goes even when measuring fails
    }
  }
  return measured;
}

/** engram's searchers (engram first), then its peers: one row per class, three columns each. */
function judgedTable(ours: Measured[], peers: Measured[], sets: QuerySets, verbose: boolean): string[] {
  const all = [...ours, ...peers];
  const lines = [
    `Judged set: ${sets.judged.length} queries (${sets.file}); nDCG@10 / MRR / recall@10 per class`,
    '',
    `| class | n | ${all.map((s) => `${s.name} nDCG | MRR | R@10`).join(' | ')} |`,
    `|---|---|${all.map(() => '---|---|---|').join('')}`,
  ];
  const below: string[] = [];
  for (const [cls, engram] of ours[0]!.classes) {
    const cells = all.map((s) => {
      const c = s.classes.get(cls)!;
      return `${f3(c.ndcg)} | ${f3(c.mrr)} | ${f3(c.recall)}`;
    });
    lines.push(`| ${cls === 'all' ? '**all**' : cls} | ${engram.n} | ${cells.join(' | ')} |`);
    for (const p of peers) {
      const peer = p.classes.get(cls)!;
      for (const metric of ['ndcg', 'mrr', 'recall'] as const) {
        if (peer[metric] > engram[metric]) below.push(`${cls} ${metric} ${f3(engram[metric])} < ${p.name} ${f3(peer[metric])}`);
      }
    }
  }
  lines.push('', below.length ? `engram below a peer: ${below.join('; ')}.` : `engram is at or above every peer in every class on all three measures.`);
  if (verbose) {
    lines.push('', `| query | class | ${all.map((s) => s.name).join(' | ')} |`, `|---|---|${all.map(() => '---|').join('')}`);
    sets.judged.forEach((q, i) => lines.push(`| ${q.query} | ${q.class} | ${all.map((s) => f3(s.scores[i]!.ndcg)).join(' | ')} |`));
  }
  return lines;
}

function agreementTable(measured: Measured[], sets: QuerySets): string[] {
  const n = sets.knownItems.length;
  const lines = [
    `Cross-script: ${sets.cjk.length} Chinese benchmark queries in both scripts. Known items: ${n} remembered phrases (half typed in the other script).`,
    '',
    '| searcher | cross-script top-10 overlap | queries finding nothing (simp / trad) | known-item recall@10 | MRR |',
    '|---|---|---|---|---|',
  ];
  for (const { name, agreement: a } of measured) {
    if (!a) continue;
    const known =
      a.asked < n
        ? `not run: over ${KNOWN_ITEM_CPU_S} s of CPU after ${a.asked} phrases (${(a.cpuS / a.asked).toFixed(2)} s a phrase) | –`
        : `${((a.found / n) * 100).toFixed(1)}% | ${f3(a.rr / n)}`;
    lines.push(`| ${name} | ${(a.overlap * 100).toFixed(1)}% | ${a.emptySimplified} / ${a.emptyTraditional} | ${known} |`);
  }
  return lines;
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
    const sets = querySets(db, judged);
    const ours = [await measure(engramSearcher(db), sets)];
    const semantic = await semanticSearcher(db, dir, judged);
    if (semantic) ours.push(await measure(semantic, sets, false));
    const rows = passageRows(db);
    const peers = await measurePeers(rows, sets);
    const lines = [
      `engram evaluation — ${values.library ? `library ${dir}` : corpus}`,
      '',
      ...judgedTable(ours, peers, sets, values.verbose ?? false),
      '',
      `Peer index build over ${rows.length} passages: ${peers.map((p) => `${p.name} ${(p.buildMs! / 1000).toFixed(1)} s`).join(', ')}.`,
      '',
      ...agreementTable([...ours, ...peers], sets),
    ];
    console.log(lines.join('\n'));
    console.log(['', ...quoteEval(db)].join('\n'));
    console.log('\n' + correctionReport(db, join(projectRoot, 'bench', 'corrections.jsonl')));
    console.log(['', ...suggestEval(db, dir)].join('\n'));
    db.close();
  } finally {
    if (!values.library) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
