/**
 * Markdown to a flat list of blocks (headings, paragraphs, list items, quotes, code, raw HTML)
 * with their line numbers, via markdown-it's parser. Parsers whose bodies are Markdown (digest
 * archive entries, summaries, notes, the generic fallback) share this instead of splitting
 * lines by hand. Inline markup is flattened to plain text: passages are for reading and
 * searching; the rendition keeps the original Markdown for rendering.
 */
import MarkdownIt from 'markdown-it';

type Token = ReturnType<MarkdownIt['parse']>[number];

export type BlockKind = 'heading' | 'paragraph' | 'item' | 'quote' | 'code' | 'html' | 'table' | 'hr';

export interface MarkdownBlock {
  kind: BlockKind;
  /** Plain text (inline markup removed; soft line breaks kept as `\n`). */
  text: string;
  /** 1-based line where the block starts, counted in the string given (add an offset for slices). */
  line: number;
  /** Heading level, or list nesting depth (1 = top level) for items. */
  depth?: number;
  /** Link targets inside the block. */
  links: string[];
}

const md = new MarkdownIt({ html: true, linkify: false });

export function markdownBlocks(source: string): MarkdownBlock[] {
  const tokens = md.parse(source, {});
  const blocks: MarkdownBlock[] = [];
  let listDepth = 0;
  let quoteDepth = 0;
  let itemLine: number | null = null; // a list item's first paragraph becomes the item block
  let heading: number | null = null;
  let tableStart: number | null = null;
  let tableCells: string[] = [];

  for (const t of tokens) {
    const line = (t.map?.[0] ?? 0) + 1;
    switch (t.type) {
      case 'bullet_list_open':
      case 'ordered_list_open':
        listDepth++;
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        listDepth--;
        break;
      case 'list_item_open':
        itemLine = line;
        break;
      case 'blockquote_open':
        quoteDepth++;
        break;
      case 'blockquote_close':
        quoteDepth--;
        break;
      case 'heading_open':
        heading = Number(t.tag.slice(1));
        break;
      case 'heading_close':
        heading = null;
        break;
      case 'table_open':
        tableStart = line;
        tableCells = [];
        break;
      case 'table_close':
        if (tableStart !== null) blocks.push({ kind: 'table', text: tableCells.join('\n'), line: tableStart, links: [] });
        tableStart = null;
        break;
      case 'tr_close':
        if (tableStart !== null) tableCells.push('');
        break;
      case 'inline': {
        const { text, links } = inlineText(t);
        if (tableStart !== null) {
          const last = tableCells.length - 1;
          if (last >= 0 && tableCells[last] !== '') tableCells[last] += ' | ' + text;
          else if (last >= 0) tableCells[last] = text;
          else tableCells.push(text);
          break;
        }
        if (!text.trim()) break;
        if (heading !== null) blocks.push({ kind: 'heading', text, line, depth: heading, links });
        else if (itemLine !== null) {
          blocks.push({ kind: 'item', text, line: itemLine, depth: listDepth, links });
          itemLine = null;
        } else blocks.push({ kind: quoteDepth > 0 ? 'quote' : listDepth > 0 ? 'item' : 'paragraph', text, line, depth: listDepth || undefined, links });
        break;
      }
      case 'fence':
      case 'code_block':
        if (t.content.trim()) blocks.push({ kind: 'code', text: t.content.replace(/\n$/, ''), line, links: [] });
        break;
      case 'html_block':
        if (t.content.trim()) blocks.push({ kind: 'html', text: t.content.replace(/\n$/, ''), line, links: [] });
        break;
      case 'hr':
        blocks.push({ kind: 'hr', text: '', line, links: [] });
        break;
    }
  }
  return blocks.map((b) => ({ ...b, text: b.text.replace(/[ \t]+\n/g, '\n').trim() }));
}

function inlineText(t: Token): { text: string; links: string[] } {
  let text = '';
  const links: string[] = [];
  for (const c of t.children ?? []) {
    switch (c.type) {
      case 'text':
      case 'code_inline':
        text += c.content;
        break;
      case 'softbreak':
      case 'hardbreak':
        text += '\n';
        break;
      case 'link_open': {
        const href = c.attrGet('href');
        if (href) links.push(href);
        break;
      }
      case 'image':
        // alt text only; images are not content
        break;
      case 'html_inline':
        if (/^<br\s*\/?>$/i.test(c.content)) text += '\n';
        break;
    }
  }
  return { text, links };
}
