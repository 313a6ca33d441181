/**
 * A day of microblog posts as exported: `# YYYY-MM-DD`, then `## 1`, `## 2` … one post each.
 * The export flattens Weibo hashtags into backticks (`` `大出海##供应链攻防战##产业高地` `` was
 * `#大出海##供应链攻防战##产业高地#`), keeps emoticon codes like `[全力以赴]` and `http://t.cn/…`
 * short links, and strips images. One document (kind `post`) per post.
 */
import type { FormatParser, ParsedDocument, ParseWarning, SourceFile } from '../model.js';
import { markdownBlocks } from './markdown-blocks.js';
import { canonicalUrl, isoDate, mediaKey } from './media.js';
import { blocksToPassages } from './notes-passages.js';
import { shortTitle, splitLines } from './text-utils.js';

const DAY_HEADING = /^#\s+(\d{4}-\d{1,2}-\d{1,2})\s*$/;
/**
 * `## 3`, optionally followed by the post's own address (`## 3 https://weibo.com/…`, or
 * `## [3](https://weibo.com/…)`); the t.cn links inside a post point elsewhere and never key it.
 */
const POST_HEADING = /^##\s+(?:(\d+)|\[(\d+)\]\((\S+?)\))(?:\s+[·|-]?\s*(https?:\/\/\S+))?\s*$/;
const TITLE_CHARS = 40;

export const microblog: FormatParser = {
  name: 'microblog',

  detect(file: SourceFile): number {
    const nonEmpty = file.text.slice(0, 4096).split(/\r\n?|\n/).filter((l) => l.trim());
    if (!DAY_HEADING.test(nonEmpty[0]?.trim() ?? '')) return 0;
    if (POST_HEADING.exec(nonEmpty[1]?.trim() ?? '')?.slice(1, 3).includes('1')) return 0.9;
    return nonEmpty.some((l) => POST_HEADING.test(l.trim())) ? 0.6 : 0;
  },

  parse(file: SourceFile) {
    const lines = splitLines(file.text);
    const warnings: ParseWarning[] = [];
    const documents: ParsedDocument[] = [];
    let date: string | undefined;
    let post: { start: number; number: number; url?: string } | undefined;
    let strayFrom: number | undefined; // first non-empty line outside any post

    const flush = (end: number) => {
      if (post) documents.push(postDocument(file, lines.slice(post.start, end), post, documents.length + 1, date));
      post = undefined;
    };
    lines.forEach((raw, i) => {
      const line = raw.trim();
      const day = DAY_HEADING.exec(line);
      const head = POST_HEADING.exec(line);
      if (day) {
        flush(i);
        date = isoDate(day[1]);
      } else if (head) {
        flush(i);
        const url = head[3] ?? head[4];
        post = { start: i + 1, number: Number(head[1] ?? head[2]), url };
      } else if (!post && line && strayFrom === undefined) strayFrom = i + 1;
    });
    flush(lines.length);
    if (strayFrom !== undefined) warnings.push({ line: strayFrom, message: 'text outside any `## N` post; ignored' });
    return { documents, warnings };
  },
};

/** `body` is the post's lines, from the line after `## N` up to the next heading. */
function postDocument(
  file: SourceFile,
  body: string[],
  post: { start: number; number: number; url?: string },
  entry: number,
  date: string | undefined,
): ParsedDocument {
  const source = body.join('\n');
  const restored = restoreHashtags(source);
  const blocks = markdownBlocks(restored);
  const passages = blocksToPassages(blocks, {
    lineOffset: post.start,
    // The export leaves separator debris (a lone `~`) where images were.
    skip: (t) => /^[\p{P}\p{S}\s]*$/u.test(t) && !/\p{Extended_Pictographic}/u.test(t),
  });
  const url = post.url ? canonicalUrl(post.url) : undefined;
  const doc: ParsedDocument = {
    key: mediaKey({ url, file, entry }),
    kind: 'post',
    entry,
    metadata: { number: post.number },
    passages,
    body: restored.trim(),
  };
  const title = passages[0] ? shortTitle(passages[0].text, TITLE_CHARS) : undefined;
  if (title) doc.title = title;
  if (date) doc.date = date;
  if (url) doc.url = url;
  const links = postLinks(source);
  const hashtags = postHashtags(source);
  const emoticons = postEmoticons(source);
  if (links.length) doc.metadata.links = links;
  if (hashtags.length) doc.metadata.hashtags = hashtags;
  if (emoticons.length) doc.metadata.emoticons = emoticons;
  return doc;
}

/** `` `a##b` `` back to the `#a##b#` the author wrote, so passages read like the post. */
function restoreHashtags(text: string): string {
  return text.replace(/`([^`\n]{1,80})`/g, (_, tags: string) => `#${tags.replace(/^#+|#+$/g, '')}#`);
}

/** Hashtags in both forms: `#话题#` and the flattened `` `话题##另一个` ``, in order, once each. */
export function postHashtags(text: string): string[] {
  const tags: string[] = [];
  const add = (t: string) => {
    const tag = t.trim();
    if (tag && !tags.includes(tag)) tags.push(tag);
  };
  const withoutTicks = text.replace(/`([^`\n]{1,80})`/g, (_, inner: string) => {
    inner.split(/#+/).forEach(add);
    return ' ';
  });
  // `#话题#`: no spaces right inside the marks, so `# heading` or `C# and F#` don't count.
  for (const m of withoutTicks.matchAll(/#([^#\s][^#\n]{0,60}?)#/g)) {
    if (/^\d+$/.test(m[1]!)) continue; // `#1#` is numbering, not a topic
    add(m[1]!);
  }
  return tags;
}

/** Emoticon codes `[全力以赴]`, `[doge]`: short bracketed words that are not Markdown links. */
export function postEmoticons(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\[([\p{L}\p{N}]{1,8})\](?![(\[:])/gu)) {
    if (!/^\d+$/.test(m[1]!) && !found.includes(m[1]!)) found.push(m[1]!);
  }
  return found;
}

/** Every http(s) link in the post, trailing punctuation removed, once each. */
export function postLinks(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/https?:\/\/[^\s<>()（）\[\]"'`，。！？、]+/g)) {
    const link = m[0].replace(/[.,;:!?)]+$/, '');
    if (!found.includes(link)) found.push(link);
  }
  return found;
}
