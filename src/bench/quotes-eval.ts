/**
 * Quote verification on the corpus: the Teahose podcast summaries' quotes checked against
 * their transcripts. Part of `npm run eval` (eval.ts calls `quoteEval`); run alone with
 * `node dist/bench/quotes-eval.js [CORPUS]`, or `--sample` to print the hand-check sample.
 *
 * Reports, by transcript language: quotes verified verbatim, approximately, translations
 * (tied to a passage or not), not found — next to a naive check (the quote as a plain
 * case-insensitive substring of the transcript, spaces collapsed), which is what a reader
 * pasting a quote into find-in-page gets. Then |claimed − found| time for verified quotes, and
 * the precision of "verified" and of "not found" on a hand-checked sample: the labels in
 * bench/quote-labels.json are my reading of each sampled quote against its transcript
 * (`present`: said there, allowing light edits and "…" joins; `absent`: not said, or a
 * paraphrase), keyed by a hash of the document key and the quote, so no corpus text is stored.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLibrary, type DB } from '../store/db.js';
import { ingest } from '../pipeline/ingest.js';
import { documentQuoteChecks, documentTranscripts, type QuoteCheck } from '../quotes/library.js';
import { languageOf } from '../text/language.js';
import { formatTimecode } from '../formats/media.js';
import { fragmentsOf, TranscriptIndex } from '../quotes/locate.js';
import { percentile, rng } from './queries.js';

const projectRoot = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const LABELS = join(projectRoot, 'bench', 'quote-labels.json');
const SAMPLE_SIZE = 50;

export interface QuoteLabel {
  id: string;
  truth: 'present' | 'absent';
  /** My note on the decision (own words, no corpus text). */
  note?: string;
}

interface Row {
  id: string;
  docId: number;
  lang: 'en' | 'zh';
  check: QuoteCheck;
  naive: boolean;
}

export function quoteId(docKey: string, quote: string): string {
  return createHash('sha1').update(`${docKey}\u0000${quote}`).digest('hex').slice(0, 12);
}

const collapse = (s: string) => s.toLowerCase().replace(/\s+/g, ' ');

/** Every quote of every Teahose summary (summaries from files under `teahose/`), checked. */
function collect(db: DB, prefix: string): Row[] {
  const docs = db
    .prepare(`SELECT DISTINCT d.id, d.key FROM renditions r JOIN files f ON f.id = r.file_id JOIN documents d ON d.id = r.document_id
               WHERE r.kind = 'summary' AND r.generated IS NULL AND f.rel_path LIKE ? ORDER BY d.id`)
    .all(`${prefix}%`) as { id: number; key: string }[];
  const rows: Row[] = [];
  for (const d of docs) {
    const transcripts = documentTranscripts(db, d.id);
    const plain = transcripts.map((t) => collapse(t.map((p) => p.text).join(' ')));
    const lang = languageOf(transcripts[0]?.slice(0, 200).map((p) => p.text).join(' ') ?? '') === 'zh' ? 'zh' : 'en';
    for (const s of documentQuoteChecks(db, d.id)) {
      if (s.generated) continue;
      for (const q of s.quotes) {
        rows.push({ id: quoteId(d.key, q.quote), docId: d.id, lang, check: q, naive: plain.some((t) => t.includes(collapse(q.quote))) });
      }
    }
  }
  return rows;
}

const pct = (n: number, d: number) => (d ? `${((n / d) * 100).toFixed(1)}%` : '–');

export function loadLabels(path = LABELS): QuoteLabel[] {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { labels: QuoteLabel[] }).labels : [];
}

