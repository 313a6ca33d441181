import { describe, expect, it } from 'vitest';
import { contextTokensFor, createLlm, estimateTokens, inputBudget, LlmError, type Llm } from '../../src/providers/llm.js';
import { startFakeChat, type FakeReply } from '../support/fake-chat.js';

const noSleep = { sleep: async () => {} };

async function llmFor(replies: FakeReply[], extra: { context?: string; idleTimeoutMs?: number; timeoutMs?: number; attempts?: number } = {}) {
  const chat = await startFakeChat(replies);
  const llm = createLlm(
    { url: chat.url, model: 'test-model', key: 'sk-test', context: extra.context },
    { retry: { ...noSleep, timeoutMs: extra.timeoutMs ?? 5000, attempts: extra.attempts ?? 4 }, idleTimeoutMs: extra.idleTimeoutMs },
  ) as Llm;
  return { chat, llm };
}

const ask = [{ role: 'user' as const, content: 'Say ok.' }];

describe('createLlm', () => {
  it('is off without a URL and refuses a URL without a model', () => {
    expect(createLlm(undefined)).toBeUndefined();
    expect(createLlm({ key: 'k' })).toBeUndefined();
    expect(() => createLlm({ url: 'http://127.0.0.1:1/v1' })).toThrow(/ENGRAM_LLM_MODEL/);
  });

  it('knows common context windows and takes the setting over them', () => {
    expect(contextTokensFor({ model: 'gpt-4o-mini' })).toBe(128_000);
    expect(contextTokensFor({ model: 'deepseek-chat' })).toBe(64_000);
    expect(contextTokensFor({ model: 'llama3.2:3b' })).toBe(8192);
    expect(contextTokensFor({ model: 'gpt-4o', context: '4096' })).toBe(4096);
  });
});

