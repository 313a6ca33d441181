import { beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ingest } from '../../src/pipeline/ingest.js';
import { search } from '../../src/search/search.js';
import { findDocumentId, getDocument } from '../../src/store/read.js';
import { listCorrections, revertCorrection } from '../../src/terms/store.js';
import { TermIndex, type TermEntry } from '../../src/terms/term-index.js';
import { scanPassage } from '../../src/terms/scan.js';
import { findCorrections, type DocText } from '../../src/terms/correct.js';
import { packScans, unpackScans } from '../../src/terms/packed-scans.js';
import { compareSyllables, soundsLikeLatin } from '../../src/terms/phonetic.js';
import { findEntity, getEntity } from '../../src/entities/read.js';
import { main } from '../../src/cli/main.js';
import { copyFixture, tempLibrary } from '../helpers.js';

const EP1 = 'https://podcast.example.com/episodes/small-labs';
const EP2 = 'https://podcast.example.com/episodes/another';

/** A lexicon of `[id, type, ...names]` entries (the first name canonical). */
const lexicon = (...entries: [string, TermEntry['type'], ...string[]][]) =>
  new TermIndex(entries.map(([id, type, ...names]) => ({ id, type, canonical: names[0]!, names: names.map((text) => ({ text })) })));
/** The sound-alike spans a passage's scan offers, as `heard→name:verdict`. */
const offered = (index: TermIndex, text: string) => scanPassage(index, text, true).alikes!.single.map((a) => `${a.original}→${a.name}:${a.verdict}`);
const heard = (index: TermIndex, text: string) => offered(index, text).map((o) => o.replace(/:.*$/, ''));

