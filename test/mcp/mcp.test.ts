/**
 * engram over the Model Context Protocol, driven by the official SDK's client over both
 * transports: stdio (`engram mcp`, spawned as a desktop client would) and Streamable HTTP
 * (`engram serve` at /mcp, behind the server's token). Both must give the same answers, and
 * search hits must have the one JSON shape the CLI and the API give.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { hitJson } from '../../src/search/hit-json.js';
import { search } from '../../src/search/search.js';
import { ask } from '../../src/pipeline/ask.js';
import { startFakeChat, userText } from '../support/fake-chat.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { buildFixtureLibrary, LONG_VIDEO, type FixtureLibrary } from '../server/fixture-library.js';

/** A question the fixture library answers (a vector-database episode). */
const ASKED = '向量数据库为什么突然火了';
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'engram.js');
const TOKEN = 'mcp-test-token-0123456789';

let lib: FixtureLibrary;
let server: RunningServer;

beforeAll(async () => {
  lib = await buildFixtureLibrary();
  server = await startServer({ db: lib.db, port: 0, token: TOKEN, searchThreads: 1 });
});
afterAll(async () => {
  await server?.close();
  lib?.cleanup();
});

type ToolResult = { content: { type: string; text: string }[]; isError?: boolean };
const call = async (client: Client, name: string, args: Record<string, unknown>) => {
  const r = (await client.callTool({ name, arguments: args })) as ToolResult;
  return { error: r.isError === true, text: r.content[0]!.text, json: () => JSON.parse(r.content[0]!.text) };
};

function stdioClient(): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', '--library', join(lib.dir, 'library')],
    env: { PATH: process.env.PATH ?? '', ENGRAM_HOME: '' },
    stderr: 'pipe',
  });
  return connect(transport);
}

/** The replies `engram mcp` writes for these lines on its stdin (one JSON message each). */
function stdioReplies(lines: string[]): unknown[] {
  const run = spawnSync(process.execPath, [BIN, 'mcp', '--library', join(lib.dir, 'library')], {
    input: lines.join('\n') + '\n', encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ENGRAM_HOME: '' }, timeout: 30_000,
  });
  return run.stdout.trim().split('\n').map((l) => JSON.parse(l));
}

function httpClient(token = TOKEN): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  return connect(transport);
}

