import { beforeAll, describe, expect, it } from 'vitest';
import { openAiRecognizer, parseRecognition, RecognizerConfigError } from '../../src/providers/asr.js';
import { HttpError } from '../../src/providers/http.js';
import { planChunks } from '../../src/pipeline/audio.js';
import { stitch } from '../../src/pipeline/stitch.js';
import { recognitionPrompt, transcribeAudio } from '../../src/pipeline/transcribe.js';
import { speechFile, type SpeechFile } from '../support/audio.js';
import { copyFileSync } from 'node:fs';
import { startFakeAsr } from '../support/fake-asr.js';
import { sendJson, startLocalServer } from '../support/local-server.js';
import { tempDir } from '../helpers.js';

const FAST = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 10_000 };
/** Chunks of at most 8 s (8 s of 16 kHz PCM) with 2 s of overlap: chunking happens on seconds of audio. */
const SMALL = { maxChunkBytes: 8 * 32_000, overlapSeconds: 2 };
const squash = (s: string) => s.replace(/[\s,.，。]+/g, ' ').trim().toLowerCase();

describe('chunk planning', () => {
  it('cuts in the latest pause before the limit, with overlap', () => {
    const chunks = planChunks(30, [{ start: 6, end: 7 }, { start: 13, end: 13.6 }, { start: 25, end: 26 }], { maxSeconds: 10, overlapSeconds: 2 });
    expect(chunks[0]).toEqual({ start: 0, end: 6.5 });
    expect(chunks[1]).toEqual({ start: 4.5, end: 13.3 });
    expect(chunks.at(-1)!.end).toBe(30);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.start).toBeCloseTo(chunks[i - 1]!.end - 2);
  });
  it('cuts at the limit when there is no pause, and not at all when the audio fits', () => {
    expect(planChunks(25, [], { maxSeconds: 10, overlapSeconds: 1 })).toEqual([{ start: 0, end: 10 }, { start: 9, end: 19 }, { start: 18, end: 25 }]);
    expect(planChunks(8, [], { maxSeconds: 10, overlapSeconds: 1 })).toEqual([{ start: 0, end: 8 }]);
  });
});

describe('stitching', () => {
  it('keeps the overlap once: English by words, Chinese by characters', () => {
    const lines = stitch([
      { span: { start: 0, end: 10 }, segments: [{ start: 1, end: 4, text: 'scaling laws are not dead' }, { start: 7, end: 10, text: 'but data is the new' }] },
      { span: { start: 8, end: 18 }, segments: [{ start: 0, end: 2, text: 'data is the new bottleneck,' }, { start: 3, end: 6, text: 'says the guest' }] },
    ]);
    expect(lines.map((l) => l.text).join(' ')).toBe('scaling laws are not dead but data is the new bottleneck, says the guest');
    expect(lines.at(-1)!.start).toBe(11);
    const zh = stitch([
      { span: { start: 0, end: 10 }, segments: [{ start: 6, end: 10, text: '我们今天聊稀疏注意力' }] },
      { span: { start: 8, end: 20 }, segments: [{ start: 0, end: 4, text: '疏注意力機制的新進展' }] },
    ]);
    expect(zh.map((l) => l.text).join('')).toBe('我们今天聊稀疏注意力機制的新進展');
  });
  it('falls back to a cut in the middle of the overlap by time when nothing repeats', () => {
    const lines = stitch([
      { span: { start: 0, end: 10 }, segments: [{ start: 1, end: 3, text: 'one' }, { start: 8.5, end: 9.5, text: 'two' }] },
      { span: { start: 8, end: 18 }, segments: [{ start: 0.2, end: 0.8, text: 'noise' }, { start: 3, end: 5, text: 'three' }] },
    ]);
    expect(lines.map((l) => l.text)).toEqual(['one', 'two', 'three']);
  });
});

