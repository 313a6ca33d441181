/**
 * A corpus N times the size of the real one, for `npm run bench -- --scale N`: the real
 * files repeated N times, each copy with its own media identities (YouTube IDs, episode IDs
 * and URLs rewritten consistently within the copy, so a copy's renditions still join each
 * other but never another copy's) and its own dates (shifted back one year per copy).
 * Copy 0 is the corpus as it is.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { walk } from '../sources/folder.js';
import { youtubeIdFromPath } from '../formats/media.js';

const YT_IN_URL = /(?:[?&]v=|\/vi\/|youtu\.be\/|\/shorts\/|\/embed\/)([A-Za-z0-9_-]{11})(?![A-Za-z0-9_-])/g;
const TOKEN_11 = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{11}(?![A-Za-z0-9_-])/g;
const HEX_ID = /\b[0-9a-f]{24}\b/g;
const URL = /https?:\/\/[^\s)\]>"'<，。、）]+/g;
const DATE = /\b(20\d\d)-(\d\d)-(\d\d)\b/g;

export function buildScaledCorpus(source: string, dest: string, copies: number): { files: number; bytes: number } {
  const { files } = walk([source]);
  const texts = files.map((f) => ({ rel: f.relPath, text: readFileSync(f.absPath, 'utf8') }));
  const ytIds = new Set<string>();
  for (const { rel, text } of texts) {
    const fromPath = youtubeIdFromPath(rel);
    if (fromPath) ytIds.add(fromPath);
    for (const m of text.matchAll(YT_IN_URL)) ytIds.add(m[1]!);
  }
  let bytes = 0;
  for (let k = 0; k < copies; k++) {
    for (const { rel, text } of texts) {
      const out = k === 0 ? text : rewrite(text, k, ytIds);
      const path = join(dest, `copy-${k}`, k === 0 ? rel : rel.replace(/[^/]+$/, (base) => base.replace(TOKEN_11, (t) => (ytIds.has(t) ? mapId(t, k) : t))));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, out);
      bytes += Buffer.byteLength(out);
    }
  }
  return { files: texts.length * copies, bytes };
}

function rewrite(text: string, k: number, ytIds: Set<string>): string {
  return text
    .replace(URL, (url) => (/youtu/.test(url) ? url : `${url}${url.includes('?') ? '&' : '?'}copy=${k}`))
    .replace(TOKEN_11, (t) => (ytIds.has(t) ? mapId(t, k) : t))
    .replace(HEX_ID, (t) => createHash('sha1').update(`${k}:${t}`).digest('hex').slice(0, 24))
    .replace(DATE, (_m, y: string, mo: string, d: string) => `${Number(y) - k}-${mo}-${mo === '02' && d === '29' ? '28' : d}`);
}

/** A stable 11-character YouTube-like ID for `id` in copy `k`. */
function mapId(id: string, k: number): string {
  return createHash('sha1').update(`${k}:${id}`).digest('base64url').slice(0, 11);
}