describe('sound alike', () => {
  it('compares toneless pinyin with the usual confusions', () => {
    expect(compareSyllables(['mian', 'bi'], ['mian', 'bi'])).toBe('exact');
    expect(compareSyllables(['yin', 'wei', 'da'], ['ying', 'wei', 'da'])).toBe('merged');
    expect(compareSyllables(['zhong', 'duan'], ['zong', 'duan'])).toBe('merged');
    expect(compareSyllables(['li', 'xiang'], ['lan', 'xiang'])).toBeUndefined();
  });

  it('hears English garbles by Double Metaphone, keeping version numbers apart', () => {
    expect(soundsLikeLatin('dipsick', 'deepseek')).toBe('exact');
    expect(soundsLikeLatin('dancinglaw', 'densinglaw')).toBe('exact');
    expect(soundsLikeLatin('gpt4', 'gpt5')).toBeUndefined();
  });

  it('finds spans that sound like a name, never a name itself or part of one', () => {
    const index = new TermIndex([
      { id: 'modelbest', type: 'organization', canonical: '面壁智能', names: [{ text: '面壁智能' }] },
      { id: 'deepseek', type: 'organization', canonical: 'DeepSeek', names: [{ text: 'DeepSeek' }] },
      { id: 'anthropic', type: 'organization', canonical: 'Anthropic', names: [{ text: 'Anthropic' }] },
      { id: 'tiangong', type: 'product', canonical: '天工', names: [{ text: '天工' }] },
    ]);
    expect(index.soundAlikes('他是面臂智能的科学家').map((a) => a.name)).toEqual(['面壁智能']);
    expect(index.soundAlikes('他是面壁智能的科学家')).toEqual([]);
    expect(index.soundAlikes('我们用Dipsick的模型').map((a) => a.name)).toEqual(['DeepSeek']);
    expect(index.soundAlikes('这里提到了AI Anthropic两个词')).toEqual([]);
    // A name run together with another name or word is a compound, not a garble (any of the entry's names)…
    const compound = new TermIndex([
      { id: 'reasoning', type: 'concept', canonical: 'reasoning', names: [{ text: 'reasoning' }, { text: 'reasonings' }] },
      { id: 'gpu', type: 'concept', canonical: 'GPU', names: [{ text: 'GPU' }] },
      { id: 'openai', type: 'organization', canonical: 'OpenAI', names: [{ text: 'OpenAI' }] },
      { id: 'chatgpt', type: 'product', canonical: 'ChatGPT', names: [{ text: 'ChatGPT' }] },
    ]);
    expect(compound.soundAlikes('我们用reasoningGPU跑一下')).toEqual([]);
    expect(compound.soundAlikes('微信里的WeChatGPT功能')).toEqual([]);
    // …but a letter or two more is a garble still.
    expect(compound.soundAlikes('这是OpenAII的模型').map((a) => a.name)).toEqual(['OpenAI']);
    // An English word that begins or ends a name is that word, not the name cut short.
    const cut = lexicon(['reranking', 'concept', 'reranker'], ['epoch-ai', 'organization', 'Epoch AI', 'EpochAI']);
    expect(cut.soundAlikes('推特的精排模型 Heavy Ranker 负责打分')).toEqual([]);
    expect(cut.soundAlikes('训练一个 epoch 要多久')).toEqual([]);
    // One English word of the word list, however rare, is held for an LLM, never corrected offline.
    expect(offered(lexicon(['humanoid', 'concept', 'humanoids']), '当时搞的叫做humanities last exam 人类最后的考试')).toEqual(['humanities→humanoids:held']);
    // The scans an ingest keeps for its offline stage leave held and ambiguous spans out (the LLM pass scans again).
    const kept = (index: TermIndex, text: string) => scanPassage(index, text, true, undefined, false).alikes!;
    expect(kept(lexicon(['humanoid', 'concept', 'humanoids']), '当时搞的叫做humanities last exam 人类最后的考试')).toEqual({ single: [], ambiguous: [] });
    const twoNames = lexicon(['meta', 'organization', 'Meta'], ['math', 'concept', 'Matha']);
    expect(scanPassage(twoNames, '他们在Mata上线了', true).alikes!.ambiguous.map((list) => list.map((a) => a.name))).toEqual([['Meta', 'Matha']]);
    expect(kept(twoNames, '他们在Mata上线了').ambiguous).toEqual([]);
    expect(kept(lexicon(['modelbest', 'organization', '面壁智能']), '他是面臂智能的科学家').single.map((a) => `${a.original}→${a.name}`)).toEqual(['面臂智能→面壁智能']);
    // A name's words in another order are the name; a file named after one is that file.
    const claude = lexicon(['claude-3-5-sonnet', 'product', 'Claude3.5 Sonnet'], ['claude-code', 'product', 'Claude Code']);
    expect(claude.soundAlikes('只拿出了 Claude Sonnet 3.5 的更新版本')).toEqual([]);
    expect(offered(claude, '写进了自己的CLAUDE.md 比如一个Agent查看日志')).toEqual([]);
    // …but swapped letters are a typo of it still.
    expect(claude.soundAlikes('用 Cluade Code 写代码').map((a) => a.name)).toEqual(['Claude Code']);
    expect(index.find('我们每天工作很忙')).toEqual([]);
    expect(index.find('天工是一个模型').map((f) => f.entry.id)).toEqual(['tiangong']);
  });
});

