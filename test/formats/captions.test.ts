import { describe, expect, it } from 'vitest';
import { fixtureReader, sourceFileAt } from '../helpers.js';
import { srt, vtt } from '../../src/formats/captions.js';
import { detectFormat } from '../../src/formats/index.js';

const fixture = fixtureReader('formats-b');
const file = sourceFileAt('x.txt');
const srtText = fixture('Pq8_Xr2sT0u.srt');
const vttText = fixture('panel.vtt');

describe('captions: detection', () => {
  it('WEBVTT first line → vtt; number + timing → srt', () => {
    expect(vtt.detect(file(vttText, 'a.vtt'))).toBe(0.95);
    expect(srt.detect(file(vttText, 'a.vtt'))).toBe(0);
    expect(srt.detect(file(srtText, 'a.srt'))).toBe(0.95);
    expect(vtt.detect(file(srtText, 'a.srt'))).toBe(0);
    expect(srt.detect(file('00:00:01.000 --> 00:00:02.000\nno number\n', 'a.txt'))).toBe(0.8);
    expect(detectFormat(file('\uFEFFWEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nhi', 'a.vtt'))?.name).toBe('vtt');
    expect(detectFormat(file(srtText, 'a.txt'))?.name).toBe('srt');
  });
  it('leaves other timed formats alone', () => {
    expect(srt.detect(file(fixture('diarized-arrow.md'), 'a.md'))).toBe(0);
    expect(vtt.detect(file(fixture('diarized-named.md'), 'a.md'))).toBe(0);
  });
});

describe('SRT', () => {
  const { documents, warnings } = srt.parse(file(srtText, 'subs/Pq8_Xr2sT0u.srt'));
  const doc = documents[0]!;

  it('keys by the video ID in the file name', () => {
    expect(doc).toMatchObject({ key: 'youtube:Pq8_Xr2sT0u', url: 'https://www.youtube.com/watch?v=Pq8_Xr2sT0u', kind: 'raw-transcript', metadata: {} });
  });

  it('strips tags and ASS overrides, decodes entities, joins multi-line cues, skips empty cues', () => {
    expect(doc.passages).toHaveLength(2);
    expect(doc.passages[0]).toMatchObject({
      text: 'Welcome to the lab notebook. Today: tokenizers and why they matter & break. A token is not a word. 在中文里一个字可能是一个token',
      role: 'content',
      line: 2,
      start: 1,
    });
    // The last cue, a hundred hours on, is a passage of its own (words after a long silence).
    expect(doc.passages[1]).toMatchObject({ text: 'The longest recording ever made.', end: 100 * 3600 + 1 });
  });

  it('reports a broken timing line with its line number and goes on (numbering gaps, missing blank line, no final newline)', () => {
    expect(warnings).toEqual([{ line: 21, message: expect.stringContaining('malformed cue timing') }]);
  });

  it('reads CRLF the same', () => {
    expect(srt.parse(file(srtText.replace(/\n/g, '\r\n'), 'subs/Pq8_Xr2sT0u.srt')).documents).toEqual(documents);
  });

  it('splits long captions into several passages', () => {
    const cues = Array.from({ length: 40 }, (_, i) => `${i + 1}\n00:${String(Math.floor(i / 6)).padStart(2, '0')}:${String((i % 6) * 10).padStart(2, '0')},000 --> 00:${String(Math.floor(i / 6)).padStart(2, '0')}:${String((i % 6) * 10 + 9).padStart(2, '0')},000\nword ${i} of a long talk about models and data\n`);
    const d = srt.parse(file(cues.join('\n'), 'long.srt')).documents[0]!;
    expect(d.key).toBe('file:/x/long.srt');
    expect(d.passages.length).toBeGreaterThan(3);
    expect(d.passages[1]!.start).toBeGreaterThan(d.passages[0]!.start!);
    expect(d.passages.every((p) => p.end! > p.start!)).toBe(true);
  });

  it('reports a cue that ends before it starts and repairs the passage end', () => {
    const text = '1\n00:00:10,000 --> 00:00:05,000\n倒着的时间\n\n2\n00:00:12,000 --> 00:00:14,000\nnext speaker line\n\n3\n00:00:20,000 --> 00:00:19,000\nlast\n';
    const r = srt.parse(file(text, 'backwards.srt'));
    expect(r.warnings).toEqual([
      { line: 2, message: 'cue ends at 0:05, before it starts at 0:10: end set to 0:12 (where the next cue starts)' },
      { line: 10, message: 'cue ends at 0:19, before it starts at 0:20: end set to 0:20' },
    ]);
    const p = r.documents[0]!.passages[0]!;
    expect(p.start).toBe(10);
    expect(p.end).toBe(20);
  });

  it('a block with no timing line is ignored whole, and the warning says which lines', () => {
    const r = srt.parse(file('1\n00:00:01,000 --> 00:00:02,000\nhello srt\n\n2\nbroken time\nwhat\n\n3\n00:00:03,000 --> 00:00:04,000\nlast\n', 'gap.srt'));
    expect(r.warnings).toEqual([{ line: 5, message: 'text outside any cue: lines 5–7 ("2" …) ignored' }]);
    expect(r.documents[0]!.passages.map((p) => p.text).join(' ')).toContain('last');
  });

  it('no cue at all: no document', () => {
    expect(srt.parse(file('1\n\n2\n', 'e.srt')).documents).toEqual([]);
  });

  it('words after a long silence start a passage of their own, linked to their own time', () => {
    const r = srt.parse(file('1\n00:00:05,000 --> 00:00:07,000\nWelcome to the show\n\n2\n00:00:20,000 --> 00:00:22,000\nabout robots\n\n3\n00:58:00,000 --> 00:58:03,000\nFinally the zebrafish\n', 'quiet.srt'));
    expect(r.documents[0]!.passages.map((p) => [p.text, p.start, p.end])).toEqual([
      ['Welcome to the show about robots', 5, 22],
      ['Finally the zebrafish', 3480, 3483],
    ]);
  });
});

