/** `engram ask` on the command line: the documented JSON shape, human output, exit codes. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FIXTURES, tempDir } from '../helpers.js';
import { runCli } from '../support/run-cli.js';
import { startFakeChat, userText } from '../support/fake-chat.js';

describe('engram ask', async () => {
  const lib = tempDir();
  await runCli(['ingest', join(FIXTURES, 'library'), '--library', lib]);
  const chat = await startFakeChat();
  chat.script((req) => {
    const n = /\[(\d+)\] [^\n]*\n[^\n]*端侧模型特别重要/.exec(userText(req))?.[1];
    return { content: `密度法则说模型的能力密度大约每一百天翻一番[${n}]。` };
  });

  it('--json offline: {answer, citations: [{n, document: {id, title, url}, passage: {text, start, link}}]}', async () => {
    const r = await runCli(['ask', '密度法则说的是什么？', '--library', lib, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out).toMatchObject({ status: 'answered', mode: 'offline', answer: expect.any(String) });
    expect(out.citations[0]).toMatchObject({
      n: 1,
      document: { id: expect.any(Number), title: '小模型的大未来：密度法则与端侧智能', url: expect.stringMatching(/^https:/) },
      passage: { text: expect.any(String), start: expect.any(Number), link: expect.stringContaining('#t=') },
    });
  });

  it('with a chat model (flags): the answer streams to stdout, then its sources', async () => {
    const r = await runCli(['ask', '密度法则说的是什么？', '--library', lib, '--llm-url', chat.url, '--llm-model', 'fake']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('密度法则说模型的能力密度大约每一百天翻一番[1]。\n\nSources:\n[1] 小模型的大未来：密度法则与端侧智能 — 测试播客, 2025-05-06 · 1:15 · 刘博士\n    https://www.xiaoyuzhoufm.com/episode/6650aa11bb22cc33dd44ee55#t=75\n');
    const offline = await runCli(['ask', '密度法则说的是什么？', '--library', lib, '--offline'], { ENGRAM_LLM_URL: chat.url, ENGRAM_LLM_MODEL: 'fake' });
    expect(offline.out).toMatch(/^未配置语言模型/);
  });

  it('not in the library is exit 0; no question or a model URL without a model is a usage error', async () => {
    const none = await runCli(['ask', '量子计算机的纠错码进展如何？', '--library', lib]);
    expect(none.code).toBe(0);
    expect(none.out).toContain('资料库里没有找到');
    expect((await runCli(['ask', '--library', lib])).code).toBe(2);
    // As long as the web app and MCP take, counted in characters.
    const long = await runCli(['ask', '为什么'.repeat(167), '--library', lib]);
    expect([long.code, long.err]).toEqual([2, expect.stringContaining('the question is 501 characters long; the limit is 500')]);
    const noModel = await runCli(['ask', 'densing law', '--library', lib, '--llm-url', chat.url]);
    expect(noModel.code).toBe(2);
    expect(noModel.err).toContain('no model');
  });
});
