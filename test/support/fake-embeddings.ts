/**
 * A fake OpenAI-compatible /v1/embeddings server on 127.0.0.1 whose vectors carry meaning:
 * each dimension is a topic, and a text scores on a topic for each of its words (English
 * or Chinese) in that topic's list. Texts about the same topic in either language are near;
 * words it does not know land on a hashed "other" dimension.
 */
import type { LocalServer } from './local-server.js';
import { sendJson, startLocalServer } from './local-server.js';

const TOPICS: string[][] = [
  ['music', 'song', 'songs', 'concert', 'singer', 'album', '音乐', '演唱', '新歌', '专辑', '音乐会'],
  ['robot', 'robots', 'robotics', 'hand', 'hands', 'tactile', '机器人', '灵巧手', '触觉'],
  ['chip', 'chips', 'gpu', 'semiconductor', '芯片', '晶片', '半导体', '辉达', '英伟达'],
  ['video', 'film', 'films', 'narrative', '视频', '短片', '叙事'],
  ['driving', 'car', 'cars', 'vehicle', '驾驶', '汽车'],
];
export const DIMENSIONS = TOPICS.length + 3;

export function fakeVector(text: string): number[] {
  const v = new Array<number>(DIMENSIONS).fill(0);
  const lower = text.toLowerCase();
  TOPICS.forEach((words, d) => {
    for (const w of words) if (lower.includes(w)) v[d]! += 1;
  });
  let h = 0;
  for (const ch of lower) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  v[TOPICS.length + (h % 3)]! += 0.2; // a little noise so no vector is zero
  return v;
}

export interface FakeEmbeddings extends LocalServer {
  /** Inputs received, one array per request. */
  inputs: string[][];
  /** Make the next `n` requests fail with this status. */
  failNext(n: number, status: number): void;
}

export async function startFakeEmbeddings(model = 'fake-embed-1'): Promise<FakeEmbeddings> {
  const inputs: string[][] = [];
  let failures = 0;
  let failStatus = 500;
  const server = await startLocalServer((req, res) => {
    if (req.method !== 'POST' || !req.url?.endsWith('/v1/embeddings')) return sendJson(res, 404, { error: { message: 'not found' } });
    const body = JSON.parse(req.body.toString('utf8')) as { model: string; input: string[] | string };
    if (body.model !== model) return sendJson(res, 404, { error: { message: `model ${body.model} not found` } });
    const input = Array.isArray(body.input) ? body.input : [body.input];
    inputs.push(input);
    if (failures > 0) {
      failures--;
      return sendJson(res, failStatus, { error: { message: 'induced failure' } });
    }
    // Answer out of order: clients must sort by index.
    const data = input.map((t, index) => ({ object: 'embedding', index, embedding: fakeVector(t) })).reverse();
    sendJson(res, 200, { object: 'list', model, data, usage: { prompt_tokens: 0, total_tokens: 0 } });
  });
  return Object.assign(server, {
    inputs,
    failNext(n: number, status: number) {
      failures = n;
      failStatus = status;
    },
  });
}
