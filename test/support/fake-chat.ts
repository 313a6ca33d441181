/**
 * A fake OpenAI-compatible chat model on 127.0.0.1 (`POST /v1/chat/completions`), scripted
 * per request: ordinary answers, and the adversarial ones real servers give — errors with
 * Retry-After, hangs, bodies that are not completions, answers cut off at max_tokens, slow or
 * stalled streams. Streaming requests (`stream: true`) get their answer as server-sent events.
 */
import type { ServerResponse } from 'node:http';
import { sendJson, startLocalServer, type LocalServer } from './local-server.js';

export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  max_tokens?: number;
  temperature?: number;
  stream?: boolean;
}

export type FakeReply =
  /** An answer. `usage: null` leaves usage out (servers that do not report it). */
  | { content: string; finishReason?: string; model?: string; usage?: { prompt_tokens: number; completion_tokens: number } | null; delayMs?: number }
  /** An HTTP error. */
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** Never answers (the client's timeout must end it). */
  | { hang: true }
  /** A 200 whose body is not a chat completion. */
  | { raw: string }
  /** A stream: these pieces, `delayMs` apart; `stallAfter` pieces then silence. */
  | { stream: string[]; delayMs?: number; stallAfter?: number; finishReason?: string };

export type Script = (req: ChatRequestBody, n: number) => FakeReply;

export interface FakeChat {
  /** Base URL as users configure it: `http://127.0.0.1:PORT/v1`. */
  url: string;
  /** Every chat request's parsed body, in order. */
  bodies: ChatRequestBody[];
  server: LocalServer;
  /** Replace the script. */
  script(s: Script | FakeReply[]): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Replies in order (the last one repeats), or a function of the request. */
function toScript(s: Script | FakeReply[]): Script {
  return Array.isArray(s) ? (_req, n) => s[Math.min(n, s.length - 1)]! : s;
}

export async function startFakeChat(initial: Script | FakeReply[] = [{ content: 'ok' }]): Promise<FakeChat> {
  let script = toScript(initial);
  const bodies: ChatRequestBody[] = [];
  const server = await startLocalServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return sendJson(res, 404, { error: { message: `no route ${req.url}` } });
    const body = JSON.parse(req.body.toString('utf8')) as ChatRequestBody;
    bodies.push(body);
    await answer(res, body, script(body, bodies.length - 1));
  });
  return { url: `${server.url}/v1`, bodies, server, script: (s) => { script = toScript(s); } };
}

async function answer(res: ServerResponse, body: ChatRequestBody, reply: FakeReply): Promise<void> {
  if ('hang' in reply) return new Promise(() => {});
  if ('status' in reply) return sendJson(res, reply.status, reply.body ?? { error: { message: `status ${reply.status}` } }, reply.headers);
  if ('raw' in reply) {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(reply.raw);
  }
  const model = 'model' in reply && reply.model ? reply.model : body.model;
  if ('stream' in reply || body.stream) {
    const pieces = 'stream' in reply ? reply.stream : chunk(reply.content);
    const delay = reply.delayMs ?? 0;
    const stallAfter = 'stallAfter' in reply ? reply.stallAfter : undefined;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (let i = 0; i < pieces.length; i++) {
      if (stallAfter !== undefined && i >= stallAfter) return new Promise(() => {});
      if (delay) await sleep(delay);
      res.write(`data: ${JSON.stringify({ model, choices: [{ index: 0, delta: { content: pieces[i] }, finish_reason: null }] })}\n\n`);
    }
    res.write(`data: ${JSON.stringify({ model, choices: [{ index: 0, delta: {}, finish_reason: reply.finishReason ?? 'stop' }] })}\n\n`);
    return void res.end('data: [DONE]\n\n');
  }
  if (reply.delayMs) await sleep(reply.delayMs);
  // Plausible usage by default: about two characters a token.
  const promptChars = body.messages.reduce((n, m) => n + m.content.length, 0);
  const usage = reply.usage === null ? undefined : reply.usage ?? { prompt_tokens: Math.ceil(promptChars / 2), completion_tokens: Math.ceil(reply.content.length / 2) };
  sendJson(res, 200, {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: reply.content }, finish_reason: reply.finishReason ?? 'stop' }],
    ...(usage ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } } : {}),
  });
}

function chunk(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 7) out.push(text.slice(i, i + 7));
  return out;
}

/** The user message of a request (what the prompt asked). */
export function userText(body: ChatRequestBody): string {
  return body.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
}
