import { beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startLocalServer, type LocalServer } from '../support/local-server.js';
import { startFakeAsr, type FakeAsr } from '../support/fake-asr.js';
import { speechFile } from '../support/audio.js';
import { pubDate, rss, type FeedItem } from '../support/feeds.js';
import { FIXTURES, tempDir } from '../helpers.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'engram.js');

/** Runs engram's CLI in this process (as the binary does, with pipes for output). */
async function engram(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) => new Writable({ write(chunk, _enc, done) { add(String(chunk)); done(); } });
  const code = await main(args, {
    out: sink((s) => { out += s; }), err: sink((s) => { err += s; }), stdin: Readable.from([]),
    env: { ...process.env, ENGRAM_HOME: '', ENGRAM_ASR_URL: '', ...env },
  });
  return { code, out, err };
}

/** The real binary in a child process, for the kill test. */
function engramProcess(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ENGRAM_HOME: '', ENGRAM_ASR_URL: '', ...env } });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('engram source / update / jobs', async () => {
  let server: LocalServer;
  let asr: FakeAsr;
  const lib = tempDir();
  let items: FeedItem[];
  beforeAll(async () => {
    const speech = speechFile(tempDir(), 'cli', [{ text: 'recognized from the audio of episode three', gap: 0.4 }]);
    asr = await startFakeAsr();
    asr.episode(speech.pcm, speech.script);
    const audio = readFileSync(speech.path);
    server = await startLocalServer((req, res) => {
      if (req.url === '/feed.xml') {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        return res.end(rss({ title: 'CLI 播客', items }));
      }
      if (req.url?.startsWith('/t/')) {
        res.writeHead(200, { 'content-type': 'text/vtt' });
        return res.end(`WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n第${req.url.slice(3, -4)}期讨论向量数据库。\n`);
      }
      if (req.url === '/a/3.wav') {
        res.writeHead(200, { 'content-type': 'audio/wav' });
        return res.end(audio);
      }
      res.writeHead(404).end();
    });
    items = [1, 2].map((n) => ({ guid: `g${n}`, title: `第${n}期`, link: `https://ex.com/cli/${n}`, date: pubDate(n), transcripts: [{ url: `${server.url}/t/${n}.vtt`, type: 'text/vtt' }] }));
    items.push({ guid: 'g3', title: '第3期', link: 'https://ex.com/cli/3', date: pubDate(3), enclosure: { url: `${server.url}/a/3.wav`, type: 'audio/wav' } });
  });

  it('adds a feed under its own title, refuses a second add and a bad URL', async () => {
    const add = (await engram(['source', 'add', `${server.url}/feed.xml`, '--library', lib]));
    expect(add.code).toBe(0);
    expect(add.out).toMatch(/following "CLI 播客" \(feed .*\): 3 items listed/);
    expect((await engram(['source', 'add', `${server.url}/feed.xml`, '--library', lib])).code).toBe(1);
    const bad = (await engram(['source', 'add', `${server.url}/nothing.xml`, '--library', lib]));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/HTTP 404/);
    expect((await engram(['source', 'add', 'not a url or folder', '--library', lib])).code).toBe(2);
  });

  it('updates: adds what has transcripts, leaves audio waiting for a recognizer, exit 0', async () => {
    const r = (await engram(['update', '--library', lib, '--json', '--host-delay-ms', '0']));
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.added.map((a: { title: string }) => a.title).sort()).toEqual(['第1期', '第2期']);
    expect(report.waiting.map((a: { title: string }) => a.title)).toEqual(['第3期']);
    expect(r.err).toBe(''); // quiet in a pipe
    const human = (await engram(['update', '--library', lib, '--host-delay-ms', '0']));
    expect(human.out).toMatch(/waiting \(1\):\n  CLI 播客: 第3期 .*recognizer/);
    expect(human.out).toMatch(/what to do: configure an OpenAI-compatible recognizer: ENGRAM_ASR_URL/);
  });

  it('recognizes the waiting episode once ENGRAM_ASR_URL is set', async () => {
    const r = (await engram(['update', '--library', lib, '--json', '--host-delay-ms', '0'], { ENGRAM_ASR_URL: asr.url }));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).added.map((a: { title: string }) => a.title)).toEqual(['第3期']);
    const hits = JSON.parse((await engram(['search', 'recognized audio episode', '--library', lib, '--json'])).out);
    expect(hits[0].document.url).toBe('https://ex.com/cli/3');
  });

  it('lists sources and jobs, as text and JSON', async () => {
    const list = JSON.parse((await engram(['source', 'list', '--library', lib, '--json'])).out);
    expect(list).toEqual([expect.objectContaining({ name: 'CLI 播客', kind: 'feed', documents: 3, pending: 0, waiting: 0, failed: 0, lastUpdate: expect.any(String) })]);
    expect((await engram(['source', 'list', '--library', lib])).out).toMatch(/CLI 播客 {2}\(feed\)[\s\S]*3 documents, 0 pending, 0 waiting, 0 failed/);
    expect(JSON.parse((await engram(['jobs', '--all', '--library', lib, '--json'])).out)).toHaveLength(3);
    expect((await engram(['jobs', '--failed', '--library', lib])).out).toBe('no failed items\n');
    expect((await engram(['jobs', 'retry', '--library', lib])).code).toBe(2);
    expect((await engram(['jobs', 'retry', '--all', '--library', lib])).code).toBe(1);
  });

  it('exports OPML and imports it into another library; removes a source and keeps its documents', async () => {
    const opml = (await engram(['source', 'export', '--library', lib]));
    expect(opml.out).toMatch(/<outline text="CLI 播客" type="rss" xmlUrl="http:\/\/127\.0\.0\.1:\d+\/feed\.xml"/);
    const file = join(tempDir(), 'subs.opml');
    writeFileSync(file, opml.out.replace('</body>', '<outline text="Folder"><outline text="AI Talks" type="rss" xmlUrl="https://www.youtube.com/feeds/videos.xml?channel_id=UCabcdefghijklmnopqrstuv"/></outline></body>'));
    const other = tempDir();
    const imp = (await engram(['source', 'import', file, '--library', other]));
    expect(imp.code).toBe(0);
    const kinds = JSON.parse((await engram(['source', 'list', '--library', other, '--json'])).out).map((s: { name: string; kind: string; url: string }) => [s.name, s.kind, s.url]);
    expect(kinds).toEqual([['AI Talks', 'youtube', 'https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv'], ['CLI 播客', 'feed', `${server.url}/feed.xml`]]);
    expect((await engram(['source', 'remove', 'CLI 播客', '--library', lib])).code).toBe(0);
    expect(JSON.parse((await engram(['stats', '--library', lib, '--json'])).out).documents).toBe(3);
    expect((await engram(['source', 'remove', 'CLI 播客', '--library', lib])).code).toBe(1);
  });

  it('follows a folder: ingested on add, re-read by update', async () => {
    const l2 = tempDir();
    const add = (await engram(['source', 'add', join(FIXTURES, 'library'), '--library', l2]));
    expect(add.code).toBe(0);
    expect(add.out).toMatch(/following "library" \(folder .*\): 6 documents added/);
    const up = JSON.parse((await engram(['update', '--library', l2, '--json'])).out);
    expect(up.documents.unchanged).toBe(6);
    expect(JSON.parse((await engram(['source', 'list', '--library', l2, '--json'])).out)[0].documents).toBe(6);
  });

  it('has --help on the new commands and refuses a second concurrent update', async () => {
    for (const c of ['source', 'update', 'jobs']) expect((await engram([c, '--help'])).out).toContain(`engram ${c}`);
    expect((await engram(['update', '--every', '5s', '--library', lib])).code).toBe(2);
    writeFileSync(join(lib, 'update.lock'), String(process.ppid)); // a live process
    const busy = (await engram(['update', '--library', lib]));
    expect(busy.code).toBe(2);
    expect(busy.err).toMatch(/another update is running/);
    writeFileSync(join(lib, 'update.lock'), '999999999'); // left by a killed process
    expect((await engram(['update', '--library', lib])).code).toBe(0);
  });
});

