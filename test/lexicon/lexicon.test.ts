import { describe, expect, it } from 'vitest';
import { formatEntry, parseLexicon } from '../../src/lexicon/format.js';
import { entryForms, formKey, formKeys, Lexicon, lexiconProblems } from '../../src/lexicon/lexicon.js';
import { expandQuery } from '../../src/lexicon/expand.js';
import { querySoundAlikes } from '../../src/lexicon/index.js';
import { loadLexicon } from '../../src/lexicon/load.js';
import { tokenize } from '../../src/text/segment.js';
import { TermIndex } from '../../src/terms/term-index.js';
import type { LexiconEntry } from '../../src/lexicon/format.js';

const SAMPLE = `# test
[organization]
nvidia: NVIDIA, 英伟达, tw:輝達, ~Nvidia Corporation
[concept]
reasoning: reasoning, ?推理
inference: inference, ?推理, tw:推論
export-controls: export controls, 出口管制
[person]
jensen-huang: 黄仁勋, Jensen Huang, ~老黄
elon-musk: Elon Musk, 埃隆·马斯克, 马斯克
`;

describe('lexicon format', () => {
  const entries = parseLexicon(SAMPLE, 'sample.txt');

  it('reads ids, types, scripts, regions, aliases and ambiguity marks', () => {
    const nvidia = entries.find((e) => e.id === 'nvidia')!;
    expect(nvidia.type).toBe('organization');
    expect(nvidia.canonical).toBe('NVIDIA');
    expect(entryForms(nvidia)).toMatchObject({ simplified: ['英伟达'], traditional: ['英偉達'], tw: ['輝達'], english: ['NVIDIA'], aliases: ['Nvidia Corporation'] });
    expect(entries.find((e) => e.id === 'inference')!.names[1]).toEqual({ text: '推理', script: 'han', ambiguous: true });
    expect(formatEntry(nvidia)).toBe('nvidia: NVIDIA, 英伟达, tw:輝達, ~Nvidia Corporation');
  });

  it('names the file and line of a malformed entry', () => {
    expect(() => parseLexicon('[person]\nBad Id: x', 'mine.txt')).toThrow(/mine\.txt:2: expected "id: name/);
    expect(() => parseLexicon('[place]\n', 'mine.txt')).toThrow(/mine\.txt:1: unknown type \[place\]/);
    expect(() => parseLexicon('x: y', 'mine.txt')).toThrow(/mine\.txt:1: entry before any \[type\]/);
    expect(() => parseLexicon('[concept]\nx: tw:software', 'mine.txt')).toThrow(/no Chinese characters/);
  });

  it('reports names claimed by two entries unless both mark them ambiguous', () => {
    expect(lexiconProblems(entries)).toEqual([]);
    const clash = parseLexicon('[organization]\na: Apple, 苹果\nb: Apple Inc, 苹果', 'clash.txt');
    expect(lexiconProblems(clash)).toEqual([expect.stringMatching(/"苹果".*claimed by a \(clash\.txt:2\), b \(clash\.txt:3\)/)]);
    const dup = parseLexicon('[organization]\na: A, 甲\na: B, 乙', 'dup.txt');
    expect(lexiconProblems(dup)[0]).toMatch(/dup\.txt:3: id "a" already used at dup\.txt:2/);
  });
});

describe('lexicon lookup', () => {
  const lexicon = new Lexicon(parseLexicon(SAMPLE, 'sample.txt'));

  it('finds an entry by any name, in any script or case', () => {
    for (const form of ['英伟达', '英偉達', '輝達', '辉达', 'nvidia', 'ＮＶＩＤＩＡ', 'Nvidia Corporation']) {
      expect(lexicon.lookup(form).map((e) => e.id)).toEqual(['nvidia']);
    }
    expect(lexicon.lookup('Export Control').map((e) => e.id)).toEqual(['export-controls']);
    expect(lexicon.lookup('埃隆马斯克').map((e) => e.id)).toEqual(['elon-musk']); // middle dot optional
    expect(lexicon.lookup('推理').map((e) => e.id).sort()).toEqual(['inference', 'reasoning']);
  });

  it('lets a later entry with a known id add names (the library extending a shipped entry)', () => {
    const more = parseLexicon('[organization]\nnvidia: 老黄家', 'library.txt', true);
    const merged = new Lexicon([...parseLexicon(SAMPLE, 'sample.txt'), ...more]);
    expect(merged.lookup('老黄家').map((e) => e.id)).toEqual(['nvidia']);
    expect(merged.get('nvidia')!.type).toBe('organization');
  });

  it('keys every shipped name exactly as a query of it is tokenized', () => {
    const names = loadLexicon().entries().flatMap((e) => e.names.map((n) => n.text)).filter((n) => !/\p{Script=Han}/u.test(n));
    const reference = names.map((n) => tokenize(n).map((t) => t.term).join(' '));
    expect(formKeys(names)).toEqual(reference);
  });

  it('keys text the way queries are tokenized', () => {
    expect(formKey('Export Controls')).toBe('export control');
    expect(formKey('小米SU7')).toBe('小米 su7');
    expect(formKey('萨姆·奥特曼')).toBe('萨姆奥特曼');
  });
});

describe('query expansion', () => {
  const lexicon = new Lexicon(parseLexicon(SAMPLE, 'sample.txt'));
  const expand = (q: string) => expandQuery(q, tokenize(q), { lexicon }).map((x) => ({ text: x.text, alternatives: x.alternatives }));

  it('expands the longest lexicon span, and persons to their romanizations', () => {
    expect(expand('US export controls')).toEqual([{ text: 'export controls', alternatives: ['出口管制'] }]);
    const huang = expand('黄仁勋')[0]!;
    expect(huang.alternatives).toEqual(expect.arrayContaining(['Jensen Huang', '老黄', 'Huang Renxun', 'Huang Jen-hsun']));
    // a transliterated foreign name is not romanized as if it were Chinese
    expect(expand('马斯克')[0]!.alternatives).not.toContain('Ma Sike');
  });

  it('reads names outside the lexicon, and leaves ordinary words alone', () => {
    expect(expand('钱思远 视频')[0]).toMatchObject({ text: '钱思远', alternatives: expect.arrayContaining(['Qian Siyuan', 'Chin Ssu-yuan']) });
    expect(expand('Siyuan Qian')[0]!.alternatives).toContain('Qian Siyuan');
    expect(expand('黄金 周末')).toEqual([]);
    expect(expand('scaling law')).toEqual([]);
  });

  it('adds Taiwan and mainland vocabulary from OpenCC', () => {
    expect(expand('服务器')).toEqual([{ text: '服务器', alternatives: ['伺服器'] }]);
    expect(expand('伺服器')).toEqual([{ text: '伺服器', alternatives: ['服务器'] }]);
    // a Taiwan word that is an everyday mainland word with another sense is left alone
    expect(expand('智慧')).toEqual([]);
  });

  it('reads a garbled name as the one name it sounds like, never an everyday word', () => {
    const names = new Lexicon(parseLexicon(`${SAMPLE}[organization]\nsmic: SMIC, 中芯\n`, 'sample.txt'));
    const index = new TermIndex(names.entries());
    const soundAlikes = (t: string) => index.soundAlikes(t).map((a) => ({ entry: a.entry as LexiconEntry, start: a.start, end: a.end }));
    const heard = (q: string) => expandQuery(q, tokenize(q), { lexicon: names, soundAlikes }).map((x) => ({ text: x.text, alternatives: x.alternatives, entries: x.entries.map((e) => e.id) }));
    // 黄仁训 is how a recognizer writes 黄仁勋 (the same pinyin); nobody writes it otherwise
    expect(heard('黄仁训 演讲')[0]).toMatchObject({ text: '黄仁训', entries: ['jensen-huang'], alternatives: expect.arrayContaining(['黄仁勋', 'Jensen Huang']) });
    // 中心 sounds like 中芯 (zhong xin), but a dictionary word is meant as typed
    expect(heard('数据 中心')).toEqual([]);
    expect(heard('中芯 中心').map((x) => x.text)).toEqual(['中芯']);
  });

  it('reads a Latin garble in an English query too, but not everyday words meant as typed', () => {
    const names = new Lexicon(parseLexicon('[organization]\ndeepseek: DeepSeek, 深度求索\ngithub: GitHub\n[product]\ngemini: Gemini\nclaude-code: Claude Code\n[concept]\npaper: paper, 论文\n', 'x.txt'));
    const heard = (q: string) => expandQuery(q, tokenize(q), { lexicon: names, soundAlikes: querySoundAlikes(names) }).map((x) => [x.text, x.entries.map((e) => e.id)]);
    expect(heard('Jamini 3 benchmarks')).toEqual([['Jamini', ['gemini']]]);
    // Everyday words run together that sound exactly like a name, spelt mostly alike
    expect(heard('deep sick R1')).toEqual([['deep sick', ['deepseek']]]);
    expect(heard('Cloud Code agents')).toEqual([['Cloud Code', ['claude-code']]]);
    // …but not one everyday word alone, nor words that only sound alike (get up: GitHub)
    expect(heard('cloud costs')).toEqual([]);
    expect(heard('get up early')).toEqual([]);
    // A word is judged as typed, not by its stem (preparing, whose stem prepar no list has)
    expect(heard('preparing for AGI')).toEqual([]);
  });

  it('meets a Latin name typed apart', () => {
    const apart = new Lexicon(parseLexicon('[organization]\nopenai: OpenAI, ~Open AI Inc\ndeepseek: DeepSeek, 深度求索\n', 'x.txt'));
    expect(expandQuery('deep seek 开源', tokenize('deep seek 开源'), { lexicon: apart })[0]).toMatchObject({ text: 'deep seek', alternatives: ['DeepSeek', '深度求索'] });
    // Function words join no name: "a OR b" is not Orb, "the rock" is not TheRock.
    const words = new Lexicon(parseLexicon('[product]\norb: Orb\ntherock: TheRock\n', 'x.txt'));
    expect(expandQuery('a OR b', tokenize('a OR b'), { lexicon: words })).toEqual([]);
    expect(expandQuery('the rock', tokenize('the rock'), { lexicon: words })).toEqual([]);
    expect(expandQuery('The Rock', tokenize('The Rock'), { lexicon: new Lexicon(parseLexicon('[person]\nrock: The Rock, Dwayne Johnson\n', 'x.txt')) })[0])
      .toMatchObject({ alternatives: ['Dwayne Johnson'] });
  });

  it('finds a lexicon person from a romanization in any order or spelling', () => {
    const shipped = loadLexicon();
    const x = expandQuery('Wenfeng Liang', tokenize('Wenfeng Liang'), { lexicon: shipped })[0]!;
    expect(x.entries.map((e) => e.id)).toEqual(['liang-wenfeng']);
    expect(x.alternatives).toContain('梁文锋');
  });

  it('ships a lexicon that knows the domain', () => {
    const shipped = loadLexicon();
    expect(shipped.lookup('輝達').map((e) => e.id)).toEqual(['nvidia']);
    expect(shipped.lookup('hallucination').map((e) => e.id)).toEqual(['hallucination']);
    expect(shipped.lookup('人工智慧').map((e) => e.id)).toEqual(['artificial-intelligence']);
  });
});

describe('lexicon suggest', () => {
  it('writes the accept line with the name as one shell word that pastes as is', async () => {
    const { shellQuoted } = await import('../../src/cli/commands/lexicon.js');
    const { execFileSync } = await import('node:child_process');
    for (const name of ['Ke$ha Rose', "O'Brien", 'a`b`!c', '杨立昆']) expect(execFileSync('sh', ['-c', `printf %s ${shellQuoted(name)}`], { encoding: 'utf8' })).toBe(name);
  });
});