describe('recognition of real speech (espeak-ng, ffmpeg, fake recognizer)', () => {
  const dir = tempDir();
  let en: SpeechFile;
  let zh: SpeechFile;
  let copies = 0;
  /** A fresh copy of the audio (no chunk cache from an earlier test). */
  const fresh = (f: SpeechFile) => {
    const path = `${f.path}.${++copies}.wav`;
    copyFileSync(f.path, path);
    return path;
  };
  beforeAll(() => {
    en = speechFile(dir, 'en', [
      { text: 'Welcome back to the show about machine learning', gap: 0.8 },
      { text: 'today we talk about sparse attention and long context', gap: 0.2 },
      { text: 'our guest trained models on a thousand chips', gap: 1.0 },
      { text: 'the hardest part was the data pipeline not the model', gap: 0.15 },
      { text: 'thank you for listening and see you next week', gap: 0.6 },
    ]);
    zh = speechFile(dir, 'zh', [
      { text: '欢迎收听本期节目今天我们聊稀疏注意力', voice: 'cmn', gap: 0.7 },
      { text: '嘉宾认为数据管线比模型结构更重要', voice: 'cmn', gap: 0.3 },
      { text: '端侧模型会在明年迎来很大的进展', voice: 'cmn', gap: 0.9 },
      { text: '谢谢大家收听我们下期再见', voice: 'cmn', gap: 0.4 },
    ]);
  });

  it('chunks long audio near silences, shifts times and removes the overlap (verbose_json)', async () => {
    const asr = await startFakeAsr('verbose_json');
    asr.episode(en.pcm, en.script);
    const t = await transcribeAudio(fresh(en), openAiRecognizer({ url: asr.url, model: 'whisper-1' }, { retry: FAST }), { ...SMALL, language: 'en-us', names: ['Ada Lovelace'] });
    expect(asr.calls.length).toBeGreaterThanOrEqual(3);
    expect(asr.calls[0]).toMatchObject({ model: 'whisper-1', response_format: 'verbose_json', language: 'en', prompt: 'Speakers: Ada Lovelace.' });
    expect(asr.calls[0]!.file).toMatch(/\.flac \(\d+ bytes\)/);
    expect(squash(t.lines.map((l) => l.text).join(' '))).toBe(squash(en.script.map((s) => s.text).join(' ')));
    // Each phrase starts where it is spoken (the stitched line holding its first words).
    for (const s of en.script) {
      const first = s.text.split(' ').slice(0, 2).join(' ').toLowerCase();
      const line = t.lines.find((l) => l.text.toLowerCase().includes(first));
      expect(line, s.text).toBeDefined();
      expect(Math.abs(line!.start! - s.start)).toBeLessThan(0.6);
    }
    expect(t.origin).toBe('recognition (whisper-1)');
  });

  it('keeps Chinese in one script and carries diarized speakers across chunks', async () => {
    const asr = await startFakeAsr('diarize');
    asr.episode(zh.pcm, zh.script);
    const rec = openAiRecognizer({ url: asr.url, model: 'gpt-4o-transcribe-diarize' }, { retry: FAST });
    const t = await transcribeAudio(fresh(zh), rec, { ...SMALL, language: 'zh-cn' });
    expect(asr.calls.length).toBeGreaterThanOrEqual(2);
    expect(asr.calls[0]).toMatchObject({ response_format: 'diarized_json', chunking_strategy: 'auto', language: 'zh' });
    expect(asr.calls[0]!.prompt).toBeUndefined(); // the diarizing model takes no prompt
    expect(t.lines.map((l) => l.text).join('')).toBe(zh.script.map((s) => s.text).join(''));
    // The script alternates two people; labels must follow them, whatever letter each chunk used.
    const bySpeaker = new Map<number, Set<string>>();
    for (const s of zh.script) {
      const line = t.lines.find((l) => l.text.includes(s.text.slice(0, 4)))!;
      bySpeaker.set(s.speaker, (bySpeaker.get(s.speaker) ?? new Set()).add(line.speaker!));
    }
    expect([...bySpeaker.values()].every((labels) => labels.size === 1)).toBe(true);
    expect(new Set([...bySpeaker.values()].map((l) => [...l][0])).size).toBe(2);
    expect(t.lines.every((l) => /^SPEAKER_\d\d$/.test(l.speaker!))).toBe(true);
  });

  it('re-sends WAV to a whisper.cpp server that reads nothing else, and remembers it', async () => {
    const asr = await startFakeAsr('whispercpp');
    asr.episode(en.pcm, en.script);
    const t = await transcribeAudio(fresh(en), openAiRecognizer({ url: asr.url }, { retry: FAST }), SMALL);
    expect(asr.calls[0]!.file).toMatch(/\.flac/);
    expect(asr.calls.slice(1).every((c) => /\.wav/.test(c.file!))).toBe(true);
    expect(asr.calls.length).toBe(new Set(asr.calls.map((c) => c.file!.replace(/ \(.*/, '').replace(/\.\w+$/, ''))).size + 1);
    expect(squash(t.lines.map((l) => l.text).join(' '))).toBe(squash(en.script.map((s) => s.text).join(' ')));
  });

  it('falls back to json for models without timestamps (gpt-4o-transcribe)', async () => {
    const asr = await startFakeAsr('json-only');
    asr.episode(en.pcm, en.script);
    const t = await transcribeAudio(fresh(en), openAiRecognizer({ url: asr.url, model: 'gpt-4o-transcribe' }, { retry: FAST }), SMALL);
    expect(asr.calls.map((c) => c.response_format).slice(0, 3)).toEqual(['verbose_json', 'json', 'json']);
    expect(squash(t.lines.map((l) => l.text).join(' '))).toBe(squash(en.script.map((s) => s.text).join(' ')));
  });

  it('waits out 429 with Retry-After and 5xx, then reports what is wrong', async () => {
    const asr = await startFakeAsr('verbose_json');
    asr.episode(en.pcm, en.script);
    asr.failNext(1, 429, { 'retry-after': '0' });
    asr.failNext(1, 503);
    const t = await transcribeAudio(fresh(en), openAiRecognizer({ url: asr.url }, { retry: FAST }), SMALL);
    expect(t.lines.length).toBeGreaterThan(3);
    asr.failNext(3, 500);
    await expect(openAiRecognizer({ url: asr.url }, { retry: FAST }).transcribe({ data: Buffer.from('x'), filename: 'a.flac', mime: 'audio/flac' }))
      .rejects.toMatchObject({ status: 500, transient: true });
    asr.failNext(1, 401, {}, { error: { message: 'Incorrect API key provided' } });
    await expect(openAiRecognizer({ url: asr.url, key: 'sk-bad' }, { retry: FAST }).transcribe({ data: Buffer.from('x'), filename: 'a.flac', mime: 'audio/flac' }))
      .rejects.toThrow(RecognizerConfigError);
    await expect(openAiRecognizer({ url: `${asr.server.url}/nope` }, { retry: FAST }).transcribe({ data: Buffer.from('x'), filename: 'a.flac', mime: 'audio/flac' }))
      .rejects.toThrow(/ending in \/v1/);
  });

  it('times out a recognizer that does not answer', async () => {
    const asr = await startFakeAsr('verbose_json');
    asr.delayMs = 400;
    const err = await openAiRecognizer({ url: asr.url }, { retry: { ...FAST, attempts: 2, timeoutMs: 100 } })
      .transcribe({ data: Buffer.from('x'), filename: 'a.flac', mime: 'audio/flac' }).catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err.message).toMatch(/timed out/);
    asr.delayMs = 0;
  });
});