describe('a passage scan', () => {
  it('never offers a span inside a name the passage writes (小红 of 小红书, Epoch of Epoch AI)', () => {
    const index = lexicon(['xiao-hong', 'person', '肖弘'], ['xiaohongshu', 'product', '小红书'], ['epoch-ai', 'organization', 'Epoch AI', 'EpochAI']);
    expect(heard(index, '我们投过小红书，它要做出海')).toEqual([]);
    expect(heard(index, '根据研究机构Epoch AI的预测')).toEqual([]);
    // The name's sound-alike outside the name is still one.
    expect(heard(index, '小红自己的成长都很优秀')).toEqual(['小红→肖弘']);
  });

  it('never changes a character of a name the passage writes, where a span straddles its edge', () => {
    const index = lexicon(['nvidia', 'organization', '英伟达'], ['big-company', 'concept', '大公司'], ['attention', 'concept', '注意力机制'], ['linear-attention', 'concept', '线性注意力']);
    expect(heard(index, '市场监管总局称英伟达公司涉嫌违反规定')).toEqual([]);
    // The span's garbled part changes; the name's characters it shares stay as written.
    expect(heard(index, '研究方向是现行注意力机制')).toEqual(['现行注意力→线性注意力']);
    // Two characters, one of them a written name's, are not a garble of another name.
    const valley = lexicon(['silicon-valley', 'organization', '硅谷'], ['google', 'organization', '谷歌']);
    expect(heard(valley, '然后他归谷歌读了一年')).toEqual([]);
    expect(heard(valley, '他们在归谷做投资')).toEqual(['归谷→硅谷']);
  });

  it('never offers a word and a particle as a longer name (软件工程是 is no 软件工程师, 开发这 no 开发者)', () => {
    const index = lexicon(['software-engineer', 'concept', '软件工程师', '软件工程'], ['parameter', 'concept', '参数', '参数量'], ['jailbreak', 'concept', 'jailbreak', 'jailbreaking']);
    expect(heard(index, '今天的软件工程是一门合作的学科')).toEqual([]);
    expect(heard(index, '今天的軟件工程這件事')).toEqual([]);
    const words = lexicon(['developer', 'concept', '开发者'], ['pretraining', 'concept', '预训练'], ['coding', 'concept', '写代码'], ['browser', 'concept', '浏览器'], ['usa', 'organization', '美国']);
    for (const text of ['在开发这套东西', '很多开发着急了', '开始饶有兴趣地浏览起黄石公园的照片', '然后你又没有没过几年就变了']) expect(heard(words, text)).toEqual([]);
    // So is a written conjunction or preposition before a word (与训练 is no 预训练), or the 些 of a dropped 这些.
    expect(heard(words, '通过投入更多的多模态数据与训练成本')).toEqual([]);
    // 里 after a word or a name says where (生产里 is no 生产力, 播客里 no 伯克利), 和 before one joins it (和那里 is no 赫拉利).
    const places = lexicon(['productivity', 'concept', '生产力'], ['berkeley', 'organization', '伯克利'], ['podcast', 'concept', '播客'], ['harari', 'person', '赫拉利']);
    for (const text of ['工业生产里的设备故障数据', '在Fridman的播客里公开了信息', '在这里和那里做传递']) expect(heard(places, text)).toEqual([]);
    expect(heard(places, '我在念博士的时候在博克里念物理')).toEqual(['博克里→伯克利']);
    expect(heard(words, '虽然些代码可能是AI生成的')).toEqual([]);
    // A word hyphenated to an English span makes a compound of it, a dash before it an option; a version after it does not.
    const post = lexicon(['post-training', 'concept', 'post-training'], ['chatgpt', 'product', 'ChatGPT']);
    expect(offered(post, '在线训练（On-policy training）和离线训练')).toEqual([]);
    expect(offered(post, '这时需要使用 --post-trainin 这个参数')).toEqual([]);
    expect(offered(post, '多媒体领域 Chad GPT-4O 为代表的图片生成')).toHaveLength(1);
    // A name and a content character may still be a garble of the longer name.
    expect(heard(index, '这个模型的参数良很大')).toEqual(['参数良→参数量']);
    // Another of the entry's names run together with a word is a compound (JailbreakBench), not a garble.
    expect(heard(index, '在JailbreakBench测试中表现很差')).toEqual([]);
  });
});

