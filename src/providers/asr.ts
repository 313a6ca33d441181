/**
 * Speech recognition through an OpenAI-compatible `POST {url}/audio/transcriptions`
 * (multipart: file, model, response_format, language, prompt). Works with OpenAI, Groq,
 * speaches, whisper.cpp's server, LocalAI and vLLM; the differences handled here:
 *
 * - `verbose_json` gives timed segments (whisper-1, Groq, speaches, whisper.cpp, LocalAI, vLLM);
 * - models named `…diarize…` (gpt-4o-transcribe-diarize) answer `diarized_json`, whose segments
 *   carry a `speaker`; they need `chunking_strategy=auto` and take no prompt;
 * - models that only answer `json` (gpt-4o-transcribe) reject `verbose_json` with a 400: the
 *   recognizer falls back to `json` once and remembers it (text without times, one segment per upload);
 * - whisper.cpp's server reads only WAV unless started with `--convert`: a 400 saying it cannot
 *   read the audio is reported as `UnsupportedAudioError`, and the caller re-sends WAV.
 *
 * Transient failures (network, timeouts, 429 with Retry-After, 5xx) are retried by providers/http.ts.
 */
import { authHeaders, endpoint, fetchWithRetry, HttpError, redact, type FetchOptions } from './http.js';
import type { ServiceSettings } from '../config.js';

export interface AudioUpload {
  data: Buffer;
  /** File name with an extension the server recognizes the format by (`chunk.flac`, `chunk.wav`). */
  filename: string;
  mime: string;
}

export interface RecognizeOptions {
  /** ISO-639-1 language of the speech (`zh`, `en`). */
  language?: string;
  /** Context for the recognizer: spelling of names, the script to write Chinese in. */
  prompt?: string;
  signal?: AbortSignal;
}

export interface RecognizedSegment {
  /** Seconds from the start of the uploaded audio. */
  start: number;
  end: number;
  text: string;
  speaker?: string;
}

export interface Recognition {
  segments: RecognizedSegment[];
  language?: string;
  /** Seconds, when the server says. */
  duration?: number;
  /** The response format that was used (`verbose_json`, `diarized_json`, `json`). */
  format: string;
}

/** One small interface for every recognizer. */
export interface Recognizer {
  /** For transcript headers: `recognition (MODEL)`. */
  readonly model: string;
  /** Whether segments come with speakers. */
  readonly diarizes: boolean;
  transcribe(audio: AudioUpload, opts?: RecognizeOptions): Promise<Recognition>;
}

/** The server could not read the uploaded audio format (whisper.cpp without `--convert` reads WAV only). */
export class UnsupportedAudioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedAudioError';
  }
}

/** A recognizer error with what to do about it (wrong URL, bad key, unknown model). */
export class RecognizerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecognizerConfigError';
  }
}

export interface RecognizerOptions {
  retry?: Partial<FetchOptions>;
}

/** Recognition can take minutes per chunk on a CPU server. */
const DEFAULT_TIMEOUT_MS = 15 * 60_000;

export function openAiRecognizer(settings: ServiceSettings, opts: RecognizerOptions = {}): Recognizer {
  if (!settings.url) throw new RecognizerConfigError('no recognizer URL: set ENGRAM_ASR_URL (e.g. http://127.0.0.1:8000/v1) or --asr-url');
  const url = endpoint(settings.url, '/audio/transcriptions');
  const model = settings.model ?? 'whisper-1';
  const diarizes = /diariz/i.test(model);
  let format = diarizes ? 'diarized_json' : 'verbose_json';

  async function post(audio: AudioUpload, o: RecognizeOptions): Promise<Response> {
    const form = new FormData();
    form.append('file', new Blob([audio.data], { type: audio.mime }), audio.filename);
    form.append('model', model);
    form.append('response_format', format);
    if (format === 'verbose_json') form.append('timestamp_granularities[]', 'segment');
    if (diarizes) form.append('chunking_strategy', 'auto');
    if (o.language) form.append('language', o.language);
    if (o.prompt && !diarizes) form.append('prompt', o.prompt);
    return fetchWithRetry(url, { method: 'POST', headers: authHeaders(settings.key), body: form }, { timeoutMs: DEFAULT_TIMEOUT_MS, ...opts.retry, signal: o.signal });
  }

  return {
    model,
    diarizes,
    async transcribe(audio, o = {}) {
      let res: Response;
      try {
        res = await post(audio, o);
      } catch (e) {
        if (!(e instanceof HttpError)) throw e;
        if (e.status === 400 && /read (the )?(wav|audio)|wav file|audio data|unsupported (audio|file)|invalid (audio|file) format|could not decode/i.test(e.body)) {
          throw new UnsupportedAudioError(`${redact(url)} cannot read ${audio.filename.split('.').pop()} audio: ${e.body.slice(0, 200)}`);
        }
        if (e.status === 400 && format === 'verbose_json' && /response_format|verbose_json|not (supported|compatible)|unsupported_value/i.test(e.body)) {
          format = 'json'; // e.g. gpt-4o-transcribe: text only
          res = await post(audio, o);
        } else if (e.status === 401 || e.status === 403) {
          throw new RecognizerConfigError(`recognizer refused the key (HTTP ${e.status}): check ENGRAM_ASR_KEY`);
        } else if (e.status === 404) {
          throw new RecognizerConfigError(`no transcription endpoint at ${redact(url)} (HTTP 404): ENGRAM_ASR_URL should be the API's base URL, usually ending in /v1; check ENGRAM_ASR_MODEL too (${e.body.slice(0, 120)})`);
        } else throw e;
      }
      const body = await res.text();
      return parseRecognition(body, format, res.headers.get('content-type') ?? '');
    },
  };
}

/** A transcription response (verbose_json, diarized_json, json, or plain text) as segments. */
export function parseRecognition(body: string, format: string, contentType = ''): Recognition {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(body) as Record<string, unknown>;
  } catch {
    if (/json/.test(contentType)) throw new Error(`recognizer answered malformed JSON: ${body.slice(0, 120)}`);
    const text = body.trim();
    return { segments: text ? [{ start: 0, end: 0, text }] : [], format: 'text' };
  }
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const duration = num(data.duration);
  const language = typeof data.language === 'string' ? data.language : undefined;
  const raw = Array.isArray(data.segments) ? (data.segments as Record<string, unknown>[]) : [];
  const segments: RecognizedSegment[] = [];
  for (const s of raw) {
    const text = typeof s?.text === 'string' ? s.text.trim() : '';
    const start = num(s?.start);
    if (!text || start === undefined) continue;
    const seg: RecognizedSegment = { start, end: num(s.end) ?? start, text };
    const speaker = s.speaker ?? s.speaker_id;
    if (typeof speaker === 'string' || typeof speaker === 'number') seg.speaker = String(speaker);
    segments.push(seg);
  }
  if (segments.length === 0 && typeof data.text === 'string' && data.text.trim()) {
    // `json` (or a server that ignores verbose_json): the text without times.
    segments.push({ start: 0, end: duration ?? 0, text: data.text.trim() });
  }
  const out: Recognition = { segments, format: raw.length ? format : 'json' };
  if (duration !== undefined) out.duration = duration;
  if (language) out.language = language;
  return out;
}
