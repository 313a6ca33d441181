import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/pipeline/ingest.js';
import { tempDir, tempLibrary } from '../helpers.js';

describe('the terms stage with the scans made where files were parsed', () => {
  it('takes no mentions from LLM boilerplate, and mentions from the content beside it', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'summary'));
    writeFileSync(join(root, 'summary', 'ep.md'), [
      '# 芯片周报', '',
      '好的，以下是关于英伟达的整理：', '',
      '本期讨论英伟达的新一代芯片和出口管制对产业的影响。', '',
      '希望这份关于英伟达的总结对你有帮助！如果需要更多信息，请告诉我。', '',
    ].join('\n'));
    const { db } = tempLibrary();
    await ingest(db, [root]);
    const byRole = db.prepare(`SELECT p.role, count(m.rowid) AS n FROM passages p LEFT JOIN mentions m ON m.passage_id = p.id GROUP BY p.role`).all() as { role: string; n: number }[];
    const n = (role: string) => byRole.find((r) => r.role === role)?.n ?? 0;
    expect(byRole.some((r) => r.role === 'boilerplate')).toBe(true);
    expect(n('boilerplate')).toBe(0);
    expect(n('content')).toBeGreaterThan(0);
  });
});
