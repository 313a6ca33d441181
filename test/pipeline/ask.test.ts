/**
 * `ask`: retrieval, the offline answer, "not in the library", and a fake chat model on
 * 127.0.0.1 giving the adversarial answers real models give — each must end as the gates say.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { FIXTURES, tempDir, tempLibrary } from '../helpers.js';
import { ingest } from '../../src/pipeline/ingest.js';
import { ask, answerLanguage, type AskResult } from '../../src/pipeline/ask.js';
import { retrieve, RELEVANCE_THRESHOLD } from '../../src/pipeline/ask-retrieve.js';
import { AnswerChecker, SentenceSplitter } from '../../src/pipeline/ask-check.js';
import { createLlm } from '../../src/providers/llm.js';
import { startFakeChat, userText, type ChatRequestBody, type FakeReply } from '../support/fake-chat.js';

const { db } = tempLibrary();
await ingest(db, [join(FIXTURES, 'library'), join(FIXTURES, 'ask')]);
const chat = await startFakeChat();
const llm = createLlm({ url: chat.url, model: 'fake-model' }, { retry: { attempts: 2, timeoutMs: 5000, baseDelayMs: 1, maxDelayMs: 5 }, idleTimeoutMs: 250 })!;
/** For the server that never answers: one short attempt. */
const impatient = createLlm({ url: chat.url, model: 'fake-model' }, { retry: { attempts: 1, timeoutMs: 300 } })!;

/** The number the prompt gave the passage containing `needle`. */
function numberOf(req: ChatRequestBody, needle: string): number {
  const blocks = userText(req).split(/\n(?=\[\d+\] )/);
  const block = blocks.find((b) => b.includes(needle));
  if (!block) throw new Error(`no passage with "${needle}" in the prompt`);
  return Number(/^\[(\d+)\]/.exec(block)![1]);
}

/** Replies computed from the prompt (citation numbers depend on retrieval). */
function replies(...make: ((req: ChatRequestBody) => FakeReply)[]) {
  chat.script((req, n) => make[Math.min(n - requestsBefore, make.length - 1)]!(req));
}
let requestsBefore = 0;

async function askWith(question: string, ...make: ((req: ChatRequestBody) => FakeReply)[]): Promise<AskResult & { pieces: string[]; requests: number }> {
  return askUsing(llm, question, ...make);
}

async function askUsing(model: typeof llm, question: string, ...make: ((req: ChatRequestBody) => FakeReply)[]): Promise<AskResult & { pieces: string[]; requests: number }> {
  requestsBefore = chat.bodies.length;
  replies(...make);
  const pieces: string[] = [];
  const r = await ask(db, question, { llm: model, onText: (t) => pieces.push(t) });
  return { ...r, pieces, requests: chat.bodies.length - requestsBefore };
}

const DENSING = '密度法则说的是什么？';
const density = (req: ChatRequestBody) => numberOf(req, '这对端侧模型特别重要');
const welcome = (req: ChatRequestBody) => numberOf(req, '欢迎收听');

describe('retrieval', () => {
  it('finds the passages that answer, across scripts, and weighs rare words more', async () => {
    const r = await retrieve(db, '稀疏注意力機制怎麼降低推理成本？');
    expect(r.best).toBeGreaterThanOrEqual(RELEVANCE_THRESHOLD);
    expect(r.passages[0]!.text).toMatch(/稀疏注意力/);
    expect(r.passages.map((p) => p.n)).toEqual(r.passages.map((_, i) => i + 1));
  });

  it('counts who speaks a passage as part of what it says', async () => {
    const r = await retrieve(db, 'What did Maya Chen predict?');
    expect(r.best).toBeGreaterThanOrEqual(RELEVANCE_THRESHOLD);
    expect(r.passages.some((p) => p.speaker === 'Maya Chen' && p.text.includes('My prediction is that by 2027'))).toBe(true);
  });

  it('gives words that several renditions repeat once, from the one with a time', async () => {
    const r = await retrieve(db, 'How does sparse attention cut the cost of long context?');
    const same = r.passages.filter((p) => p.text.startsWith('Sparse attention is the big one.'));
    expect(same).toHaveLength(1);
    expect(same[0]).toMatchObject({ rendition: 'transcript', start: 190 });
  });

  it('finds nothing relevant for what the library does not hold', async () => {
    expect((await retrieve(db, '量子计算机的纠错码进展如何？')).best).toBeLessThan(RELEVANCE_THRESHOLD);
    expect((await retrieve(db, 'What did Yann LeCun say about JEPA world models?')).best).toBeLessThan(RELEVANCE_THRESHOLD);
  });

  it('answers in the language of the question, by its function words', () => {
    expect(answerLanguage('DeepSeek V3 用了多少 GPU？')).toBe('zh-Hans');
    expect(answerLanguage('密度法則是什麼意思？')).toBe('zh-Hant');
    expect(answerLanguage('What is 密度法则?')).toBe('en');
  });
});

