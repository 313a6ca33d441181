/**
 * A fake OpenAI-compatible recognizer (`POST /v1/audio/transcriptions`) that really listens:
 * it decodes the uploaded chunk, finds where the chunk lies in the episode by matching its
 * samples, and answers with the script's phrases heard in that span — a phrase cut by the
 * chunk's edge comes back cut (only the words inside), like a real recognizer would hear it.
 * So chunking, timestamp shifting and overlap removal are tested on real audio.
 *
 * Modes mimic real servers: `verbose_json` (OpenAI whisper-1, Groq, speaches, vLLM),
 * `diarize` (gpt-4o-transcribe-diarize: diarized_json, per-chunk speaker letters),
 * `whispercpp` (reads WAV only without --convert), `json-only` (gpt-4o-transcribe).
 */
import type { ServerResponse } from 'node:http';
import { decodePcm, RATE, type ScriptLine } from './audio.js';
import { sendJson, startLocalServer, type LocalServer } from './local-server.js';

export type AsrMode = 'verbose_json' | 'diarize' | 'whispercpp' | 'json-only';

export interface FakeAsr {
  server: LocalServer;
  /** Base URL, as ENGRAM_ASR_URL takes it. */
  url: string;
  /** Form fields of each transcription request (the file replaced by its name and size). */
  calls: Record<string, string>[];
  /** Fail the next `n` requests with this status (and headers, e.g. Retry-After). */
  failNext(n: number, status: number, headers?: Record<string, string>, body?: unknown): void;
  /** Wait this long before answering (timeouts). */
  delayMs: number;
  /** Episode audio the next requests are about. */
  episode(pcm: Int16Array, script: ScriptLine[]): void;
}

function findOffset(full: Int16Array, chunk: Int16Array): number {
  let k = 0;
  while (k < chunk.length && Math.abs(chunk[k]!) < 400) k++;
  if (k >= chunk.length) return -1;
  const n = Math.min(400, chunk.length - k);
  outer: for (let i = k; i + n <= full.length; i++) {
    if (full[i] !== chunk[k]) continue;
    for (let j = 1; j < n; j++) if (full[i + j] !== chunk[k + j]) continue outer;
    return i - k;
  }
  return -1;
}

const isCjk = (s: string) => /\p{Script=Han}/u.test(s);

/** The words of `line` whose share of its duration lies in [a, b]. */
function heard(line: ScriptLine, a: number, b: number): string {
  const words = isCjk(line.text) ? [...line.text.replace(/[，。、！？\s]/g, '')] : line.text.split(/\s+/);
  const len = line.end - line.start;
  const kept = words.filter((_, i) => {
    const mid = line.start + ((i + 0.5) / words.length) * len;
    return mid >= a && mid <= b;
  });
  return kept.join(isCjk(line.text) ? '' : ' ');
}

export async function startFakeAsr(mode: AsrMode = 'verbose_json'): Promise<FakeAsr> {
  let full = new Int16Array(0);
  let script: ScriptLine[] = [];
  const failures: { status: number; headers: Record<string, string>; body: unknown }[] = [];
  const calls: Record<string, string>[] = [];
  let chunkNo = 0;
  const fake: FakeAsr = {
    server: undefined as unknown as LocalServer,
    url: '',
    calls,
    delayMs: 0,
    failNext(n, status, headers = {}, body = { error: { message: `fake failure ${status}`, type: 'server_error' } }) {
      for (let i = 0; i < n; i++) failures.push({ status, headers, body });
    },
    episode(pcm, s) {
      full = pcm;
      script = s;
    },
  };
  const handler = async (req: { method?: string; url?: string; headers: Record<string, string | string[] | undefined>; body: Buffer }, res: ServerResponse) => {
    if (req.method !== 'POST' || !req.url?.endsWith('/v1/audio/transcriptions')) return sendJson(res, 404, { error: { message: 'not found' } });
    if (fake.delayMs) await new Promise((r) => setTimeout(r, fake.delayMs));
    const form = await new Request('http://x/', { method: 'POST', headers: req.headers as HeadersInit, body: req.body }).formData();
    const file = form.get('file') as File;
    const fields: Record<string, string> = {};
    for (const [k, v] of form.entries()) fields[k] = typeof v === 'string' ? v : `${(v as File).name} (${(v as File).size} bytes)`;
    calls.push(fields);
    const failure = failures.shift();
    if (failure) return sendJson(res, failure.status, failure.body, failure.headers);
    const data = Buffer.from(await file.arrayBuffer());
    const isWav = data.subarray(0, 4).toString() === 'RIFF';
    if (mode === 'whispercpp' && !isWav) return sendJson(res, 400, { error: 'failed to read audio data' });
    const format = fields.response_format;
    if (mode === 'diarize' && format !== 'diarized_json') return sendJson(res, 400, { error: { message: 'diarized_json required for speakers', type: 'invalid_request_error' } });
    if (mode === 'json-only' && format !== 'json') {
      return sendJson(res, 400, { error: { message: `response_format '${format}' is not compatible with model 'gpt-4o-transcribe'. Use 'json' or 'text' instead.`, type: 'invalid_request_error', param: 'response_format', code: 'unsupported_value' } });
    }
    const pcm = decodePcm(data);
    const offset = findOffset(full, pcm);
    if (offset < 0) return sendJson(res, 500, { error: { message: 'fake recognizer: chunk not found in the episode' } });
    const a = offset / RATE;
    const b = a + pcm.length / RATE;
    const chunk = chunkNo++;
    const segments = script
      .filter((l) => l.end > a && l.start < b)
      .map((l, i) => ({ l, i, text: heard(l, a, b) }))
      .filter((x) => x.text)
      .map(({ l, i, text }) => ({
        id: i, start: Math.max(l.start, a) - a, end: Math.min(l.end, b) - a, text: ` ${text}`,
        // Per-chunk labels: the same person is A in one chunk and B in the next.
        ...(mode === 'diarize' ? { speaker: String.fromCharCode(65 + ((l.speaker + chunk) % 2)), type: 'transcript.text.segment' } : {}),
      }));
    const text = segments.map((s) => s.text.trim()).join(' ');
    if (format === 'json') return sendJson(res, 200, { text });
    sendJson(res, 200, { task: 'transcribe', language: fields.language ?? 'english', duration: b - a, text, segments });
  };
  fake.server = await startLocalServer(handler as never);
  fake.url = `${fake.server.url}/v1`;
  return fake;
}