async function connect(transport: StdioClientTransport | StreamableHTTPClientTransport): Promise<Client> {
  const client = new Client({ name: 'engram-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

/** Everything a client does with the library; returns what it saw, to compare transports. */
async function exercise(client: Client) {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name)).toEqual(['search', 'show', 'sources', 'ask', 'entities']);
  expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
  expect(tools[0]!.inputSchema.required).toEqual(['query']);

  const found = (await call(client, 'search', { query: '向量數據庫', limit: 3 })).json();
  expect(found.total).toBeGreaterThan(0);
  // The one JSON shape of a hit: the same as the CLI's --json and the API's results.
  const direct = search(lib.db, '向量數據庫', { limit: 3 }).hits.map(hitJson);
  expect(found.results).toEqual(JSON.parse(JSON.stringify(direct)));
  expect(Object.keys(found.results[0].passage).sort()).toEqual(['claimed_start', 'end', 'id', 'link', 'rendition', 'speaker', 'start', 'text']);

  const filtered = (await call(client, 'search', { query: '检索', source: 'archive', since: '2025' })).json();
  expect(filtered.results.length).toBeGreaterThan(0);
  expect(filtered.results.every((h: { document: { source: string } }) => h.document.source === 'archive')).toBe(true);

  // A window around the hit's passage.
  const hit = found.results[0];
  const around = (await call(client, 'show', { passage: hit.passage.id, around: 1 })).json();
  expect(around.id).toBe(hit.document.id);
  const ids = around.renditions.flatMap((r: { passages?: { id: number }[] }) => r.passages ?? []).map((p: { id: number }) => p.id);
  expect(ids).toContain(hit.passage.id);
  expect(ids.length).toBeLessThanOrEqual(3);

  // A long transcript a page at a time, by video ID.
  const first = (await call(client, 'show', { document: LONG_VIDEO, limit: 100 })).json();
  const transcript = first.renditions.find((r: { passages?: unknown[] }) => r.passages);
  expect(transcript.passages).toHaveLength(100);
  expect(first.next).toEqual({ document: String(first.id), rendition: transcript.id, offset: 100, limit: 100 });
  const second = (await call(client, 'show', first.next)).json();
  expect(second.renditions.find((r: { id: number }) => r.id === transcript.id).passages[0].seq).toBe(100);

  const { sources, total } = (await call(client, 'sources', {})).json();
  expect(total).toBe(sources.length);
  expect(sources.map((s: { name: string }) => s.name)).toContain('archive');

  // Entities: the list, then one of them a page of documents at a time, as `engram entity --json` gives it.
  const listed = (await call(client, 'entities', { limit: 5 })).json();
  expect(listed.entities.length).toBeGreaterThan(0);
  expect(Object.keys(listed.entities[0]).sort()).toEqual(['aliases', 'documents', 'mentions', 'name', 'slug', 'type']);
  const widest = listed.entities[0];
  const one = (await call(client, 'entities', { name: widest.name, limit: 1 })).json();
  expect(one).toMatchObject({ name: widest.name, type: widest.type, documentCount: widest.documents });
  expect(one.documents).toHaveLength(1);
  expect(Array.isArray(one.timeline) && Array.isArray(one.related) && Array.isArray(one.passages)).toBe(true);
  if (widest.documents > 1) expect(one.next).toEqual({ name: widest.name, offset: 1, limit: 1 });
  const people = (await call(client, 'entities', { type: 'person' })).json();
  expect(people.entities.every((e: { type: string }) => e.type === 'person')).toBe(true);
  const nobody = await call(client, 'entities', { name: 'Nobody Anywhere' });
  expect(nobody.error).toBe(true);
  expect(nobody.text).toMatch(/no entity "Nobody Anywhere"/);

  // Mistakes come back as readable error results, not protocol failures.
  const tooLong = await call(client, 'search', { query: '模'.repeat(501) });
  expect(tooLong.error).toBe(true);
  expect(tooLong.text).toMatch(/501 characters long; the limit is 500/);
  const missing = await call(client, 'show', { document: 'no-such-thing' });
  expect(missing.error).toBe(true);
  expect(missing.text).toMatch(/no document "no-such-thing"/);
  const badDate = await call(client, 'search', { query: '检索', since: 'yesterday' });
  expect(badDate.error).toBe(true);
  const backwards = await call(client, 'search', { query: '检索', since: '2025-03-10', until: '2025-03-01' });
  expect(backwards.error).toBe(true);
  expect(backwards.text).toMatch(/is after "until"/);
  const both = await call(client, 'show', { document: '1', passage: hit.passage.id });
  expect(both.error).toBe(true);
  expect(both.text).toMatch(/not both/);

  // No chat model configured: the offline answer, the shape of `engram ask --json`.
  const answered = (await call(client, 'ask', { question: ASKED })).json();
  expect(answered).toMatchObject({ status: 'answered', mode: 'offline', language: 'zh-Hans' });
  expect(answered).toEqual(JSON.parse(JSON.stringify(await ask(lib.db, ASKED))));
  expect(answered.citations[0]).toMatchObject({
    n: 1,
    document: { id: expect.any(Number), title: expect.any(String), url: expect.stringMatching(/^https:/) },
    passage: { text: expect.stringContaining('向量'), link: expect.any(String) },
  });
  expect(answered.citations[0].passage).toHaveProperty('start');
  const filteredAsk = (await call(client, 'ask', { question: ASKED, source: 'no-such-source' })).json();
  expect(filteredAsk).toMatchObject({ status: 'not-in-library', citations: [] });
  const notHeld = (await call(client, 'ask', { question: 'What did Yann LeCun say about JEPA world models?' })).json();
  expect(notHeld).toMatchObject({ status: 'not-in-library', citations: [] });
  expect((await call(client, 'ask', { question: '  ' })).text).toMatch(/ask needs a question/);
  expect((await call(client, 'ask', { question: ASKED, since: 'last week' })).error).toBe(true);
  return { found, around, sources, answered };
}

describe('MCP', () => {
  let viaStdio: Awaited<ReturnType<typeof exercise>>;

  it('over stdio (`engram mcp`)', async () => {
    const client = await stdioClient();
    try {
      viaStdio = await exercise(client);
    } finally {
      await client.close();
    }
  });

  it('over stdio, a line that is no JSON-RPC message gets JSON-RPC\'s error, and the session goes on', () => {
    const replies = stdioReplies(['not json at all', '{"jsonrpc":"1.0","id":7,"method":"ping"}', '{"jsonrpc":"2.0","id":8,"method":"ping"}']);
    expect(replies).toEqual([
      { jsonrpc: '2.0', id: null, error: { code: -32700, message: expect.stringMatching(/^Parse error/) } },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringMatching(/^Invalid Request/) } },
      { jsonrpc: '2.0', id: 8, result: {} },
    ]);
  });

  it('over stdio, a request whose params do not fit its method gets "invalid params", not "internal error"', () => {
    const replies = stdioReplies(['{"jsonrpc":"2.0","id":1,"method":"tools/call"}', '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{}}', '{"jsonrpc":"2.0","id":3,"method":"ping"}']);
    expect(replies).toEqual([
      { jsonrpc: '2.0', id: 1, error: { code: -32602, message: expect.stringMatching(/^Invalid params for tools\/call: params: /) } },
      { jsonrpc: '2.0', id: 2, error: { code: -32602, message: expect.stringMatching(/^Invalid params for tools\/call: params\.name: /) } },
      { jsonrpc: '2.0', id: 3, result: {} },
    ]);
  });

  it('over HTTP, "invalid params" too, and an empty batch is an invalid request', async () => {
    const post = (body: string) =>
      fetch(`${server.url}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${TOKEN}`, 'mcp-protocol-version': '2025-06-18' },
        body,
      });
    const noParams = await post('{"jsonrpc":"2.0","id":5,"method":"tools/call"}');
    expect(await noParams.json()).toEqual({ jsonrpc: '2.0', id: 5, error: { code: -32602, message: expect.stringMatching(/^Invalid params for tools\/call/) } });
    const empty = await post(' [] ');
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringMatching(/^Invalid Request/) } });
    // A well-formed call still works.
    const listed = await post('{"jsonrpc":"2.0","id":6,"method":"tools/list","params":{}}');
    expect((await listed.json()).result.tools.length).toBeGreaterThan(0);
  });

  it('over Streamable HTTP at /mcp, with the token, answering as stdio does', async () => {
    const client = await httpClient();
    try {
      const viaHttp = await exercise(client);
      expect(viaHttp).toEqual(viaStdio);
    } finally {
      await client.close();
    }
  });

  it('/mcp is behind the token rule and refuses other origins', async () => {
    await expect(httpClient('wrong-token-0123456789')).rejects.toThrow(/401/);
    const post = (headers: Record<string, string>) =>
      fetch(`${server.url}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${TOKEN}`, ...headers },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
      });
    const foreign = await post({ origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect((await foreign.json()).error.message).toMatch(/evil\.example/);
    const get = await fetch(`${server.url}/mcp`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
  });
});

