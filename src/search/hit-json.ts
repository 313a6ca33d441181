/**
 * The JSON shape of a search hit, the one `engram search --json`, `/api/search` and the MCP
 * `search` tool all give (the README documents it): the document, its best passage (with its
 * id, to read around it, and a deep link to its moment), the score, highlight offsets into the
 * passage text, and how many more passages of the document matched.
 */
import type { SearchHit } from './search.js';

export interface HitJson {
  document: SearchHit['document'];
  passage: {
    id: number; text: string; start: number | null; end: number | null; speaker: string | null;
    rendition: string; link: string | null;
    /**
     * The time a summary read from a file gives for the passage, as it gives it; null for other
     * passages. Such a passage's `start` and `link` are where the transcript has its quote; when
     * it was not found, `start` is null and `link` the media URL (quotes/times.ts).
     */
    claimed_start: number | null;
  } | null;
  score: number;
  highlights: [number, number][];
  more: number;
}

export function hitJson(h: SearchHit): HitJson {
  const p = h.passage;
  return {
    document: h.document,
    passage: p && { id: p.id, text: p.text, start: p.start, end: p.end, speaker: p.speaker, rendition: p.rendition, link: p.link, claimed_start: p.claimedStart },
    score: h.score,
    highlights: h.highlights,
    more: h.more,
  };
}
