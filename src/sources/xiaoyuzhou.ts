/**
 * Xiaoyuzhou (小宇宙) shows and episodes. Its pages are Next.js pages: the data sits in a
 * `<script id="__NEXT_DATA__">` JSON (and sometimes `application/ld+json`). The reader does not
 * depend on one exact layout: it walks the JSON for objects that look like episodes (an ID,
 * a title, an audio URL) and like the show (a title next to a list of episodes), so a moved or
 * renamed field does not break it. This follows the page structure as known and is tested on
 * page fixtures written for the tests (this project has no network access to the real site).
 *
 * When the show publishes an RSS feed (a `<link rel="alternate">` or an RSS URL in the page
 * data), the feed is read for the full history and publisher transcripts, and each feed item
 * keeps its Xiaoyuzhou episode page as canonical URL where the page lists it, so transcripts
 * and summaries already in the library that name the episode page join the new documents.
 */
import { decodeEntities } from '../formats/text-utils.js';
import { dateOf, discoverFeed, fetchEpisode } from './feed.js';
import { getText, httpFailure } from './download.js';
import { FollowError, type Discovery, type Item, type Source, type SourceContext } from './source.js';

const SITE = 'https://www.xiaoyuzhoufm.com';
const ID = /^[0-9a-f]{24}$/i;
const AUDIO_URL = /^https?:\/\/\S+\.(?:m4a|mp3|aac|ogg|opus|wav|flac)(?:[?#]\S*)?$|^https?:\/\/(?:media|audio)\.xyzcdn\.net\/\S+$/i;

export interface PageData {
  show?: string;
  episodes: Item[];
  /** An RSS feed the page names. */
  rss?: string;
  /** The show's ID (an episode page names the show it belongs to). */
  showId?: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: Json | undefined) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** The JSON blobs of a page: `__NEXT_DATA__` and every ld+json script. */
function pageJson(html: string): Json[] {
  const out: Json[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const attrs = m[1]!;
    if (!/id=["']__NEXT_DATA__["']|type=["']application\/(?:ld\+)?json["']/i.test(attrs)) continue;
    try {
      out.push(JSON.parse(m[2]!) as Json);
    } catch {
      /* a broken blob: the others may still hold the data */
    }
  }
  return out;
}

function audioUrlOf(o: Obj): string | undefined {
  const candidates = [
    isObj(o.enclosure) ? o.enclosure.url : o.enclosure,
    isObj(o.media) ? (isObj(o.media.source) ? o.media.source.url : o.media.url) : undefined,
    o.mediaUrl, o.audioUrl, isObj(o.audio) ? o.audio.url : undefined,
    isObj(o.associatedMedia) ? o.associatedMedia.contentUrl : undefined, o.contentUrl,
  ];
  return (
    candidates.map((c) => str(c as Json)).find((u) => u && /^https?:\/\//.test(u)) ??
    Object.values(o).map((v) => str(v)).find((u) => u && AUDIO_URL.test(u))
  );
}

function episodeOf(o: Obj, show: string | undefined): Item | undefined {
  const title = str(o.title) ?? str(o.name);
  const pageUrl = str(o.url) && /\/episode\/[0-9a-f]{24}/i.test(str(o.url)!) ? str(o.url) : str(o['@id']);
  const eid = str(o.eid) ?? (str(o.id) && ID.test(str(o.id)!) ? str(o.id) : undefined) ?? /\/episode\/([0-9a-f]{24})/i.exec(pageUrl ?? '')?.[1];
  const audio = audioUrlOf(o);
  if (!title || !eid || !audio) return undefined;
  const item: Item = { key: eid, title: decodeEntities(title), url: `${SITE}/episode/${eid}`, enclosure: { url: audio } };
  const date = dateOf(str(o.pubDate) ?? str(o.datePublished) ?? str(o.publishedAt));
  if (date) item.date = date;
  const duration = typeof o.duration === 'number' ? o.duration : undefined;
  if (duration) item.duration = duration;
  const series = isObj(o.podcast) ? str(o.podcast.title) : isObj(o.partOfSeries) ? str(o.partOfSeries.name) : undefined;
  if (series ?? show) item.show = series ?? show;
  return item;
}

/** Everything the reader finds in a show or episode page. */
export function readPage(html: string): PageData {
  const episodes = new Map<string, Item>();
  let show: string | undefined;
  let showId: string | undefined;
  let rss = /<link\b[^>]*type=["']application\/rss\+xml["'][^>]*>/i.exec(html)?.[0].match(/href=["']([^"']+)["']/)?.[1];
  const walk = (v: Json, depth: number, parentShow?: string): void => {
    if (depth > 40) return;
    if (Array.isArray(v)) return v.forEach((x) => walk(x, depth + 1, parentShow));
    if (!isObj(v)) return;
    // The show: a title next to its episodes, or an object with a show ID.
    const hasEpisodes = Array.isArray(v.episodes) || Array.isArray(v.episode);
    const title = str(v.title) ?? str(v.name);
    const isShow = title && (hasEpisodes || str(v.pid) !== undefined && str(v.eid) === undefined || v['@type'] === 'PodcastSeries');
    if (isShow && !show) show = decodeEntities(title);
    const pid = str(v.pid) ?? /\/podcast\/([0-9a-f]{24})/i.exec(str(v.url) ?? '')?.[1];
    if (pid && ID.test(pid) && !showId) showId = pid;
    const here = isShow ? decodeEntities(title) : parentShow;
    const ep = episodeOf(v, here);
    if (ep && !episodes.has(ep.key)) episodes.set(ep.key, ep);
    for (const [k, x] of Object.entries(v)) {
      if (!rss && typeof x === 'string' && /rss|feed/i.test(k) && /^https?:\/\//.test(x)) rss = x;
      walk(x, depth + 1, here);
    }
  };
  for (const blob of pageJson(html)) walk(blob, 0);
  if (!show) show = /<meta\b[^>]*property=["']og:site_name["'][^>]*content=["']([^"']+)/i.exec(html)?.[1];
  const list = [...episodes.values()].map((e) => (e.show || !show ? e : { ...e, show }));
  list.sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
  return { show, episodes: list, rss: rss ? decodeEntities(rss) : undefined, showId };
}

const norm = (s: string | undefined) => (s ?? '').replace(/\s+/g, '').toLowerCase();

async function readUrl(url: string, ctx: SourceContext): Promise<PageData> {
  try {
    return readPage((await getText(url, ctx)).text);
  } catch (e) {
    throw httpFailure(e, 'Xiaoyuzhou page');
  }
}

async function discover(givenUrl: string, ctx: SourceContext): Promise<Discovery> {
  // An episode page stands for its show: follow the show (found once, then remembered).
  const notes: string[] = [];
  let pageUrl = (ctx.state.showUrl as string | undefined) ?? givenUrl;
  let page = await readUrl(pageUrl, ctx);
  if (/\/episode\//.test(pageUrl) && page.showId) {
    pageUrl = new URL(`/podcast/${page.showId}`, pageUrl).toString();
    notes.push(`following the show${page.show ? ` ${page.show}` : ''} of this episode (${pageUrl})`);
    page = await readUrl(pageUrl, ctx);
  }
  const showState = pageUrl !== givenUrl ? { showUrl: pageUrl } : {};
  const rss = page.rss ?? (ctx.state.feedUrl as string | undefined);
  if (rss) {
    try {
      const feed = await discoverFeed(rss, ctx);
      // Feed items keep their Xiaoyuzhou episode page as URL when the page lists them.
      const byTitle = new Map(page.episodes.map((e) => [norm(e.title), e]));
      const byAudio = new Map(page.episodes.map((e) => [e.enclosure?.url, e]));
      const items = feed.items.map((it) => {
        const match = byAudio.get(it.enclosure?.url) ?? byTitle.get(norm(it.title));
        return match ? { ...it, url: match.url, key: it.key } : it;
      });
      return { ...feed, items, title: page.show ?? feed.title, notes: [...notes, ...(feed.notes ?? [])], state: { ...feed.state, ...showState } };
    } catch (e) {
      if (page.episodes.length === 0) throw e;
      // The page itself still lists the recent episodes.
    }
  }
  if (page.episodes.length === 0) {
    throw new FollowError(`${pageUrl}: no episodes found in the page's data (the page layout may have changed)`, 'transient', 'report it to engram with the page URL');
  }
  return { items: page.episodes, title: page.show, notes, state: { ...ctx.state, ...showState, title: page.show ?? ctx.state.title } };
}

export function xiaoyuzhouSource(url: string): Source {
  return { kind: 'xiaoyuzhou', discover: (ctx) => discover(url, ctx), fetch: fetchEpisode };
}
