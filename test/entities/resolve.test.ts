/**
 * Entities found by their names: forms of one name meet in one entity, but two lexicon entries
 * stay two entities even where they share a name.
 */
import { describe, expect, it } from 'vitest';
import { resolveEntity } from '../../src/entities/store.js';
import { tempLibrary } from '../helpers.js';

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
});