describe('offline ask (no model configured)', () => {
  it('answers with the best passages grouped by document, in the question’s language', async () => {
    const r = await ask(db, DENSING);
    expect(r).toMatchObject({ status: 'answered', mode: 'offline', language: 'zh-Hans' });
    expect(r.answer).toMatch(/^未配置语言模型/);
    expect(r.answer).toContain('**小模型的大未来：密度法则与端侧智能**');
    const c = r.citations.find((x) => x.passage.text.includes('这对端侧模型特别重要'))!;
    expect(c.document).toMatchObject({ title: '小模型的大未来：密度法则与端侧智能', url: 'https://www.xiaoyuzhoufm.com/episode/6650aa11bb22cc33dd44ee55' });
    expect(c.passage).toMatchObject({ start: 75, speaker: '刘博士', link: 'https://www.xiaoyuzhoufm.com/episode/6650aa11bb22cc33dd44ee55#t=75' });
    expect(r.answer).toContain(`[${c.n}] (1:15 刘博士)`);
  });

  it('English question, English passages: YouTube deep link at the moment', async () => {
    const r = await ask(db, 'How does sparse attention cut the cost of long context?');
    expect(r.answer).toMatch(/^No language model is configured/);
    const c = r.citations.find((x) => x.passage.text.includes('Sparse attention'))!;
    expect(c.passage.link).toBe('https://www.youtube.com/watch?v=En9lIsh0Pod&t=190s');
  });

  it('"Not in the library" is an answer', async () => {
    const r = await ask(db, '量子计算机的纠错码进展如何？');
    expect(r).toMatchObject({ status: 'not-in-library', citations: [] });
    expect(r.answer).toBe('资料库里没有找到能回答这个问题的内容。');
    expect((await ask(db, '量子電腦的糾錯碼進展如何？')).answer).toBe('資料庫裡沒有找到能回答這個問題的內容。');
  });

  it('keeps to a source when asked', async () => {
    const r = await ask(db, 'sparse attention inference cost', { source: 'Test Talks' });
    expect(r.citations.every((c) => c.document.source === 'Test Talks')).toBe(true);
  });
});