describe('passage scans packed to cross threads', () => {
  it('unpack to what was scanned: names with their surfaces, sound-alikes, passages without any', () => {
    const index = new TermIndex([
      { id: 'modelbest', type: 'organization', canonical: '面壁智能', names: [{ text: '面壁智能' }, { text: 'ModelBest' }] },
      { id: 'deepseek', type: 'organization', canonical: 'DeepSeek', names: [{ text: 'DeepSeek' }] },
      { id: 'nvidia', type: 'organization', canonical: '英伟达', names: [{ text: '英伟达' }, { text: '輝達' }, { text: 'NVIDIA' }] },
    ]);
    const passages: [string, boolean][] = [
      ['面壁智能和ＤｅｅｐＳｅｅｋ，還有輝達都在做端側模型', true],
      ['没有任何名字的一句话', true],
      ['他是面臂智能的科学家，用Dipsick的模型', true],
      ['Boilerplate: ModelBest and NVIDIA', false],
      ['', false],
    ];
    const scans = passages.map(([text, alikes]) => scanPassage(index, text, alikes));
    expect(scans[0]!.names.map((n) => n.surface)).toEqual(['面壁智能', 'ＤｅｅｐＳｅｅｋ', '輝達']);
    expect(scans[2]!.alikes!.single.length).toBeGreaterThan(0);
    const packed = packScans(scans, [false, false, false, true, false]);
    expect(packed.count).toBe(5);
    expect([...packed.boilerplate]).toEqual([0, 0, 0, 1, 0]);
    // What crosses threads is typed arrays and strings (structured clone), and comes back the same.
    expect(unpackScans(structuredClone(packed))).toEqual(scans);
  });
});

describe('corrections at ingest', () => {
  const root = copyFixture('corrections');
  const { db } = tempLibrary();
  let ep1: number;
  let ep2: number;
  beforeAll(async () => {
    await ingest(db, [root]);
    ep1 = findDocumentId(db, EP1)!;
    ep2 = findDocumentId(db, EP2)!;
  });

  it('corrects garbles the summary writes correctly, with reason and confidence', () => {
    const rows = listCorrections(db, { documentId: ep1 });
    const pairs = rows.map((r) => `${r.original}→${r.corrected}`);
    expect(pairs).toEqual(expect.arrayContaining(['面臂智能→面壁智能', 'Dipsick→DeepSeek', 'Cloud Code→Claude Code']));
    const first = rows.find((r) => r.original === '面臂智能')!;
    expect(first).toMatchObject({ origin: 'show/ep-01/transcript_raw.md', line: 9, start: 0 });
    expect(first.confidence).toBeGreaterThanOrEqual(0.7);
    expect(first.reason).toMatch(/sounds like 面壁智能.*another rendition/);
  });

  it('leaves the same garble alone where nothing in the document says the right term', () => {
    expect(listCorrections(db, { documentId: ep2 })).toEqual([]);
  });

  it('never replaces common words on sound alone: 理想, 请问, cloud', () => {
    const originals = listCorrections(db).map((r) => r.original);
    expect(originals).not.toContain('理想');
    expect(originals).not.toContain('请问');
    expect(originals).not.toContain('cloud');
  });

  it('finds the episode by the corrected term, and still by what was heard', () => {
    expect(search(db, '面壁智能').hits.map((h) => h.document.id)).toContain(ep1);
    expect(search(db, '"Claude Code"').hits.map((h) => h.document.id)).toContain(ep1);
    expect(search(db, '面臂智能').hits.map((h) => h.document.id)).toEqual(expect.arrayContaining([ep1, ep2]));
  });

  it('shows a corrected passage with what was heard', () => {
    const raw = getDocument(db, ep1)!.renditions.find((r) => r.kind === 'raw-transcript')!;
    const p = raw.passages!.find((x) => x.corrections?.length)!;
    expect(p.text).toContain('面臂智能');
    expect(p.corrections![0]).toMatchObject({ original: '面臂智能', corrected: '面壁智能' });
  });

  it('links the corrected term to its entity', () => {
    const e = getEntity(db, findEntity(db, 'ModelBest')!)!;
    expect(e.documents.map((d) => d.id)).toContain(ep1);
  });

  it('keeps a revert across re-ingest, and re-applies the others', async () => {
    const target = listCorrections(db, { documentId: ep1 }).find((r) => r.original === 'Dipsick')!;
    const kept = listCorrections(db, { documentId: ep1 }).find((r) => r.original === '面臂智能')!.id;
    expect(revertCorrection(db, target.id)).toBeDefined();
    expect(search(db, 'DeepSeek').hits.map((h) => h.document.id)).toContain(ep1); // the summary still says it
    appendFileSync(join(root, 'show', 'ep-01', 'transcript_raw.md'), '[00:00:41] SPEAKER_00: 好的 谢谢\n');
    await ingest(db, [root]);
    const after = listCorrections(db, { documentId: ep1 });
    expect(after.map((r) => r.original)).not.toContain('Dipsick');
    expect(after.map((r) => r.id)).toContain(kept); // the same correction, the same ID
    expect(search(db, 'Dipsick').hits.map((h) => h.document.id)).toContain(ep1);
  });

  it('keeps a revert when the file moves (the correction gets another origin and ID)', async () => {
    expect(listCorrections(db, { documentId: ep1 }).map((r) => r.original)).not.toContain('Dipsick');
    renameSync(join(root, 'show', 'ep-01'), join(root, 'show', 'ep-01-moved'));
    // And changed where it moved, so the document is corrected again.
    appendFileSync(join(root, 'show', 'ep-01-moved', 'transcript_raw.md'), '[00:20:00] SPEAKER_00: 下期再见\n');
    const r = await ingest(db, [root]);
    expect(r.documents.updated).toBeGreaterThan(0);
    const after = listCorrections(db, { documentId: ep1 });
    expect(after.some((c) => c.origin.startsWith('show/ep-01-moved/'))).toBe(true);
    expect(after.map((c) => c.original)).not.toContain('Dipsick');
    expect(after.map((c) => c.original)).toContain('面臂智能');
  });

  it('lists corrections as JSON from the CLI', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c) => (text += c));
    const code = await main(['corrections', '--json', '--library', join(db.name, '..')], { out, err: new PassThrough(), stdin: new PassThrough(), env: {} });
    expect(code).toBe(0);
    const rows = JSON.parse(text);
    expect(rows[0]).toEqual({
      id: expect.any(String), document: expect.any(Number), origin: expect.any(String), line: expect.any(Number),
      start: expect.any(Number), original: expect.any(String), corrected: expect.any(String), confidence: expect.any(Number), reason: expect.any(String),
    });
  });
});

