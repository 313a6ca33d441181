import { beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/pipeline/ingest.js';
import { selectDocuments, summarizeDocument } from '../../src/pipeline/summarize.js';
import { createLlm, LlmError, type Llm } from '../../src/providers/llm.js';
import { generatedRenditions } from '../../src/store/generated.js';
import { findDocumentId, getDocument } from '../../src/store/read.js';
import { documentQuoteChecks } from '../../src/quotes/library.js';
import { search } from '../../src/search/search.js';
import type { DB } from '../../src/store/db.js';
import { FIXTURES, tempDir, tempLibrary } from '../helpers.js';
import { startFakeChat, userText, type ChatRequestBody, type FakeChat, type FakeReply } from '../support/fake-chat.js';

const EP = 'https://www.youtube.com/watch?v=Qb7_Xy2LmN4';
const ZH = 'https://example.org/episodes/robot-battery';

/** A summary answer as a model writes it. */
function summaryJson(o: { overview?: string; points?: { point: string; quote?: string; speaker?: string; time?: string }[]; people?: string[] } = {}): string {
  return JSON.stringify({
    overview: o.overview ?? 'Tomas Reyes explains that robot batteries are limited by heat, not chemistry, and that cell supply is the bottleneck.',
    key_points: o.points ?? [{ point: 'Heat is the limit.', quote: 'The problem is heat.', speaker: 'Tomas Reyes', time: '00:00:16' }],
    people: o.people ?? ['Mara Ellis', 'Tomas Reyes'],
    companies: [],
    models: [],
  });
}

async function setup(): Promise<{ db: DB; dir: string; root: string }> {
  const { db, dir } = tempLibrary();
  const root = tempDir('engram-llm-');
  cpSync(join(FIXTURES, 'llm'), root, { recursive: true });
  await ingest(db, [root]);
  return { db, dir, root };
}

function llmOf(chat: FakeChat, context?: string): Llm {
  return createLlm({ url: chat.url, model: 'fake-model', context }, { retry: { sleep: async () => {}, timeoutMs: 2000, attempts: 2 } })!;
}

const docId = (db: DB, ref: string) => findDocumentId(db, ref)!;

describe('summarize with a chat model: gates', () => {
  let db: DB;
  let dir: string;
  beforeAll(async () => ({ db, dir } = await setup()));

  it('keeps found quotes with the transcript time, removes invented ones, strips preambles, flags numbers, records provenance', async () => {
    const chat = await startFakeChat([{
      model: 'fake-model-2025-01',
      usage: { prompt_tokens: 900, completion_tokens: 300 },
      content: 'Sure! Here is the summary you asked for:\n```json\n' + summaryJson({
        overview: 'Here is a summary of the conversation. Reyes says heat, not chemistry, limits robot batteries, and that actuators now waste 45 percent less.',
        points: [
          { point: 'Heat is the real limit.', quote: 'The chemistry is fine. The problem is heat.', speaker: 'Tomas Reyes', time: '00:09:00' },
          { point: 'Supply will grow.', quote: 'Cell supply will double by 2027, and prices will fall by half.', speaker: 'Tomas Reyes', time: '00:03:00' },
          { point: 'Build the boring parts.', quote: 'Build the boring parts yourself', time: '00:04:15' },
        ],
      }) + '\n```\nLet me know if you need anything else!',
    }]);
    const out = await summarizeDocument(db, docId(db, EP), { llm: llmOf(chat), lang: 'en', libraryDir: dir });
    expect(out.tasks).toHaveLength(1);
    const t = out.tasks[0]!;
    expect(t).toMatchObject({ task: 'summary', status: 'ok', model: 'fake-model-2025-01', calls: 1, tokens: 1200, quotes: { verified: 2, total: 3 } });

    const doc = getDocument(db, docId(db, EP))!;
    const r = doc.renditions.find((x) => x.id === t.renditionId)!;
    expect(r).toMatchObject({ kind: 'summary', format: 'engram-summary', origin: 'engram' });
    expect(doc.origins).not.toContain('engram');
    const g = r.generated!;
    expect(g).toMatchObject({ task: 'summary', status: 'ok', method: 'llm', model: 'fake-model-2025-01', prompts: ['summary@1'], lang: 'en' });
    expect(g.tokens).toEqual({ prompt: 900, completion: 300, estimated: false, calls: 1 });
    expect(Date.parse(g.date)).not.toBeNaN();
    const gate = (name: string) => g.gates.filter((x) => x.gate === name);
    expect(gate('boilerplate').map((x) => x.outcome)).toEqual(['fixed', 'fixed']);
    expect(gate('quotes')[0]).toMatchObject({ outcome: 'fixed' });
    expect(gate('quotes')[0]!.detail).toMatch(/2\/3 verified; 1 not found and removed: “Cell supply/);
    expect(gate('numbers')[0]).toMatchObject({ outcome: 'flagged', detail: 'summary: not in the transcript: 45' });

    const texts = r.passages!.map((p) => p.text);
    expect(texts.join('\n')).not.toMatch(/Here is|Let me know|Cell supply will double/);
    const heat = r.passages!.find((p) => p.text.startsWith('Heat is the real limit.'))!;
    expect(heat.start).toBeGreaterThanOrEqual(16);
    expect(heat.start).toBeLessThan(30);
    expect(heat.speaker).toBe('Tomas Reyes');
    // The speaker the model left out comes from the transcript.
    expect(r.passages!.find((p) => p.text.startsWith('Build the boring parts.'))!.speaker).toBe('Tomas Reyes');
    expect(r.passages!.find((p) => p.text.startsWith('Supply will grow.'))!.start).toBeNull();

    // engram's own summary re-checks like any other, and is searchable.
    const checks = documentQuoteChecks(db, docId(db, EP), t.renditionId)[0]!;
    expect(checks.quotes.map((q) => q.status)).toEqual(['verbatim', 'verbatim']);
    expect(checks.quotes[0]!.link).toMatch(/Qb7_Xy2LmN4&t=1\ds$/);
    const hit = search(db, 'real limit').hits[0];
    expect(hit?.passage.rendition).toBe('summary');
  });

  it('retries an answer in the wrong language, asking for the right one', async () => {
    const zhAnswer = summaryJson({ overview: '雷耶斯认为机器人电池的限制是散热而不是化学。', points: [{ point: '散热才是真正的限制。', quote: 'The problem is heat.', time: '00:00:16' }] });
    const chat = await startFakeChat([{ content: summaryJson() }, { content: zhAnswer }]);
    const out = await summarizeDocument(db, docId(db, EP), { llm: llmOf(chat), lang: 'zh-Hans', libraryDir: dir });
    expect(out.tasks[0]!.status).toBe('ok');
    expect(chat.bodies).toHaveLength(2);
    expect(userText(chat.bodies[1]!)).toMatch(/previous answer was rejected: Write the overview and the points in Simplified Chinese/);
    const g = generatedRenditions(db, docId(db, EP)).find((x) => x.format === 'engram-summary')!.provenance;
    expect(g.gates.find((x) => x.gate === 'language')).toMatchObject({ outcome: 'fail', detail: expect.stringContaining('attempt 1') });
    // The quote stays in the transcript's language and is found there.
    expect(out.tasks[0]!.quotes).toEqual({ verified: 1, total: 1 });
  });

  it('converts the script on the last attempt when the model keeps writing the other one', async () => {
    const trad = summaryJson({ overview: '雷耶斯認為機器人電池的限制是散熱，而不是化學。', points: [{ point: '散熱才是真正的限制。' }] });
    const chat = await startFakeChat([{ content: trad }]);
    const out = await summarizeDocument(db, docId(db, EP), { llm: llmOf(chat), lang: 'zh-Hans', libraryDir: dir });
    expect(out.tasks[0]!.status).toBe('ok');
    expect(chat.bodies).toHaveLength(3);
    const r = getDocument(db, docId(db, EP))!.renditions.find((x) => x.id === out.tasks[0]!.renditionId)!;
    expect(r.passages!.map((p) => p.text).join('')).toContain('雷耶斯认为机器人电池的限制是散热');
    expect(r.generated!.gates.at(-3)).toMatchObject({ gate: 'language', outcome: 'fixed' });
  });

  it('stores a summary that fails its gates as failed, with the reason, next to the earlier good one', async () => {
    const chat = await startFakeChat([{ content: summaryJson() }]);
    const out = await summarizeDocument(db, docId(db, EP), { llm: llmOf(chat), lang: 'zh-Hant', libraryDir: dir });
    const t = out.tasks[0]!;
    expect(t.status).toBe('failed');
    expect(t.reason).toMatch(/failed its gates after 3 attempts \(summary, attempt 3: written in English, not Traditional Chinese/);
    const gens = generatedRenditions(db, docId(db, EP)).filter((x) => x.format === 'engram-summary');
    expect(gens.map((x) => x.provenance.status).sort()).toEqual(['failed', 'ok']);
    const failed = getDocument(db, docId(db, EP), { bodies: true })!.renditions.find((x) => x.id === t.renditionId)!;
    expect(failed.passageCount).toBe(0);
    expect(failed.body).toMatch(/^\*\*Failed:\*\*/);
    // Failed renditions come last among the tabs, and are not searched.
    expect(getDocument(db, docId(db, EP))!.renditions.at(-1)!.id).toBe(t.renditionId);
  });

  it('retries cut-off and malformed answers and a 429, then succeeds', async () => {
    const chat = await startFakeChat([
      { content: '{"overview": "Reyes explains that heat', finishReason: 'length' },
      { status: 429, headers: { 'retry-after': '0' } },
      { content: 'I cannot produce JSON today, sorry.' },
      { content: summaryJson() },
    ]);
    const out = await summarizeDocument(db, docId(db, EP), { llm: llmOf(chat), lang: 'en', libraryDir: dir });
    expect(out.tasks[0]!.status).toBe('ok');
    expect(chat.bodies).toHaveLength(4);
    expect(userText(chat.bodies[1]!)).toMatch(/too long and was cut off/);
    expect(userText(chat.bodies[3]!)).toMatch(/holds no JSON object/);
    const gates = generatedRenditions(db, docId(db, EP)).find((x) => x.provenance.status === 'ok' && x.format === 'engram-summary')!.provenance.gates;
    expect(gates.map((x) => `${x.gate}:${x.outcome}`).slice(0, 2)).toEqual(['complete:fail', 'parse:fail']);
  });

  it('asks again when most quotes are not in the transcript', async () => {
    const invented = summaryJson({ points: [
      { point: 'A', quote: 'Robots will replace every warehouse worker within a year.' },
      { point: 'B', quote: 'Our batteries last three full days on a single charge.' },
    ] });
    const chat = await startFakeChat([{ content: invented }, { content: summaryJson() }]);
    const out = await summarizeDocument(db, docId(db, EP), { llm: llmOf(chat), lang: 'en', libraryDir: dir });
    expect(out.tasks[0]).toMatchObject({ status: 'ok', quotes: { verified: 1, total: 1 } });
    expect(userText(chat.bodies[1]!)).toMatch(/Most quotes do not occur in the transcript/);
  });

  it('stores a failure when the server keeps timing out', async () => {
    const chat = await startFakeChat([{ hang: true }]);
    const llm = createLlm({ url: chat.url, model: 'm' }, { retry: { sleep: async () => {}, timeoutMs: 80, attempts: 1 } })!;
    const out = await summarizeDocument(db, docId(db, EP), { llm, lang: 'en', libraryDir: dir, attempts: 2 });
    expect(out.tasks[0]!.status).toBe('failed');
    expect(out.tasks[0]!.reason).toMatch(/timed out/);
  });

  it('stops at once on a bad key', async () => {
    const chat = await startFakeChat([{ status: 401, body: { error: { message: 'invalid key' } } }]);
    await expect(summarizeDocument(db, docId(db, EP), { llm: llmOf(chat), lang: 'en', libraryDir: dir })).rejects.toBeInstanceOf(LlmError);
    expect(chat.bodies).toHaveLength(1);
  });
});

/** Transcript lines of a prompt: `[HH:MM:SS] Speaker: text`. */
function promptLines(body: ChatRequestBody): { time: string; speaker?: string; text: string }[] {
  return [...userText(body).matchAll(/^\[(\d\d:\d\d:\d\d)\] (?:([^:\n]{1,30}): )?(.*)$/gm)].map((m) => ({ time: m[1]!, speaker: m[2], text: m[3]! }));
}

describe('long transcripts: map-reduce within the context window', () => {
  let db: DB;
  let dir: string;
  beforeAll(async () => {
    ({ db, dir } = tempLibrary());
    const root = tempDir('engram-long-');
    mkdirSync(join(root, 'long'));
    const lines = Array.from({ length: 160 }, (_, i) => {
      const t = i * 20;
      const hh = String(Math.floor(t / 3600)).padStart(2, '0');
      const mm = String(Math.floor((t % 3600) / 60)).padStart(2, '0');
      const ss = String(t % 60).padStart(2, '0');
      return `[${hh}:${mm}:${ss}] ${i % 2 ? 'Ana' : 'Ben'}: Segment ${i} talks about topic number ${i} in the long middle of the talk, marker${i}.`;
    });
    writeFileSync(join(root, 'long', 'transcript.md'), `# A very long talk\n\n**Podcast:** Long Form\n**Video URL:** https://example.org/long\n\n---\n\n${lines.join('\n')}\n`);
    await ingest(db, [root]);
  });

  it('maps every window (nothing past the context is dropped), reduces in groups, and keeps quotes checked', async () => {
    const chat = await startFakeChat((body) => {
      const text = userText(body);
      if (/This is part \d+ of \d+/.test(text)) {
        // Verbose notes, one per transcript line, each quoting that line.
        const notes = promptLines(body).slice(0, 12).map((l) => ({ point: `Note on ${l.text.slice(0, 60)} and more words to make the note long enough to matter`, quote: l.text, speaker: l.speaker, time: l.time }));
        return { content: JSON.stringify({ notes, people: ['Ana', 'Ben'] }) };
      }
      const quoted = [...text.matchAll(/^\[(\d\d:\d\d:\d\d)\] (?:(\w+): )?“([^”]+)”/gm)].slice(0, 3);
      return { content: summaryJson({ overview: 'A long talk covers many numbered topics.', points: quoted.map((m) => ({ point: 'A topic.', quote: m[3]!, speaker: m[2], time: m[1]! })) }) };
    });
    const llm = llmOf(chat, '4096');
    const out = await summarizeDocument(db, docId(db, 'https://example.org/long'), { llm, lang: 'en', libraryDir: dir, tidy: false });
    expect(out.tasks[0]!.status).toBe('ok');
    const maps = chat.bodies.filter((b) => /This is part/.test(userText(b)));
    const reduces = chat.bodies.filter((b) => /Below are notes/.test(userText(b)));
    expect(maps.length).toBeGreaterThan(1);
    expect(reduces.length).toBeGreaterThan(1); // grouped, then the final one
    const sent = maps.map(userText).join('\n');
    for (let i = 0; i < 160; i++) expect(sent).toContain(`marker${i}.`);
    for (const b of chat.bodies) expect(b.max_tokens).toBeLessThanOrEqual(Math.floor(4096 * 0.35));
    const g = generatedRenditions(db, docId(db, 'https://example.org/long'))[0]!.provenance;
    expect(g.prompts).toEqual(['summary-map@1', 'summary-reduce@1']);
    expect(g.tokens!.calls).toBe(maps.length + reduces.length);
    expect(out.tasks[0]!.quotes).toEqual({ verified: 3, total: 3 });
  });
});

describe('tidying a raw transcript', () => {
  let db: DB;
  let dir: string;
  beforeAll(async () => ({ db, dir } = await setup()));

  /**
   * A good tidy answer: a paragraph per input line, punctuated, after a preamble; the second
   * paragraph a second late and the third without its speaker (the gates repair both).
   */
  function tidyAnswer(body: ChatRequestBody): FakeReply {
    const paras = promptLines(body).map((l, i) => {
      const time = i === 1 ? l.time.replace(/(\d)$/, (d) => String(Number(d) + 1)) : l.time;
      return `[${time}] ${i === 2 ? '' : `${l.speaker}: `}${l.text.replace(/ /g, '，')}。`;
    });
    // Written in Simplified: the gate converts it back to the input's Traditional.
    return { content: `好的，以下是整理後的文稿：\n\n${paras.join('\n\n')}`.replace('歡迎收聽慢訊號', '欢迎收听慢讯号') };
  }

  it('makes a cleaned transcript (times snapped to the input, speakers kept, preamble dropped), then summarizes from it', async () => {
    const chat = await startFakeChat((body) => {
      if (/Clean up this part/.test(userText(body))) return tidyAnswer(body);
      return { content: summaryJson({ overview: '這一集談機器人電池，真正的問題是散熱。', points: [{ point: '散熱是問題。', quote: '真正的問題是散熱', time: '00:00:09' }] }) };
    });
    const id = docId(db, ZH);
    const out = await summarizeDocument(db, id, { llm: llmOf(chat), lang: 'auto', libraryDir: dir });
    expect(out.lang).toBe('zh-Hant');
    expect(out.tasks.map((t) => `${t.task}:${t.status}`)).toEqual(['tidy:ok', 'summary:ok']);
    const doc = getDocument(db, id)!;
    const tidy = doc.renditions.find((r) => r.format === 'engram-tidy')!;
    expect(tidy.kind).toBe('transcript');
    expect(tidy.passages!.map((p) => [p.start, p.speaker])).toEqual([[0, 'SPEAKER_00'], [6, 'SPEAKER_01'], [20, 'SPEAKER_00'], [24, 'SPEAKER_01'], [40, 'SPEAKER_00'], [44, 'SPEAKER_01']]);
    expect(tidy.passages![0]!.text).toBe('歡迎收聽慢訊號，今天我們聊聊機器人的電池。');
    expect(tidy.generated!.gates.map((g) => `${g.gate}:${g.outcome}`)).toEqual(['boilerplate:fixed', 'boilerplate:pass', 'times:fixed', 'language:fixed', 'fidelity:pass']);
    const summary = generatedRenditions(db, id).find((g) => g.format === 'engram-summary')!;
    expect(summary.provenance.input.renditionId).toBe(tidy.id);
    expect(out.tasks[1]!.quotes).toEqual({ verified: 1, total: 1 });
  });

  it('fails a tidy answer that summarizes instead of tidying, and still summarizes from the raw transcript', async () => {
    const id = docId(db, ZH);
    // Remove the good tidy result so the raw transcript is the input again.
    db.prepare("DELETE FROM passages WHERE rendition_id IN (SELECT id FROM renditions WHERE generated IS NOT NULL AND document_id = ?)").run(id);
    db.prepare('DELETE FROM renditions WHERE generated IS NOT NULL AND document_id = ?').run(id);
    const chat = await startFakeChat((body) => {
      if (/Clean up this part/.test(userText(body))) return { content: '[00:00:00] SPEAKER_00: 這一集講電池。' };
      return { content: summaryJson({ overview: '這一集談機器人電池。', points: [{ point: '散熱。' }] }) };
    });
    const out = await summarizeDocument(db, id, { llm: llmOf(chat), lang: 'zh-Hant', libraryDir: dir });
    expect(out.tasks.map((t) => `${t.task}:${t.status}`)).toEqual(['tidy:failed', 'summary:ok']);
    expect(out.tasks[0]!.reason).toMatch(/fidelity|of the input kept/);
    expect(userText(chat.bodies[1]!)).toMatch(/do not summarize/);
    const summary = generatedRenditions(db, id).find((g) => g.format === 'engram-summary')!;
    expect(summary.provenance.input.renditionId).not.toBe(out.tasks[0]!.renditionId);
  });
});

describe('offline and storage', () => {
  let db: DB;
  let dir: string;
  let root: string;
  beforeAll(async () => ({ db, dir, root } = await setup()));

  it('makes a labelled extractive summary without a chat model', async () => {
    const out = await summarizeDocument(db, docId(db, EP), { lang: 'auto', libraryDir: dir });
    expect(out.tasks).toEqual([expect.objectContaining({ task: 'extractive', status: 'ok' })]);
    const r = getDocument(db, docId(db, EP))!.renditions.find((x) => x.format === 'engram-extractive')!;
    expect(r.passages![0]!.text).toMatch(/^Key passages \(extractive/);
    expect(r.passages!.slice(1).every((p) => p.start !== null)).toBe(true);
    expect(r.generated).toMatchObject({ method: 'extractive', task: 'extractive', status: 'ok' });
    expect(r.generated!.model).toBeUndefined();
  });

  it('says a document with nothing to summarize is skipped, and stores no empty summary', async () => {
    const notes = tempDir();
    writeFileSync(join(notes, 'emoji.md'), '# 😀\n\n😀😀😀 🎉\n\nok\n');
    const own = tempLibrary();
    await ingest(own.db, [notes]);
    const id = own.db.prepare('SELECT id FROM documents').pluck().get() as number;
    const out = await summarizeDocument(own.db, id, { lang: 'auto', libraryDir: own.dir });
    expect(out).toMatchObject({ skipped: expect.stringMatching(/^nothing to summarize/), tasks: [] });
    expect(generatedRenditions(own.db, id)).toEqual([]);
  });

  it('keeps generated renditions through re-ingest, and --missing picks them up when the transcript changed', async () => {
    const id = docId(db, EP);
    expect(selectDocuments(db, { missing: true, method: 'extractive' })).not.toContain(id);
    const file = join(root, 'ep-7', 'transcript.md');
    writeFileSync(file, readFileSync(file, 'utf8') + '[00:06:10] Mara Ellis: Thank you, Tomas.\n');
    await ingest(db, [root]);
    expect(docId(db, EP)).toBe(id);
    expect(generatedRenditions(db, id).map((g) => g.format)).toEqual(['engram-extractive']);
    expect(selectDocuments(db, { missing: true, method: 'extractive' })).toContain(id);
    expect(selectDocuments(db, { missing: true, method: 'extractive', ids: [id] })).toEqual([id]);
  });

  it('removes generated renditions with their document', async () => {
    const id = docId(db, EP);
    for (const f of ['transcript.md', 'summary.md']) {
      const file = join(root, 'ep-7', f);
      writeFileSync(file, readFileSync(file, 'utf8').replaceAll('Qb7_Xy2LmN4', 'Zz9_Yy8XxW7'));
    }
    await ingest(db, [root]);
    expect(getDocument(db, id)).toBeUndefined();
    expect(db.prepare('SELECT count(*) FROM renditions WHERE document_id = ?').pluck().get(id)).toBe(0);
    expect(db.prepare('SELECT count(*) FROM passages WHERE document_id = ?').pluck().get(id)).toBe(0);
  });
});

describe('extractive key passages', () => {
  it('ends on a transcript of thousands of passages (it used to loop forever past 900) and picks passages across it', async () => {
    const { keyPassages } = await import('../../src/pipeline/summarize-extractive.js');
    const topics = ['稀疏注意力 降低 长上下文 成本', 'reinforcement learning rewards reasoning models', '人形机器人 灵巧手 数据 采集', 'GPU supply chips datacenter power'];
    const passages = Array.from({ length: 2500 }, (_, i) => ({ text: `${topics[i % 4]} 第${i}段 segment ${i} detail${i % 97}`, start: i * 10, end: i * 10 + 9 }));
    const t = performance.now();
    const key = keyPassages(passages);
    expect(performance.now() - t).toBeLessThan(20_000);
    expect(key.length).toBeGreaterThanOrEqual(3);
  });

  it('never picks the same words twice', async () => {
    const { keyPassages } = await import('../../src/pipeline/summarize-extractive.js');
    const repeated = 'Sparse attention lowers the cost of long context windows for large language models.';
    const others = [
      'Reinforcement learning with verifiable rewards trains reasoning models on math and code.',
      'Humanoid robots need dexterous hands and large amounts of teleoperation data.',
      'GPU supply, power and datacenter construction limit how fast compute can grow.',
      'Open weights models from Chinese labs closed much of the gap with frontier labs.',
      'Evaluations leak into training data, so benchmarks need fresh private test sets.',
    ];
    const passages = [repeated, others[0]!, repeated, others[1]!, repeated, others[2]!, repeated, others[3]!, others[4]!].map((text, i) => ({ text, start: i * 60 }));
    const texts = keyPassages(passages, 3).map((k) => k.text);
    expect(texts.filter((t) => t === repeated).length).toBeLessThanOrEqual(1);
    expect(new Set(texts).size).toBe(texts.length);
  });
});