describe('ask with a chat model: the gates', () => {
  it('a good answer: checked citations, renumbered from 1, with real times and links', async () => {
    const r = await askWith(DENSING, (req) => ({ content: `密度法则是说模型的能力密度大约每一百天翻一番[${density(req)}]。这对端侧模型特别重要[${density(req)}]。` }));
    expect(r).toMatchObject({ status: 'answered', mode: 'llm', model: 'fake-model', dropped: [] });
    expect(r.answer).toBe('密度法则是说模型的能力密度大约每一百天翻一番[1]。这对端侧模型特别重要[1]。');
    expect(r.citations).toHaveLength(1);
    expect(r.citations[0]).toMatchObject({ n: 1, passage: { start: 75, link: expect.stringContaining('#t=75') } });
    expect(chat.bodies.at(-1)!.messages[0]!.content).toContain('Simplified Chinese');
  });

  it('a library can override the prompt (LIBRARY/prompts/ask.md); the answer names the prompt used', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'prompts'));
    writeFileSync(join(dir, 'prompts', 'ask.md'), '---\nversion: 7\n---\n## system\nHOUSE RULES in {{language}}, {{sentences}} sentences.\n## user\n{{question}}\n\n{{passages}}\n');
    requestsBefore = chat.bodies.length;
    replies((req) => ({ content: `能力密度大约每一百天翻一番[${density(req)}]。` }));
    const r = await ask(db, DENSING, { llm, libraryDir: dir });
    expect(r.prompt).toBe('ask@7 (library)');
    expect(chat.bodies.at(-1)!.messages[0]!.content).toBe('HOUSE RULES in Simplified Chinese (简体中文), 8 sentences.');
    expect((await askWith(DENSING, (req) => ({ content: `能力密度大约每一百天翻一番[${density(req)}]。` }))).prompt).toBe('ask@1');
  });

  it('an invented citation number is dropped, and so is the sentence that had only it', async () => {
    const r = await askWith(DENSING, (req) => ({ content: `能力密度大约每一百天翻一番[${density(req)}]。参数量每年增长十倍[9]。` }));
    expect(r.answer).toBe('能力密度大约每一百天翻一番[1]。');
    expect(r.dropped.map((d) => d.reason)).toEqual(['there is no passage [9]', 'none of its citations holds']);
  });

  it('a citation to a passage that does not say it is dropped', async () => {
    const r = await askWith(DENSING, (req) => ({ content: `能力密度大约每一百天翻一番[${welcome(req)}][${density(req)}]。` }));
    expect(r.answer).toBe('能力密度大约每一百天翻一番[1]。');
    expect(r.citations[0]!.passage.text).toContain('翻一番');
    expect(r.dropped[0]).toMatchObject({ n: welcome(chat.bodies.at(-1)!), reason: expect.stringContaining('does not say this') });
  });

  it('the wrong script is converted; the wrong language is asked again, then given up', async () => {
    const trad = await askWith(DENSING, (req) => ({ content: `密度法則是說模型的能力密度大約每一百天翻一番[${density(req)}]。` }));
    expect(trad.answer).toBe('密度法则是说模型的能力密度大约每一百天翻一番[1]。');
    expect(trad.requests).toBe(1);

    const retried = await askWith(DENSING,
      (req) => ({ content: `The densing law says capability density doubles about every hundred days [${density(req)}].` }),
      (req) => ({ content: `密度法则是说能力密度大约每一百天翻一番[${density(req)}]。` }));
    expect(retried.requests).toBe(2);
    expect(retried).toMatchObject({ mode: 'llm', answer: '密度法则是说能力密度大约每一百天翻一番[1]。' });
    expect(chat.bodies.at(-1)!.messages.at(-1)!.content).toContain('Simplified Chinese');

    const english = await askWith(DENSING, (req) => ({ content: `The densing law says capability density doubles about every hundred days [${density(req)}].` }));
    expect(english).toMatchObject({ requests: 2, mode: 'offline', status: 'answered' });
    expect(english.notes[0]).toContain('answered in English');
    // Asked twice, wrong twice: one note that says so, not the same sentence twice.
    expect(english.notes.filter((n) => n.includes('answered in English'))).toEqual([expect.stringContaining('asked again: English again')]);
    expect(english.pieces.join('')).toMatch(/^语言模型未能作答/); // nothing in English was ever shown
  });

  it('a preamble and a sign-off are removed', async () => {
    const r = await askWith(DENSING, (req) => ({ content: `好的，根据您提供的段落，回答如下：\n\n密度法则是说能力密度大约每一百天翻一番[${density(req)}]。\n\n希望对您有帮助！` }));
    expect(r.answer).toBe('密度法则是说能力密度大约每一百天翻一番[1]。');
  });

  it('an invented quote drops its sentence; a real quote with a made-up time keeps the real one', async () => {
    const invented = await askWith(DENSING, (req) => ({ content: `刘博士说：“参数越多模型就越聪明”[${density(req)}]。能力密度大约每一百天翻一番[${density(req)}]。` }));
    expect(invented.answer).toBe('能力密度大约每一百天翻一番[1]。');
    expect(invented.dropped[0]!.reason).toContain('is in none of the passages');

    const real = await askWith(DENSING, (req) => ({ content: `刘博士说：“同样的能力，需要的参数会越来越少”（00:09:41）[${density(req)}]。` }));
    expect(real.answer).toBe('刘博士说：“同样的能力，需要的参数会越来越少”[1]。');
    expect(real.citations[0]!.passage.start).toBe(75);
  });

  it('a number no cited passage states drops the sentence', async () => {
    const r = await askWith(DENSING, (req) => ({ content: `能力密度大约每一百天翻一番[${density(req)}]。能力密度每365天翻一番[${density(req)}]。` }));
    expect(r.answer).toBe('能力密度大约每一百天翻一番[1]。');
    expect(r.dropped.at(-1)!.reason).toContain('365');
  });

  it('a cut-off answer loses its unfinished sentence', async () => {
    const r = await askWith(DENSING, (req) => ({ content: `能力密度大约每一百天翻一番[${density(req)}]。这对端侧模型特别重要，因为手机上的`, finishReason: 'length' }));
    expect(r.answer).toBe('能力密度大约每一百天翻一番[1]。');
    expect(r.notes).toContain('the answer was cut off; its unfinished sentence was left out');
  });

  it('malformed output, 429 and a timeout fall back to the offline answer, with a note', async () => {
    const malformed = await askWith(DENSING, () => ({ raw: '<html>Bad gateway</html>' }));
    expect(malformed).toMatchObject({ mode: 'offline', status: 'answered' });
    expect(malformed.notes[0]).toMatch(/could not answer: .*other than JSON/);

    const limited = await askWith(DENSING, () => ({ status: 429, headers: { 'retry-after': '0' } }));
    expect(limited).toMatchObject({ mode: 'offline', requests: 2 });
    expect(limited.notes[0]).toContain('HTTP 429');
    expect(limited.answer).toMatch(/^语言模型未能作答/);

    const hung = await askUsing(impatient, DENSING, () => ({ hang: true }));
    expect(hung.mode).toBe('offline');
    expect(hung.notes[0]).toMatch(/timed out/);
  });

  it('a slow stream arrives sentence by sentence; a stalled one keeps what was checked', async () => {
    const slow = await askWith(DENSING, (req) => ({ stream: [`能力密度大约每一百天`, `翻一番[${density(req)}]。`, '这对端侧模型', `特别重要[${density(req)}]。`, '同样的能力需要的参数会越来越少', `[${numberOf(req, '欢迎收听')}][${density(req)}]。`], delayMs: 60 }));
    expect(slow.notes).toEqual([]);
    expect(slow.mode).toBe('llm');
    expect(slow.pieces).toEqual(['能力密度大约每一百天翻一番[1]。', '这对端侧模型特别重要[1]。', '同样的能力需要的参数会越来越少[1]。']);

    const stalled = await askWith(DENSING, (req) => ({ stream: [`能力密度大约每一百天翻一番[${density(req)}]。`, '这对端侧模型特别重要', `[${density(req)}]。`, '然后'], stallAfter: 3 }));
    expect(stalled).toMatchObject({ mode: 'llm', answer: '能力密度大约每一百天翻一番[1]。这对端侧模型特别重要[1]。' });
    expect(stalled.notes[0]).toMatch(/stopped mid-answer/);
  });

  it('NOT_IN_LIBRARY from the model, and no model call when retrieval finds nothing', async () => {
    const said = await askWith(DENSING, () => ({ content: 'NOT_IN_LIBRARY' }));
    expect(said).toMatchObject({ status: 'not-in-library', citations: [], answer: '资料库里没有找到能回答这个问题的内容。' });
    const none = await askWith('量子计算机的纠错码进展如何？', () => ({ content: 'should not be asked' }));
    expect(none).toMatchObject({ status: 'not-in-library', requests: 0 });
  });

  it('English: a sentence its passage does not say loses its citation', async () => {
    const q = 'How does sparse attention cut the cost of long context?';
    const r = await askWith(q, (req) => ({
      content: `Sparse attention cuts the cost of long context to about a third [${numberOf(req, 'Sparse attention is')}]. Open models caught up within six months [${numberOf(req, 'Sparse attention is')}].`,
    }));
    expect(r).toMatchObject({ mode: 'llm', language: 'en' });
    expect(r.answer).toBe('Sparse attention cuts the cost of long context to about a third [1].');
    expect(r.citations[0]!.passage.link).toBe('https://www.youtube.com/watch?v=En9lIsh0Pod&t=190s');
  });
});

