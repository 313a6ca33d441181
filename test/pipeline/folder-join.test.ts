import { describe, expect, it } from 'vitest';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { folderJoin, nameStem } from '../../src/pipeline/folder-join.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { FIXTURES, tempDir, tempLibrary } from '../helpers.js';

const EP = 'url:https://example.com/episode/6a1b2c3d4e5f60718293a4b5';
const transcript = { relPath: 'show/ep/transcript.md', key: EP };

describe('folderJoin', () => {
  it('joins files whose names only say what rendition they are, when the folder names one item', () => {
    for (const name of ['summary.md', 'transcript_raw.md', 'Transcript-Raw.txt', 'subtitles.en.vtt', 'captions.zh-Hans.srt']) {
      expect(folderJoin(`show/ep/${name}`, [transcript])).toEqual({ key: EP, why: 'an episode folder file' });
    }
  });

  it('leaves files named after something else alone', () => {
    expect(folderJoin('show/ep/lecture-a-biology.srt', [transcript])).toBeUndefined();
    expect(folderJoin('show/ep/lecture-b-history.vtt', [transcript])).toBeUndefined();
    expect(folderJoin('show/ep/summary-2.md', [transcript])).toBeUndefined();
  });

  it('a generic name does not choose between two items', () => {
    expect(folderJoin('show/ep/summary.md', [transcript, { relPath: 'show/ep/other.md', key: 'youtube:Ab3dEf9hIj0' }])).toBeUndefined();
  });

  it('joins by the same name, by the item ID in the name, or a name like the folder', () => {
    const talks = [{ relPath: 'talks/keynote.md', key: 'youtube:Ab3dEf9hIj0' }, { relPath: 'talks/panel.md', key: 'url:https://example.com/p' }];
    expect(folderJoin('talks/keynote.en.srt', talks)).toEqual({ key: 'youtube:Ab3dEf9hIj0', why: 'same name as keynote.md' });
    expect(folderJoin('talks/raw-Ab3dEf9hIj0.vtt', talks)).toEqual({ key: 'youtube:Ab3dEf9hIj0', why: 'its name holds the ID Ab3dEf9hIj0' });
    expect(folderJoin('show/ep/6a1b2c3d4e5f60718293a4b5.srt', [transcript])?.key).toBe(EP);
    expect(folderJoin('show/ep/ep.srt', [transcript])).toEqual({ key: EP, why: 'named like its folder' });
  });

  it('name stems drop the extension and language tags', () => {
    expect(nameStem('a/Talk.zh-Hans.vtt')).toBe('talk');
    expect(nameStem('a/v1.2-notes.md')).toBe('v1.2-notes');
  });
});

describe('folder joins in an ingest', () => {
  it('unrelated caption files in an episode folder stay their own documents; the summary joins and is reported', async () => {
    const root = tempDir();
    cpSync(join(FIXTURES, 'library', 'podcast'), join(root, 'podcast'), { recursive: true });
    const ep = join(root, 'podcast', 'ep-12');
    writeFileSync(join(ep, 'lecture-a-biology.srt'), '1\n00:00:01,000 --> 00:00:04,000\nCells divide by mitosis.\n');
    writeFileSync(join(ep, 'lecture-b-history.vtt'), 'WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nThe treaty was signed in 1648.\n');
    const { db } = tempLibrary();
    const r = await ingest(db, [root]);
    expect(r.failures).toEqual([]);
    expect(r.documents.added).toBe(3);
    expect(r.joinedByFolder).toEqual([{ file: 'podcast/ep-12/summary.md', document: expect.stringMatching(/^url:/), why: 'an episode folder file' }]);
    const byFile = db.prepare("SELECT f.rel_path, d.key FROM renditions r JOIN files f ON f.id = r.file_id JOIN documents d ON d.id = r.document_id ORDER BY f.rel_path").all() as { rel_path: string; key: string }[];
    const keyOf = Object.fromEntries(byFile.map((x) => [x.rel_path.split('/').pop(), x.key]));
    expect(keyOf['summary.md']).toBe(keyOf['transcript.md']);
    expect(keyOf['lecture-a-biology.srt']).toBe(`file:${join(ep, 'lecture-a-biology.srt')}`);
    expect(keyOf['lecture-b-history.vtt']).toBe(`file:${join(ep, 'lecture-b-history.vtt')}`);
  });
});
