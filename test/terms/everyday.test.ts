/**
 * Names that are everyday words too (理想, 小米, a single letter) mention their entity only
 * where the document also names it unambiguously.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isEveryday } from '../../src/terms/scan.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { tempDir, tempLibrary } from '../helpers.js';

describe('everyday names', () => {
  it('a single letter is one, as are frequent Chinese words and lowercase English; names are not', () => {
    expect(['X', 'x', '理想', 'cloud'].map(isEveryday)).toEqual([true, true, true, true]);
    expect(['GPT', 'Twitter', 'X2', '英伟达'].map(isEveryday)).toEqual([false, false, false, false]);
  });

  it('X is the platform only in a document that names it otherwise too', async () => {
    const notes = tempDir();
    writeFileSync(join(notes, 'a.md'), '# 特斯拉\n\n她负责 Model X 的开发，后来又看了 X 战警。\n');
    writeFileSync(join(notes, 'b.md'), '# 马斯克\n\n马斯克收购推特后，把它改名为 X。X 上的讨论很多。\n');
    const { db } = tempLibrary();
    await ingest(db, [notes]);
    const mentions = db.prepare(
      `SELECT d.title || ':' || m.surface FROM mentions m JOIN entities e ON e.id = m.entity_id JOIN documents d ON d.id = m.document_id
        WHERE e.lexicon_id = 'x-platform' ORDER BY 1`,
    ).pluck().all();
    // One mention per passage (its first name there); none in the document about Model X.
    expect(mentions).toEqual(['马斯克:推特']);
    db.close();
  });
});