describe('engram update --every', () => {
  it('updates, waits for the next round, and stops cleanly on SIGTERM, releasing its lock', async () => {
    const l3 = tempDir();
    expect((await engram(['source', 'add', join(FIXTURES, 'library'), '--library', l3])).code).toBe(0);
    const child = spawn(process.execPath, [BIN, 'update', '--every', '1m', '--library', l3], { env: { ...process.env, ENGRAM_HOME: '', ENGRAM_ASR_URL: '' } });
    let err = '';
    const waiting = new Promise<void>((resolve) => child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d;
      if (/next update at/.test(err)) resolve();
    }));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waiting;
    expect(existsSync(join(l3, 'update.lock'))).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(l3, 'update.lock'))).toBe(false);
  }, 60_000);
});

describe('engram update under kill -9', async () => {
  it('loses nothing and duplicates nothing: the next run resumes where it stopped', async () => {
    const N = 40;
    const speech = speechFile(tempDir(), 'kill', [{ text: 'an episode only the recognizer can read', gap: 0.3 }]);
    const asr = await startFakeAsr();
    asr.episode(speech.pcm, speech.script);
    asr.delayMs = 40;
    const audio = readFileSync(speech.path);
    let server: LocalServer | undefined;
    const items: FeedItem[] = Array.from({ length: N }, (_, i) => i % 4 === 3
      ? { guid: `k${i}`, title: `Episode ${i}`, link: `https://ex.com/k/${i}`, date: pubDate(1 + (i % 28)), enclosure: { url: `/a/${i}.wav`, type: 'audio/wav' } }
      : { guid: `k${i}`, title: `Episode ${i}`, link: `https://ex.com/k/${i}`, date: pubDate(1 + (i % 28)), transcripts: [{ url: `/t/${i}.vtt`, type: 'text/vtt' }] });
    server = await startLocalServer(async (req, res) => {
      await new Promise((r) => setTimeout(r, 15));
      if (req.url === '/feed.xml') {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        return res.end(rss({ title: 'Kill test', language: 'en', items: items.map((it) => ({ ...it, enclosure: it.enclosure && { ...it.enclosure, url: server!.url + it.enclosure.url }, transcripts: it.transcripts?.map((t) => ({ ...t, url: server!.url + t.url })) })) }));
      }
      if (req.url?.startsWith('/t/')) {
        res.writeHead(200, { 'content-type': 'text/vtt' });
        return res.end(`WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nkill test transcript number ${req.url.slice(3, -4)}\n`);
      }
      res.writeHead(200, { 'content-type': 'audio/wav' });
      res.end(audio);
    });
    const lib = tempDir();
    const env = { ...process.env, ENGRAM_HOME: '', ENGRAM_ASR_URL: asr.url };
    expect((await engram(['source', 'add', `${server.url}/feed.xml`, '--library', lib])).code).toBe(0);
    const child = spawn(process.execPath, [BIN, 'update', '--library', lib, '--host-delay-ms', '0'], { stdio: 'ignore', env });
    const db = join(lib, 'library.db');
    const started = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 25));
      const probe = new Database(db, { readonly: true });
      const done = probe.prepare("SELECT count(*) FROM jobs WHERE state = 'ingested'").pluck().get() as number;
      probe.close();
      if (done >= 8 || Date.now() - started > 30_000) break;
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const probe = new Database(db, { readonly: true });
    const partial = probe.prepare("SELECT count(*) FROM jobs WHERE state = 'ingested'").pluck().get() as number;
    expect(probe.pragma('integrity_check', { simple: true })).toBe('ok');
    probe.close();
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(N);
    expect(existsSync(join(lib, 'update.lock'))).toBe(true); // left behind by the killed run: taken over
    const again = (await engramProcess(['update', '--library', lib, '--json', '--host-delay-ms', '0'], { ENGRAM_ASR_URL: asr.url }));
    expect(again.code).toBe(0);
    const report = JSON.parse(again.out);
    expect(report.failed).toEqual([]);
    const check = new Database(db, { readonly: true });
    expect(check.prepare("SELECT state, count(*) AS n FROM jobs GROUP BY state").all()).toEqual([{ state: 'ingested', n: N }]);
    expect(check.prepare('SELECT count(*) FROM documents').pluck().get()).toBe(N);
    expect(check.prepare('SELECT count(*) FROM renditions').pluck().get()).toBe(N);
    expect(check.prepare('SELECT count(*) FROM (SELECT document_id FROM renditions GROUP BY document_id HAVING count(*) > 1)').pluck().get()).toBe(0);
    check.close();
    const files = readdirSync(join(lib, 'sources', 'Kill test'));
    expect(files.filter((f) => f.endsWith('.md'))).toHaveLength(N);
    expect(files.filter((f) => !f.endsWith('.md'))).toEqual([]);
    expect(report.added.length).toBe(N - partial);
  }, 120_000);
});
