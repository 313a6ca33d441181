/**
 * YouTube channels and playlists through the user's own `yt-dlp` (PATH, or ENGRAM_YTDLP).
 *
 * - Listing: `yt-dlp --flat-playlist -J` on the channel's /videos tab (nothing downloaded);
 *   live, upcoming and members-only entries are listed as skipped, not failed.
 * - Subtitles: manual zh-Hans / zh-Hant / en tracks first (the video's own language first among
 *   them), else the original-language automatic track (`<lang>-orig`, or the bare code of the
 *   spoken language) — never a machine translation (a track whose URL carries `tlang=`, or a
 *   `<target>-<source>` code). Downloaded with `--skip-download --write-subs|--write-auto-subs
 *   --sub-langs LANG --sub-format vtt -o TEMPLATE`; rolling auto-caption lines are de-duplicated
 *   by the VTT reader.
 * - No usable subtitles: `-f bestaudio` for recognition, or the item waits for a recognizer.
 * - Errors are read from yt-dlp's messages: rate limits (HTTP 429, "try again later") and
 *   "Sign in to confirm you're not a bot" are `blocked` (retried later, with advice on
 *   cookies), members-only and upcoming are skips, private or removed videos are permanent.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isoDate, youtubeUrl } from '../formats/media.js';
import { readTranscript } from './transcripts.js';
import { FollowError, SkipItem, type Discovery, type Fetched, type Item, type Source, type SourceContext } from './source.js';
import { makeFolders } from '../folders.js';

export const YTDLP_INSTALL =
  'Install a current yt-dlp (Debian\'s package is too old for YouTube today): `python3 -m pip install --user -U "yt-dlp[default]"` ' +
  'or `pipx install yt-dlp`, or download the standalone binary from https://github.com/yt-dlp/yt-dlp/releases/latest and put it on PATH. ' +
  'If it is not on PATH, point engram at it with ENGRAM_YTDLP=/path/to/yt-dlp or --ytdlp PATH.';

/** A yt-dlp older than this many days no longer keeps up with YouTube's changes. */
const MAX_AGE_DAYS = 365;

export interface YtDlpRun {
  code: number;
  stdout: string;
  stderr: string;
}

function executable(ctx: SourceContext): string {
  return ctx.ytdlp?.path || 'yt-dlp';
}

function runYtDlp(exe: string, args: string[], signal?: AbortSignal): Promise<YtDlpRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(exe, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'EACCES') reject(new FollowError(`yt-dlp not found (${exe})`, 'waiting', YTDLP_INSTALL));
      else reject(e);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

const checked = new Map<string, Promise<string>>();

/** The yt-dlp version, once per executable; a FollowError (`waiting`) when missing or unusable. */
export function checkYtDlp(exe: string, today = new Date()): Promise<string> {
  let p = checked.get(exe);
  if (!p) {
    p = (async () => {
      const r = await runYtDlp(exe, ['--version']);
      const version = r.stdout.trim().split('\n')[0] ?? '';
      if (r.code !== 0) throw new FollowError(`yt-dlp (${exe}) does not run: ${lastError(r) || `exit code ${r.code}`}`, 'waiting', YTDLP_INSTALL);
      const m = /^(\d{4})\.(\d{1,2})\.(\d{1,2})/.exec(version);
      if (m) {
        const released = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
        const age = (today.getTime() - released) / 86_400_000;
        if (age > MAX_AGE_DAYS) throw new FollowError(`yt-dlp ${version} is ${Math.floor(age)} days old: too old for YouTube today`, 'waiting', YTDLP_INSTALL);
      }
      return version;
    })();
    checked.set(exe, p);
    p.catch(() => checked.delete(exe));
  }
  return p;
}

function lastError(r: YtDlpRun): string {
  const lines = r.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.filter((l) => l.startsWith('ERROR:')).pop() ?? lines.pop() ?? '').replace(/^ERROR:\s*/, '');
}

/** What a yt-dlp failure means for the job. */
export function classifyYtDlpError(r: YtDlpRun, what: string): FollowError | { skip: string } {
  const msg = lastError(r) || `exit code ${r.code}`;
  const text = r.stderr;
  if (/confirm you.?re not a bot/i.test(text)) {
    return new FollowError(`${what}: YouTube asks to sign in to confirm you're not a bot`, 'blocked',
      'export your browser\'s YouTube cookies to a file (Netscape format) and pass --cookies FILE to engram update (or set "ytdlp": {"cookies": FILE} in LIBRARY/config.json); engram tries again later');
  }
  if (/HTTP Error 429|Too Many Requests|rate.?limit|try again later/i.test(text)) {
    return new FollowError(`${what}: YouTube is rate-limiting requests (${msg})`, 'blocked', 'engram tries again later; fewer items per run (--limit) or a cookies file (--cookies FILE) help');
  }
  if (/members[- ]only|Join this channel/i.test(text)) return { skip: 'members-only' };
  if (/live event will begin|Premieres in|scheduled|is_upcoming/i.test(text)) return { skip: 'upcoming' };
  if (/Private video|Video unavailable|has been removed|account .* terminated|no longer available|confirm your age/i.test(text)) {
    return new FollowError(`${what}: ${msg}`, 'permanent');
  }
  if (r.code === 2 || /error: no such option|unrecognized arguments/i.test(text)) {
    return new FollowError(`${what}: yt-dlp rejected engram's options (${msg})`, 'waiting', YTDLP_INSTALL);
  }
  return new FollowError(`${what}: ${msg}`, 'transient');
}

