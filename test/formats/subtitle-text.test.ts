import { describe, expect, it } from 'vitest';
import { fixtureReader, sourceFileAt } from '../helpers.js';
import { subtitleText } from '../../src/formats/subtitle-text.js';
import { detectFormat } from '../../src/formats/index.js';
import { markdownFallback } from '../../src/formats/markdown.js';

const fixture = fixtureReader('formats-b');
const file = sourceFileAt('x.txt');
const zh = fixture('Ab3dE_fG9hK.txt');
const en = fixture('english-captions.txt');

describe('subtitle text: detection', () => {
  it('claims short unpunctuated caption lines, above the Markdown fallback', () => {
    const f = file(zh, 'subtitle/Ab3dE_fG9hK.txt');
    expect(subtitleText.detect(f)).toBe(0.55);
    expect(subtitleText.detect(f)).toBeGreaterThan(markdownFallback.detect(f));
    expect(subtitleText.detect(file(en, 'x/en.txt'))).toBe(0.55);
    expect(detectFormat(f)?.name).toBe('subtitle-text');
  });

  it('loses to every structured format in the folder, and rejects prose and Markdown', () => {
    for (const name of ['diarized-named.md', 'Pq8_Xr2sT0u.srt', 'panel.vtt', 'whisperx.json', 'summary-podcast.md', 'Kd5_Wm1nQz7.md']) {
      const f = file(fixture(name), `x/${name}`);
      expect(detectFormat(f)?.name, name).not.toBe('subtitle-text');
    }
    const prose = Array.from({ length: 8 }, (_, i) => `这是第${i + 1}句完整的话，它以句号结尾。`).join('\n');
    expect(subtitleText.detect(file(prose, 'n.txt'))).toBe(0);
    expect(subtitleText.detect(file('# 标题\n- 列表一\n- 列表二\n- 列表三\n- 列表四\n- 列表五\n', 'n.md'))).toBe(0);
    expect(subtitleText.detect(file('短\n行', 'n.txt'))).toBe(0);
    // …but a short text file named after a video is its captions (and joins the video).
    expect(detectFormat(file('大家好\n今天聊聊模型\n', 'subtitle/Ab3dE_fG9hK.txt'))?.name).toBe('subtitle-text');
    expect(detectFormat(file('大家好\n今天聊聊模型\n', 'summary/Ab3dE_fG9hK.md'))?.name).not.toBe('subtitle-text');
  });
});

describe('subtitle text: passages', () => {
  it('keys by the video ID in the file name; no title', () => {
    const { documents, warnings } = subtitleText.parse(file(zh, 'bestpartners/subtitle/Ab3dE_fG9hK.txt'));
    expect(warnings).toEqual([]);
    const doc = documents[0]!;
    expect(doc).toMatchObject({ key: 'youtube:Ab3dE_fG9hK', url: 'https://www.youtube.com/watch?v=Ab3dE_fG9hK', kind: 'raw-transcript', metadata: {} });
    expect(doc.title).toBeUndefined();
    expect(doc.passages).toHaveLength(1);
    expect(doc.passages[0]!.text.startsWith('大家好这里是模型夜话 今天聊一聊检索增强生成 也就是大家常说的RAG')).toBe(true);
  });

  it('groups long files into passages of about 200 CJK characters, keeping line numbers', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `第${String(i).padStart(2, '0')}行字幕内容十个字`);
    const doc = subtitleText.parse(file(lines.join('\r\n'), 'subs/long.txt')).documents[0]!;
    expect(doc.key).toBe('file:/x/subs/long.txt');
    expect(doc.passages.length).toBeGreaterThanOrEqual(3);
    expect(doc.passages.every((p) => [...p.text.replace(/[^\p{Script=Han}]/gu, '')].length <= 200)).toBe(true);
    expect(doc.passages[1]!.line).toBe(lines.findIndex((l) => doc.passages[1]!.text.startsWith(l)) + 1);
    expect(doc.passages.map((p) => p.text).join(' ')).toBe(lines.join(' '));
  });

  it('drops sound events, keeps English words and turn markers', () => {
    const doc = subtitleText.parse(file(en, 'x/en.txt')).documents[0]!;
    const text = doc.passages.map((p) => p.text).join(' ');
    expect(text).not.toContain('[Music]');
    expect(text).toContain('run on a laptop the first thing you notice');
    expect(text).toContain('>> and what about accuracy');
  });

  it('an empty file: no document', () => {
    expect(subtitleText.parse(file('\n \n', 'x/e.txt')).documents).toEqual([]);
  });
});
