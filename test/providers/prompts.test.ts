import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPrompt, parsePrompt, promptLabel, renderPrompt } from '../../src/providers/prompts.js';
import { tempDir } from '../helpers.js';

describe('prompts', () => {
  it('ship as versioned files with system and user sections', () => {
    for (const name of ['summary', 'summary-map', 'summary-reduce', 'tidy']) {
      const p = loadPrompt(name);
      expect(p.origin).toBe('shipped');
      expect(p.version).toMatch(/^\d+$/);
      expect(p.system).not.toBe('');
      expect(promptLabel(p)).toBe(`${name}@${p.version}`);
    }
  });

  it('are overridden per library, and the override is named in provenance', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'prompts'));
    writeFileSync(join(dir, 'prompts', 'tidy.md'), '---\nversion: 7\n---\n## user\nTidy this: {{lines}}\n');
    const p = loadPrompt('tidy', dir);
    expect(promptLabel(p)).toBe('tidy@7 (library)');
    expect(renderPrompt(p, { lines: 'a\nb' })).toEqual([{ role: 'user', content: 'Tidy this: a\nb' }]);
    expect(loadPrompt('summary', dir).origin).toBe('shipped');
  });

  it('refuse a placeholder without a value and a file without a version', () => {
    const p = parsePrompt('---\nversion: 1\n---\n## user\n{{transcript}} in {{langauge}}', '/lib/prompts/summary.md', 'library', 'summary');
    expect(() => renderPrompt(p, { transcript: 'x', language: 'English' })).toThrow(/summary\.md: placeholder \{\{langauge\}\}/);
    expect(() => parsePrompt('## user\nhi', '/x.md', 'library', 'x')).toThrow(/version/);
    expect(() => loadPrompt('no-such-prompt')).toThrow(/no prompt "no-such-prompt"/);
  });
});