describe('corrections beside a written rendition', () => {
  const { db } = tempLibrary();
  beforeAll(async () => {
    await ingest(db, [copyFixture('corrections-written')]);
  });

  it('keeps a Latin spelling the tidied transcript or the title writes so (a name the lexicon lacks), and an everyday word jieba lacks', () => {
    // The subtitle's nvqlink sounds like NVLink, which the document writes; but its tidied
    // transcript writes NVQLink too. Its Dipsick it writes DeepSeek: that is corrected.
    // 剧透 (spoiler) sounds like 巨头, which the document writes, and is a word of today.
    const video = findDocumentId(db, 'https://www.youtube.com/watch?v=nvQLnk0Tst1')!;
    expect(listCorrections(db, { documentId: video }).map((r) => `${r.original}→${r.corrected}`)).toEqual(['Dipsick→DeepSeek']);
  });

  it('keeps a Latin spelling the metadata writes so, whole words only, and offers it to the LLM pass instead', () => {
    const index = lexicon(['nvlink', 'product', 'NVLink']);
    const doc = (metadataText: string): DocText => ({
      metadataText,
      renditions: [{ id: 1, kind: 'raw-transcript', format: 'subtitle-text', origin: 'a.txt', passages: [{ id: 1, boilerplate: false, text: '英伟达发布了NVQLink 它和NVLink的用途不同' }] }],
    });
    const held: Parameters<typeof findCorrections>[2] = [];
    expect(findCorrections(doc('GTC 2025 | NVQLink 发布'), index, held)).toEqual([]);
    expect(held.map((h) => h.original)).toEqual(['NVQLink']);
    // Written inside a longer word it is no spelling of the span: corrected.
    expect(findCorrections(doc('GTC 2025 | NVQLinks2 发布'), index).map((c) => `${c.original}→${c.corrected}`)).toEqual(['NVQLink→NVLink']);
  });
});
