/**
 * Logseq pages and journals: one document (kind `note`) per file, one passage per outline block.
 * Properties are metadata, never passages. A page whose subject is one URL (a `url::` /
 * `source::` property, or a block holding nothing but that URL) takes that URL's media key, so
 * notes about a YouTube video join the video's document. A page engram exported is read for
 * what the user wrote in it only (engram-pages.ts).
 */
import type { FormatParser, ParsedDocument, ParsedPassage, SourceFile } from '../model.js';
import { markdownBlocks } from './markdown-blocks.js';
import { canonicalUrl, isoDate, mediaKey } from './media.js';
import { aboutEntity, exportedDocumentTitle, exportedPageKind, isExportedSection } from './engram-pages.js';
import { blocksToPassages } from './notes-passages.js';
import { parseOutline, type OutlineBlock, type OutlineProperty } from './notes-outline.js';
import { cleanText, decodeEntities, splitLines } from './text-utils.js';

/** Block properties that are Logseq's UI state or internal ids, not information. */
const DROPPED_BLOCK_PROPERTIES = new Set(['collapsed', 'id', 'heading']);
/** Page properties that name the page's subject URL. */
const URL_PROPERTIES = ['url', 'source', 'link', 'original-url'];

export const logseq: FormatParser = {
  name: 'logseq',

  detect(file: SourceFile): number {
    const lines = file.text.slice(0, 4096).split(/\r\n?|\n/).filter((l) => l.trim());
    if (!lines.length) return 0;
    const bullet = (l: string) => /^[ \t]*-(?:[ \t]|$)/.test(l);
    const property = (l: string) => /^[ \t]*[\p{L}\p{N}_][\p{L}\p{N}_\-/]*::(?:[ \t]|$)/u.test(l);
    // A Logseq page opens with a block or a property; a Markdown note with a list opens with a heading or prose.
    if (!bullet(lines[0]!) && !property(lines[0]!)) return 0;
    let outlineLines = 0;
    let inBlock = false;
    for (const l of lines) {
      if (bullet(l)) inBlock = true;
      if (bullet(l) || property(l) || (inBlock && /^[ \t]/.test(l))) outlineLines++;
    }
    if (outlineLines / lines.length < 0.8) return 0;
    let score = 0.7;
    if (lines.some(property)) score += 0.1;
    if (lines.some((l) => /^\t+-[ \t]/.test(l) || /\[\[[^\]]+\]\]|\(\([0-9a-f-]{36}\)\)/.test(l))) score += 0.05;
    return Math.round(score * 100) / 100;
  },

  parse(file: SourceFile) {
    const lines = splitLines(file.text);
    const outline = parseOutline(lines);
    const page = propertyRecord(outline.pageProperties);
    const exported = exportedPageKind(page.type);
    const all = outline.preamble ? [outline.preamble, ...outline.blocks] : outline.blocks;
    const blocks = exported ? withoutExportedSections(all) : all;
    const passages = blocks.flatMap((b) => blockPassage(b) ?? []);
    // engram's own page, and the user wrote nothing in it: the library holds all it says.
    if (exported && !passages.length) return { documents: [], warnings: [], nothingToRead: true };
    const url = subjectUrl(page, blocks);
    const journal = journalDate(file.relPath);
    const hashtags = unique([...listValue(page.tags ?? ''), ...passages.flatMap((p) => inlineTags(p.text))]);
    const blockProperties = blocks.flatMap((b) => b.properties).filter((p) => !DROPPED_BLOCK_PROPERTIES.has(p.key));

    const { title: _title, ...otherProperties } = page;
    const title = page.title ? cleanText(decodeEntities(page.title)) : journal ?? pageNameFromPath(file.relPath);
    const doc: ParsedDocument = {
      key: mediaKey({ url, file }),
      kind: 'note',
      title: exported === 'document' ? exportedDocumentTitle(title, isoDate(page.date)) : title,
      metadata: {},
      passages: passages.map(({ text, ...p }) => ({ ...p, text: plainLogseq(text) })),
      body: displayBody(lines, outline.hidden),
    };
    const date = isoDate(page.date) ?? journal;
    if (date) doc.date = date;
    if (url) doc.url = url;
    if (Object.keys(otherProperties).length) doc.metadata.properties = otherProperties;
    if (hashtags.length) doc.metadata.hashtags = hashtags;
    const pageLinks = unique(passages.flatMap((p) => pageRefs(p.text)));
    if (pageLinks.length) doc.metadata.pageLinks = pageLinks;
    const links = unique(blocks.flatMap((b) => urlsIn(b.content.join('\n'))));
    if (links.length) doc.metadata.links = links;
    if (blockProperties.length) doc.metadata.blockProperties = blockProperties;
    if (exported === 'entity') doc.metadata.aboutEntity = aboutEntity(title, (k) => page[k]);
    return { documents: [doc], warnings: [] };
  },
};

/**
 * One passage per block: its Markdown flattened (several paragraphs or a code fence in one block
 * stay one passage). Logseq syntax is kept here so tags and page links can still be read off it.
 */
