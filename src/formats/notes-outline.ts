/**
 * A Logseq page as an outline: page properties, then blocks. Logseq writes each block as a
 * `- ` line indented by its nesting (tabs by default, spaces if configured), continuation lines
 * indented two spaces past the dash, and properties as `key:: value` lines: page properties
 * before the first block (or as a first block holding nothing else), block properties right
 * under a block's first line. This module only reads that structure; `logseq.ts` interprets it.
 */

export interface OutlineProperty {
  key: string;
  value: string;
  /** 1-based line. */
  line: number;
}

export interface OutlineBlock {
  /** 1-based line of the block's `- ` line. */
  line: number;
  /** Nesting level, 1 = top level. */
  depth: number;
  /** The block's text lines without the dash, indentation, properties and drawers. */
  content: string[];
  properties: OutlineProperty[];
}

export interface Outline {
  pageProperties: OutlineProperty[];
  /** Text before the first block that is not a property (rare; kept as a top-level block). */
  preamble?: OutlineBlock;
  blocks: OutlineBlock[];
  /** 0-based indexes of lines that are not text: front matter, properties, drawers, planning stamps. */
  hidden: Set<number>;
}

const BULLET = /^([ \t]*)-(?:[ \t]+(.*))?$/;
const PROPERTY = /^([\p{L}\p{N}_][\p{L}\p{N}_\-/]*)::(?:[ \t]+(.*)|[ \t]*)$/u;
const FENCE = /^\s*(```|~~~)/;
/** Logseq's task bookkeeping: `:LOGBOOK:` … `:END:` drawers and SCHEDULED/DEADLINE stamps. */
const DRAWER_START = /^\s*:(LOGBOOK|PROPERTIES):\s*$/;
const DRAWER_END = /^\s*:END:\s*$/;
const PLANNING = /^\s*(SCHEDULED|DEADLINE):\s*<[^>]*>\s*$/;

export function parseOutline(lines: string[]): Outline {
  const outline: Outline = { pageProperties: [], blocks: [], hidden: new Set() };
  const stack: number[] = []; // indentation widths of the open ancestors
  let current: (OutlineBlock & { indent: string }) | undefined;
  let inFence = false;
  let inDrawer = false;
  const start = frontMatter(lines, outline.pageProperties);
  for (let i = 0; i < start; i++) outline.hidden.add(i);

  for (let i = start; i < lines.length; i++) {
    const raw = lines[i]!;
    const bullet = inFence ? null : BULLET.exec(raw);
    if (bullet) {
      const width = indentWidth(bullet[1]!);
      while (stack.length && stack[stack.length - 1]! >= width) stack.pop();
      stack.push(width);
      current = { line: i + 1, depth: stack.length, content: [], properties: [], indent: bullet[1]! };
      outline.blocks.push(current);
      inDrawer = false;
      if (addLine(current, bullet[2] ?? '', i, false).property) outline.hidden.add(i);
      continue;
    }
    if (!current) {
      // Before the first block: page properties, or stray text kept as a preamble block.
      const text = raw.trim();
      const prop = !inFence && PROPERTY.exec(text);
      if (prop) {
        outline.pageProperties.push({ key: prop[1]!.toLowerCase(), value: (prop[2] ?? '').trim(), line: i + 1 });
        outline.hidden.add(i);
      } else if (text || outline.preamble) {
        outline.preamble ??= { line: i + 1, depth: 1, content: [], properties: [] };
        outline.preamble.content.push(raw);
        if (FENCE.test(raw)) inFence = !inFence;
      }
      continue;
    }
    const text = dedent(raw, current.indent);
    let hidden = true; // drawers, planning stamps and properties are not text
    if (!inFence && DRAWER_START.test(text)) inDrawer = true;
    else if (inDrawer) inDrawer = !DRAWER_END.test(text);
    else if (inFence || !PLANNING.test(text)) {
      const added = addLine(current, text, i, inFence);
      inFence = added.inFence;
      hidden = added.property;
    }
    if (hidden) outline.hidden.add(i);
  }
  for (const b of outline.blocks) trimBlank(b.content);
  if (outline.preamble) trimBlank(outline.preamble.content);

  // Logseq keeps page properties in the first block when it holds nothing else (and the page
  // has no property lines before its first block).
  const first = outline.blocks[0];
  if (first && !outline.pageProperties.length && !outline.preamble && first.depth === 1 && first.properties.length && !first.content.some((l) => l.trim())) {
    outline.pageProperties.push(...first.properties);
    outline.blocks.shift();
  }
  return outline;
}

/** Adds a content line to a block, or a property (outside code); says which, and the new fence state. */
function addLine(block: OutlineBlock, text: string, i: number, inFence: boolean): { property: boolean; inFence: boolean } {
  const prop = !inFence && PROPERTY.exec(text.trim());
  if (prop) {
    block.properties.push({ key: prop[1]!.toLowerCase(), value: (prop[2] ?? '').trim(), line: i + 1 });
    return { property: true, inFence };
  }
  block.content.push(text);
  return { property: false, inFence: FENCE.test(text) ? !inFence : inFence };
}

/** A continuation line without its block's indentation and the two spaces that align it. */
function dedent(line: string, indent: string): string {
  const rest = line.startsWith(indent) ? line.slice(indent.length) : line.replace(/^[ \t]*/, (ws) => ws.slice(Math.min(ws.length, indent.length)));
  return rest.replace(/^ {1,2}/, '');
}

/** Tabs count as four columns so tab- and space-indented pages nest the same way. */
function indentWidth(ws: string): number {
  let w = 0;
  for (const c of ws) w += c === '\t' ? 4 : 1;
  return w;
}

function trimBlank(content: string[]): void {
  while (content.length && !content[content.length - 1]!.trim()) content.pop();
  while (content.length && !content[0]!.trim()) content.shift();
}

/** YAML-style front matter (`---` / `key: value` / `---`), which Logseq also accepts. */
export function frontMatter(lines: string[], into: OutlineProperty[]): number {
  if (lines[0]?.trim() !== '---') return 0;
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
  if (end < 0) return 0;
  const unquote = (v: string) => v.trim().replace(/^["']|["']$/g, '');
  let list: OutlineProperty | undefined;
  for (let i = 1; i < end; i++) {
    const m = /^([\p{L}\p{N}_][\p{L}\p{N}_\-]*):\s*(.*)$/u.exec(lines[i]!.trim());
    const item = /^\s*- (.*)$/.exec(lines[i]!);
    if (m) {
      const p = { key: m[1]!.toLowerCase(), value: unquote(m[2]!), line: i + 1 };
      into.push(p);
      list = p.value === '' ? p : undefined;
    } else if (item && list) {
      // A YAML block list under a key (`aliases:` then `  - 英伟达`): its items, joined with commas.
      list.value = list.value ? `${list.value}, ${unquote(item[1]!)}` : unquote(item[1]!);
    }
  }
  return end + 1;
}
