import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PassageRow, Searcher } from '../../src/bench/peers.js';
import { oramaSearcher } from '../../src/bench/orama-peer.js';
import { pagefindSearcher } from '../../src/bench/pagefind-peer.js';

// Three documents in mixed scripts and languages; document 1 has two passages, so a peer that
// matches both must still name it once.
const rows: PassageRow[] = [
  { id: 11, doc: 1, title: 'DeepSeek 稀疏注意力', text: '稀疏注意力机制让长上下文推理便宜了很多。' },
  { id: 12, doc: 1, title: 'DeepSeek 稀疏注意力', text: 'DeepSeek 的新模型用稀疏注意力处理一百万个 token。' },
  { id: 21, doc: 2, title: 'Export controls', text: 'Jensen Huang said export controls on chips hurt American companies; 他谈到出口管制。' },
  { id: 31, doc: 3, title: '輝達的護城河', text: '人工智慧的軟體生態系統是輝達真正的護城河，不只是晶片。' },
  { id: 41, doc: 4, title: 'Weekly notes', text: 'A note about gardening and bread, nothing about chips or models.' },
];

// What a user of each peer would type and find: a Simplified term, an English phrase, a
// Traditional term, and a query in both languages.
const cases: [string, number][] = [
  ['稀疏注意力', 1],
  ['export controls', 2],
  ['輝達 護城河', 3],
  ['DeepSeek 稀疏注意力', 1],
];

function behavesLikeAPeer(name: string, build: () => Promise<Searcher>): void {
  describe(name, () => {
    let peer: Searcher;
    beforeAll(async () => {
      peer = await build();
    });
    afterAll(async () => {
      await peer?.close?.();
    });

    it.each(cases)('finds the expected document first for %s', async (query, doc) => {
      const found = await peer.docs(query);
      expect(found[0]).toBe(doc);
      expect(new Set(found).size).toBe(found.length);
    });

    it('names each document once and reports its build time', async () => {
      expect(await peer.docs('稀疏注意力', 10)).toEqual([1]);
      expect(peer.buildMs).toBeGreaterThan(0);
    });
  });
}

behavesLikeAPeer('Orama peer (Mandarin tokenizer)', () => oramaSearcher(rows));
behavesLikeAPeer('Pagefind peer (its own bundle, loaded in Node)', () => pagefindSearcher(rows));
