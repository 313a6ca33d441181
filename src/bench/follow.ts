/**
 * `npm run bench` (follow part; alone: `node dist/bench/follow.js [CORPUS]`), side by side in one run:
 * - peak RSS while a 500 MB enclosure downloads from a local server: the download streams to
 *   disk, so memory must not grow with the file;
 * - `engram update` of a local 300-episode feed whose episodes have publisher transcripts
 *   (WebVTT made from the corpus's podcast transcripts), in items/s, against ingesting the
 *   same transcripts as files (the bound: fetching and writing should cost little on top).
 * Everything is served from 127.0.0.1 by this process; no network.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLibrary } from '../store/db.js';
import { addSource } from '../store/follow.js';
import { update } from '../pipeline/update.js';
import { ingest } from '../pipeline/ingest.js';
import { walk } from '../sources/folder.js';
import { diarizedTranscript } from '../formats/diarized-transcript.js';
import { downloadFile } from '../sources/download.js';
import { HostPacer } from '../sources/pacer.js';

const projectRoot = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const EPISODES = 300;
const ENCLOSURE_BYTES = 500_000_000;

function listen(server: Server): Promise<string> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

const vttTime = (s: number) => new Date(Math.max(0, s) * 1000).toISOString().slice(11, 23);

/** Publisher transcripts as WebVTT, made from the corpus's timed podcast transcripts (or synthetic text without a corpus). */
function transcripts(corpus: string): string[] {
  const files = existsSync(corpus) ? walk([corpus]).files.filter((f) => /transcript(_raw)?\.md$/.test(f.relPath)).map((f) => f.absPath) : [];
  const vtts: string[] = [];
  for (const path of files) {
    const parsed = diarizedTranscript.parse({ relPath: 'transcript.md', absPath: path, text: readFileSync(path, 'utf8') });
    const cues = (parsed.documents[0]?.passages ?? []).filter((p) => p.start !== undefined);
    if (cues.length < 10) continue;
    vtts.push(cues.map((p, i) => `${vttTime(p.start!)} --> ${vttTime(p.end ?? cues[i + 1]?.start ?? p.start! + 5)}\n${p.speaker ? `<v ${p.speaker}>` : ''}${p.text}`).join('\n\n'));
  }
  if (vtts.length === 0) {
    const line = '我们今天讨论稀疏注意力、长上下文和端侧模型的进展, and how scaling laws meet the data wall.';
    vtts.push(Array.from({ length: 400 }, (_, i) => `${vttTime(i * 6)} --> ${vttTime(i * 6 + 6)}\n${line}`).join('\n\n'));
  }
  return Array.from({ length: EPISODES }, (_, i) => `WEBVTT\n\n00:00:00.000 --> 00:00:00.500\n第 ${i} 期 episode ${i}\n\n${vtts[i % vtts.length]}\n`);
}

