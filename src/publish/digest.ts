/**
 * Digests: one selection of entries (entries.ts), rendered by one renderer per format behind
 * one interface. A renderer returns files; the caller decides where they go (stdout, a file,
 * a folder, an HTTP response, an SMTP server).
 */
import type { DigestEntry } from './entries.js';

export const DIGEST_FORMATS = ['md', 'atom', 'rss', 'html', 'email'] as const;
export type DigestFormat = (typeof DIGEST_FORMATS)[number];

export interface Digest {
  /** "engram digest", or the source's name; shown as the feed/page/mail title. */
  title: string;
  /** The period the entries were selected for (inclusive dates), if any. */
  since?: string;
  until?: string;
  source?: string;
  /** When the digest was made (feed `updated`, mail `Date`). */
  generated: Date;
  entries: DigestEntry[];
}

export interface RenderContext {
  /**
   * Origin of a running `engram serve` (`http://127.0.0.1:3647`): documents without a media
   * URL link to their page there, and feeds name their own address.
   */
  baseUrl?: string;
  /** The feed's own URL (Atom `rel="self"`). */
  selfUrl?: string;
  /** Mail headers, for the `email` format. */
  from?: string;
  to?: string[];
  /** md: file names of the index page and of page N (1-based). */
  names?: { index: string; page: (n: number) => string };
}

export interface RenderedFile {
  name: string;
  /** MIME type. */
  type: string;
  content: string;
}

export interface DigestRenderer {
  readonly format: DigestFormat;
  render(digest: Digest, ctx: RenderContext): Promise<RenderedFile[]>;
}

/** `engram serve`'s default address: where feeds point when no other base URL is given. */
export const DEFAULT_BASE_URL = 'http://127.0.0.1:3647';

/** Where an entry links to: its media, else its page in the web app (when one is known). */
export function entryLink(e: DigestEntry, ctx: RenderContext): string | null {
  return e.url ?? (ctx.baseUrl ? `${ctx.baseUrl.replace(/\/+$/, '')}/documents/${e.id}` : null);
}

/** `2025-04-01 … 2025-04-07`, `since 2025-04-01`, or `` (everything). */
export function periodLabel(d: Pick<Digest, 'since' | 'until'>): string {
  if (d.since && d.until) return d.since === d.until ? d.since : `${d.since} … ${d.until}`;
  if (d.since) return `since ${d.since}`;
  if (d.until) return `until ${d.until}`;
  return '';
}

/** The digest's heading: title, then the period if any. */
export function digestHeading(d: Digest): string {
  const period = periodLabel(d);
  return period ? `${d.title} — ${period}` : d.title;
}

const RENDERERS: Record<DigestFormat, () => Promise<DigestRenderer>> = {
  md: async () => (await import('./markdown.js')).markdownRenderer,
  atom: async () => (await import('./feed.js')).atomRenderer,
  rss: async () => (await import('./feed.js')).rssRenderer,
  html: async () => (await import('./html.js')).htmlRenderer,
  email: async () => (await import('./email.js')).emailRenderer,
};

export function isDigestFormat(s: string): s is DigestFormat {
  return (DIGEST_FORMATS as readonly string[]).includes(s);
}

/** Renders a digest in a format (renderers load on demand: mail and feed libraries are not small). */
export async function renderDigest(format: DigestFormat, digest: Digest, ctx: RenderContext = {}): Promise<RenderedFile[]> {
  return (await RENDERERS[format]()).render(digest, ctx);
}
