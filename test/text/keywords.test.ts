/** Term lookups over passages: one text at a time, or a document's passages at once, answer alike. */
import { describe, expect, it } from 'vitest';
import { foldForMatch } from '../../src/search/highlight.js';
import { foldedLookup, foldedLookups } from '../../src/text/keywords.js';
import { queryTerms } from '../../src/text/segment.js';

const TEXTS = [
  'The future of Robotics: robots that study and the studies of them.',
  '機器人的未來取決於人工智慧，Qwen2.5 和 C++ 都提到了。',
  '',
  'Relational databases, 关系数据库, happy users',
  '\uFFFD bad bytes and ＡＩ in full width',
];
const TERMS = [
  ...new Set([
    ...TEXTS.flatMap((t) => queryTerms(t)),
    ...queryTerms('robotics robot future studying happy relational 机器人 未来 人工智能 qwen2.5 c++ ai missing 没有'),
  ]),
];

describe('foldedLookups', () => {
  it('answers every term for every text exactly as foldedLookup does', () => {
    const folded = TEXTS.map(foldForMatch);
    const many = foldedLookups(folded);
    for (const [i, text] of folded.entries()) {
      const one = foldedLookup(text);
      for (const term of TERMS) expect(many[i]!.has(term), `${term} in text ${i}`).toBe(one.has(term));
    }
    // The cases that matter: stems, both scripts, words glued to Han.
    expect(many[0]!.has('robot')).toBe(true);
    expect(many[1]!.has('机器人')).toBe(true);
    expect(many[1]!.has('robot')).toBe(false);
    expect(many[4]!.has('ai')).toBe(true);
  });
});