/** The tab to list: a channel's /videos (not its home page's shelves); playlists as given. */
export function listingUrl(url: string): string {
  const u = new URL(url);
  if (u.searchParams.get('list') && !u.pathname.startsWith('/playlist')) return `https://www.youtube.com/playlist?list=${u.searchParams.get('list')}`;
  if (/^\/(?:@[^/]+|channel\/[^/]+|c\/[^/]+|user\/[^/]+)\/?$/.test(u.pathname)) {
    u.pathname = u.pathname.replace(/\/?$/, '/videos');
  }
  return u.toString();
}

interface FlatEntry {
  id?: string; title?: string; url?: string; live_status?: string; availability?: string;
  timestamp?: number; release_timestamp?: number; upload_date?: string; duration?: number; channel?: string;
}

/** Why an entry is not fetched, if it is not. */
function skipReason(e: { live_status?: string; availability?: string }): string | undefined {
  if (e.live_status === 'is_live') return 'live now';
  if (e.live_status === 'is_upcoming') return 'upcoming';
  if (e.live_status === 'post_live') return 'live stream still processing';
  if (e.availability === 'subscriber_only') return 'members-only';
  if (e.availability === 'premium_only') return 'YouTube Premium only';
  if (e.availability === 'needs_auth' || e.availability === 'private') return e.availability === 'private' ? 'private' : 'needs sign-in';
  return undefined;
}

function dateOfEntry(e: FlatEntry): string | undefined {
  if (e.upload_date && /^\d{8}$/.test(e.upload_date)) return `${e.upload_date.slice(0, 4)}-${e.upload_date.slice(4, 6)}-${e.upload_date.slice(6)}`;
  const ts = e.timestamp ?? e.release_timestamp;
  return ts ? new Date(ts * 1000).toISOString().slice(0, 10) : undefined;
}

function cookieArgs(ctx: SourceContext): string[] {
  return ctx.ytdlp?.cookies ? ['--cookies', ctx.ytdlp.cookies] : [];
}

async function ytdlp(ctx: SourceContext, args: string[], what: string): Promise<YtDlpRun> {
  const exe = executable(ctx);
  await checkYtDlp(exe);
  await ctx.pacer.wait('https://www.youtube.com/', ctx.signal);
  const r = await runYtDlp(exe, [...cookieArgs(ctx), ...args], ctx.signal);
  if (r.code !== 0) {
    const c = classifyYtDlpError(r, what);
    if (c instanceof FollowError) throw c;
    throw new SkipItem(c.skip);
  }
  return r;
}

async function discover(url: string, ctx: SourceContext): Promise<Discovery> {
  const r = await ytdlp(ctx, ['--flat-playlist', '-J', '--extractor-args', 'youtubetab:approximate_date', listingUrl(url)], 'listing');
  let data: { title?: string; channel?: string; uploader?: string; entries?: FlatEntry[] };
  try {
    data = JSON.parse(r.stdout);
  } catch {
    throw new FollowError(`listing: yt-dlp printed no JSON (${r.stdout.slice(0, 80)})`, 'transient');
  }
  const show = (data.channel || data.uploader || data.title || '').replace(/ - Videos$/, '').trim() || undefined;
  const items: Item[] = [];
  for (const e of data.entries ?? []) {
    if (!e.id || !/^[A-Za-z0-9_-]{11}$/.test(e.id)) continue; // shelves, nested playlists
    const item: Item = { key: e.id, url: youtubeUrl(e.id) };
    if (e.title) item.title = e.title;
    const date = dateOfEntry(e);
    if (date) item.date = date;
    if (show) item.show = show;
    if (e.duration) item.duration = e.duration;
    const skip = skipReason(e);
    if (skip) item.skip = skip;
    items.push(item);
  }
  return { items, title: show, state: { ...ctx.state, title: show ?? ctx.state.title } };
}

type Tracks = Record<string, { ext?: string; url?: string; name?: string }[]>;

