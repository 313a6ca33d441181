/**
 * `atom` and `rss` digests, written by the `feed` library (the XML is never concatenated by
 * hand). Each entry is an item: title, link (the media, else the document's page in the web
 * app), date, summary as HTML with the thumbnail, source as author and category as category.
 *
 * Library text can hold characters XML forbids (control bytes from a badly decoded file):
 * they are removed before the library sees the text, so the feed always parses.
 */
import { Feed, type Item } from 'feed';
import type { DigestEntry } from './entries.js';
import { DEFAULT_BASE_URL, digestHeading, entryLink, type Digest, type DigestRenderer, type RenderContext } from './digest.js';
import { escapeHtml } from '../server/html.js';

// Everything XML 1.0 does not allow: C0 controls but tab/LF/CR, lone surrogates, U+FFFE/FFFF.
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const xmlSafe = (s: string) => s.replace(XML_INVALID, '');

/** The summary as HTML: thumbnail, then one paragraph per summary paragraph (all escaped). */
export function entryHtml(e: DigestEntry, link: string | null): string {
  const img = e.thumbnail ? `<p><img src="${escapeHtml(e.thumbnail)}" alt="" width="320"></p>` : '';
  const thumb = img && link ? `<a href="${escapeHtml(link)}">${img}</a>` : img;
  return xmlSafe(thumb + e.summary.map((p) => `<p>${escapeHtml(p)}</p>`).join(''));
}

function buildFeed(digest: Digest, ctx: RenderContext, kind: 'atom' | 'rss'): Feed {
  const base = (ctx.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const self = ctx.selfUrl ?? `${base}/feed.xml`;
  const feed = new Feed({
    id: self,
    title: xmlSafe(digestHeading(digest)),
    description: xmlSafe(`${digest.entries.length} ${digest.entries.length === 1 ? 'entry' : 'entries'} from the engram library`),
    link: digest.source ? `${base}/sources/${encodeURIComponent(digest.source)}` : `${base}/`,
    updated: digest.generated,
    generator: 'engram',
    author: { name: 'engram' },
    feedLinks: { [kind]: self },
  });
  for (const e of digest.entries) feed.addItem(feedItem(e, ctx, base, kind, digest.generated));
  return feed;
}

function feedItem(e: DigestEntry, ctx: RenderContext, base: string, kind: 'atom' | 'rss', fallbackDate: Date): Item {
  const link = entryLink(e, { ...ctx, baseUrl: base })!;
  const summary = xmlSafe(e.summary.join(' '));
  return {
    // Atom titles are typed HTML: escape so a title reading "<b>" shows as written. RSS says
    // titles are text, but many readers render them as HTML: its angle brackets are escaped
    // (a title with markup in it shows it, a script does not run), its ampersands kept (Q&A).
    title: xmlSafe(kind === 'atom' ? escapeHtml(e.title) : e.title.replace(/</g, '&lt;').replace(/>/g, '&gt;')),
    // A stable ID per document and library address, not per digest run.
    id: `${base}/documents/${e.id}`,
    link,
    date: e.date ? new Date(`${e.date}T00:00:00Z`) : fallbackDate,
    description: escapeHtml(summary),
    content: entryHtml(e, link),
    author: e.source ? [{ name: xmlSafe(e.source) }] : undefined,
    category: e.category ? [{ name: xmlSafe(e.category), term: xmlSafe(e.category) }] : undefined,
    image: e.thumbnail ?? undefined,
  };
}

export const atomRenderer: DigestRenderer = {
  format: 'atom',
  async render(digest, ctx) {
    return [{ name: 'feed.atom.xml', type: 'application/atom+xml', content: buildFeed(digest, ctx, 'atom').atom1() }];
  },
};

export const rssRenderer: DigestRenderer = {
  format: 'rss',
  async render(digest, ctx) {
    return [{ name: 'feed.rss.xml', type: 'application/rss+xml', content: buildFeed(digest, ctx, 'rss').rss2() }];
  },
};
