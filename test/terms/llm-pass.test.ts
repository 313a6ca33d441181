import { beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/pipeline/ingest.js';
import { findDocumentId } from '../../src/store/read.js';
import { listCorrections } from '../../src/terms/store.js';
import { lexiconTermsContext } from '../../src/terms/context.js';
import { llmChat } from '../../src/terms/llm-pass.js';
import { loadLexicon } from '../../src/lexicon/load.js';
import { startLocalServer } from '../support/local-server.js';
import { copyFixture, tempLibrary } from '../helpers.js';

/**
 * A fake OpenAI-compatible chat model on 127.0.0.1. It answers every item it is asked about
 * adversarially: a name that is not among the candidates, a choice for a word that makes
 * sense as it is, and one good choice — only the good one may become a correction.
 */
describe('LLM pass (fake chat model)', () => {
  const { db } = tempLibrary();
  let prompts: string[] = [];
  beforeAll(async () => {
    const server = await startLocalServer((req, res) => {
      const body = JSON.parse(req.body.toString()) as { messages: { content: string }[]; model: string };
      const prompt = body.messages.at(-1)!.content;
      prompts.push(prompt);
      const items = [...prompt.matchAll(/^(\d+)\. sentence: (.*)\n\s+heard: (.*)\n\s+names: (.*)$/gm)];
      const answers = items.map(([, n, , heard, names]) => {
        const options = names!.split(' | ');
        if (heard === 'cloud') return { item: Number(n), choice: 'Google Cloud' };     // not a candidate
        return { item: Number(n), choice: options[0] };
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { content: `Sure! ${JSON.stringify({ answers })}` } }] }));
    });
    const ctx = lexiconTermsContext(loadLexicon().entries(), { chat: llmChat({ url: `${server.url}/v1`, model: 'fake' }) });
    const r = await ingest(db, [copyFixture('corrections')], { terms: ctx });
    expect(r.terms?.llm?.asked).toBeGreaterThan(0);
  });

  it('asks only about held spans, with their sentence and the lexicon names they sound like', () => {
    expect(prompts.length).toBeGreaterThan(0);
    const all = prompts.join('\n');
    expect(all).toMatch(/\[\[面臂智能\]\] 聊聊机器人\n\s+heard: 面臂智能\n\s+names: 面壁智能/); // no evidence in that episode
    expect(all).toMatch(/heard: cloud\n/); // an everyday word
    expect(all).not.toMatch(/\[\[Cloud\]\] Code/); // already corrected offline
  });

  it('applies only choices among the candidates, marked as the LLM\'s, and keeps offline corrections', () => {
    const rows = listCorrections(db);
    expect(rows.some((r) => r.corrected === 'Google Cloud')).toBe(false);
    const ep2 = findDocumentId(db, 'https://podcast.example.com/episodes/another')!;
    const llm = rows.filter((r) => r.reason.startsWith('LLM:'));
    expect(llm.map((r) => [r.document, r.original, r.corrected])).toEqual([[ep2, '面臂智能', '面壁智能']]);
    const ep1 = findDocumentId(db, 'https://podcast.example.com/episodes/small-labs')!;
    expect(rows.some((r) => r.document === ep1 && r.original === '面臂智能' && !r.reason.startsWith('LLM:'))).toBe(true);
  });
});

describe('LLM pass (failing model)', () => {
  it('changes nothing when the model fails or answers nonsense', async () => {
    const { db } = tempLibrary();
    const server = await startLocalServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { content: 'I cannot help with that {not json' } }] }));
    });
    const ctx = lexiconTermsContext(loadLexicon().entries(), { chat: llmChat({ url: `${server.url}/v1`, model: 'fake' }) });
    await ingest(db, [copyFixture('corrections')], { terms: ctx });
    expect(listCorrections(db).filter((r) => r.reason.startsWith('LLM:'))).toEqual([]);
    expect(listCorrections(db).length).toBeGreaterThan(0);
  });
});
