/**
 * The judged query set (bench/judged.jsonl) and its metrics.
 *
 * Each line is `{class, query, relevant: {REF: grade}}`, grades 1–3 (3: what the query is
 * after; 2: substantially about it; 1: a relevant mention; unlisted: 0). REF names a media
 * item the way the corpus does, never by engram's ids, so any searcher can be judged:
 * `yt:VIDEOID` for a YouTube video, the episode folder for a podcast
 * (`teahose/SHOW/EPISODE`), else the file (`seeds/FILE#N` for the Nth entry of a file).
 *
 * Metrics over the top 10 documents: nDCG@10 (gain 2^grade − 1), MRR of the first
 * relevant document, recall@10 of relevant documents (divided by min(10, relevant), so a
 * broad topic with 40 relevant documents can still reach 1). "Relevant" is grade ≥ 2 when
 * the query has such labels, else grade ≥ 1. A document seen twice (two documents with the
 * same REF) gains only once.
 */
import { readFileSync } from 'node:fs';
import type { DB } from '../store/db.js';

export interface JudgedQuery {
  class: string;
  query: string;
  relevant: Record<string, number>;
}

export function loadJudged(path: string): JudgedQuery[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const q = JSON.parse(l) as JudgedQuery;
      if (!q.query || !q.class || typeof q.relevant !== 'object') throw new Error(`${path}:${i + 1}: expected {class, query, relevant}`);
      return q;
    });
}

/** Every REF a document answers to: its video ID, its episode folders, its files. */
export function documentRefs(db: DB): Map<number, string[]> {
  const refs = new Map<number, Set<string>>();
  const add = (doc: number, ref: string) => {
    let s = refs.get(doc);
    if (!s) refs.set(doc, (s = new Set()));
    s.add(ref);
  };
  for (const d of db.prepare('SELECT id, key FROM documents').all() as { id: number; key: string }[]) {
    if (d.key.startsWith('youtube:')) add(d.id, `yt:${d.key.slice('youtube:'.length)}`);
  }
  const origins = db
    .prepare(`SELECT r.document_id AS doc, f.rel_path || COALESCE('#' || r.entry, '') AS origin FROM renditions r JOIN files f ON f.id = r.file_id`)
    .all() as { doc: number; origin: string }[];
  for (const { doc, origin } of origins) {
    add(doc, origin);
    // A podcast episode is its folder (transcript, raw transcript and summary live there).
    if (origin.startsWith('teahose/')) add(doc, origin.split('/').slice(0, 3).join('/'));
  }
  return new Map([...refs].map(([doc, s]) => [doc, [...s]]));
}

export interface Scores { ndcg: number; mrr: number; recall: number }

export function score(ranked: number[], q: JudgedQuery, refs: Map<number, string[]>, k = 10): Scores {
  const labels = Object.entries(q.relevant);
  const threshold = labels.some(([, g]) => g >= 2) ? 2 : 1;
  const credited = new Set<string>();
  let dcg = 0;
  let mrr = 0;
  let found = 0;
  ranked.slice(0, k).forEach((doc, i) => {
    let best: [string, number] | undefined;
    for (const ref of refs.get(doc) ?? []) {
      const g = q.relevant[ref];
      if (g !== undefined && !credited.has(ref) && (!best || g > best[1])) best = [ref, g];
    }
    if (!best) return;
    // The same media item under another key (identical renditions stored twice) counts once.
    for (const ref of refs.get(doc) ?? []) credited.add(ref);
    dcg += (2 ** best[1] - 1) / Math.log2(i + 2);
    if (best[1] >= threshold) {
      found++;
      if (mrr === 0) mrr = 1 / (i + 1);
    }
  });
  const ideal = labels.map(([, g]) => g).sort((a, b) => b - a).slice(0, k);
  const idcg = ideal.reduce((s, g, i) => s + (2 ** g - 1) / Math.log2(i + 2), 0);
  const relevant = labels.filter(([, g]) => g >= threshold).length;
  return { ndcg: idcg ? dcg / idcg : 0, mrr, recall: relevant ? found / Math.min(k, relevant) : 0 };
}

/** Mean scores per class and over all queries ("all"), classes in first-seen order. */
export function byClass(queries: JudgedQuery[], scores: Scores[]): Map<string, Scores & { n: number }> {
  const out = new Map<string, Scores & { n: number }>();
  const add = (key: string, s: Scores) => {
    const m = out.get(key) ?? { ndcg: 0, mrr: 0, recall: 0, n: 0 };
    out.set(key, { ndcg: m.ndcg + s.ndcg, mrr: m.mrr + s.mrr, recall: m.recall + s.recall, n: m.n + 1 });
  };
  queries.forEach((q, i) => {
    add(q.class, scores[i]!);
    add('all', scores[i]!);
  });
  for (const [k, m] of out) out.set(k, { ndcg: m.ndcg / m.n, mrr: m.mrr / m.n, recall: m.recall / m.n, n: m.n });
  const all = out.get('all')!;
  out.delete('all');
  out.set('all', all);
  return out;
}