describe('chat', () => {
  it('posts an OpenAI chat completion request and reads the answer, model and usage', async () => {
    const { chat, llm } = await llmFor([{ content: 'ok', model: 'test-model-2025', usage: { prompt_tokens: 9, completion_tokens: 1 } }]);
    const r = await llm.chat(ask, { maxTokens: 50 });
    expect(r).toMatchObject({ text: 'ok', model: 'test-model-2025', finishReason: 'stop', truncated: false, usage: { prompt: 9, completion: 1, estimated: false } });
    expect(chat.bodies[0]).toMatchObject({ model: 'test-model', max_tokens: 50, messages: ask });
    expect(chat.server.requests[0]!.headers.authorization).toBe('Bearer sk-test');
  });

  it('estimates usage when the server reports none, and drops a reasoning prelude', async () => {
    const { llm } = await llmFor([{ content: '<think>\nhmm, they want ok\n</think>\n\nok', usage: null }]);
    const r = await llm.chat(ask);
    expect(r.text).toBe('ok');
    expect(r.usage.estimated).toBe(true);
    expect(r.usage.prompt).toBeGreaterThan(0);
  });

  it('retries 429 and 5xx, waiting as Retry-After says', async () => {
    const chat = await startFakeChat([
      { status: 429, headers: { 'retry-after': '3' } },
      { status: 503 },
      { content: 'ok' },
    ]);
    const waits: number[] = [];
    const llm = createLlm({ url: chat.url, model: 'm' }, { retry: { ...noSleep, onRetry: (i) => waits.push(i.delayMs) } })!;
    expect((await llm.chat(ask)).text).toBe('ok');
    expect(chat.bodies).toHaveLength(3);
    expect(waits[0]).toBe(3000);
  });

  it('fails at once on a bad key, saying what to check', async () => {
    const { chat, llm } = await llmFor([{ status: 401, body: { error: { message: 'invalid api key' } } }]);
    const err = await llm.chat(ask).catch((e) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect(err.reason).toBe('http');
    expect(err.message).toMatch(/invalid api key.*ENGRAM_LLM_KEY/);
    expect(chat.bodies).toHaveLength(1);
  });

  it('gives up on a server that never answers, as a timeout', async () => {
    const { chat, llm } = await llmFor([{ hang: true }], { timeoutMs: 100, attempts: 2 });
    const err = await llm.chat(ask).catch((e) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect(err.reason).toBe('timeout');
    expect(chat.bodies).toHaveLength(2);
  });

  it('reports a body that is not a chat completion as malformed', async () => {
    const { llm } = await llmFor([{ raw: '<html>gateway</html>' }]);
    await expect(llm.chat(ask)).rejects.toMatchObject({ reason: 'malformed' });
    const other = await llmFor([{ raw: '{"result": "ok"}' }]);
    await expect(other.llm.chat(ask)).rejects.toMatchObject({ reason: 'malformed' });
  });

  it('says when an answer was cut off at max_tokens', async () => {
    const { llm } = await llmFor([{ content: '{"overview": "The guest argues th', finishReason: 'length' }]);
    const r = await llm.chat(ask, { maxTokens: 10 });
    expect(r.truncated).toBe(true);
  });

  it('refuses a prompt that would not fit the context window, before sending it', async () => {
    const { chat, llm } = await llmFor([{ content: 'ok' }], { context: '1000' });
    const long = [{ role: 'user' as const, content: '稀疏注意力'.repeat(300) }];
    await expect(llm.chat(long, { maxTokens: 200 })).rejects.toMatchObject({ reason: 'context' });
    expect(chat.bodies).toHaveLength(0);
  });

  it('notices a server that silently read only part of the prompt', async () => {
    const { llm } = await llmFor([{ content: 'ok', usage: { prompt_tokens: 2048, completion_tokens: 2 } }], { context: '64000' });
    const long = [{ role: 'user' as const, content: '模型的能力密度'.repeat(2000) }];
    await expect(llm.chat(long)).rejects.toThrow(/read only 2048 of/);
  });
});

describe('streaming', () => {
  it('passes pieces on as they arrive and returns the whole answer', async () => {
    const { chat, llm } = await llmFor([{ content: '回答：密度法则每三个多月翻一番。' }]);
    const pieces: string[] = [];
    const r = await llm.chat(ask, { onDelta: (t) => pieces.push(t) });
    expect(chat.bodies[0]!.stream).toBe(true);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe('回答：密度法则每三个多月翻一番。');
    expect(r.text).toBe('回答：密度法则每三个多月翻一番。');
    expect(r.usage.estimated).toBe(true);
  });

  it('waits for a slow stream that keeps sending', async () => {
    const { llm } = await llmFor([{ stream: ['one ', 'two ', 'three'], delayMs: 120 }], { idleTimeoutMs: 400 });
    const r = await llm.chat(ask, { onDelta: () => {} });
    expect(r.text).toBe('one two three');
  });

  it('abandons a stream that stops sending', async () => {
    const { llm } = await llmFor([{ stream: ['one ', 'two ', 'three'], stallAfter: 1 }], { idleTimeoutMs: 150 });
    const seen: string[] = [];
    const err = await llm.chat(ask, { onDelta: (t) => seen.push(t) }).catch((e) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect(err.reason).toBe('timeout');
    expect(seen).toEqual(['one ']);
  });

  it('hides a reasoning prelude from the pieces', async () => {
    const { llm } = await llmFor([{ stream: ['<thi', 'nk>plan', ' it</think>', '\n\nAnswer', '.'] }]);
    const pieces: string[] = [];
    const r = await llm.chat(ask, { onDelta: (t) => pieces.push(t) });
    expect(pieces.join('')).toBe('Answer.');
    expect(r.text).toBe('Answer.');
  });
});

describe('token budget', () => {
  it('counts Chinese as costing more per character than English', () => {
    const zh = estimateTokens('规模法则同时带来了训练成本的问题');
    const en = estimateTokens('the scaling law also raised costs');
    expect(zh / 16).toBeGreaterThan(en / 33);
    expect(estimateTokens('')).toBe(0);
  });

  it('leaves room for the answer and a safety margin', () => {
    expect(inputBudget({ contextTokens: 8192 }, 2048, 500)).toBe(Math.floor(8192 * 0.9) - 2048 - 500);
    expect(inputBudget({ contextTokens: 1000 }, 2048)).toBe(0);
  });
});
