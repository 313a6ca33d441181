/**
 * The last resort: any Markdown or plain-text file no other parser claims becomes one document
 * (kind `text`) with passages from its Markdown blocks. It claims every non-empty file at 0.1,
 * so it wins only when nothing more specific does. A page engram exported for Obsidian is
 * read for what the user wrote in it only (engram-pages.ts).
 */
import type { FormatParser, ParsedDocument, ParseResult, SourceFile } from '../model.js';
import { markdownBlocks } from './markdown-blocks.js';
import { canonicalUrl, isoDate, mediaKey, youtubeIdFromUrl, youtubeUrl } from './media.js';
import { blocksToPassages } from './notes-passages.js';
import { frontMatter, type OutlineProperty } from './notes-outline.js';
import { aboutEntity, exportedPageKind, isExportedSection } from './engram-pages.js';
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
    const exported = exportedObsidianPage(text, file);
    if (exported) return exported;
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
 * A page engram exported for Obsidian (front matter with `type: engram document|entity`, then
 * `# Title` and engram's sections, each a `## ` heading over `  - ` items): what the user wrote
 * in it, as a note that joins its document by the page's `url`. Undefined for any other file.
 */
function exportedObsidianPage(text: string, file: SourceFile): ParseResult | undefined {
  const lines = text.split('\n');
  const props: OutlineProperty[] = [];
  const start = frontMatter(lines, props);
  const prop = (key: string) => props.find((p) => p.key === key)?.value || undefined;
  const kind = exportedPageKind(prop('type'));
  if (!kind) return undefined;
  // What engram wrote is blanked out, so the user's text keeps its line numbers.
  const own = lines.map((l, i) => (i < start ? '' : l));
  let title: string | undefined;
  let inSection = false;
  for (let i = start; i < own.length; i++) {
    const l = own[i]!;
    if (title === undefined && l.trim()) {
      title = /^# (.+)$/.exec(l)?.[1]?.trim() ?? '';
      if (title) own[i] = '';
    } else if (isExportedSection(l)) {
      inSection = true;
      own[i] = '';
    } else if (inSection && (!l.trim() || /^ {2}- /.test(l))) {
      own[i] = ''; // one of engram's items
    } else if (inSection && /^ {3,}\S/.test(l)) {
      own[i] = l.slice(2); // a line the user nested under one of engram's items: theirs (as a list of its own)
    } else {
      inSection = false;
    }
  }
  const passages = blocksToPassages(markdownBlocks(own.join('\n')));
  // engram's own page, and the user wrote nothing in it: the library holds all it says.
  if (!passages.length) return { documents: [], warnings: [], nothingToRead: true };
  const url = prop('url');
  const date = isoDate(prop('date'));
  const doc: ParsedDocument = { key: mediaKey({ url, file }), kind: 'note', metadata: {}, passages };
  if (title) doc.title = title;
  if (date) doc.date = date;
  if (url) doc.url = canonicalUrl(url);
  if (kind === 'entity' && title) doc.metadata.aboutEntity = aboutEntity(title, prop);
  return { documents: [doc], warnings: [] };
}

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
