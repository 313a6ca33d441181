/**
 * Digest archive pages: a YouTube channel's video list where each video is a collapsible
 * `<details>` entry holding its numbered summary line, a link + thumbnail, the title again as
 * `# title`, an LLM-cleaned transcript, a model tag `[model=…]`, `---` and `</details>`.
 * One document (kind `transcript`) per entry, joined to the video by its YouTube ID.
 */
import type { FormatParser, ParsedDocument, ParseWarning, SourceFile } from '../model.js';
import { markdownBlocks, type MarkdownBlock } from './markdown-blocks.js';
import { canonicalUrl, mediaKey, youtubeIdFromUrl, youtubeUrl } from './media.js';
import { splitArchiveEntries, type ArchiveEntry } from './archive-entries.js';
import { parseArchiveSummary, type ArchiveSummary } from './archive-summary.js';
import { blocksToPassages } from './notes-passages.js';
import { decodeEntities, splitLines } from './text-utils.js';

const MODEL_TAG = /^\s*\[model=([^\]\n]+)\]\s*$/;

export const digestArchive: FormatParser = {
  name: 'digest-archive',

  detect(file: SourceFile): number {
    const head = file.text.slice(0, 4096);
    if (!/^\s*<details\b/im.test(head) || !/<summary\b/i.test(head)) return 0;
    if (/<summary\b[^>]*>\s*\d+[.．、]\s/i.test(head)) return 0.95;
    // Collapsible sections without numbered summaries: an archive only if it links a video.
    return youtubeIdFromUrl(head) ? 0.4 : 0;
  },

  parse(file: SourceFile) {
    const lines = splitLines(file.text);
    const { entries, warnings } = splitArchiveEntries(lines);
    const documents = entries.map((e, i) => entryDocument(file, lines, e, i + 1, warnings));
    return { documents, warnings };
  },
};

function entryDocument(file: SourceFile, lines: string[], e: ArchiveEntry, entry: number, warnings: ParseWarning[]): ParsedDocument {
  const summary = e.summary === undefined ? undefined : parseArchiveSummary(e.summary);
  const body = lines.slice(e.bodyStart, e.bodyEnd);
  const model = takeProvenanceLines(body);
  const blocks = markdownBlocks(body.join('\n'));

  // The link + thumbnail HTML gives the video; it is not a passage (raw HTML blocks never are).
  const youtubeId = linkedVideo(body);
  // Else the episode page it links (a podcast's, as engram's md digests write them): the same
  // document as the files that name that URL. Not a link to engram's own page of a document.
  const url = youtubeId ? undefined : linkedPage(body);
  const contentBlocks = dropRepeatedTitle(
    blocks.filter((b) => b.kind !== 'html'),
    summary,
  );
  if (!youtubeId && !url) warnings.push({ line: e.open + 1, message: `entry ${entry}: no YouTube or episode link; keyed by file and entry` });

  const doc: ParsedDocument = {
    key: mediaKey({ youtubeId, url, file, entry }),
    kind: 'transcript',
    entry,
    metadata: {},
    passages: blocksToPassages(contentBlocks, { lineOffset: e.bodyStart }),
    // The entry's own Markdown from its first content block on: no link HTML, no repeated title,
    // no model tag (a title-only entry has an empty body, not the whole page).
    body: contentBlocks.length ? body.slice(contentBlocks[0]!.line - 1).join('\n').trim() : '',
  };
  if (summary?.title) doc.title = summary.title;
  if (summary?.date) doc.date = summary.date;
  if (youtubeId) doc.url = youtubeUrl(youtubeId);
  else if (url) doc.url = canonicalUrl(url);
  if (summary?.number !== undefined) doc.metadata.number = summary.number;
  if (summary?.category) doc.metadata.category = summary.category;
  if (summary?.keywords.length) doc.metadata.keywords = summary.keywords;
  if (model) doc.metadata.model = model;
  return doc;
}

/** The video of the entry's `<a href>` / `<img src>` (HTML, so not in Markdown's link list). */
function linkedVideo(body: string[]): string | undefined {
  for (const line of body) {
    for (const m of line.matchAll(/\b(?:href|src)\s*=\s*["']([^"']+)["']/gi)) {
      const id = youtubeIdFromUrl(m[1]!);
      if (id) return id;
    }
  }
  return undefined;
}

/** The first web page the entry's `<a href>` links, unless it is a document page of engram's web app (`…/documents/ID`). */
function linkedPage(body: string[]): string | undefined {
  for (const line of body) {
    for (const m of line.matchAll(/\bhref\s*=\s*["'](https?:\/\/[^"']+)["']/gi)) {
      const href = decodeEntities(m[1]!);
      if (!/\/documents\/\d+\/?(?:[?#].*)?$/.test(href)) return href;
    }
  }
  return undefined;
}

/**
 * Blanks (in place, so line numbers hold) the lines that are provenance or framing rather than
 * text: the `[model=…]` tag, and the `---` closing the entry, which right after a paragraph
 * would otherwise turn it into a setext heading. Returns the model tag.
 */
function takeProvenanceLines(body: string[]): string | undefined {
  let model: string | undefined;
  for (let k = 0; k < body.length; k++) {
    const m = MODEL_TAG.exec(body[k]!);
    if (m) {
      model ??= m[1]!.trim();
      body[k] = '';
    }
  }
  for (let k = body.length - 1; k >= 0; k--) {
    if (!body[k]!.trim()) continue;
    if (/^\s*(-{3,}|\*{3,}|_{3,})\s*$/.test(body[k]!)) body[k] = '';
    break;
  }
  return model;
}

/** The `# title` the page repeats at the top of the body (when it precedes any content). */
function dropRepeatedTitle(blocks: MarkdownBlock[], summary: ArchiveSummary | undefined): MarkdownBlock[] {
  const first = blocks[0];
  if (!first || first.kind !== 'heading' || !summary) return blocks;
  // Same title once category and keywords are set aside (the heading may differ in spacing or wrapping).
  const squash = (s: string) => s.replace(/\s+/g, '');
  const same = squash(parseArchiveSummary(first.text).title) === squash(summary.title);
  return same ? blocks.slice(1) : blocks;
}
