/**
 * The corrector measured on our own labels (bench/corrections.jsonl), read off real corpus
 * transcripts: recognition errors (what was heard, what was said) and correct look-alikes
 * that must not change. One JSON object a line:
 *   {"file", "line", "heard", "said", "type"?}   an error when heard ≠ said, a look-alike when equal
 *   {"file", "region": [from, to]}              lines read exhaustively: every term error there is labelled
 *
 * A correction in a labelled file is judged:
 * - at an error label (same line, overlapping text): right if it gives what was said, else wrong;
 * - at a look-alike label: a false correction;
 * - elsewhere inside a region: wrong (every error there is labelled);
 * - elsewhere: unjudged (counted, listed with --verbose, not in precision).
 * precision = right / (right + wrong + false); recall = errors corrected right / errors;
 * false-correction rate = look-alikes changed / look-alikes.
 */
import { readFileSync } from 'node:fs';
import type { DB } from '../store/db.js';
import { listCorrections, type CorrectionRow } from '../terms/store.js';
import { foldText } from '../terms/term-index.js';

export interface Label { file: string; line: number; heard: string; said: string; type?: string }
interface Region { file: string; region: [number, number] }

export interface CorrectionScore {
  errors: number;
  lookAlikes: number;
  files: number;
  corrections: number;
  right: number;
  wrong: number;
  falseCorrections: number;
  unjudged: number;
  precision: number;
  recall: number;
  falseCorrectionRate: number;
  details: { verdict: 'right' | 'wrong' | 'false' | 'unjudged'; correction: CorrectionRow; label?: Label }[];
  missed: Label[];
}

export function loadLabels(path: string): { labels: Label[]; regions: Region[] } {
  const labels: Label[] = [];
  const regions: Region[] = [];
  readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let r: Label | Region;
    try {
      r = JSON.parse(line);
    } catch (e) {
      throw new Error(`${path}:${i + 1}: not JSON (${(e as Error).message})`);
    }
    if ('region' in r) regions.push(r);
    else labels.push(r);
  });
  return { labels, regions };
}

/** Same term whatever the script, case, spacing or punctuation. */
const same = (a: string, b: string) => squash(a) === squash(b);
const squash = (s: string) => foldText(s).replace(/[^\p{L}\p{N}]/gu, '');
const overlaps = (a: string, b: string) => {
  const x = squash(a), y = squash(b);
  return x.includes(y) || y.includes(x);
};

/** Whether the correction says what was said, also when it covers more or less than the label. */
function gives(c: CorrectionRow, l: Label): boolean {
  if (same(c.corrected, l.said)) return true;
  const [o, k, h, s] = [c.original, c.corrected, l.heard, l.said].map(squash) as [string, string, string, string];
  if (o.includes(h)) return o.replace(h, s) === k;
  if (h.replace(o, k) === s) return true;
  // A part of the span corrected to a part of what was said ("Linear Tension" of "Flystin Linear Tension").
  return h.includes(o) && s.includes(k) && o !== k;
}

export function scoreCorrections(db: DB, labelsPath: string, keep: (c: CorrectionRow) => boolean = () => true): CorrectionScore {
  const { labels, regions } = loadLabels(labelsPath);
  const files = new Set([...labels.map((l) => l.file), ...regions.map((r) => r.file)]);
  const corrections = listCorrections(db).filter((c) => files.has(c.origin) && keep(c));
  const score: CorrectionScore = {
    errors: labels.filter((l) => l.heard !== l.said).length, lookAlikes: labels.filter((l) => l.heard === l.said).length,
    files: files.size, corrections: corrections.length, right: 0, wrong: 0, falseCorrections: 0, unjudged: 0,
    precision: 0, recall: 0, falseCorrectionRate: 0, details: [], missed: [],
  };
  const fixed = new Set<Label>();
  const changedLookAlikes = new Set<Label>();
  for (const c of corrections) {
    const label = labels.find((l) => l.file === c.origin && l.line === c.line && overlaps(l.heard, c.original));
    let verdict: CorrectionScore['details'][number]['verdict'];
    if (label && label.heard === label.said) {
      verdict = 'false';
      changedLookAlikes.add(label);
    } else if (label) {
      verdict = gives(c, label) ? 'right' : 'wrong';
      if (verdict === 'right') fixed.add(label);
    } else {
      verdict = regions.some((r) => r.file === c.origin && c.line !== null && c.line >= r.region[0] && c.line <= r.region[1]) ? 'wrong' : 'unjudged';
    }
    score.details.push({ verdict, correction: c, label });
    if (verdict === 'right') score.right++;
    else if (verdict === 'wrong') score.wrong++;
    else if (verdict === 'false') score.falseCorrections++;
    else score.unjudged++;
  }
  const judged = score.right + score.wrong + score.falseCorrections;
  score.precision = judged ? score.right / judged : 1;
  score.recall = score.errors ? fixed.size / score.errors : 0;
  score.falseCorrectionRate = score.lookAlikes ? changedLookAlikes.size / score.lookAlikes : 0;
  score.missed = labels.filter((l) => l.heard !== l.said && !fixed.has(l));
  return score;
}

/** The evaluation as a table, with the entity counts of the library it ran on. */
export function correctionReport(db: DB, labelsPath: string): string {
  const byLlm = (c: CorrectionRow) => c.reason.startsWith('LLM:');
  const s = scoreCorrections(db, labelsPath, (c) => !byLlm(c));
  const withLlm = listCorrections(db).some(byLlm) ? scoreCorrections(db, labelsPath) : undefined;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const row = (label: string, x: CorrectionScore) =>
    `| ${label} | ${pct(x.precision)} | ${pct(x.recall)} | ${pct(x.falseCorrectionRate)} | ${x.right} / ${x.wrong} / ${x.falseCorrections} | ${x.unjudged} |`;
  const entities = db.prepare(
    `SELECT e.type, count(DISTINCT e.id) AS n FROM entities e WHERE EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = e.id) GROUP BY e.type ORDER BY e.type`,
  ).all() as { type: string; n: number }[];
  const total = db.prepare('SELECT count(*) FROM corrections').pluck().get() as number;
  const lines = [
    `Corrections — ${s.errors} labelled recognition errors and ${s.lookAlikes} correct look-alikes in ${s.files} corpus files (bench/corrections.jsonl)`,
    '',
    '| corrector | precision | recall | false-correction rate | right / wrong / look-alikes changed | unjudged (outside read regions) |',
    '|---|---|---|---|---|---|',
    row('offline (lexicon + document evidence)', s),
    withLlm ? row('with the LLM pass', withLlm) : '| with the LLM pass | (no LLM configured: set ENGRAM_LLM_URL and ENGRAM_LLM_MODEL) | | | | |',
    '',
    `Library: ${total} corrections; entities mentioned: ${entities.map((e) => `${e.n} ${e.type}`).join(', ')}.`,
  ];
  if (process.env.ENGRAM_EVAL_VERBOSE) {
    for (const d of (withLlm ?? s).details) if (d.verdict !== 'right') lines.push(`  ${d.verdict}: ${d.correction.origin}:${d.correction.line} ${d.correction.original} → ${d.correction.corrected} (${d.correction.reason})`);
  }
  return lines.join('\n');
}
