import { describe, expect, it } from 'vitest';
import { ENTITY_TYPES } from '../../src/lexicon/format.js';
import { lexiconProblems, Lexicon } from '../../src/lexicon/lexicon.js';
import { shippedEntries } from '../../src/lexicon/load.js';

describe('the shipped lexicon', () => {
  const entries = shippedEntries();

  it('is well-formed: unique ids, valid types, no name claimed twice unless marked ambiguous', () => {
    expect(lexiconProblems(entries)).toEqual([]);
    for (const e of entries) expect(ENTITY_TYPES).toContain(e.type);
  });

  it('covers the domain broadly, in every type', () => {
    const counts = new Lexicon(entries).countByType();
    expect(entries.length).toBeGreaterThanOrEqual(1500);
    for (const t of ENTITY_TYPES) expect(counts[t]).toBeGreaterThanOrEqual(200);
  });

  it('gives nearly every entry another name to bridge to', () => {
    // A single-name entry still names an entity (issue 10's pages) but expands to nothing.
    const lonely = entries.filter((e) => new Set(e.names.map((n) => n.text.toLowerCase())).size < 2);
    expect(lonely.length).toBeLessThan(entries.length * 0.1);
  });
});
