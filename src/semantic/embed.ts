/**
 * `engram embed`: vectors for the passages that have none, batch by batch. Each batch is
 * committed as it comes back, so an interrupted run (Ctrl-C, a dead endpoint) keeps what it
 * did and the next run goes on from there.
 */
import type { DB } from '../store/db.js';
import { stmt } from '../store/statements.js';
import type { Embedder } from '../providers/embeddings.js';
import { passagesToEmbed, storeVectors, vectorCoverage } from './vectors.js';

export interface EmbedProgress {
  embedded: number;
  /** Passages that needed a vector when the run started (or the limit, if lower). */
  todo: number;
  elapsedMs: number;
}

export interface EmbedReport {
  model: string;
  /** Vectors computed in this run. */
  embedded: number;
  /** Eligible passages still without a vector. */
  remaining: number;
  /** Eligible passages in the library. */
  eligible: number;
  elapsedMs: number;
  /** Why the run stopped early, if it did. */
  error?: string;
}

export interface EmbedOptions {
  batchSize?: number;
  /** Embed at most this many passages in this run. */
  limit?: number;
  onProgress?: (p: EmbedProgress) => void;
  signal?: AbortSignal;
}

export async function embedLibrary(db: DB, embedder: Embedder, opts: EmbedOptions = {}): Promise<EmbedReport> {
  const t0 = performance.now();
  const batchSize = opts.batchSize ?? 64;
  const before = vectorCoverage(db, embedder.model);
  const todo = Math.min(before.eligible - before.embedded, opts.limit ?? Infinity);
  const dim = existingDimension(db, embedder.model);
  let embedded = 0;
  let error: string | undefined;
  while (embedded < todo && !opts.signal?.aborted) {
    const batch = passagesToEmbed(db, embedder.model, Math.min(batchSize, todo - embedded));
    if (batch.length === 0) break;
    try {
      const vectors = await embedder.embed(batch.map((p) => p.text), opts.signal);
      const size = dim ?? vectors[0]!.length;
      const wrong = vectors.find((v) => v.length !== size);
      if (wrong) throw new Error(`the model returned ${wrong.length} dimensions where the library's "${embedder.model}" vectors have ${size}`);
      storeVectors(db, embedder.model, batch.map((p, i) => ({ id: p.id, vector: vectors[i]! })));
    } catch (e) {
      error = (e as Error).message;
      break;
    }
    embedded += batch.length;
    opts.onProgress?.({ embedded, todo, elapsedMs: performance.now() - t0 });
  }
  const after = vectorCoverage(db, embedder.model);
  return { model: embedder.model, embedded, remaining: after.eligible - after.embedded, eligible: after.eligible, elapsedMs: performance.now() - t0, ...(error ? { error } : {}) };
}

function existingDimension(db: DB, model: string): number | undefined {
  const bytes = stmt(db, 'SELECT length(vector) FROM passage_vectors WHERE model = ? LIMIT 1').pluck().get(model) as number | undefined;
  return bytes === undefined ? undefined : bytes / 4;
}
