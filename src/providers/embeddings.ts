/**
 * Text embeddings from an OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, Ollama,
 * vLLM, llama.cpp's server, LM Studio, text-embeddings-inference…), configured like every
 * service (src/config.ts): `ENGRAM_EMBED_URL` (base URL ending in /v1), `ENGRAM_EMBED_MODEL`,
 * `ENGRAM_EMBED_KEY`. HTTP failures are retried by providers/http.ts.
 *
 * Vectors come back L2-normalized, so a dot product is their cosine similarity.
 */
import type { ServiceSettings } from '../config.js';
import { authHeaders, endpoint, fetchWithRetry, type FetchOptions } from './http.js';

export interface Embedder {
  /** The model name vectors are stored under (vectors of different models never mix). */
  readonly model: string;
  /** One unit vector per text, in order. */
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

export class EmbeddingError extends Error {}

/** An embedder for the configured endpoint; throws when the URL or model is missing. */
export function openAIEmbedder(settings: ServiceSettings, http: Partial<FetchOptions> = {}): Embedder {
  const { url, model, key } = settings;
  if (!url) throw new EmbeddingError('no embeddings endpoint: set ENGRAM_EMBED_URL (or --embed-url, or "embed.url" in config.json)');
  if (!model) throw new EmbeddingError('no embeddings model: set ENGRAM_EMBED_MODEL (or --embed-model, or "embed.model" in config.json)');
  const target = endpoint(url, '/embeddings');
  return {
    model,
    async embed(texts, signal) {
      if (texts.length === 0) return [];
      const res = await fetchWithRetry(
        target,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...authHeaders(key) },
          body: JSON.stringify({ model, input: texts, encoding_format: 'float' }),
        },
        { ...http, ...(signal ? { signal } : {}) },
      );
      const body = (await res.json().catch(() => undefined)) as { data?: { embedding?: unknown; index?: number }[] } | undefined;
      const data = body?.data;
      if (!Array.isArray(data) || data.length !== texts.length) {
        throw new EmbeddingError(`${target}: expected ${texts.length} embeddings in "data", got ${Array.isArray(data) ? data.length : 'none'}`);
      }
      const ordered = [...data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
      return ordered.map((d, i) => {
        if (!Array.isArray(d.embedding) || d.embedding.length === 0 || !d.embedding.every((x) => typeof x === 'number' && Number.isFinite(x))) {
          throw new EmbeddingError(`${target}: embedding ${i} is not a list of numbers`);
        }
        return normalize(Float32Array.from(d.embedding as number[]));
      });
    },
  };
}

/** Scales a vector to unit length (a zero vector stays zero). */
export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}