describe('citation checks across languages', () => {
  const checker = new AnswerChecker([
    { n: 1, text: 'DeepSeek 用 MoE 架構配合稀疏注意力，把每個 token 的計算量壓到原來的三分之一。', context: '稀疏注意力机制新突破' },
    { n: 2, text: '密度法则说的是，模型的能力密度大约每一百天翻一番。', context: '小模型的大未来 刘博士' },
  ]);

  it('an English sentence over a Chinese passage holds when they share a name or a number', () => {
    expect(checker.check('DeepSeek cut the compute per token to a third with MoE [1].')).toEqual({ text: 'DeepSeek cut the compute per token to a third with MoE [1].', cited: [1] });
    expect(checker.check('Capability density doubles every 100 days [2].')?.cited).toEqual([2]);
  });

  it('and is dropped when nothing ties them', () => {
    expect(checker.check('The open-source community reproduced it within weeks [1].')).toBeNull();
    expect(checker.check('Capability density doubles every 300 days [2].')).toBeNull();
  });

  it('splits a stream into sentences with their citations, waiting for markers still on the way', () => {
    const s = new SentenceSplitter();
    expect(s.push('第一句[1]')).toEqual([]);
    expect(s.push('。第二')).toEqual(['第一句[1]。']);
    expect(s.push('句。 [')).toEqual([]);
    expect(s.push('2] Third one. Four')).toEqual(['第二句。 [2]', ' Third one.']);
    expect(s.rest()).toBe(' Four');
  });
});
