/**
 * The source registry: which kind a URL or path is, and the `Source` for a followed source.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { feedSource } from './feed.js';
import { youtubeSource } from './youtube.js';
import { xiaoyuzhouSource } from './xiaoyuzhou.js';
import type { Source, SourceKind } from './source.js';

export interface DetectedSource {
  kind: SourceKind;
  /** Normalized: an absolute path for folders, the URL otherwise. */
  url: string;
  /** A name to use when the source's own title cannot be had. */
  fallbackName: string;
}

/** A YouTube channel (`/@handle`, `/channel/ID`, `/c/NAME`, `/user/NAME`) or playlist URL. */
const YOUTUBE = /^https?:\/\/(?:www\.|m\.)?youtube\.com\/(@[^/?#]+|channel\/[^/?#]+|c\/[^/?#]+|user\/[^/?#]+|playlist\?[^#]*list=[^&#]+)/i;

/** Kind of what the user gave `source add`; throws an Error (usage) when it is none of them. */
export function detectSource(input: string): DetectedSource {
  const s = input.trim();
  if (/^https?:\/\//i.test(s)) {
    const u = new URL(s);
    if (YOUTUBE.test(s)) {
      const handle = YOUTUBE.exec(s)![1]!;
      return { kind: 'youtube', url: s, fallbackName: decodeURIComponent(handle.replace(/^(channel|c|user)\//, '').replace(/^playlist\?.*list=/, 'playlist-')) };
    }
    if (/youtube\.com\/feeds\/videos\.xml/i.test(s) && u.searchParams.get('channel_id')) {
      return { kind: 'youtube', url: `https://www.youtube.com/channel/${u.searchParams.get('channel_id')}`, fallbackName: u.searchParams.get('channel_id')! };
    }
    if (/(?:^|\.)youtube\.com$|^youtu\.be$/i.test(u.hostname)) {
      throw new Error(`${s} is a single video, not a channel or playlist: follow its channel (https://www.youtube.com/@NAME)`);
    }
    if (/(?:^|\.)xiaoyuzhoufm\.com$/i.test(u.hostname) && /^\/(podcast|episode)\/[0-9a-f]{24}/i.test(u.pathname)) {
      return { kind: 'xiaoyuzhou', url: `${u.origin}${u.pathname}`, fallbackName: u.pathname.split('/')[2]! };
    }
    return { kind: 'feed', url: s, fallbackName: `${u.hostname}${u.pathname.replace(/\/(feed|rss|podcast)?(\.xml|\.rss)?\/?$/i, '')}`.replace(/[/]+/g, '-') };
  }
  const path = resolve(s);
  if (existsSync(path) && statSync(path).isDirectory()) return { kind: 'folder', url: path, fallbackName: basename(path) };
  throw new Error(`"${s}" is neither a URL (YouTube channel or playlist, podcast feed, Xiaoyuzhou page) nor an existing folder`);
}

const folderSource = (path: string): Source => ({
  kind: 'folder',
  discover: async (ctx) => ({ items: [], folders: [path], state: ctx.state }),
  fetch: async () => {
    throw new Error('a folder source has no items to fetch');
  },
});

export function sourceFor(kind: SourceKind, url: string): Source {
  switch (kind) {
    case 'youtube': return youtubeSource(url);
    case 'feed': return feedSource(url);
    case 'xiaoyuzhou': return xiaoyuzhouSource(url);
    case 'folder': return folderSource(url);
  }
}
