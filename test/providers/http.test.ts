import { describe, expect, it } from 'vitest';
import { fetchWithRetry, HttpError, retryAfter, endpoint, redact } from '../../src/providers/http.js';
import { sendJson, startLocalServer } from '../support/local-server.js';

const noSleep = { sleep: async () => {} };

describe('fetchWithRetry', () => {
  it('retries 429 and 5xx, honouring Retry-After, then succeeds', async () => {
    let n = 0;
    const server = await startLocalServer((_req, res) => {
      n++;
      if (n === 1) return sendJson(res, 429, { error: 'slow down' }, { 'retry-after': '2' });
      if (n === 2) return sendJson(res, 503, { error: 'busy' });
      sendJson(res, 200, { ok: true });
    });
    const waits: number[] = [];
    const res = await fetchWithRetry(server.url, {}, { ...noSleep, onRetry: (i) => waits.push(i.delayMs) });
    expect(await res.json()).toEqual({ ok: true });
    expect(n).toBe(3);
    expect(waits[0]).toBe(2000);
  });

  it('fails at once on a final status, with what the server said', async () => {
    const server = await startLocalServer((_req, res) => sendJson(res, 401, { error: 'bad key' }));
    const err = await fetchWithRetry(server.url, {}, noSleep).catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err.status).toBe(401);
    expect(err.transient).toBe(false);
    expect(err.message).toContain('bad key');
    expect(server.requests).toHaveLength(1);
  });

  it('times out a slow server and gives up after the attempts', async () => {
    const server = await startLocalServer(() => new Promise(() => {}));
    const err = await fetchWithRetry(server.url, {}, { ...noSleep, attempts: 2, timeoutMs: 100 }).catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err.message).toMatch(/timed out after 100 ms/);
    expect(server.requests).toHaveLength(2);
  });

  it('reports a refused connection as a transient network error', async () => {
    const server = await startLocalServer(() => {});
    await server.close();
    const err = await fetchWithRetry(server.url, {}, { ...noSleep, attempts: 1 }).catch((e) => e);
    expect(err.transient).toBe(true);
    expect(err.message).toMatch(/network error/);
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it('says what is under fetch\'s "fetch failed": a code, or the cause\'s message', async () => {
    const failing = (cause: unknown) => async () => {
      throw new TypeError('fetch failed', { cause });
    };
    const why = async (cause: unknown) => ((await fetchWithRetry('http://127.0.0.1:1/', {}, { ...noSleep, attempts: 1, fetch: failing(cause) }).catch((e) => e)) as Error).message;
    expect(await why(new Error('bad port'))).toMatch(/fetch failed: bad port$/);
    expect(await why(Object.assign(new AggregateError([Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })]), { message: '' }))).toMatch(/: ECONNREFUSED$/);
    expect(await why(undefined)).toMatch(/: fetch failed$/);
  });
});

describe('helpers', () => {
  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfter('7')).toBe(7);
    expect(retryAfter(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8);
    expect(retryAfter('soon')).toBeUndefined();
  });
  it('joins base URLs and hides passwords', () => {
    expect(endpoint('http://h/v1/', '/chat/completions')).toBe('http://h/v1/chat/completions');
    expect(redact('smtp://u:secret@h:587')).not.toContain('secret');
  });
});