interface VideoInfo {
  id: string; title?: string; channel?: string; uploader?: string; upload_date?: string; language?: string;
  live_status?: string; availability?: string; duration?: number;
  subtitles?: Tracks; automatic_captions?: Tracks;
}

const MANUAL_PREFERENCE: [string, RegExp][] = [
  ['zh-Hans', /^zh(-Hans.*|-CN|-SG)?$/i],
  ['zh-Hant', /^zh-(Hant.*|TW|HK|MO)$/i],
  ['en', /^en(-[A-Za-z]{2,3})?$/i],
];

export interface TrackChoice {
  lang: string;
  auto: boolean;
}

/** Which subtitle track to download, if any (see the module comment). */
export function chooseTrack(info: Pick<VideoInfo, 'subtitles' | 'automatic_captions' | 'language'>): TrackChoice | undefined {
  const manual = Object.keys(info.subtitles ?? {}).filter((l) => l !== 'live_chat');
  const spoken = info.language?.toLowerCase();
  const group = (lang: string) => MANUAL_PREFERENCE.findIndex(([, re]) => re.test(lang));
  const candidates = manual.filter((l) => group(l) >= 0).sort((a, b) => {
    const own = (l: string) => (spoken && l.toLowerCase().split('-')[0] === spoken.split('-')[0] ? 0 : 1);
    return own(a) - own(b) || group(a) - group(b);
  });
  if (candidates[0]) return { lang: candidates[0], auto: false };
  const auto = info.automatic_captions ?? {};
  const untranslated = (lang: string) => (auto[lang] ?? []).every((f) => !f.url || !/[?&]tlang=/.test(f.url));
  const orig = Object.keys(auto).find((l) => l.endsWith('-orig') && untranslated(l));
  if (orig) return { lang: orig, auto: true };
  if (spoken) {
    const own = Object.keys(auto).find((l) => l.toLowerCase() === spoken && untranslated(l));
    if (own) return { lang: own, auto: true };
  }
  return undefined;
}

async function fetchVideo(item: Item, ctx: SourceContext): Promise<Fetched> {
  const url = youtubeUrl(item.key);
  const infoRun = await ytdlp(ctx, ['-J', '--skip-download', '--no-playlist', url], 'video info');
  const info = JSON.parse(infoRun.stdout) as VideoInfo;
  const update: Partial<Item> = { url };
  if (info.title) update.title = info.title;
  const date = isoDate(info.upload_date?.replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3'));
  if (date) update.date = date;
  if (info.channel || info.uploader) update.show = info.channel ?? info.uploader;
  if (info.duration) update.duration = info.duration;
  const skip = skipReason(info);
  if (skip) return { kind: 'skip', reason: skip, item: update };

  makeFolders(ctx.mediaDir);
  const template = join(ctx.mediaDir, '%(id)s.%(ext)s');
  const track = chooseTrack(info);
  if (track) {
    await ytdlp(ctx, ['--skip-download', track.auto ? '--write-auto-subs' : '--write-subs', '--sub-langs', escapeRegex(track.lang), '--sub-format', 'vtt', '--no-playlist', '-o', template, url], 'subtitles');
    const file = join(ctx.mediaDir, `${info.id}.${track.lang}.vtt`);
    if (existsSync(file)) {
      const lines = readTranscript(readFileSync(file, 'utf8'), 'vtt', info.id);
      const language = track.lang.replace(/-orig$/, '');
      return { kind: 'transcript', item: update, transcript: { lines, language, origin: `YouTube ${track.auto ? 'automatic captions' : 'subtitles'} (${language})` } };
    }
    // yt-dlp exits 0 when a track vanished between the two calls: fall through to audio.
  }
  if (!ctx.wantAudio) {
    throw new FollowError('no usable subtitles (manual zh-Hans/zh-Hant/en or original-language captions): waiting for a speech recognizer to transcribe the audio', 'waiting',
      'configure an OpenAI-compatible recognizer: ENGRAM_ASR_URL, ENGRAM_ASR_MODEL, ENGRAM_ASR_KEY');
  }
  await ytdlp(ctx, ['-f', 'bestaudio/best', '--no-playlist', '-o', template, url], 'audio download');
  const audio = readdirSync(ctx.mediaDir).find((f) => f.startsWith(`${info.id}.`) && !/\.(part|vtt|json|ytdl)$/.test(f) && !f.includes('.chunks'));
  if (!audio) throw new FollowError('audio download: yt-dlp reported success but wrote no file', 'transient');
  return { kind: 'audio', path: join(ctx.mediaDir, audio), item: update };
}

/** `--sub-langs` takes regular expressions: a literal language code. */
function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function youtubeSource(url: string): Source {
  return { kind: 'youtube', discover: (ctx) => discover(url, ctx), fetch: fetchVideo };
}
