import { describe, expect, it } from 'vitest';
import { folderNameFor } from '../../src/store/follow.js';

describe('folderNameFor', () => {
  it('keeps a source name readable and safe as a folder name', () => {
    expect(folderNameFor('晚点聊 LateTalk')).toBe('晚点聊 LateTalk');
    expect(folderNameFor('a/b: c?')).toBe('a-b- c-');
    expect(folderNameFor('..hidden')).toBe('hidden');
    expect(folderNameFor('  ')).toBe('source');
  });

  it('fits a file name: at most 200 bytes of UTF-8, cut between characters', () => {
    const han = folderNameFor('播客'.repeat(60));
    expect(han.length).toBeLessThanOrEqual(80);
    expect(Buffer.byteLength(han)).toBeLessThanOrEqual(200);
    const emoji = folderNameFor('🎙️📻'.repeat(40));
    expect(Buffer.byteLength(emoji)).toBeLessThanOrEqual(200);
    expect(emoji).toBe(emoji.normalize('NFC'));
    expect(/[\uD800-\uDBFF]$/.test(emoji)).toBe(false); // no half of a surrogate pair at the end
  });
});
