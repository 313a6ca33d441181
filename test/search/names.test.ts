import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ingest } from '../../src/pipeline/ingest.js';
import { search } from '../../src/search/search.js';
import { FIXTURES, tempLibrary } from '../helpers.js';

/**
 * A mixed-script mini library with invented names, none in the shipped lexicon, so the
 * romanization and its character check are what is tested:
 * - an episode whose English summary says "Qian Siyuan" and whose transcript says 钱思远,
 *   an English note and a Chinese note about him, and a decoy note about a singer 钱思源
 *   (same sound, other characters);
 * - an episode whose summary says "Deng Zihang" while its transcript misrecognizes him as
 *   邓子杭 (nobody writes his real 邓子航);
 * - an English note with given-name-first and Wade–Giles names (Yifan Luo, Chang Chia-hao,
 *   Mingyuan Ouyang) and Jensen Huang (a lexicon name that is no romanization);
 * - a Taiwan note (輝達, 晶片, 人工智慧, 軟體, 伺服器) and a mainland one (出口管制, 幻觉).
 */
describe('names and terms across languages', () => {
  const { db } = tempLibrary();
  beforeAll(() => ingest(db, [join(FIXTURES, 'names')]));
  const titles = (q: string) => search(db, q, { limit: 20 }).hits.map((h) => h.document.title ?? '');
  const without = (q: string) => search(db, q, { limit: 20, expand: false }).hits.map((h) => h.document.title ?? '');
  const ENGLISH_NOTE = 'Who is building video models in China';
  const CHINESE_NOTE = '视频生成创业者笔记';
  const DECOY = '周末音乐会随记';

  it('finds a Chinese name written in pinyin, and the pinyin written in characters', () => {
    expect(without('钱思远')).not.toContain(ENGLISH_NOTE);
    expect(titles('钱思远')).toEqual(expect.arrayContaining([ENGLISH_NOTE, CHINESE_NOTE]));
    // the episode writes both "Qian Siyuan" and 钱思远: the library's evidence that they are one name
    expect(without('Qian Siyuan')).not.toContain(CHINESE_NOTE);
    expect(titles('Qian Siyuan')).toEqual(expect.arrayContaining([ENGLISH_NOTE, CHINESE_NOTE]));
    expect(titles('Siyuan Qian')).toEqual(expect.arrayContaining([ENGLISH_NOTE, CHINESE_NOTE]));
  });

  it('does not merge similar-sounding names', () => {
    // 钱思源 sounds like 钱思远 but is never written beside "Qian Siyuan"
    expect(titles('钱思远')).not.toContain(DECOY);
    expect(titles('Qian Siyuan')).not.toContain(DECOY);
    // the library writes Qian Siyuan beside 钱思远, and 钱思源 elsewhere: 钱思源 keeps to the singer
    expect(titles('钱思源')).toEqual([DECOY]);
  });

  it('bridges characters the library never writes through their romanization', () => {
    expect(without('邓子航')).toEqual([]);
    expect(titles('邓子航').join('\n')).toMatch(/Deng Zihang/);
  });

  it('bridges name order, Wade–Giles and compound surnames', () => {
    expect(titles('罗一凡')).toContain('Notes on cross-embodiment robotics');
    expect(titles('张家豪')).toContain('Notes on cross-embodiment robotics');
    expect(titles('欧阳明远')).toContain('Notes on cross-embodiment robotics');
    expect(titles('Luo Yifan')).toContain('Notes on cross-embodiment robotics');
  });

  it('bridges lexicon names that are not romanizations', () => {
    expect(without('黄仁勋')).toEqual([]);
    expect(titles('黄仁勋')).toContain('Notes on cross-embodiment robotics');
  });

  it('reads a name garbled as a recognizer writes it as the name', () => {
    // 黄仁训: the pinyin of 黄仁勋, written by no one on purpose
    expect(without('黄仁训')).toEqual([]);
    expect(titles('黄仁训')).toContain('Notes on cross-embodiment robotics');
  });

  it('finds Chinese documents for English terms', () => {
    expect(without('export controls').join('\n')).not.toMatch(/出口管制/);
    expect(titles('export controls').join('\n')).toMatch(/出口管制/);
    expect(titles('US chip export controls').join('\n')).toMatch(/出口管制/);
    expect(titles('hallucination').join('\n')).toMatch(/出口管制/);
  });

  it('meets Taiwan and mainland vocabulary', () => {
    expect(titles('英伟达 芯片')).toEqual(expect.arrayContaining(['輝達新晶片觀察', '美国芯片出口管制的影响']));
    expect(titles('人工智能').join('\n')).toMatch(/輝達/);
    expect(titles('软件').join('\n')).toMatch(/輝達/);
    expect(titles('服务器').join('\n')).toMatch(/輝達/);
    expect(titles('博客').join('\n')).toMatch(/輝達/); // OpenCC's phrase table, not the lexicon
    expect(titles('輝達')).toContain('美国芯片出口管制的影响');
  });

  it('highlights the form that matched', () => {
    const hit = search(db, 'Nvidia').hits.find((h) => h.passage?.text.includes('輝達'))!;
    const [s, e] = hit.highlights[0]!;
    expect(hit.passage!.text.slice(s, e)).toBe('輝達');
  });

  it('leaves quoted phrases exact', () => {
    expect(titles('"export controls"').join('\n')).not.toMatch(/出口管制/);
  });
});
