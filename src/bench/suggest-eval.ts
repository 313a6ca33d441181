/**
 * `engram lexicon suggest` measured on our own labels (bench/suggest-labels.json): words the
 * whole-corpus library suggests, each labelled `good` (a name, or a domain term a person would
 * plausibly accept into the lexicon) or `bad` (an everyday word jieba's dictionary lacks, an
 * English word, a recognition garble, a piece of a longer word: 远超, topology, 张图). Reports
 * precision at 20 and 50 over the labelled suggestions; suggestions the labels lack are
 * counted, not judged (label them when they show up). Part of `npm run eval` (eval.ts calls
 * `suggestEval`); run alone on a library with `node dist/bench/suggest-eval.js --library DIR`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openLibrary, type DB } from '../store/db.js';
import { loadLexicon } from '../lexicon/load.js';
import { suggestTerms } from '../terms/suggest.js';
import { projectRoot } from './queries.js';

export const SUGGEST_LABELS = join(projectRoot, 'bench', 'suggest-labels.json');

export type SuggestLabel = 'good' | 'bad';

export function loadSuggestLabels(path = SUGGEST_LABELS): Map<string, SuggestLabel> | undefined {
  if (!existsSync(path)) return undefined;
  const { labels } = JSON.parse(readFileSync(path, 'utf8')) as { labels: Record<string, SuggestLabel> };
  return new Map(Object.entries(labels));
}

export interface SuggestPrecision {
  k: number;
  good: number;
  bad: number;
  unlabelled: string[];
  precision: number;
}

/** Precision of the first `k` names over those labelled (a name's label, else its lowercase form's). */
export function suggestPrecision(names: readonly string[], labels: ReadonlyMap<string, SuggestLabel>, k: number): SuggestPrecision {
  const r: SuggestPrecision = { k, good: 0, bad: 0, unlabelled: [], precision: 0 };
  for (const name of names.slice(0, k)) {
    const label = labels.get(name) ?? labels.get(name.toLowerCase());
    if (label === 'good') r.good++;
    else if (label === 'bad') r.bad++;
    else r.unlabelled.push(name);
  }
  r.precision = r.good + r.bad ? r.good / (r.good + r.bad) : 0;
  return r;
}

/** The report's lines for the library in `dir` (its lexicon: the shipped one and the library's own). */
export function suggestEval(db: DB, dir: string, labelsPath = SUGGEST_LABELS): string[] {
  const labels = loadSuggestLabels(labelsPath);
  if (!labels) return [`lexicon suggest: skipped (no labels at ${labelsPath})`];
  const lexicon = loadLexicon(dir);
  const started = performance.now();
  const names = suggestTerms(db, (name) => lexicon.lookup(name).length > 0, { limit: 50 }).map((s) => s.name);
  const ms = performance.now() - started;
  if (!names.length) return ['lexicon suggest: skipped (the library suggests nothing)'];
  const lines = [`lexicon suggest (${names.length} suggestions in ${(ms / 1000).toFixed(1)} s; bench/suggest-labels.json):`];
  for (const k of [20, 50]) {
    const p = suggestPrecision(names, labels, k);
    const judged = p.good + p.bad;
    lines.push(
      `  precision@${k}: ${judged ? p.precision.toFixed(2) : '–'} (${p.good} good of ${judged} labelled` +
        `${p.unlabelled.length ? `; unlabelled: ${p.unlabelled.join(', ')}` : ''})`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { library: { type: 'string' }, labels: { type: 'string' } } });
  if (!values.library || !existsSync(join(values.library, 'library.db'))) {
    console.error('suggest-eval: pass --library DIR (a library with library.db)');
    process.exitCode = 2;
    return;
  }
  const dir = resolve(values.library);
  const db = openLibrary(dir, { readonly: true });
  try {
    console.log(suggestEval(db, dir, values.labels ? resolve(values.labels) : SUGGEST_LABELS).join('\n'));
  } finally {
    db.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
