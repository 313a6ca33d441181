/**
 * engram over the Model Context Protocol, driven by the official SDK's client over both
 * transports: stdio (`engram mcp`, spawned as a desktop client would) and Streamable HTTP
 * (`engram serve` at /mcp, behind the server's token). Both must give the same answers, and
 * search hits must have the one JSON shape the CLI and the API give.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { hitJson } from '../../src/search/hit-json.js';
import { search } from '../../src/search/search.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { buildFixtureLibrary, LONG_VIDEO, type FixtureLibrary } from '../server/fixture-library.js';

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
  expect(tools.map((t) => t.name)).toEqual(['search', 'show', 'sources']);
  expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
  expect(tools[0]!.inputSchema.required).toEqual(['query']);

  const found = (await call(client, 'search', { query: '向量數據庫', limit: 3 })).json();
  expect(found.total).toBeGreaterThan(0);
  // The one JSON shape of a hit: the same as the CLI's --json and the API's results.
  const direct = search(lib.db, '向量數據庫', { limit: 3 }).hits.map(hitJson);
  expect(found.results).toEqual(JSON.parse(JSON.stringify(direct)));
  expect(Object.keys(found.results[0].passage).sort()).toEqual(['end', 'id', 'link', 'rendition', 'speaker', 'start', 'text']);

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

  // Mistakes come back as readable error results, not protocol failures.
  const tooLong = await call(client, 'search', { query: '模'.repeat(501) });
  expect(tooLong.error).toBe(true);
  expect(tooLong.text).toMatch(/501 characters long; the limit is 500/);
  const missing = await call(client, 'show', { document: 'no-such-thing' });
  expect(missing.error).toBe(true);
  expect(missing.text).toMatch(/no document "no-such-thing"/);
  const badDate = await call(client, 'search', { query: '检索', since: 'yesterday' });
  expect(badDate.error).toBe(true);
  return { found, around, sources };
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
