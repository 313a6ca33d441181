/**
 * Asking over HTTP: the page without JavaScript (answered on the server), its event stream of
 * rendered pieces, and the JSON API (whole or streamed), offline and with a fake chat model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp } from '../../src/server/app.js';
import { URLS } from '../../src/server/assets.js';
import { createLlm } from '../../src/providers/llm.js';
import { buildFixtureLibrary, type FixtureLibrary } from './fixture-library.js';
import { startFakeChat, userText } from '../support/fake-chat.js';

let lib: FixtureLibrary;
let offline: Hono;
let online: Hono;
const chat = await startFakeChat();
const get = (app: Hono, path: string) => app.request(`http://localhost:3647${path}`, { headers: { host: 'localhost:3647' } });

/** Server-sent events as [event, data] pairs. */
function events(body: string): [string, unknown][] {
  return body.split('\n\n').filter((b) => b.trim()).map((block) => {
    const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
    const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
    return [event, JSON.parse(data)];
  });
}

const Q = '向量数据库为什么突然火了';

beforeAll(async () => {
  lib = await buildFixtureLibrary();
  offline = createApp({ db: lib.db, llm: null });
  online = createApp({ db: lib.db, llm: createLlm({ url: chat.url, model: 'fake-model' }, { retry: { attempts: 1 } }) });
  // Cite whichever passage mentions 向量数据库, in two pieces of a stream.
  chat.script((req) => {
    const n = /\[(\d+)\] [^\n]*\n[^\n]*向量/.exec(userText(req))?.[1] ?? '1';
    return { stream: ['向量数据库之所以火，', `是因为大模型需要检索外部知识[${n}]。`, `很多团队把文档切成小段，用嵌入模型变成向量[${n}]。`] };
  });
});
afterAll(() => lib?.cleanup());

describe('the ask page', () => {
  it('shows a question box, its own stylesheet and script (no inline script)', async () => {
    const res = await get(offline, '/ask');
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('<form class="askbox" action="/ask" method="get" data-ask-form>');
    expect(body).toContain(`<script src="${URLS.askJs}" defer>`);
    expect(body).toContain(`<link rel="stylesheet" href="${URLS.askCss}">`);
    expect(body).not.toMatch(/<script>(?!<\/script>)/);
    expect((await get(offline, URLS.askJs)).status).toBe(200);
  });

  it('answers without JavaScript: the best passages, citations opening the passage', async () => {
    const body = await (await get(offline, `/ask?q=${encodeURIComponent(Q)}`)).text();
    expect(body).toContain('未配置语言模型');
    const link = /<a class="title" href="(\/passages\/\d+)">/.exec(body)![1]!;
    const res = await get(offline, link);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^\/documents\/\d+\?rendition=\d+&p=\d+#p\d+$/);
  });

  it('streams rendered pieces, then the whole checked answer', async () => {
    const res = await get(online, `/ask/stream?q=${encodeURIComponent(Q)}`);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const ev = events(await res.text());
    expect(ev.map(([e]) => e)).toEqual(['piece', 'piece', 'done']);
    const first = ev[0]![1] as { html: string; citations: string };
    expect(first.html).toMatch(/向量数据库之所以火，是因为大模型需要检索外部知识<a class="cite" href="\/passages\/\d+" title="[^"]+">1<\/a>。/);
    expect(first.citations).toContain('<li id="c1" value="1">');
    expect((ev[1]![1] as { citations: string }).citations).toBe('');
    expect((ev[2]![1] as { html: string }).html).toContain('every citation checked');
  });
});

describe('the ask API', () => {
  it('answers as JSON, the shape of engram ask --json', async () => {
    const r = await (await get(online, `/api/ask?q=${encodeURIComponent(Q)}`)).json();
    expect(r).toMatchObject({ status: 'answered', mode: 'llm', answer: expect.stringContaining('[1]') });
    expect(r.citations[0]).toMatchObject({ n: 1, document: { id: expect.any(Number), title: expect.any(String) }, passage: { text: expect.stringContaining('向量') } });
    expect(r.citations[0].passage).toHaveProperty('start');
    expect(r.citations[0].passage).toHaveProperty('link');
  });

  it('streams JSON events with stream=1; a missing question is a 400', async () => {
    const ev = events(await (await get(online, `/api/ask?stream=1&q=${encodeURIComponent(Q)}`)).text());
    expect(ev.map(([e]) => e)).toEqual(['text', 'text', 'done']);
    expect(ev[0]![1]).toMatchObject({ text: expect.stringContaining('[1]'), citations: [{ n: 1 }] });
    expect((await get(online, '/api/ask')).status).toBe(400);
    expect(await (await get(online, '/api/ask')).json()).toMatchObject({ error: { status: 400 } });
    // `stream` is a flag like the API's others: anything but 1/true/0/false is a 400, not "no".
    const bad = await get(online, `/api/ask?stream=abc&q=${encodeURIComponent(Q)}`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/stream/);
  });
});
