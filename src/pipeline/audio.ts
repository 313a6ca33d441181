/**
 * Audio through ffmpeg: duration, silences, and chunks cut for upload. Long episodes are cut
 * near silences (never in the middle of a word when a pause is near), with an overlap so a
 * word cut anyway is heard whole by one of the two chunks; stitch.ts removes the overlap's
 * duplicate text afterwards.
 */
import { spawn } from 'node:child_process';

export interface Span {
  start: number;
  end: number;
}

/** Encoding of uploaded chunks: 16 kHz mono, FLAC by default, WAV for servers that read nothing else. */
export type ChunkEncoding = 'flac' | 'wav';

/** Bytes per second of 16 kHz mono 16-bit PCM: an upper bound for both encodings (FLAC is smaller). */
export const PCM_BYTES_PER_SECOND = 32_000;

export class FfmpegMissingError extends Error {}

function run(cmd: string, args: string[], opts: { binary?: boolean } = {}): Promise<{ code: number; out: Buffer; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.length > 4_000_000) err = err.slice(-2_000_000);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' ? new FfmpegMissingError(`${cmd} is not installed: install ffmpeg (Debian: apt-get install ffmpeg) to transcribe audio`) : e);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out: opts.binary === false ? Buffer.alloc(0) : Buffer.concat(out), err }));
  });
}

/** Duration in seconds. */
export async function probeDuration(path: string): Promise<number> {
  const r = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=noprint_wrappers=1:nokey=1', path]);
  const d = Number(r.out.toString().trim());
  if (r.code !== 0 || !Number.isFinite(d) || d <= 0) {
    throw new Error(`cannot read the audio's duration (${path}): ${r.err.trim().split('\n').pop() || 'not an audio file'}`);
  }
  return d;
}

/** Silences of at least `minSeconds` quieter than `noiseDb`, from ffmpeg's silencedetect filter. */
export async function detectSilences(path: string, opts: { noiseDb?: number; minSeconds?: number } = {}): Promise<Span[]> {
  const filter = `silencedetect=noise=${opts.noiseDb ?? -35}dB:d=${opts.minSeconds ?? 0.4}`;
  const r = await run('ffmpeg', ['-hide_banner', '-nostats', '-i', path, '-af', filter, '-f', 'null', '-'], { binary: false });
  if (r.code !== 0) throw new Error(`ffmpeg could not read ${path}: ${r.err.trim().split('\n').pop()}`);
  const out: Span[] = [];
  let start: number | undefined;
  for (const m of r.err.matchAll(/silence_(start|end): (-?[\d.]+)/g)) {
    const t = Math.max(0, Number(m[2]));
    if (m[1] === 'start') start = t;
    else if (start !== undefined) {
      out.push({ start, end: t });
      start = undefined;
    }
  }
  return out;
}

/**
 * Where to cut: chunks of at most `maxSeconds`, each ending in the middle of the latest silence
 * in its last 40% when there is one (else at the limit), each starting `overlapSeconds` before
 * the previous one ended.
 */
export function planChunks(duration: number, silences: Span[], opts: { maxSeconds: number; overlapSeconds: number }): Span[] {
  const { maxSeconds } = opts;
  const overlap = Math.min(opts.overlapSeconds, maxSeconds / 4);
  if (duration <= maxSeconds) return [{ start: 0, end: duration }];
  const chunks: Span[] = [];
  let start = 0;
  while (start < duration) {
    const limit = start + maxSeconds;
    if (limit >= duration) {
      chunks.push({ start, end: duration });
      break;
    }
    const earliest = start + Math.max(overlap * 2, maxSeconds * 0.6);
    const pause = [...silences].reverse().find((s) => {
      const mid = (s.start + s.end) / 2;
      return mid <= limit && mid >= earliest;
    });
    const end = pause ? (pause.start + pause.end) / 2 : limit;
    chunks.push({ start, end });
    start = end - overlap;
  }
  return chunks;
}

/** One span of the audio as 16 kHz mono FLAC or WAV, in memory (chunks are under the upload limit). */
export async function extractChunk(path: string, span: Span, encoding: ChunkEncoding): Promise<Buffer> {
  const codec = encoding === 'wav' ? ['-c:a', 'pcm_s16le', '-f', 'wav'] : ['-c:a', 'flac', '-f', 'flac'];
  const r = await run('ffmpeg', [
    '-hide_banner', '-nostats', '-loglevel', 'error', '-ss', span.start.toFixed(3), '-t', (span.end - span.start).toFixed(3),
    '-i', path, '-vn', '-ac', '1', '-ar', '16000', ...codec, 'pipe:1',
  ]);
  if (r.code !== 0 || r.out.length === 0) throw new Error(`ffmpeg could not cut ${path} at ${span.start.toFixed(1)} s: ${r.err.trim().split('\n').pop()}`);
  return r.out;
}
