/**
 * The last resort: any Markdown or plain-text file no other parser claims becomes one document
 * (kind `text`) with passages from its Markdown blocks. It claims every non-empty file at 0.1,
 * so it wins only when nothing more specific does.
 */
import type { FormatParser, ParsedDocument, SourceFile } from '../model.js';
import { markdownBlocks } from './markdown-blocks.js';
import { mediaKey, youtubeIdFromUrl, youtubeUrl } from './media.js';
import { blocksToPassages } from './notes-passages.js';
import { firstLine, normalizeNewlines, truncate } from './text-utils.js';

const TITLE_CHARS = 80;
/** A video linked this early (the header of a note or summary) can be what the file is about. */
const HEADER_LINES = 20;

export const markdownFallback: FormatParser = {
  name: 'markdown',

  detect(file: SourceFile): number {
    return file.text.trim() ? 0.1 : 0;
  },

  parse(file: SourceFile) {
    const text = normalizeNewlines(file.text);
    const passages = blocksToPassages(markdownBlocks(text));
    // The opening heading, or else the opening line: a heading further down names a section, not the file.
    const line = passages[0] && firstLine(passages[0].text);
    const title = line ? truncate(line, TITLE_CHARS) : undefined;
    const youtubeId = onlyVideo(text);
    const doc: ParsedDocument = {
      key: mediaKey({ youtubeId, file }),
      kind: 'text',
      metadata: {},
      passages,
    };
    if (title) doc.title = title;
    if (youtubeId) doc.url = youtubeUrl(youtubeId);
    return { documents: [doc], warnings: [] };
  },
};

/**
 * The YouTube video the text is clearly about: every YouTube link in it names the same video,
 * and one of them is in the first lines. A note that cites several videos stays file-keyed.
 */
function onlyVideo(text: string): string | undefined {
  const ids = new Set<string>();
  let early = false;
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/(?:https?:\/\/)?(?:[\w-]+\.)?(?:youtube\.com|youtu\.be)\/\S+/g)) {
      const id = youtubeIdFromUrl(m[0]);
      if (!id) continue;
      ids.add(id);
      if (i < HEADER_LINES) early = true;
    }
  });
  return ids.size === 1 && early ? [...ids][0] : undefined;
}
