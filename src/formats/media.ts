/**
 * Media identity: how files that describe the same video or episode find each other.
 * Every parser builds its document key and canonical URL through these functions, so two
 * formats never disagree on what "the same media item" means.
 */

const YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;

/** The YouTube video ID in a watch/short/embed/thumbnail URL, or undefined. */
export function youtubeIdFromUrl(url: string): string | undefined {
  const m =
    /(?:youtube\.com\/(?:watch\?(?:[^#\s]*&)?v=|shorts\/|embed\/|live\/)|youtu\.be\/|img\.youtube\.com\/vi\/|i\.ytimg\.com\/vi\/)([A-Za-z0-9_-]{11})/.exec(url);
  return m?.[1];
}

export function isYoutubeId(id: string): boolean {
  return YOUTUBE_ID.test(id);
}

export function youtubeUrl(id: string): string {
  return `https://www.youtube.com/watch?v=${id}`;
}

/** A file named after a YouTube video (`bestpartners/subtitle/VIDEOID.txt`) gives its ID. */
export function youtubeIdFromPath(relPath: string): string | undefined {
  const base = relPath.split('/').pop() ?? '';
  const stem = base.replace(/\.[A-Za-z0-9]{1,5}$/, '');
  return isYoutubeId(stem) && /[0-9_-]|[A-Z].*[a-z]|[a-z].*[A-Z]/.test(stem) ? stem : undefined;
}

/** Strip tracking parameters and fragments so one episode has one URL. */
export function canonicalUrl(url: string): string {
  const yt = youtubeIdFromUrl(url);
  if (yt) return youtubeUrl(yt);
  try {
    const u = new URL(url.trim());
    u.hash = '';
    for (const p of [...u.searchParams.keys()]) {
      if (/^(utm_|spm$|from$|share|si$|s$|ref$)/.test(p)) u.searchParams.delete(p);
    }
    return u.toString();
  } catch {
    return url.trim();
  }
}

/**
 * The keys one episode's URL may be known by: its own (`mediaKey`), then the same address
 * with or without `www.`, a trailing `/` or TLS — one page that show notes, feeds and
 * headers write each their way (xiaoyuzhoufm.com/episode/X and www.xiaoyuzhoufm.com/episode/X/).
 */
export function urlKeys(url: string): string[] {
  const own = `url:${canonicalUrl(url)}`;
  let u: URL;
  try {
    u = new URL(canonicalUrl(url));
  } catch {
    return [own];
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return [own];
  const hosts = [u.host, u.host.startsWith('www.') ? u.host.slice(4) : `www.${u.host}`];
  const paths = u.pathname === '/' ? ['/'] : [u.pathname, u.pathname.endsWith('/') ? u.pathname.slice(0, -1) : `${u.pathname}/`];
  const keys = new Set([own]);
  for (const protocol of ['https:', 'http:']) for (const host of hosts) for (const path of paths) keys.add(`url:${protocol}//${host}${path}${u.search}`);
  return [...keys];
}

/**
 * The join key for a media item. Prefer a YouTube ID, then a URL; the fallback keeps the
 * file's own identity: where it is (its absolute path, plus the entry number for multi-entry
 * files). Not its path under the folder ingested: `todo.md` of ~/work and of ~/home are two
 * notes, and were one document when keyed by `todo.md`.
 */
export function mediaKey(opts: { youtubeId?: string; url?: string; file: { absPath: string }; entry?: number }): string {
  if (opts.youtubeId) return `youtube:${opts.youtubeId}`;
  if (opts.url) {
    const yt = youtubeIdFromUrl(opts.url);
    return yt ? `youtube:${yt}` : `url:${canonicalUrl(opts.url)}`;
  }
  return `file:${opts.file.absPath}${opts.entry ? `#${opts.entry}` : ''}`;
}

/** `HH:MM:SS`, `MM:SS`, `HH:MM:SS.mmm` or `HH:MM:SS,mmm` to seconds; undefined if malformed. */
export function parseTimecode(s: string): number | undefined {
  const m = /^\s*(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?\s*$/.exec(s);
  if (!m) return undefined;
  const [, h, mm, ss, frac] = m;
  // A clock's digits: seconds under 60, and minutes too when hours are given (`75:30` is 75 minutes).
  if (Number(ss) >= 60 || (h !== undefined && Number(mm) >= 60)) return undefined;
  return Number(h ?? 0) * 3600 + Number(mm) * 60 + Number(ss) + (frac ? Number(frac.padEnd(3, '0')) / 1000 : 0);
}

/** Seconds to `H:MM:SS` / `M:SS` for display. */
export function formatTimecode(seconds: number): string {
  const t = Math.floor(seconds);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** A link to a moment: YouTube gets `&t=123s`; other URLs get a `#t=123` media fragment. */
export function deepLink(url: string | null | undefined, seconds: number | null | undefined): string | null {
  if (!url) return null;
  if (seconds == null || !Number.isFinite(seconds)) return url;
  const t = Math.max(0, Math.floor(seconds));
  if (youtubeIdFromUrl(url)) return `${youtubeUrl(youtubeIdFromUrl(url)!)}&t=${t}s`;
  return `${url.replace(/#.*$/, '')}#t=${t}`;
}

/** `YYYY-MM-DD` from loose date strings (`2025-3-4`, `2025/03/04`, `2025-03-04T…`); undefined otherwise. */
/**
 * A date a person types as a bound: `YYYY`, `YYYY-MM` or a full date. An `until` bound
 * stretches to the end of the year or month (`-31` compares after every day of any month:
 * dates are compared as strings). Undefined when it is no date the calendar has.
 */
export function dateBound(raw: string, bound: 'since' | 'until'): string | undefined {
  const v = raw.trim();
  if (/^\d{4}$/.test(v)) return bound === 'since' ? `${v}-01-01` : `${v}-12-31`;
  const month = /^\d{4}-(\d{2})$/.exec(v)?.[1];
  if (month) return Number(month) >= 1 && Number(month) <= 12 ? (bound === 'since' ? `${v}-01` : `${v}-31`) : undefined;
  // A whole date and nothing else: x2025-02-01y or 20250-01-01 (read as 0250-01-01) are typos.
  return /^\d{4}(?:[-/.]\d{1,2}[-/.]\d{1,2}|年\d{1,2}月\d{1,2}日?)$/.test(v) ? isoDate(v) : undefined;
}

export function isoDate(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const m = /(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d] = m;
  // A day the calendar has (Date.parse takes 2025-02-30 for March 2nd).
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(Number(y), month, 0)).getUTCDate()) return undefined;
  return `${y}-${mo!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
}
