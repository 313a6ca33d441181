/**
 * Podcast feeds: RSS 2.0 (with the iTunes and Podcasting 2.0 namespaces) and Atom, parsed by
 * feedsmith. An item's identity is its `guid` (Atom: `id`). Feeds are polled with conditional
 * requests (ETag / Last-Modified), so an unchanged feed costs one 304; permanent redirects and
 * `itunes:new-feed-url` move the stored feed URL. A publisher's `<podcast:transcript>` is used
 * before any recognition; `<podcast:person>` names the speakers; `<podcast:chapters>` is kept.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parseFeed } from 'feedsmith';
import { XMLValidator } from 'fast-xml-parser';
import { redact } from '../providers/http.js';
import { isoDate } from '../formats/media.js';
import { decodeEntities } from '../formats/text-utils.js';
import { downloadFile, getText, httpFailure } from './download.js';
import { rankTranscripts, readChapters, readTranscript, transcriptFormat } from './transcripts.js';
import { FollowError, type Chapter, type Discovery, type Fetched, type Item, type Source, type SourceContext } from './source.js';

export interface ParsedFeed {
  title?: string;
  language?: string;
  /** `itunes:new-feed-url`: the publisher moved the feed. */
  newFeedUrl?: string;
  items: Item[];
}

/** Items of a feed document, newest first. Throws a FollowError naming the XML error's line. */
export function parseFeedText(xml: string, feedUrl: string): ParsedFeed {
  let parsed: ReturnType<typeof parseFeed>;
  try {
    parsed = parseFeed(xml);
  } catch (e) {
    const check = XMLValidator.validate(xml);
    const where = check === true ? '' : ` (line ${check.err.line}, column ${check.err.col}: ${check.err.msg})`;
    const what = /^\s*<(!doctype html|html)/i.test(xml) ? 'a web page, not a feed' : `not a readable RSS or Atom feed${where}`;
    throw new FollowError(`${redact(feedUrl)}: ${what}`, 'permanent', (e as Error).name === 'DetectError' ? 'check the feed URL' : 'the publisher\'s feed is broken; engram tries again at the next update');
  }
  if (parsed.format === 'rss' || parsed.format === 'rdf') return fromRss(parsed.feed as RssLike);
  if (parsed.format === 'atom') return fromAtom(parsed.feed as AtomLike);
  return fromJsonFeed(parsed.feed as JsonFeedLike);
}

interface RssLike {
  title?: string;
  language?: string;
  itunes?: { newFeedUrl?: string };
  podcast?: { persons?: { display?: string }[] };
  items?: {
    title?: string; link?: string; pubDate?: string; description?: string;
    guid?: { value?: string; isPermaLink?: boolean };
    enclosures?: { url?: string; type?: string; length?: number }[];
    itunes?: { duration?: number };
    dc?: { date?: string };
    podcast?: {
      transcripts?: { url?: string; type?: string; language?: string; rel?: string }[];
      persons?: { display?: string }[];
      chapters?: { url?: string };
    };
  }[];
}

function fromRss(feed: RssLike): ParsedFeed {
  const feedPersons = names(feed.podcast?.persons);
  const items = (feed.items ?? []).map((it): Item | undefined => {
    const enclosure = pickEnclosure(it.enclosures ?? []);
    const guid = it.guid?.value?.trim();
    const link = httpUrl(it.link) ?? (it.guid?.isPermaLink !== false ? httpUrl(guid) : undefined);
    const key = guid || link || enclosure?.url || (it.title ? `${it.title}|${it.pubDate ?? ''}` : undefined);
    if (!key) return undefined;
    const persons = names(it.podcast?.persons);
    return clean({
      key,
      title: it.title?.trim(),
      url: link,
      date: dateOf(it.pubDate ?? it.dc?.date),
      show: feed.title?.trim(),
      language: feed.language?.trim(),
      duration: it.itunes?.duration,
      enclosure,
      transcripts: (it.podcast?.transcripts ?? [])
        .filter((t) => t.url)
        .map((t) => clean({ url: t.url!, type: t.type ?? '', language: t.language, rel: t.rel })),
      persons: persons.length ? persons : feedPersons,
      chapters: httpUrl(it.podcast?.chapters?.url),
    });
  });
  return { title: feed.title?.trim(), language: feed.language?.trim(), newFeedUrl: httpUrl(feed.itunes?.newFeedUrl), items: newestFirst(items) };
}

interface AtomLike {
  title?: { value?: string } | string;
  entries?: {
    id?: string; title?: { value?: string } | string; published?: string; updated?: string;
    links?: { href?: string; rel?: string; type?: string; length?: number }[];
  }[];
}