function blockPassage(block: OutlineBlock): ParsedPassage | undefined {
  const parts = blocksToPassages(markdownBlocks(block.content.join('\n')), { lineOffset: block.line - 1 });
  if (!parts.length) return undefined;
  const heading = block.properties.find((p) => p.key === 'heading')?.value;
  const isHeading = parts[0]!.role === 'heading' || (heading !== undefined && heading !== 'false');
  const level = parts[0]!.role === 'heading' ? parts[0]!.depth : Number(heading) || Math.min(block.depth, 6);
  return {
    text: parts.map((p) => p.text).join('\n'),
    role: isHeading ? 'heading' : 'content',
    line: block.line,
    depth: isHeading ? level : block.depth,
  };
}

/**
 * The blocks of a page engram exported that the user wrote: not engram's sections (a top-level
 * `## Summary`, `## Related`… block and the blocks right under it, which engram writes; a
 * block the user nests under one of those is theirs).
 */
function withoutExportedSections(blocks: OutlineBlock[]): OutlineBlock[] {
  let inSection = false;
  return blocks.filter((b) => {
    if (b.depth === 1) inSection = b.content.length === 1 && isExportedSection(b.content[0]!);
    return !(inSection && b.depth <= 2);
  });
}

/** Page properties as a record (first value wins), keys lower-cased. */
function propertyRecord(props: OutlineProperty[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of props) if (!(p.key in out) && p.value) out[p.key] = p.value;
  return out;
}

/** The URL the page is about: a URL property, else the one URL that has a block to itself. */
function subjectUrl(page: Record<string, string>, blocks: OutlineBlock[]): string | undefined {
  for (const key of URL_PROPERTIES) {
    const u = page[key] && onlyUrl(page[key]!);
    if (u) return canonicalUrl(u);
  }
  const alone = unique(blocks.flatMap((b) => onlyUrl(b.content.join('\n').trim()) ?? []).map(canonicalUrl));
  return alone.length === 1 ? alone[0] : undefined;
}

/** The URL if the text is nothing but one: bare, `<…>`, `[label](…)` or `{{video …}}`. */
function onlyUrl(text: string): string | undefined {
  const t = text.trim();
  const m =
    /^<?(https?:\/\/[^\s<>]+?)>?$/.exec(t) ??
    /^\[[^\]]*\]\((https?:\/\/[^)\s]+)\)$/.exec(t) ??
    /^\{\{(?:video|youtube|tweet|twitter)\s+(https?:\/\/[^\s}]+)\s*\}\}$/.exec(t);
  return m?.[1];
}

/** Logseq markup to reading text: `[[page]]` → page, `#[[a b]]` → #a b, block refs and UI macros dropped. */
function plainLogseq(text: string): string {
  return text
    .replace(/\{\{(?:video|youtube|tweet|twitter|embed)\s+([^}]*?)\s*\}\}/g, '$1')
    .replace(/\{\{[^}]*\}\}/g, '')
    .replace(/\(\([0-9a-f-]{36}\)\)/g, '')
    .replace(/\[\[([^\]\n]+)\]\]/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/**
 * The page as Markdown to show: the outline without property, drawer and planning lines, and
 * with page links and block refs reduced to text the way passages are (indentation kept).
 */
function displayBody(lines: string[], hidden: Set<number>): string {
  return lines
    .filter((_, i) => !hidden.has(i))
    .join('\n')
    .replace(/\(\([0-9a-f-]{36}\)\)/g, '')
    .replace(/\[\[([^\]\n]+)\]\]/g, '$1')
    .trim();
}

/** `#tag` and `#[[multi word tag]]` (not `# heading`, not a URL fragment). */
function inlineTags(text: string): string[] {
  const tags: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s(（，,])#(?:\[\[([^\]\n]+)\]\]|([^\s#,，。；;:：!！?？()（）[\]{}"'“”]+))/gu)) {
    const tag = (m[1] ?? m[2])!.trim();
    if (tag && !/^\d+$/.test(tag)) tags.push(tag);
  }
  return tags;
}

/** `[[page]]` references that are not tags. */
function pageRefs(text: string): string[] {
  return [...text.matchAll(/(?<!#)\[\[([^\]\n]+)\]\]/g)].map((m) => m[1]!.trim());
}

/** A property value as a list: `[[AI]], 强化学习, #MoE` → AI, 强化学习, MoE. */
function listValue(value: string): string[] {
  return value
    .split(/[,，]/)
    .map((v) => v.trim().replace(/^#/, '').replace(/^\[\[(.*)\]\]$/, '$1').trim())
    .filter(Boolean);
}

function urlsIn(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s<>()\]}"'`]+/g)].map((m) => m[0].replace(/[.,;:!?]+$/, ''));
}

/** `journals/2024_01_15.md` is the journal page of that day. */
function journalDate(relPath: string): string | undefined {
  const m = /(?:^|\/)(\d{4})_(\d{2})_(\d{2})\.[A-Za-z]+$/.exec(relPath);
  return m ? isoDate(`${m[1]}-${m[2]}-${m[3]}`) : undefined;
}

/** The page name Logseq encoded in the file name: `___` (and older `%2F`) stand for `/`. */
export function pageNameFromPath(relPath: string): string {
  const stem = (relPath.split('/').pop() ?? relPath).replace(/\.(md|markdown|org|txt)$/i, '');
  const slashed = stem.replace(/___/g, '/');
  try {
    return decodeURIComponent(slashed);
  } catch {
    return slashed.replace(/%2F/gi, '/');
  }
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
