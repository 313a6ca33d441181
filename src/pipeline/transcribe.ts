/**
 * Audio to transcript: cut into chunks under the upload limit near silences (audio.ts), send
 * each to the recognizer with the language and a script prompt, shift each chunk's times onto
 * the episode's timeline and remove the overlaps' duplicate text (stitch.ts).
 *
 * Each chunk's recognition is saved next to the audio (`AUDIO.chunks/N.json`) as soon as it
 * arrives, so an update killed in the middle of a long episode resumes at the next chunk.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UnsupportedAudioError, type Recognition, type Recognizer } from '../providers/asr.js';
import { detectSilences, extractChunk, planChunks, probeDuration, PCM_BYTES_PER_SECOND, type ChunkEncoding, type Span } from './audio.js';
import { stitch, type ChunkRecognition } from './stitch.js';
import type { Transcript } from '../sources/source.js';
import { makeFolders } from '../folders.js';

export interface TranscribeOptions {
  /** Upload limit per request (OpenAI: 25 MB). */
  maxChunkBytes?: number;
  /** Overlap between consecutive chunks, seconds. */
  overlapSeconds?: number;
  /** Language hint, as a feed writes it (`zh-cn`, `zh-TW`, `en-us`) or ISO-639-1. */
  language?: string;
  /** Names to spell right (hosts, guests). */
  names?: string[];
  /** Start with WAV (a server known to read nothing else). */
  encoding?: ChunkEncoding;
  onChunk?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export const DEFAULT_MAX_CHUNK_BYTES = 24_000_000; // under OpenAI's 25 MB, with room for the form
export const DEFAULT_OVERLAP_SECONDS = 3;

/** `zh-cn` → `zh`; the recognizer wants ISO-639-1. */
export function recognizerLanguage(lang: string | undefined): string | undefined {
  const base = lang?.trim().toLowerCase().split(/[-_]/)[0];
  return base && /^[a-z]{2}$/.test(base) ? base : undefined;
}

/**
 * Whisper writes Chinese in either script, switching mid-episode; a prompt written in the
 * wanted script keeps it to one. Traditional for zh-TW / zh-HK / zh-Hant feeds, else Simplified.
 */
export function recognitionPrompt(lang: string | undefined, names: string[] = []): string | undefined {
  const l = lang?.toLowerCase() ?? '';
  const who = names.length ? names.join('、') : '';
  if (l.startsWith('zh') || l === 'cmn' || l === 'yue') {
    const traditional = /hant|tw|hk|mo/.test(l);
    const base = traditional ? '以下是普通話的節目錄音，請使用繁體中文和標點符號。' : '以下是普通话的节目录音，请使用简体中文和标点符号。';
    return who ? `${base}${traditional ? '說話人' : '说话人'}：${who}。` : base;
  }
  return who ? `Speakers: ${names.join(', ')}.` : undefined;
}

export async function transcribeAudio(path: string, recognizer: Recognizer, opts: TranscribeOptions = {}): Promise<Transcript> {
  const duration = await probeDuration(path);
  const maxSeconds = Math.max(2, Math.floor((opts.maxChunkBytes ?? DEFAULT_MAX_CHUNK_BYTES) / PCM_BYTES_PER_SECOND));
  const overlapSeconds = opts.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS;
  const silences = duration > maxSeconds ? await detectSilences(path) : [];
  const spans = planChunks(duration, silences, { maxSeconds, overlapSeconds });
  const cacheDir = `${path}.chunks`;
  makeFolders(cacheDir);
  const language = recognizerLanguage(opts.language);
  const prompt = recognitionPrompt(opts.language, opts.names);
  let encoding: ChunkEncoding = opts.encoding ?? 'flac';
  const results: ChunkRecognition[] = [];
  const warnings: string[] = [];
  let detected: string | undefined;
  for (const [i, span] of spans.entries()) {
    const cached = join(cacheDir, `${recognizer.model.replace(/[^\w.-]+/g, '_')}-${i}-${span.start.toFixed(3)}-${span.end.toFixed(3)}.json`);
    let rec: Recognition;
    if (existsSync(cached)) rec = JSON.parse(readFileSync(cached, 'utf8')) as Recognition;
    else {
      rec = await recognizeChunk(path, span, i, recognizer, { language, prompt, signal: opts.signal }, encoding).catch(async (e) => {
        if (!(e instanceof UnsupportedAudioError) || encoding === 'wav') throw e;
        encoding = 'wav'; // whisper.cpp's server without --convert: WAV only, from now on
        return recognizeChunk(path, span, i, recognizer, { language, prompt, signal: opts.signal }, encoding);
      });
      writeFileSync(`${cached}.tmp`, JSON.stringify(rec));
      renameSync(`${cached}.tmp`, cached);
    }
    detected ??= rec.language;
    const length = span.end - span.start;
    // Text without times (a `json`-only model): it spans the chunk.
    const segments = rec.segments.map((s) => (s.end > s.start || rec.format === 'verbose_json' || rec.format === 'diarized_json' ? s : { ...s, end: length }));
    results.push({ span, segments });
    opts.onChunk?.(i + 1, spans.length);
  }
  const lines = stitch(results);
  if (recognizer.diarizes && !lines.some((l) => l.speaker)) warnings.push(`${recognizer.model} returned no speakers: the transcript has none`);
  if (lines.length === 0) throw new Error(`the recognizer found no speech in ${duration.toFixed(0)} s of audio`);
  const transcript: Transcript = { lines, origin: `recognition (${recognizer.model})`, warnings };
  const lang = opts.language ?? detected;
  if (lang) transcript.language = lang;
  return transcript;
}

async function recognizeChunk(
  path: string, span: Span, index: number, recognizer: Recognizer,
  o: { language?: string; prompt?: string; signal?: AbortSignal }, encoding: ChunkEncoding,
): Promise<Recognition> {
  const data = await extractChunk(path, span, encoding);
  return recognizer.transcribe({ data, filename: `chunk-${index}.${encoding}`, mime: encoding === 'wav' ? 'audio/wav' : 'audio/flac' }, o);
}

/** Remove an audio file and its chunk cache (after its transcript is in the library). */
export function removeAudio(path: string): void {
  rmSync(path, { force: true });
  rmSync(`${path}.chunks`, { recursive: true, force: true });
}