function fromAtom(feed: AtomLike): ParsedFeed {
  const text = (t: { value?: string } | string | undefined) => (typeof t === 'string' ? t : t?.value)?.trim();
  const title = text(feed.title);
  const items = (feed.entries ?? []).map((e): Item | undefined => {
    const links = e.links ?? [];
    const url = httpUrl(links.find((l) => !l.rel || l.rel === 'alternate')?.href);
    const enclosure = pickEnclosure(links.filter((l) => l.rel === 'enclosure').map((l) => ({ url: l.href, type: l.type, length: l.length })));
    const key = e.id?.trim() || url || enclosure?.url;
    if (!key) return undefined;
    return clean({ key, title: text(e.title), url, date: dateOf(e.published ?? e.updated), show: title, enclosure });
  });
  return { title, items: newestFirst(items) };
}

interface JsonFeedLike {
  title?: string;
  items?: { id?: string; url?: string; title?: string; date_published?: string; attachments?: { url?: string; mime_type?: string; size_in_bytes?: number }[] }[];
}

function fromJsonFeed(feed: JsonFeedLike): ParsedFeed {
  const items = (feed.items ?? []).map((it): Item | undefined => {
    const enclosure = pickEnclosure((it.attachments ?? []).map((a) => ({ url: a.url, type: a.mime_type, length: a.size_in_bytes })));
    const key = it.id || it.url || enclosure?.url;
    if (!key) return undefined;
    return clean({ key: String(key), title: it.title?.trim(), url: httpUrl(it.url), date: dateOf(it.date_published), show: feed.title?.trim(), enclosure });
  });
  return { title: feed.title?.trim(), items: newestFirst(items) };
}

