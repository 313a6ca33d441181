import { describe, expect, it } from 'vitest';
import { fixtureReader, sourceFileAt } from '../helpers.js';
import { jsonErrorOffset, JsonInputError, transcriptionJson } from '../../src/formats/transcription-json.js';
import { detectFormat } from '../../src/formats/index.js';

const fixture = fixtureReader('formats-b');
const file = sourceFileAt('x.txt');

describe('transcription JSON: detection', () => {
  it('an object with "segments" (even after a long verbose_json text), or an array of timed segments', () => {
    expect(transcriptionJson.detect(file(fixture('whisperx.json'), 'a.json'))).toBe(0.95);
    const longFirst = JSON.stringify({ text: 'x'.repeat(10_000), segments: [{ start: 0, end: 1, text: 'x' }] });
    expect(transcriptionJson.detect(file(longFirst, 'a.json'))).toBe(0.95);
    expect(transcriptionJson.detect(file('[{"start": 0, "end": 1, "text": "hi"}]', 'a.json'))).toBe(0.8);
    expect(detectFormat(file(fixture('verbose.json'), 'a.json'))?.name).toBe('transcription-json');
  });
  it('other JSON and text are not claimed', () => {
    expect(transcriptionJson.detect(file('{"name": "engram"}', 'package.json'))).toBe(0);
    expect(transcriptionJson.detect(file('[1, 2, 3]', 'a.json'))).toBe(0);
    expect(transcriptionJson.detect(file(fixture('Ab3dE_fG9hK.txt'), 'a.txt'))).toBe(0);
  });
});

describe('WhisperX', () => {
  const { documents, warnings } = transcriptionJson.parse(file(fixture('whisperx.json'), 'asr/whisperx.json'));
  const doc = documents[0]!;

  it('is a raw transcript with language and speakers', () => {
    expect(doc).toMatchObject({ key: 'file:/x/asr/whisperx.json', kind: 'raw-transcript', metadata: { language: 'zh', speakers: ['SPEAKER_00', 'SPEAKER_01'] } });
  });

  it('merges segments per speaker, takes a missing speaker from the words, skips blank text', () => {
    expect(doc.passages).toEqual([
      { text: '歡迎來到本週的模型觀察。这周最大的新闻是长上下文又变便宜了', role: 'content', line: 6, start: 0.031, end: 7.1, speaker: 'SPEAKER_00' },
      { text: 'Right, and the price war is not over. 這一段沒有正確的開始時間', role: 'content', line: 19, start: 7.2, end: 12, speaker: 'SPEAKER_01' },
    ]);
  });

  it('warns about a segment without a numeric start, with its line', () => {
    expect(warnings).toEqual([{ line: 30, message: 'segment 4: no numeric "start"; kept without a time' }]);
  });
});

describe('times that no recording has', () => {
  it('an end of 1e308 or a negative start is left out, with a warning; the text is kept', () => {
    const json = JSON.stringify({ segments: [
      { start: 0, end: 1e308, text: '第一段' },
      { start: -5, end: 3, text: '第二段' },
      { start: 4, end: 6, text: '第三段' },
    ] }, null, 1);
    const r = transcriptionJson.parse(file(json, 'odd.json'));
    expect(r.warnings.map((w) => w.message)).toEqual([
      'segment 0: "end" 1e+308 is no time in a recording; left out',
      'segment 1: "start" -5 is no time in a recording; kept without a time',
    ]);
    const text = r.documents[0]!.passages.map((p) => p.text).join('');
    expect(text).toContain('第一段');
    expect(text).toContain('第二段');
    expect(r.documents[0]!.passages.every((p) => (p.end ?? 0) <= 6)).toBe(true);
  });
});

describe('OpenAI verbose_json', () => {
  it('reads segments without speakers; duration and language kept; YouTube ID from the file name', () => {
    const { documents, warnings } = transcriptionJson.parse(file(fixture('verbose.json'), 'asr/Zt3_Lq9vXa1.json'));
    expect(warnings).toEqual([]);
    expect(documents[0]).toEqual({
      key: 'youtube:Zt3_Lq9vXa1',
      url: 'https://www.youtube.com/watch?v=Zt3_Lq9vXa1',
      kind: 'raw-transcript',
      metadata: { language: 'english', duration: 14.5 },
      passages: [{ text: 'Attention is a lookup table with soft keys. That is the whole trick. Mostly.', role: 'content', line: 1, start: 0, end: 14.5 }],
    });
  });

  it('falls back to the whole text when no segment has any', () => {
    const d = transcriptionJson.parse(file('{"text": "只有全文", "segments": []}', 'a.json')).documents[0]!;
    expect(d.passages).toEqual([{ text: '只有全文', role: 'content', line: 1 }]);
  });
});

describe('invalid input', () => {
  it('names the line and column of a syntax error', () => {
    const run = () => transcriptionJson.parse(file(fixture('broken.json'), 'asr/broken.json'));
    expect(run).toThrow(JsonInputError);
    expect(run).toThrow(/invalid JSON at line 4, column 49/);
    try {
      run();
    } catch (e) {
      expect((e as JsonInputError).line).toBe(4);
    }
  });

  it('finds the position when the engine message has none', () => {
    expect(() => transcriptionJson.parse(file('{\n  "segments": [\n    }', 'a.json'))).toThrow(/line 3, column 5/);
  });

  it('finds error offsets the engine does not state', () => {
    expect(jsonErrorOffset('{"a":}')).toBe(5);
    expect(jsonErrorOffset('{"a": tru}')).toBe(6);
    expect(jsonErrorOffset('{"a": 1')).toBe(7);
    expect(jsonErrorOffset('["\\x"]')).toBe(3);
    expect(jsonErrorOffset('{"a": 1} x')).toBe(9);
  });

  it('a JSON object without segments is an error, not an empty document', () => {
    expect(() => transcriptionJson.parse(file('{"text": 1}', 'a.json'))).toThrow(/no "segments" array/);
  });
});

describe('segment timing', () => {
  it('a segment that ends before it starts is reported and its end repaired', () => {
    const json = JSON.stringify({ segments: [{ start: 5, end: 2, text: '倒着的时间' }, { start: 7, end: 9, text: 'and on' }] });
    const r = transcriptionJson.parse(file(json, 'a.json'));
    expect(r.warnings).toEqual([{ line: 1, message: 'segment ends at 0:02, before it starts at 0:05: end set to 0:07 (where the next segment starts)' }]);
    expect(r.documents[0]!.passages[0]).toMatchObject({ start: 5, end: 9 });
  });
});
