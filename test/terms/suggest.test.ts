/**
 * `engram lexicon suggest` ranks by how a term is used, not by how many documents have it: a
 * name or a term comes back within the documents that have it, an everyday word jieba's
 * dictionary lacks is said once here and once there; and a piece of a longer word (a name
 * jieba cut in two, 这张图's 张图, 工作流中's 流中) is no suggestion. Invented fixtures only.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suggestTerms, termScore, wholeWord } from '../../src/terms/suggest.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { suggestEval, suggestPrecision } from '../../src/bench/suggest-eval.js';
import { tempDir, tempLibrary } from '../helpers.js';

describe('lexicon suggest: ranking', () => {
  it('scores a term that comes back within its documents above one spread once over many', () => {
    const name = [3, 4, 2, 3, 5]; // passages that have it, per document: 5 documents
    const everyday = Array.from({ length: 60 }, (_, i) => (i % 6 === 0 ? 2 : 1)); // 60 documents, mostly once
    expect(termScore(name)).toBeGreaterThan(termScore(everyday));
    // Being in more documents counts, a little.
    expect(termScore([3, 3, 3, 3, 3, 3])).toBeGreaterThan(termScore([3, 3, 3]));
    // Three documents prove little: the same rate over thirty is surer.
    expect(termScore(Array.from({ length: 30 }, () => 2))).toBeGreaterThan(termScore([2, 2, 2]));
    // A name a summary lists, or a speaker, needs no repeats.
    expect(termScore([1, 1, 1], true)).toBeGreaterThan(termScore([1, 1, 1]));
  });

  it('reads a piece of a longer word as that word, and a word after varied neighbours as itself', () => {
    const said = ['我们聊到了奥坎塔伊的看法。', '奥坎塔伊说过一句话。', '据奥坎塔伊介绍，', '这是奥坎塔伊的书', '和奥坎塔伊一起'];
    expect(wholeWord(said, '塔伊')).toBe('奥坎塔伊');
    expect(wholeWord(said, '奥坎')).toBe('奥坎塔伊');
    // A classifier after a demonstrative (这张图) makes a phrase, not a word; Traditional text is
    // read in Simplified, as the index holds it.
    expect(wholeWord(['你看這張圖。', '這張圖說明了', '把這張圖放大', '這張圖裡', '再看這張圖'], '张图')).toBeUndefined();
    // A particle after a name is not part of it.
    expect(wholeWord(said.map((t) => t.replace('奥坎塔伊', '奥坎塔伊的')), '奥坎塔伊')).toBe('奥坎塔伊');
    // A fixed neighbour is taken with the dictionary word it ends: 全量 → 全量微调, not 全量微.
    expect(wholeWord(['用全量微调训练', '全量微调的代价', '比全量微调便宜', '不做全量微调', '全量微调之后'], '全量')).toBe('全量微调');
    // A host who says "我是小蓝" at the start of most episodes, but not all of them, stays himself.
    expect(wholeWord(['我是小蓝。', '今天小蓝来讲', '小蓝觉得', '谢谢小蓝', '我是小蓝', '和小蓝一起'], '小蓝')).toBe('小蓝');
    // Too few places to tell.
    expect(wholeWord(['奥坎塔伊', '奥坎塔伊'], '塔伊')).toBe('塔伊');
  });

  it('ranks a name that recurs in its documents above an everyday word said once in each, and drops pieces of longer words', async () => {
    const notes = tempDir();
    for (let i = 0; i < 5; i++) {
      const paragraphs = [`# 第${i}期`, '坦率说这个结果远超预期。', '你看这张图，它在工作流中很好用。', '写在代码库中的说明。'];
      // The name comes back in three of the five documents, three times in each.
      if (i < 3) paragraphs.push('我们聊到了奥坎塔伊的看法。', '后来奥坎塔伊的团队也回应了。', '最后我们又提到了奥坎塔伊的新书。');
      writeFileSync(join(notes, `n${i}.md`), paragraphs.join('\n\n') + '\n');
    }
    const lib = tempLibrary();
    await ingest(lib.db, [notes]);
    const list = suggestTerms(lib.db, () => false, { minDocuments: 2 });
    const names = list.map((x) => x.name);
    expect(names).toContain('奥坎塔伊');
    expect(names.filter((n) => ['奥坎', '塔伊', '张图', '这张图', '流中', '库中'].includes(n))).toEqual([]);
    // The everyday word, if suggested at all, comes after the name.
    if (names.includes('远超')) expect(names.indexOf('奥坎塔伊')).toBeLessThan(names.indexOf('远超'));
    // Ranked by score.
    expect(list.map((x) => x.score)).toEqual([...list.map((x) => x.score)].sort((a, b) => b - a));
    lib.db.close();
  });

  it('measures precision over labelled suggestions, and skips without labels', () => {
    const labels = new Map([['奥坎塔伊', 'good'], ['zorvex', 'good'], ['远超', 'bad']] as const);
    expect(suggestPrecision(['奥坎塔伊', 'Zorvex', '远超', '新词'], labels, 4)).toEqual({ k: 4, good: 2, bad: 1, unlabelled: ['新词'], precision: 2 / 3 });
    const lib = tempLibrary();
    expect(suggestEval(lib.db, lib.dir, join(tempDir(), 'none.json'))[0]).toMatch(/skipped/);
    lib.db.close();
  });
});
