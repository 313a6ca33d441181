/**
 * Markdown blocks to passages, the one mapping every Markdown-bodied parser here shares:
 * headings keep their level, list items their nesting depth, everything readable is `content`.
 * Boilerplate is not decided here (the ingest pipeline runs `markBoilerplate` on every document).
 */
import type { ParsedPassage } from '../model.js';
import type { MarkdownBlock } from './markdown-blocks.js';
import { cleanText, decodeEntities } from './text-utils.js';

export interface PassageOptions {
  /** Added to each block's line: the 0-based index of the slice's first line in the file. */
  lineOffset?: number;
  /** Drops a passage whose cleaned text matches (e.g. a lone `~` separator). */
  skip?: (text: string) => boolean;
}

export function blocksToPassages(blocks: MarkdownBlock[], opts: PassageOptions = {}): ParsedPassage[] {
  const offset = opts.lineOffset ?? 0;
  const out: ParsedPassage[] = [];
  for (const b of blocks) {
    // markdown-it has decoded entities in Markdown text; raw HTML blocks still carry them.
    const raw = b.kind === 'html' ? decodeEntities(htmlText(b.text)) : b.text;
    if (b.kind === 'hr' || !raw.trim()) continue;
    const text = cleanText(raw);
    if (!text || opts.skip?.(text)) continue;
    const passage: ParsedPassage = { text, role: b.kind === 'heading' ? 'heading' : 'content', line: b.line + offset };
    if (b.depth !== undefined && (b.kind === 'heading' || b.kind === 'item')) passage.depth = b.depth;
    out.push(passage);
  }
  return out;
}

/**
 * Readable text inside a raw HTML block (tags dropped; the caller decodes entities).
 * A link-and-thumbnail block has none and yields no passage; a `<p>` someone pasted keeps its words.
 */
export function htmlText(html: string): string {
  return html.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]*>/g, ' ').trim();
}