/** The report, as Markdown lines. */
export function quoteReport(rows: Row[], labels: QuoteLabel[]): string[] {
  const lines = [
    `Quote verification — ${rows.length} quotes in ${new Set(rows.map((r) => r.docId)).size} Teahose summaries, checked against their transcripts`,
    '',
    '| transcripts | quotes | verbatim | approximate | translation (tied / untied) | not found | naive substring check finds |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const lang of ['en', 'zh'] as const) {
    const g = rows.filter((r) => r.lang === lang);
    const n = (st: string) => g.filter((r) => r.check.status === st).length;
    const tied = g.filter((r) => r.check.status === 'translation' && r.check.start !== null).length;
    lines.push(
      `| ${lang === 'en' ? 'English' : 'Chinese'} | ${g.length} | ${n('verbatim')} (${pct(n('verbatim'), g.length)}) | ${n('approximate')} (${pct(n('approximate'), g.length)}) | ` +
        `${n('translation')} (${tied} / ${n('translation') - tied}) | ${n('not-found')} (${pct(n('not-found'), g.length)}) | ${g.filter((r) => r.naive).length} (${pct(g.filter((r) => r.naive).length, g.length)}) |`,
    );
  }
  const drift = rows
    .filter((r) => r.check.verified && r.check.claimedStart !== null && r.check.start !== null)
    .map((r) => Math.abs(r.check.claimedStart! - r.check.start!))
    .sort((a, b) => a - b);
  const within = (s: number) => pct(drift.filter((d) => d <= s).length, drift.length);
  lines.push(
    '',
    `|claimed − found| for ${drift.length} verified quotes with a claimed time: median ${percentile(drift, 50)} s, p75 ${percentile(drift, 75)} s, ` +
      `p90 ${percentile(drift, 90)} s, max ${formatTimecode(drift.at(-1) ?? 0)}; within 10 s ${within(10)}, within 60 s ${within(60)}, over 5 min ${pct(drift.filter((d) => d > 300).length, drift.length)}`,
  );
  const truth = new Map(labels.map((l) => [l.id, l.truth]));
  const labelled = rows.filter((r) => truth.has(r.id));
  const verified = labelled.filter((r) => r.check.verified);
  const notFound = labelled.filter((r) => r.check.status === 'not-found');
  const good = (rs: Row[], t: 'present' | 'absent') => rs.filter((r) => truth.get(r.id) === t).length;
  lines.push(
    '',
    `Hand-checked sample (${labelled.length} of ${labels.length} labelled decisions found in this run; bench/quote-labels.json): ` +
      `precision of "verified" ${good(verified, 'present')}/${verified.length} (${pct(good(verified, 'present'), verified.length)}), ` +
      `precision of "not found" ${good(notFound, 'absent')}/${notFound.length} (${pct(good(notFound, 'absent'), notFound.length)})`,
  );
  return lines;
}

/** Half verified, half not found (English transcripts: Chinese ones hold translations). */
export function sample(rows: Row[], n = SAMPLE_SIZE): Row[] {
  const rand = rng(7);
  const pick = (pool: Row[], k: number) => {
    const p = [...pool];
    const out: Row[] = [];
    while (out.length < k && p.length) out.push(p.splice(Math.floor(rand() * p.length), 1)[0]!);
    return out;
  };
  const verified = rows.filter((r) => r.check.verified);
  const notFound = rows.filter((r) => r.check.status === 'not-found');
  const half = Math.min(notFound.length, Math.floor(n / 2));
  return [...pick(verified, n - half), ...pick(notFound, half)];
}

/** The sample with what a person needs to judge it: the quote, and where the transcript comes closest. */
function printSample(db: DB, rows: Row[]): void {
  for (const r of sample(rows)) {
    const c = r.check;
    console.log(`\n=== ${r.id} ${c.status} sim=${c.similarity} claimed=${c.claimedStart ?? '-'} found=${c.start ?? '-'} doc=${r.docId}`);
    console.log(`QUOTE: ${c.quote}`);
    if (c.matched) console.log(`MATCHED: ${c.matched}`);
    else if (c.passage) console.log(`TIED: ${c.passage}`);
    else {
      const frags = fragmentsOf(c.quote);
      for (const t of documentTranscripts(db, r.docId).slice(0, 1)) {
        const index = new TranscriptIndex(t);
        for (const f of frags) {
          const hit = index.approximate(f, c.claimedStart ?? undefined);
          console.log(`NEAREST (${hit?.similarity.toFixed(2)}): ${hit ? index.textBetween(Math.max(0, hit.at - 40), Math.min(index.key.length, hit.end + 40)) : '-'}`);
        }
      }
    }
  }
}

export function quoteEval(db: DB, prefix = 'teahose/'): string[] {
  return quoteReport(collect(db, prefix), loadLabels());
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const corpus = resolve(args.find((a) => !a.startsWith('--')) ?? join(projectRoot, '..', 'shared', 'corpus'));
  const teahose = join(corpus, 'teahose');
  if (!existsSync(teahose)) {
    console.error(`quotes-eval: no teahose folder in ${corpus}`);
    process.exitCode = 2;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'engram-quotes-'));
  try {
    const db = openLibrary(dir);
    await ingest(db, [teahose]);
    // Ingested from the teahose folder itself: its files' paths start at the show.
    const rows = collect(db, '');
    if (args.includes('--sample')) printSample(db, rows);
    else console.log(quoteReport(rows, loadLabels()).join('\n'));
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
