/**
 * The `md` digest: engram's archive format, so a digest reads like the archives users already
 * keep and parses back with `formats/digest-archive.ts` into the same documents (title, date,
 * number, category, keywords, YouTube video). Entries are numbered like an archive (the
 * oldest is 1, the newest N, listed newest first), 100 to a page, plus an index page that
 * links the pages.
 *
 * Every piece of library text is escaped for where it lands: the `<summary>` line is HTML
 * (entities), the `# title` and the paragraphs are Markdown (entities and backslash escapes),
 * so a title holding `</details>` or a summary line reading `[model=…]` cannot break the page.
 */
import type { DigestEntry } from './entries.js';
import { digestHeading, entryLink, type Digest, type DigestRenderer, type RenderContext, type RenderedFile } from './digest.js';

export const ENTRIES_PER_PAGE = 100;

const DEFAULT_NAMES = { index: 'index.md', page: (n: number) => `${String(n).padStart(2, '0')}.md` };

export const markdownRenderer: DigestRenderer = {
  format: 'md',
  async render(digest, ctx) {
    const names = ctx.names ?? DEFAULT_NAMES;
    const total = digest.entries.length;
    const pages: RenderedFile[] = [];
    for (let from = 0; from < total || pages.length === 0; from += ENTRIES_PER_PAGE) {
      const slice = digest.entries.slice(from, from + ENTRIES_PER_PAGE);
      const content = slice.map((e, i) => archiveEntry(e, total - from - i, digest, ctx)).join('');
      pages.push({ name: names.page(pages.length + 1), type: 'text/markdown', content });
    }
    return [{ name: names.index, type: 'text/markdown', content: indexPage(digest, pages) }, ...pages];
  },
};

/** One `<details>` entry in the archive layout. */
export function archiveEntry(e: DigestEntry, number: number, digest: Digest, ctx: RenderContext): string {
  const headline = [
    e.category ? `【${e.category}】` : /^\s*[[【]/.test(e.title) ? '【】' : '', // a bracket opening the title is not a category
    [e.title, ...e.keywords].map((s) => oneLine(s).replace(/\|/g, '\\|')).join(' | '), // `|` separates keywords
  ].join('');
  const lines = [
    '<details>',
    `<summary>${number}. ${e.date ? `[${e.date}] ` : ''}${entities(headline)}</summary><br>`,
    '',
  ];
  const link = entryLink(e, ctx);
  if (link && e.thumbnail) {
    lines.push(
      `<a href="${attr(link)}" target="_blank">`,
      `    <img src="${attr(e.thumbnail)}" `,
      `        alt="[Youtube]" width="200">`,
      '</a>',
      '',
    );
  } else if (link) {
    // The tag alone on its line makes an HTML block, which is never a passage.
    lines.push(`<a href="${attr(link)}" target="_blank">`, `    ${entities(link)}`, '</a>', '');
  }
  // A digest over several sources says each entry's source (HTML: kept out of the passages).
  if (!digest.source && e.source) lines.push(`<p><small>${entities(e.source)}</small></p>`, '');
  lines.push(`# ${markdownInline(headline)}`, '');
  for (const p of e.summary) lines.push(markdownParagraph(p), '');
  lines.push('---', '', '</details>', '', '');
  return lines.join('\n');
}

function indexPage(digest: Digest, pages: RenderedFile[]): string {
  const total = digest.entries.length;
  const out = [`# ${markdownInline(digestHeading(digest))}`, '', `${total} ${total === 1 ? 'entry' : 'entries'}, newest first, ${ENTRIES_PER_PAGE} to a page.`, ''];
  pages.forEach((page, i) => {
    const slice = digest.entries.slice(i * ENTRIES_PER_PAGE, (i + 1) * ENTRIES_PER_PAGE);
    if (!slice.length) return;
    const first = total - i * ENTRIES_PER_PAGE;
    const last = first - slice.length + 1;
    const dates = slice.map((e) => e.date).filter((d): d is string => Boolean(d)).sort();
    const range = dates.length ? ` (${dates[0] === dates.at(-1) ? dates[0] : `${dates[0]} … ${dates.at(-1)}`})` : '';
    out.push(`- [${first}–${last}](${encodeURI(page.name)})${range}`);
  });
  return out.join('\n') + '\n';
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

function entities(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return entities(s).replace(/"/g, '&quot;');
}

/**
 * Inline Markdown: entities, a backslash before emphasis and code markers, and before a `[`
 * that would open a link (`[a](b)`, `[a][b]`); other brackets (`[00:01:22]`) stay readable.
 */
function markdownInline(s: string): string {
  return entities(oneLine(s)).replace(/[\\`*_]|\[(?=[^\]]*\][([])/g, (c) => `\\${c}`);
}

/**
 * A paragraph on one line: inline-escaped, and a leading block marker escaped (`#`, `-`, `1.`,
 * `>`…, and `[`, which could read as a link definition or the archive's `[model=…]` tag).
 */
function markdownParagraph(s: string): string {
  return markdownInline(s).replace(/^(\d+)([.)])/, '$1\\$2').replace(/^([#>+=~|[-])/, '\\$1');
}