describe('recognizer responses', () => {
  it('reads verbose_json, diarized_json, json and text', () => {
    expect(parseRecognition(JSON.stringify({ language: 'chinese', duration: 9, segments: [{ start: 0, end: 2, text: ' 你好' }] }), 'verbose_json').segments).toEqual([{ start: 0, end: 2, text: '你好' }]);
    expect(parseRecognition(JSON.stringify({ segments: [{ type: 'transcript.text.segment', start: 1, end: 3, text: 'hi', speaker: 'A' }] }), 'diarized_json').segments[0]!.speaker).toBe('A');
    expect(parseRecognition('{"text":"only text"}', 'json').segments).toEqual([{ start: 0, end: 0, text: 'only text' }]);
    expect(parseRecognition('plain words', 'text', 'text/plain').segments[0]!.text).toBe('plain words');
  });
  it('prompts Chinese in the script the feed uses', () => {
    expect(recognitionPrompt('zh-TW')).toContain('繁體中文');
    expect(recognitionPrompt('zh-cn', ['曼奇'])).toMatch(/简体中文.*曼奇/);
    expect(recognitionPrompt('en')).toBeUndefined();
  });
  it('sends the key and the model', async () => {
    const server = await startLocalServer((req, res) => sendJson(res, 200, { text: 'ok', segments: [] }));
    await openAiRecognizer({ url: `${server.url}/v1/`, model: 'whisper-large-v3', key: 'sk-test' }).transcribe({ data: Buffer.from('x'), filename: 'a.wav', mime: 'audio/wav' });
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-test');
    expect(server.requests[0]!.url).toBe('/v1/audio/transcriptions');
  });
});
