/**
 * Entities found by their names: forms of one name meet in one entity, but two lexicon entries
 * stay two entities even where they share a name.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveEntity } from '../../src/entities/store.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { tempDir, tempLibrary } from '../helpers.js';

describe('resolving entities', () => {
  it('keeps two lexicon entries that share a name apart; a listed name joins the first to claim it', () => {
    const { db } = tempLibrary();
    const chip = resolveEntity(db, { name: 'memory chip', type: 'concept', aliases: ['memory', '内存', '記憶體'], lexiconId: 'memory-chip' });
    const recall = resolveEntity(db, { name: 'AI memory', type: 'concept', aliases: ['memory', '记忆'], lexiconId: 'agent-memory' });
    expect(recall).not.toBe(chip);
    // Each entry finds its own entity again, and keeps its own aliases.
    expect(resolveEntity(db, { name: 'AI memory', type: 'concept', aliases: ['memory', '记忆'], lexiconId: 'agent-memory' })).toBe(recall);
    const aliases = (id: number) => JSON.parse(db.prepare('SELECT aliases FROM entities WHERE id = ?').pluck().get(id) as string) as string[];
    expect(aliases(chip)).not.toContain('记忆');
    // A name a summary lists (no lexicon entry) joins an entity that has it, in any script.
    expect(resolveEntity(db, { name: '記憶', type: 'concept' })).toBe(recall);
    expect(resolveEntity(db, { name: '内存', type: 'concept' })).toBe(chip);
    db.close();
  });

  it('gives an entity merged by earlier rules its own names back when every document is done again', async () => {
    const { db } = tempLibrary();
    // What the old rules left: the memory-chip entity also holding an agent's memory (记忆).
    const chip = resolveEntity(db, { name: 'memory chip', type: 'concept', aliases: ['memory', '内存', '记忆', '長期記憶'], lexiconId: 'memory-chip' });
    db.prepare("INSERT INTO terms_state (k, v) VALUES ('fingerprint', 'rules of before')").run();
    const notes = tempDir();
    writeFileSync(join(notes, 'a.md'), '# 智能体\n\n智能体的记忆很重要，内存也贵。\n');
    await ingest(db, [notes]);
    const aliases = JSON.parse(db.prepare('SELECT aliases FROM entities WHERE id = ?').pluck().get(chip) as string) as string[];
    expect(aliases).toContain('内存');
    expect(aliases).not.toContain('记忆');
    expect(aliases).not.toContain('長期記憶');
    // The name is the agent-memory entry's again: a listed 記憶 finds that entity, not the chip.
    const recall = db.prepare("SELECT id FROM entities WHERE lexicon_id = 'agent-memory'").pluck().get() as number;
    expect(recall).toBeDefined();
    expect(resolveEntity(db, { name: '記憶', type: 'concept' })).toBe(recall);
    db.close();
  });
});
