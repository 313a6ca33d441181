/**
 * Orama as its guide for Chinese sets it up ("Using Chinese with Orama"): the Mandarin
 * tokenizer from @orama/tokenizers (Intl.Segmenter words) with the Mandarin stop words from
 * @orama/stopwords, over the same passages as the other peers (title and text), searched
 * with Orama's defaults (BM25, any term may match: threshold 1).
 *
 * Measured as shipped: in 3.1.18 the Mandarin tokenizer neither lowercases nor drops the stop
 * words it is given (its tokenize function is bound to itself, not to its configuration), so
 * `deepseek` does not find `DeepSeek` and 的 is an ordinary term. A user following the guide
 * gets exactly this.
 */
import { create, insertMultiple, search } from '@orama/orama';
import { createTokenizer } from '@orama/tokenizers/mandarin';
import { stopwords } from '@orama/stopwords/mandarin';
import { topDocs, type PassageRow, type Searcher } from './peers.js';

export async function oramaSearcher(rows: PassageRow[]): Promise<Searcher> {
  const t = performance.now();
  const db = create({
    schema: { title: 'string', text: 'string' } as const,
    components: { tokenizer: await createTokenizer({ language: 'mandarin', stopWords: stopwords }) },
  });
  await insertMultiple(db, rows.map((r) => ({ id: String(r.id), title: r.title, text: r.text })));
  const buildMs = performance.now() - t;
  const docOf = new Map(rows.map((r) => [r.id, r.doc]));
  return {
    name: 'Orama',
    buildMs,
    docs: async (q, limit = 10) => {
      const found = await search(db, { term: q, limit: limit * 20 });
      return topDocs(found.hits.map((h) => Number(h.id)), docOf, limit);
    },
  };
}