describe('WebVTT', () => {
  const { documents, warnings } = vtt.parse(file(vttText, 'talks/panel.vtt'));
  const doc = documents[0]!;

  it('takes the title after WEBVTT and the Language header; skips STYLE and NOTE blocks', () => {
    expect(warnings).toEqual([]);
    expect(doc).toMatchObject({ key: 'file:/x/talks/panel.vtt', kind: 'raw-transcript', title: '圓桌：開源模型的下一步' });
    expect(doc.metadata).toEqual({ speakers: ['主持人', '陳博士', 'Dr. Lee'], language: 'zh-Hant' });
    expect(doc.passages.map((p) => p.text).join(' ')).not.toMatch(/註解|color/);
  });

  it('voice tags become speakers; cue settings and identifiers are ignored', () => {
    expect(doc.passages.slice(0, 2)).toEqual([
      { text: '歡迎來到今天的圓桌', role: 'content', line: 12, start: 0, end: 4, speaker: '主持人' },
      { text: '開源模型追得很快 但評測標準還不統一', role: 'content', line: 15, start: 4, end: 9.5, speaker: '陳博士' },
    ]);
  });

  it('decodes entities after stripping tags, de-duplicates rolling captions, strips inline timestamps', () => {
    expect(doc.passages[2]!.text).toBe('Open weights are not open data <yet>. rolling captions repeat the previous line and then add a new one');
    expect(doc.passages[2]).toMatchObject({ start: 9.5 });
    // An hour later: a passage of its own, at its own time.
    expect(doc.passages[3]).toMatchObject({ text: '一小時後的片段', end: 3603 });
  });

  it('several voices in one cue split the cue', () => {
    const d = vtt.parse(file('WEBVTT\n\n00:01.000 --> 00:03.000\n<v Ann>Yes?</v> <v Bo>No.</v>\n', 'x.vtt')).documents[0]!;
    expect(d.passages.map((p) => [p.speaker, p.text])).toEqual([['Ann', 'Yes?'], ['Bo', 'No.']]);
  });
});

describe('YouTube automatic captions', () => {
  it('keep every rolling line once, the first cue (after its one-space line) included', () => {
    const text = fixtureReader('follow')('auto-captions.en.vtt');
    const [doc] = vtt.parse(file(text, 'Ab3dEf9hIj0.en.vtt')).documents;
    expect(doc!.passages.map((p) => p.text).join(' ')).toBe('welcome back to the show today we talk about scaling laws and data');
    expect(doc!.passages[0]!.start).toBeCloseTo(0.16);
  });
});