function rss(base: string): string {
  const items = Array.from({ length: EPISODES }, (_, i) => `<item><title>Episode ${i}</title><guid isPermaLink="false">bench-${i}</guid>
<link>https://bench.example/ep/${i}</link><pubDate>${new Date(Date.UTC(2024, 0, 1 + i)).toUTCString()}</pubDate>
<enclosure url="${base}/audio/${i}.mp3" type="audio/mpeg" length="1000"/><podcast:transcript url="${base}/t/${i}.vtt" type="text/vtt"/></item>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>Bench Show</title><language>zh-cn</language>${items}</channel></rss>`;
}

/** RSS growth while downloading `size` bytes, and the rate. */
async function measureDownload(dir: string, size: number): Promise<{ before: number; peak: number; mbps: number }> {
  const block = Buffer.alloc(1 << 16, 7);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': String(size) });
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const n = Math.min(block.length, size - sent);
        sent += n;
        if (!res.write(n === block.length ? block : block.subarray(0, n))) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  const url = await listen(server);
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const t = performance.now();
  await downloadFile(`${url}/big.mp3`, join(dir, 'big.mp3'), {
    state: {}, pacer: new HostPacer(0), mediaDir: dir, wantAudio: true, maxAudioBytes: 2_000_000_000, retry: { timeoutMs: 600_000 },
  });
  const secs = (performance.now() - t) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  server.close();
  rmSync(join(dir, 'big.mp3'), { force: true });
  return { before, peak, mbps: size / 1e6 / secs };
}

async function downloadBench(dir: string): Promise<string[]> {
  const small = await measureDownload(dir, ENCLOSURE_BYTES / 10);
  const big = await measureDownload(dir, ENCLOSURE_BYTES);
  const mb = (n: number) => (n / 1e6).toFixed(0);
  return [
    `| peak RSS while a 500 MB enclosure downloads (streamed to disk) | ${mb(big.peak)} MB (${mb(big.before)} MB before: +${mb(big.peak - big.before)} MB), ${big.mbps.toFixed(0)} MB/s | same download of 50 MB: +${mb(small.peak - small.before)} MB | 10x the file, ${((big.peak - big.before) / Math.max(1, small.peak - small.before)).toFixed(1)}x the growth: memory does not follow the file size |`,
  ];
}

async function feedBench(dir: string, corpus: string): Promise<string[]> {
  const vtts = transcripts(corpus);
  let base = '';
  const server = createServer((req, res) => {
    const m = /^\/t\/(\d+)\.vtt$/.exec(req.url ?? '');
    if (req.url === '/feed.xml') {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.end(rss(base));
    } else if (m) {
      res.writeHead(200, { 'content-type': 'text/vtt' });
      res.end(vtts[Number(m[1])]);
    } else res.writeHead(404).end();
  });
  base = await listen(server);
  const bytes = vtts.reduce((n, v) => n + Buffer.byteLength(v), 0);

  // engram update: discover, fetch 300 transcripts over HTTP, write them as files, ingest them.
  const libA = join(dir, 'lib-update');
  const dbA = openLibrary(libA);
  addSource(dbA, { name: 'Bench Show', kind: 'feed', url: `${base}/feed.xml` });
  const tu = performance.now();
  const report = await update(dbA, libA, { hostDelayMs: 0, downloads: 4 });
  const updateMs = performance.now() - tu;
  const docsA = dbA.prepare('SELECT count(*) FROM documents').pluck().get() as number;
  dbA.close();
  server.close();

  // The bound: the same transcripts as files on disk, ingested.
  const folder = join(dir, 'vtt');
  mkdirSync(folder);
  vtts.forEach((v, i) => writeFileSync(join(folder, `episode-${String(i).padStart(3, '0')}.vtt`), v));
  const dbB = openLibrary(join(dir, 'lib-ingest'));
  const ti = performance.now();
  const ing = await ingest(dbB, [folder]);
  const ingestMs = performance.now() - ti;
  dbB.close();

  return [
    `| update of a local ${EPISODES}-episode feed with publisher transcripts (${(bytes / 1e6).toFixed(1)} MB WebVTT) | ${(updateMs / 1000).toFixed(1)} s, ${(EPISODES / (updateMs / 1000)).toFixed(1)} items/s (${report.added.length} added, ${report.failed.length} failed, ${docsA} documents) | ingest of the same transcripts as files: ${(ingestMs / 1000).toFixed(1)} s, ${(EPISODES / (ingestMs / 1000)).toFixed(1)} items/s (${ing.documents.added} documents) | ${(updateMs / ingestMs).toFixed(2)}x the ingest (host delay 0; the default 1 s between requests to one host is politeness, not work) |`,
  ];
}

export async function followBench(corpus = resolve(projectRoot, '..', 'shared', 'corpus')): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'engram-bench-follow-'));
  try {
    const download = await downloadBench(dir);
    const feed = await feedBench(dir, corpus);
    return ['| follow measure | engram | peer / bound | ratio |', '|---|---|---|---|', ...feed, ...download];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(`engram follow benchmark\n\n${(await followBench(process.argv[2] ? resolve(process.argv[2]) : undefined)).join('\n')}`);
}