describe('MCP ask with a chat model (LIBRARY/config.json)', () => {
  let chat: Awaited<ReturnType<typeof startFakeChat>>;
  let online: RunningServer;

  beforeAll(async () => {
    chat = await startFakeChat();
    // Cites the passage about vector databases, and invents a citation the checks must drop.
    chat.script((req) => {
      const n = /\[(\d+)\] [^\n]*\n[^\n]*向量/.exec(userText(req))?.[1] ?? '1';
      return { stream: ['向量数据库之所以火，', `是因为大模型需要检索外部知识[${n}]。`, '量子计算机也离不开它[99]。'] };
    });
    writeFileSync(join(lib.dir, 'library', 'config.json'), JSON.stringify({ llm: { url: chat.url, model: 'fake-model' } }));
    online = await startServer({ db: lib.db, port: 0, token: TOKEN, searchThreads: 1 });
  });
  afterAll(async () => {
    await online?.close();
  });

  const checked = async (client: Client) => {
    const r = (await call(client, 'ask', { question: ASKED })).json();
    expect(r).toMatchObject({ status: 'answered', mode: 'llm', model: 'fake-model', answer: '向量数据库之所以火，是因为大模型需要检索外部知识[1]。' });
    expect(r.citations).toHaveLength(1);
    expect(r.citations[0].passage.text).toContain('向量');
    expect(r.dropped.length).toBeGreaterThan(0);
    return r;
  };

  it('answers with the model over stdio and over HTTP, citations checked', async () => {
    const stdio = await stdioClient();
    const viaStdio = await checked(stdio).finally(() => stdio.close());
    const transport = new StreamableHTTPClientTransport(new URL(`${online.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } });
    const http = await connect(transport);
    const viaHttp = await checked(http).finally(() => http.close());
    expect(viaHttp).toEqual(viaStdio);
  });
});
