/**
 * Fetching files for followed sources: small texts (feeds, transcripts, pages) and media
 * enclosures. Enclosures stream to disk (memory does not grow with the file), resume with
 * `Range` after an interruption (a `.part` file is kept), follow redirect chains, and are
 * refused when too large or not audio/video at all (an HTML error page served with 200).
 */
import { createWriteStream, existsSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fetchFollowing, HttpError, redact } from '../providers/http.js';
import { FollowError, type SourceContext } from './source.js';
import { makeFolders } from '../folders.js';

/** Texts (feeds, transcripts, pages) larger than this are not what they claim to be. */
const MAX_TEXT_BYTES = 30_000_000;

/** An HTTP failure as a job failure: transient ones are retried later, the rest are final. */
export function httpFailure(e: unknown, what: string): FollowError {
  if (e instanceof FollowError) return e;
  if (e instanceof HttpError) {
    const kind = e.status === 429 ? 'blocked' : e.transient ? 'transient' : 'permanent';
    return new FollowError(`${what}: ${e.message}`, kind, undefined, e.retryAfterS);
  }
  return new FollowError(`${what}: ${(e as Error).message}`, 'transient');
}

export interface TextResponse {
  status: number;
  text: string;
  url: string;
  permanent: boolean;
  contentType: string;
  headers: Headers;
}

/** GET a text resource (UTF-8), politely, with retries; 304 comes back with empty text. */
export async function getText(url: string, ctx: SourceContext, headers: Record<string, string> = {}): Promise<TextResponse> {
  await ctx.pacer.wait(url, ctx.signal);
  const { response, url: finalUrl, permanent } = await fetchFollowing(url, { headers: { 'user-agent': USER_AGENT, ...headers } }, { ...ctx.retry, signal: ctx.signal });
  const contentType = response.headers.get('content-type') ?? '';
  if (response.status === 304) {
    await response.body?.cancel();
    return { status: 304, text: '', url: finalUrl, permanent, contentType, headers: response.headers };
  }
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_TEXT_BYTES) {
    await response.body?.cancel();
    throw new FollowError(`${redact(finalUrl)} is ${(length / 1e6).toFixed(0)} MB: too large for a feed or transcript`, 'permanent');
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, text: bytes.toString('utf8').replace(/^\uFEFF/, ''), url: finalUrl, permanent, contentType, headers: response.headers };
}

export const USER_AGENT = 'engram (+https://github.com/) podcast and channel follower';

/** Media types an enclosure may have; anything else (text/html, application/json) is refused. */
function isMediaType(type: string): boolean {
  const t = type.split(';')[0]!.trim().toLowerCase();
  return t === '' || /^(audio|video)\//.test(t) || /^(application|binary)\/(octet-stream|ogg|mp4|x-mpegurl|force-download|download)$/.test(t);
}

export interface DownloadResult {
  path: string;
  bytes: number;
  /** Bytes that were already on disk from an interrupted download. */
  resumedFrom: number;
}

/**
 * Download `url` to `dest`. An existing `dest` is taken as done; an existing `dest.part` is
 * resumed with a `Range` request (restarted when the server ignores it). The `.part` file is
 * renamed only once complete, so a killed process never leaves a truncated file under `dest`.
 */
export async function downloadFile(url: string, dest: string, ctx: SourceContext): Promise<DownloadResult> {
  if (existsSync(dest)) return { path: dest, bytes: statSync(dest).size, resumedFrom: statSync(dest).size };
  makeFolders(dirname(dest));
  const part = `${dest}.part`;
  const have = existsSync(part) ? statSync(part).size : 0;
  await ctx.pacer.wait(url, ctx.signal);
  let res;
  try {
    res = await fetchFollowing(url, { headers: { 'user-agent': USER_AGENT, ...(have > 0 ? { range: `bytes=${have}-` } : {}) } }, { ...ctx.retry, signal: ctx.signal });
  } catch (e) {
    if (e instanceof HttpError && e.status === 416 && have > 0) {
      // The partial file does not fit what the server has now (the file changed): start over.
      safeUnlink(part);
      return downloadFile(url, dest, ctx);
    }
    throw httpFailure(e, 'audio download');
  }
  const { response } = res;
  const type = response.headers.get('content-type') ?? '';
  if (!isMediaType(type)) {
    await response.body?.cancel();
    throw new FollowError(`audio download: ${redact(res.url)} answered with ${type.split(';')[0]}, not audio`, 'permanent', 'the feed points at a web page instead of the episode\'s audio');
  }
  const resuming = response.status === 206 && have > 0;
  const start = resuming ? have : 0;
  const length = Number(response.headers.get('content-length') ?? NaN);
  const total = Number.isFinite(length) ? start + length : undefined;
  if (total !== undefined && total > ctx.maxAudioBytes) {
    await response.body?.cancel();
    throw new FollowError(`audio download: ${redact(res.url)} is ${(total / 1e6).toFixed(0)} MB, over the ${(ctx.maxAudioBytes / 1e6).toFixed(0)} MB limit`, 'permanent', 'raise the limit with --max-audio-mb if this episode is really that long');
  }
  if (!response.body) throw new FollowError(`audio download: ${redact(res.url)} sent no body`, 'transient');
  let written = start;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      written += chunk.length;
      if (written > ctx.maxAudioBytes) {
        done(new FollowError(`audio download: ${redact(res.url)} passed the ${(ctx.maxAudioBytes / 1e6).toFixed(0)} MB limit`, 'permanent', 'raise the limit with --max-audio-mb if this episode is really that long'));
        return;
      }
      ctx.onBytes?.(chunk.length);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), limit, createWriteStream(part, { flags: resuming ? 'a' : 'w' }));
  } catch (e) {
    if (e instanceof FollowError) {
      if (e.kind === 'permanent') safeUnlink(part);
      throw e;
    }
    // The .part stays: the next attempt resumes it.
    throw new FollowError(`audio download interrupted after ${(written / 1e6).toFixed(1)} MB: ${(e as Error).message}`, 'transient');
  }
  if (total !== undefined && written < total) {
    throw new FollowError(`audio download ended early: ${written} of ${total} bytes`, 'transient');
  }
  renameSync(part, dest);
  return { path: dest, bytes: written, resumedFrom: start };
}

export function safeUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}
