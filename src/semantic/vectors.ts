/**
 * Passage vectors in the library (table `passage_vectors`, migration 2): which passages
 * still need one, storing a batch, and the nearest passages to a query vector.
 *
 * Embedded: content passages (never boilerplate), except raw machine transcripts, which
 * repeat their cleaned transcript. The text embedded is the document title and the passage,
 * so a passage that says "he" still carries what it is about.
 *
 * Nearest neighbours are exact (a dot product with every vector of the model). The vectors
 * are read once into one Float32Array per connection and reread when their count changes:
 * 100,000 passages of 1,024 dimensions are 400 MB, a scan of them ~0.1 s.
 */
import type { DB } from '../store/db.js';
import { stmt } from '../store/statements.js';

/** Characters of title and passage sent to the model (most models take ~512 tokens). */
const MAX_CHARS = 2000;

export interface PendingPassage {
  id: number;
  text: string;
}

const ELIGIBLE = `p.role = 'content' AND r.kind <> 'raw-transcript'`;

/** Passages without a vector for `model`, in id order, at most `limit`. */
export function passagesToEmbed(db: DB, model: string, limit: number): PendingPassage[] {
  const rows = stmt(db,
    `SELECT p.id AS id, COALESCE(d.title, '') AS title, p.text AS text
       FROM passages p JOIN renditions r ON r.id = p.rendition_id JOIN documents d ON d.id = p.document_id
      WHERE ${ELIGIBLE} AND NOT EXISTS (SELECT 1 FROM passage_vectors v WHERE v.passage_id = p.id AND v.model = ?)
      ORDER BY p.id LIMIT ?`,
  ).all(model, limit) as { id: number; title: string; text: string }[];
  return rows.map((r) => ({ id: r.id, text: (r.title ? `${r.title}\n${r.text}` : r.text).slice(0, MAX_CHARS) }));
}

/** How many passages can have a vector, and how many have one for `model`. */
export function vectorCoverage(db: DB, model: string): { eligible: number; embedded: number } {
  const eligible = stmt(db, `SELECT count(*) FROM passages p JOIN renditions r ON r.id = p.rendition_id WHERE ${ELIGIBLE}`).pluck().get() as number;
  const embedded = stmt(db, 'SELECT count(*) FROM passage_vectors WHERE model = ?').pluck().get(model) as number;
  return { eligible, embedded };
}

export function storeVectors(db: DB, model: string, rows: { id: number; vector: Float32Array }[]): void {
  const insert = stmt(db, 'INSERT OR REPLACE INTO passage_vectors (passage_id, model, vector) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (const r of rows) insert.run(r.id, model, Buffer.from(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength));
  })();
}

interface Matrix { stamp: string; ids: Int32Array; dim: number; data: Float32Array }
const matrices = new WeakMap<DB, Map<string, Matrix>>();

function matrix(db: DB, model: string): Matrix | undefined {
  const { n, last } = stmt(db, 'SELECT count(*) AS n, max(passage_id) AS last FROM passage_vectors WHERE model = ?').get(model) as { n: number; last: number | null };
  if (n === 0) return undefined;
  const stamp = `${n}:${last}`;
  let byModel = matrices.get(db);
  if (!byModel) matrices.set(db, (byModel = new Map()));
  const hit = byModel.get(model);
  if (hit?.stamp === stamp) return hit;
  const rows = stmt(db, 'SELECT passage_id AS id, vector FROM passage_vectors WHERE model = ? ORDER BY passage_id').all(model) as { id: number; vector: Buffer }[];
  const dim = rows[0]!.vector.byteLength / 4;
  const ids = new Int32Array(rows.length);
  const data = new Float32Array(rows.length * dim);
  let k = 0;
  rows.forEach((r) => {
    if (r.vector.byteLength !== dim * 4) return; // a vector of another size: skipped
    ids[k] = r.id;
    data.set(new Float32Array(r.vector.buffer.slice(r.vector.byteOffset, r.vector.byteOffset + r.vector.byteLength)), k * dim);
    k++;
  });
  const m = { stamp, ids: ids.subarray(0, k), dim, data: data.subarray(0, k * dim) };
  byModel.set(model, m);
  return m;
}

/** Nearest passages fused into a search: enough to reach documents the word ranking puts beyond the first pages. */
export const SEMANTIC_NEIGHBOURS = 200;

/** Whether the library has vectors for `model`. */
export function hasVectors(db: DB, model: string): boolean {
  return stmt(db, 'SELECT 1 FROM passage_vectors WHERE model = ? LIMIT 1').pluck().get(model) !== undefined;
}

/** The `k` passages most similar to a unit query vector, best first, with their cosine. */
export function nearestPassages(db: DB, model: string, query: Float32Array, k: number): { id: number; similarity: number }[] {
  const m = matrix(db, model);
  if (!m) return [];
  if (query.length !== m.dim) {
    throw new Error(`the query vector has ${query.length} dimensions and the library's "${model}" vectors ${m.dim}: was the model changed? run engram embed`);
  }
  const n = m.ids.length;
  const best: { id: number; similarity: number }[] = [];
  let floor = -Infinity;
  for (let i = 0; i < n; i++) {
    let dot = 0;
    const off = i * m.dim;
    for (let j = 0; j < m.dim; j++) dot += m.data[off + j]! * query[j]!;
    if (best.length < k || dot > floor) {
      best.push({ id: m.ids[i]!, similarity: dot });
      if (best.length > k * 2) {
        best.sort((a, b) => b.similarity - a.similarity).length = k;
        floor = best[k - 1]!.similarity;
      }
    }
  }
  return best.sort((a, b) => b.similarity - a.similarity).slice(0, k);
}
