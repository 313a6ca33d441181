/**
 * Real speech for recognition tests: phrases spoken by espeak-ng, resampled by ffmpeg to 16 kHz
 * mono, joined with silences of known length into one WAV. The script (each phrase's text and
 * its exact span) is what a fake recognizer "hears" (fake-asr.ts).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Phrase {
  text: string;
  /** espeak-ng voice: `en`, `cmn`. */
  voice?: string;
  /** Silence after the phrase, seconds. */
  gap: number;
}

export interface ScriptLine {
  text: string;
  start: number;
  end: number;
  /** Who speaks it (for diarization tests). */
  speaker: number;
}

export interface SpeechFile {
  path: string;
  pcm: Int16Array;
  script: ScriptLine[];
  duration: number;
}

export const RATE = 16_000;

function must(r: ReturnType<typeof spawnSync>, what: string): Buffer {
  if (r.status !== 0) throw new Error(`${what} failed: ${r.stderr?.toString()}`);
  return r.stdout as Buffer;
}

/** 16 kHz mono s16le samples of any audio file or buffer. */
export function decodePcm(input: string | Buffer): Int16Array {
  const args = ['-hide_banner', '-loglevel', 'error', '-i', typeof input === 'string' ? input : 'pipe:0', '-f', 's16le', '-ac', '1', '-ar', String(RATE), 'pipe:1'];
  const out = must(spawnSync('ffmpeg', args, { input: typeof input === 'string' ? undefined : input, maxBuffer: 1 << 28 }), 'ffmpeg decode');
  return new Int16Array(out.buffer, out.byteOffset, out.length / 2);
}

export function wavBytes(pcm: Int16Array): Buffer {
  const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(RATE, 24);
  h.writeUInt32LE(RATE * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** Speak the phrases into `dir/name.wav`; speakers alternate 0, 1, 0, … unless `speakers` says. */
export function speechFile(dir: string, name: string, phrases: Phrase[], speakers?: number[]): SpeechFile {
  const parts: Int16Array[] = [];
  const script: ScriptLine[] = [];
  let at = 0;
  phrases.forEach((p, i) => {
    const raw = join(dir, `${name}-${i}.wav`);
    must(spawnSync('espeak-ng', ['-v', p.voice ?? 'en', '-s', '190', '-w', raw, p.text]), 'espeak-ng');
    const pcm = decodePcm(raw);
    // Trim espeak's own leading and trailing silence so the script's spans are the speech.
    let a = 0;
    let b = pcm.length;
    while (a < b && Math.abs(pcm[a]!) < 300) a++;
    while (b > a && Math.abs(pcm[b - 1]!) < 300) b--;
    const speech = pcm.slice(a, b);
    script.push({ text: p.text, start: at / RATE, end: (at + speech.length) / RATE, speaker: speakers?.[i] ?? i % 2 });
    parts.push(speech, new Int16Array(Math.round(p.gap * RATE)));
    at += speech.length + Math.round(p.gap * RATE);
  });
  const pcm = new Int16Array(at);
  let o = 0;
  for (const part of parts) {
    pcm.set(part, o);
    o += part.length;
  }
  const path = join(dir, `${name}.wav`);
  writeFileSync(path, wavBytes(pcm));
  return { path, pcm, script, duration: at / RATE };
}

export function readWav(path: string): Buffer {
  return readFileSync(path);
}
