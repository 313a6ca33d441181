/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher 2009): each ranking gives a document
 * 1 / (K + rank); the sums order the fused list. It needs no score calibration between BM25
 * and cosine similarity, which live on unrelated scales, and K = 60 is the paper's constant,
 * which keeps one list's top result from drowning the other's.
 */
export const RRF_K = 60;

/** Fused scores of the items of several rankings (best first in each), best first. */
export function reciprocalRankFusion<T>(rankings: readonly (readonly T[])[], k = RRF_K): [T, number][] {
  const scores = new Map<T, number>();
  for (const ranking of rankings) {
    ranking.forEach((item, i) => scores.set(item, (scores.get(item) ?? 0) + 1 / (k + i + 1)));
  }
  return [...scores].sort((a, b) => b[1] - a[1]);
}
