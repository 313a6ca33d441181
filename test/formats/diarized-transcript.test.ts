import { describe, expect, it } from 'vitest';
import { fixtureReader, sourceFileAt } from '../helpers.js';
import { diarizedTranscript } from '../../src/formats/diarized-transcript.js';
import { detectFormat } from '../../src/formats/index.js';

const fixture = fixtureReader('formats-b');
const file = sourceFileAt('podcasts/ep/transcript.md');
const named = fixture('diarized-named.md');
const raw = fixture('diarized-raw.md');

describe('diarized transcript: detection', () => {
  it('claims timed lines with or without a header', () => {
    expect(diarizedTranscript.detect(file(named))).toBe(0.9);
    expect(diarizedTranscript.detect(file(fixture('diarized-arrow.md')))).toBe(0.9);
    expect(diarizedTranscript.detect(file('[00:00:01] only one line'))).toBe(0.6);
    expect(detectFormat(file(raw))?.name).toBe('diarized-transcript');
  });
  it('leaves summaries that cite times, captions and prose alone', () => {
    expect(diarizedTranscript.detect(file(fixture('summary-podcast.md')))).toBe(0);
    expect(diarizedTranscript.detect(file(fixture('Pq8_Xr2sT0u.srt')))).toBe(0);
    expect(diarizedTranscript.detect(file('今天天气很好。\n\n[00:00:01] 偶尔引用一句\n\n然后继续写。\n\n还有一段。\n'))).toBe(0);
  });
});

describe('diarized transcript: named speakers', () => {
  const { documents, warnings } = diarizedTranscript.parse(file(named));
  const doc = documents[0]!;

  it('reads the (repeated) header: title with entities, show, loose date, episode URL key', () => {
    expect(documents).toHaveLength(1);
    expect(doc).toMatchObject({
      key: 'url:https://www.xiaoyuzhoufm.com/episode/65f0a1b2c3d4e5f601234567',
      url: 'https://www.xiaoyuzhoufm.com/episode/65f0a1b2c3d4e5f601234567',
      kind: 'transcript',
      title: '第12期：小模型也能很聪明？蒸馏 & 量化的实战笔记',
      source: '夜航AI｜Night Flight AI',
      date: '2025-03-07',
    });
  });

  it('lists speakers in order of appearance, including bold mid-line turns', () => {
    expect(doc.metadata.speakers).toEqual(['阿舟', '林蔚', 'Grace Ho']);
  });

  it('merges lines into utterances with start, end and speaker; speakerless lines continue', () => {
    expect(doc.passages.map((p) => [p.speaker, p.start, p.end, p.line])).toEqual([
      ['阿舟', 0, 9, 17],
      ['林蔚', 9, 24, 20],
      ['阿舟', 24, 27, 25],
      ['Grace Ho', 27, 27, 26],
      ['阿舟', 27, undefined, 26],
    ]);
    expect(doc.passages[0]!.text).toBe('歡迎收聽夜航AI 我是阿舟 今天我們聊聊小模型 為什麼大家又開始關心參數少的模型');
    expect(doc.passages[3]!.text).toBe('Quantization trades a little accuracy for a lot of memory.');
    expect(doc.passages[4]!.text).toBe('明白了 我們下期再見');
  });

  it('a colon inside speech is not a speaker; a malformed timecode is reported and kept as text', () => {
    expect(doc.passages[1]!.text).toContain('比如说：一个客服场景');
    expect(doc.passages[1]!.text).toMatch(/当老师 小模型当学生$/);
    expect(warnings).toEqual([{ line: 24, message: expect.stringContaining('malformed timecode') }]);
  });

  it('a time a clock cannot show ([99:99:99], 1:75:00) is malformed too, not 100:40:39', () => {
    const r = diarizedTranscript.parse(file('[00:00:01] SPEAKER_00: 你好\n[99:99:99] SPEAKER_01: 奇怪的时间\n[1:75:00] SPEAKER_00: 又一个\n[75:30] SPEAKER_01: 七十五分钟\n'));
    expect(r.warnings.map((w) => w.line)).toEqual([2, 3]);
    expect(r.warnings.every((w) => w.message.includes('malformed timecode'))).toBe(true);
    expect(r.documents[0]!.passages.at(-1)).toMatchObject({ start: 75 * 60 + 30, text: '七十五分钟' });
  });

  it('reads CRLF files the same', () => {
    const crlf = diarizedTranscript.parse(file(named.replace(/\n/g, '\r\n')));
    expect(crlf.documents).toEqual(documents);
  });
});

describe('diarized transcript: machine labels and bare files', () => {
  it('SPEAKER_NN only: raw-transcript keyed by the YouTube URL', () => {
    const doc = diarizedTranscript.parse(file(raw)).documents[0]!;
    expect(doc).toMatchObject({ kind: 'raw-transcript', key: 'youtube:Zt3_Lq9vXa1', url: 'https://www.youtube.com/watch?v=Zt3_Lq9vXa1', source: 'Loss Curve' });
    expect(doc.metadata.speakers).toEqual(['SPEAKER_00', 'SPEAKER_01']);
    expect(doc.passages.map((p) => p.speaker)).toEqual(['SPEAKER_00', 'SPEAKER_01', 'SPEAKER_00']);
    expect(doc.passages[1]!.text).toBe('And almost nobody reads the test set. So what does a good eval look like? It is small, versioned, and it fails loudly.');
  });

  it('`[a --> b]` lines, no header, no speakers, hours past 99: file key, explicit ends', () => {
    const doc = diarizedTranscript.parse(file(fixture('diarized-arrow.md'), 'shows/x/transcript.md')).documents[0]!;
    expect(doc).toMatchObject({ key: 'file:/x/shows/x/transcript.md', kind: 'raw-transcript', metadata: {} });
    expect(doc.title).toBeUndefined();
    // The last piece, a hundred hours on, is a passage of its own (words after a long silence).
    expect(doc.passages).toEqual([
      { text: '这一段没有说话人标签 时间用的是区间写法', role: 'content', line: 1, start: 1.5, end: 15.25 },
      { text: '一个跨过一百小时的片段', role: 'content', line: 4, start: 100 * 3600 - 2, end: 100 * 3600 + 2 },
    ]);
  });

  it('a recurring plain label counts, a single one does not; a lone Video ID that is a YouTube ID keys the file', () => {
    const text = '**Video ID:** Zt3_Lq9vXa1\n\n---\n[00:00:01] Note: this is speech\n[00:00:02] Ada Park: hi\n[00:00:03] Ada Park: bye\n';
    const doc = diarizedTranscript.parse(file(text)).documents[0]!;
    expect(doc.key).toBe('youtube:Zt3_Lq9vXa1');
    expect(doc.metadata.speakers).toEqual(['Ada Park']);
    expect(doc.passages[0]!.text).toBe('Note: this is speech hi bye');
  });

  it('no timed line: no document, a warning', () => {
    const r = diarizedTranscript.parse(file('# Title\n\nJust prose.\n'));
    expect(r.documents).toEqual([]);
    expect(r.warnings[0]!.message).toMatch(/no \[HH:MM:SS\] lines/);
  });
});
