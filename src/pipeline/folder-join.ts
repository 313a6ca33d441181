/**
 * When a file that names no media item joins the item its folder is about. A folder is not an
 * item by itself: an episode folder holds `transcript.md`, `transcript_raw.md` and `summary.md`
 * of one episode, but a folder of lectures holds files about different things. So a file
 * without a key of its own joins a sibling's item only when that is evident from its name:
 *
 * - its name only says what kind of rendition it is (`summary.md`, `transcript_raw.md`,
 *   `subtitles.en.vtt`), and the folder's other files name exactly one item;
 * - its name is a sibling's name (`talk.srt` next to `talk.md`, language tags aside);
 * - its name holds the item's ID (`693b46ec…-captions.srt`);
 * - the folder is named like the file (`ep-12/ep-12.srt`).
 *
 * Pure: the pipeline supplies the siblings that name an item, and reports each join.
 */
import { posix } from 'node:path';

/** A file of the same folder that names a media item. */
export interface KeyedSibling {
  relPath: string;
  key: string;
}

export interface FolderJoin {
  key: string;
  /** Why the file joined, for the ingest report. */
  why: string;
}

/** Words that only say what kind of rendition a file is, not what it is about. */
const RENDITION_WORDS = new Set([
  'transcript', 'transcripts', 'transcription', 'raw', 'clean', 'cleaned', 'diarized', 'named', 'speakers',
  'summary', 'summaries', 'subtitle', 'subtitles', 'subs', 'caption', 'captions', 'cc', 'auto', 'asr',
  'whisper', 'whisperx', 'recognition', 'audio', 'video', 'episode', 'original', 'full', 'final',
]);

/** A language tag as a name segment: `.en`, `.zh-Hans`, `.pt-BR`. */
const LANGUAGE_TAG = /^[a-z]{2,3}(?:[-_][a-z]{2,4})?$/i;

/** The name without extension and language tags, lower-cased: `talk.zh-Hans.vtt` → `talk`. */
export function nameStem(relPath: string): string {
  const parts = posix.basename(relPath).split('.');
  if (parts.length > 1) parts.pop();
  while (parts.length > 1 && LANGUAGE_TAG.test(parts.at(-1)!)) parts.pop();
  return parts.join('.').toLowerCase();
}

function onlyRenditionWords(stem: string): boolean {
  const words = stem.split(/[\s._-]+/).filter(Boolean);
  return words.length > 0 && words.every((w) => RENDITION_WORDS.has(w));
}

/** The ID inside a media key: a YouTube ID, or the last path segment of an episode URL when it looks like an ID. */
function mediaId(key: string): string | undefined {
  if (key.startsWith('youtube:')) return key.slice('youtube:'.length);
  if (!key.startsWith('url:')) return undefined;
  try {
    const last = new URL(key.slice('url:'.length)).pathname.split('/').filter(Boolean).pop() ?? '';
    return /^(?=.*\d)[A-Za-z0-9_-]{8,}$/.test(last) ? last : undefined;
  } catch {
    return undefined;
  }
}

export function folderJoin(relPath: string, siblings: readonly KeyedSibling[]): FolderJoin | undefined {
  const keys = [...new Set(siblings.map((s) => s.key))];
  if (keys.length === 0) return undefined;
  const stem = nameStem(relPath);
  const base = posix.basename(relPath);

  const sameName = [...new Set(siblings.filter((s) => nameStem(s.relPath) === stem).map((s) => s.key))];
  if (sameName.length === 1) return { key: sameName[0]!, why: `same name as ${posix.basename(siblings.find((s) => s.key === sameName[0])!.relPath)}` };

  const byId = keys.filter((k) => {
    const id = mediaId(k);
    return id !== undefined && base.includes(id);
  });
  if (byId.length === 1) return { key: byId[0]!, why: `its name holds the ID ${mediaId(byId[0]!)}` };

  if (keys.length !== 1) return undefined;
  if (onlyRenditionWords(stem)) return { key: keys[0]!, why: 'an episode folder file' };
  const folder = posix.basename(posix.dirname(relPath));
  if (folder !== '.' && folder.toLowerCase() === stem) return { key: keys[0]!, why: 'named like its folder' };
  return undefined;
}