function pickEnclosure(list: { url?: string; type?: string; length?: number }[]): Item['enclosure'] {
  const usable = list.filter((e) => httpUrl(e.url));
  const best = usable.find((e) => /^audio\//i.test(e.type ?? '')) ?? usable.find((e) => /^video\//i.test(e.type ?? '')) ?? usable[0];
  return best ? clean({ url: best.url!, type: best.type, length: best.length || undefined }) : undefined;
}

function names(persons: { display?: string }[] | undefined): string[] {
  return [...new Set((persons ?? []).map((p) => p.display?.trim()).filter((n): n is string => Boolean(n)))];
}

function httpUrl(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t && /^https?:\/\//i.test(t) ? t : undefined;
}

/** RFC 822 (`Tue, 04 Mar 2025 10:00:00 +0800`) or ISO dates to `YYYY-MM-DD`, in the date's own time zone. */
export function dateOf(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const iso = /^\s*\d{4}-\d{2}-\d{2}/.test(s) ? isoDate(s) : undefined;
  if (iso) return iso;
  const m = /(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{4})/.exec(s);
  if (m) {
    const month = 'janfebmaraprmayjunjulaugsepoctnovdec'.indexOf(m[2]!.toLowerCase()) / 3 + 1;
    if (month >= 1) return `${m[3]}-${String(month).padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
  }
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString().slice(0, 10);
}

function newestFirst(items: (Item | undefined)[]): Item[] {
  const seen = new Set<string>();
  return items
    .filter((i): i is Item => Boolean(i) && !seen.has(i!.key) && Boolean(seen.add(i!.key)))
    .map((item, order) => ({ item, order }))
    .sort((a, b) => (b.item.date ?? '').localeCompare(a.item.date ?? '') || a.order - b.order)
    .map((x) => x.item);
}

/** Drops undefined fields and empty arrays (items are stored as JSON). */
function clean<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) {
    const v = o[k];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) delete o[k];
  }
  return o;
}

/** Fetch and parse a feed, following moves (301/308, `itunes:new-feed-url`); conditional when we polled this URL before. */
export async function discoverFeed(url: string, ctx: SourceContext): Promise<Discovery & { parsed?: ParsedFeed }> {
  let feedUrl = ctx.state.feedUrl ?? url;
  const notes: string[] = [];
  for (let moves = 0; ; moves++) {
    const sameUrl = feedUrl === (ctx.state.feedUrl ?? url);
    const headers: Record<string, string> = {};
    if (sameUrl && ctx.state.etag) headers['if-none-match'] = ctx.state.etag;
    if (sameUrl && ctx.state.lastModified) headers['if-modified-since'] = ctx.state.lastModified;
    let res;
    try {
      res = await getText(feedUrl, ctx, headers);
    } catch (e) {
      throw httpFailure(e, 'feed');
    }
    if (res.permanent && res.url !== feedUrl) {
      notes.push(`the feed moved permanently to ${redact(res.url)}`);
      feedUrl = res.url;
    }
    if (res.status === 304) return { items: [], unchanged: true, notes, state: { ...ctx.state, feedUrl } };
    const linked = moves < 3 ? feedLinkInPage(res.text, res.url) : undefined;
    if (linked) {
      notes.push(`found the feed ${redact(linked)} in the page`);
      feedUrl = linked;
      continue;
    }
    const parsed = parseFeedText(res.text, res.url);
    if (parsed.newFeedUrl && parsed.newFeedUrl !== feedUrl && moves < 3) {
      notes.push(`the publisher moved the feed to ${redact(parsed.newFeedUrl)} (itunes:new-feed-url)`);
      feedUrl = parsed.newFeedUrl;
      continue;
    }
    const state = { ...ctx.state, feedUrl, title: parsed.title ?? ctx.state.title, etag: res.headers.get('etag') ?? undefined, lastModified: res.headers.get('last-modified') ?? undefined };
    return { items: parsed.items, title: parsed.title, state: clean(state), notes, parsed };
  }
}

/** A web page's advertised feed (`<link rel="alternate" type="application/rss+xml">`), for pages given as feed URLs. */
export function feedLinkInPage(text: string, base: string): string | undefined {
  if (!/^\s*<(!doctype html|html)/i.test(text)) return undefined;
  for (const m of text.matchAll(/<link\b[^>]*>/gi)) {
    const tag = m[0];
    if (!/rel=["']?alternate/i.test(tag) || !/type=["']?application\/(rss|atom)\+xml/i.test(tag)) continue;
    const href = /href=["']([^"']+)["']/i.exec(tag)?.[1];
    if (href) return new URL(decodeEntities(href), base).toString();
  }
  return undefined;
}

/** A file name for an item's media: stable per item, safe on every file system. */
export function mediaFileName(key: string, url: string): string {
  const ext = /\.(mp3|m4a|mp4|aac|ogg|oga|opus|wav|flac|webm|m4v|mov)(?:[?#]|$)/i.exec(new URL(url, 'http://x').pathname)?.[1]?.toLowerCase() ?? 'audio';
  return `${createHash('sha1').update(key).digest('hex').slice(0, 16)}.${ext}`;
}

/**
 * An episode's transcript from its publisher when the feed links one (best format first; a
 * broken one falls through to the next), else its audio for recognition, else it waits for a
 * recognizer. Shared by feeds and Xiaoyuzhou shows.
 */
export async function fetchEpisode(item: Item, ctx: SourceContext): Promise<Fetched> {
  const warnings: string[] = [];
  for (const link of rankTranscripts(item.transcripts ?? [])) {
    let text: string;
    let contentType: string;
    try {
      ({ text, contentType } = await getText(link.url, ctx));
    } catch (e) {
      const f = httpFailure(e, `publisher transcript ${redact(link.url)}`);
      // A transcript that is only temporarily unavailable is worth waiting for: recognition costs more.
      if (f.kind !== 'permanent') throw f;
      warnings.push(f.message);
      continue;
    }
    const format = transcriptFormat(link.type || contentType, link.url, text);
    try {
      const lines = readTranscript(text, format);
      const chapters = await loadChapters(item, ctx, warnings);
      return {
        kind: 'transcript',
        transcript: { lines, origin: `publisher (${link.type || format})`, language: link.language ?? item.language, speakers: item.persons, chapters, warnings },
      };
    } catch (e) {
      warnings.push(`publisher transcript ${redact(link.url)}: ${(e as Error).message}`);
    }
  }
  const why = warnings.length ? ` (${warnings.join('; ')})` : '';
  if (!item.enclosure) throw new FollowError(`no usable transcript and no audio enclosure${why}`, 'permanent');
  if (!ctx.wantAudio) {
    throw new FollowError(`no publisher transcript${why}: waiting for a speech recognizer to transcribe the audio`, 'waiting', RECOGNIZER_HINT);
  }
  const dest = join(ctx.mediaDir, mediaFileName(item.key, item.enclosure.url));
  await downloadFile(item.enclosure.url, dest, ctx);
  return { kind: 'audio', path: dest };
}

export const RECOGNIZER_HINT = 'configure an OpenAI-compatible recognizer: ENGRAM_ASR_URL (e.g. http://127.0.0.1:8000/v1), ENGRAM_ASR_MODEL, ENGRAM_ASR_KEY, or "asr" in LIBRARY/config.json';

/** `<podcast:chapters>` of an item; a failure is a warning, never the item's failure. */
export async function loadChapters(item: Item, ctx: SourceContext, warnings: string[]): Promise<Chapter[] | undefined> {
  if (!item.chapters) return undefined;
  try {
    return readChapters((await getText(item.chapters, ctx)).text);
  } catch (e) {
    warnings.push(`chapters ${redact(item.chapters)}: ${(e as Error).message}`);
    return undefined;
  }
}

export function feedSource(url: string): Source {
  return { kind: 'feed', discover: (ctx) => discoverFeed(url, ctx), fetch: fetchEpisode };
}
