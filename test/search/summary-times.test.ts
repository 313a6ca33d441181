/**
 * A summary another tool wrote claims times for its quotes that are often wrong (an hour off).
 * Search hits, documents as `show`/the API/MCP read them, and the web pages link a summary
 * passage to where the transcript has its quote — never to the time it claims — and give the
 * claim as the summary's own (`claimed_start`), unlinked, when the quote is not found.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { ingest } from '../../src/pipeline/ingest.js';
import { search } from '../../src/search/search.js';
import { hitJson } from '../../src/search/hit-json.js';
import { findDocumentId, getDocument } from '../../src/store/read.js';
import { checkSummaries, refreshSummaryTimes, staleSummaries, storeSummaryChecks } from '../../src/quotes/refresh.js';
import { checkSummariesAside } from '../../src/quotes/refresh-thread.js';
import { openLibrary } from '../../src/store/db.js';
import { retrieve } from '../../src/pipeline/ask-retrieve.js';
import { summaryPassageTimes } from '../../src/quotes/times.js';
import { summarizeDocument } from '../../src/pipeline/summarize.js';
import { createApp } from '../../src/server/app.js';
import { main } from '../../src/cli/main.js';
import { tempDir, tempLibrary } from '../helpers.js';

const VIDEO = 'Lh7Kp2Qw9Xz';
const WATCH = `https://www.youtube.com/watch?v=${VIDEO}`;

const header = (title: string) => [`# ${title}`, '', '**Podcast:** North Coast Hours', '**Date:** 2024-03-02', `**Video ID:** ${VIDEO}`, `**Video URL:** ${WATCH}`, ''];

/** The glass quote is said at 25:40; the summary puts it at 1:25:40. */
function transcript(glassAt = '00:25:40'): string {
  return [
    ...header('Keepers of the north light'),
    '---',
    '',
    '[00:00:00] Ada Brook: Welcome back. Today we talk about the lighthouse keepers of the north coast.',
    '[00:00:09] Ben Ortiz: Thanks. My grandfather kept the light at Gull Point for thirty years.',
    `[${glassAt}] Ben Ortiz: The lamp was never the hard part; the hard part was keeping the glass clean through a winter storm.`,
    '[00:40:00] Ben Ortiz: We logged every ship that passed, even on the foggiest nights.',
    '',
  ].join('\n');
}

const SUMMARY = [
  `# [Keepers of the north light](${WATCH})`,
  '',
  '**Podcast:** North Coast Hours',
  '**Date:** 2024-03-02',
  '**Participants:** Ada Brook, Ben Ortiz',
  `**Video URL:** ${WATCH}`,
  '**Transcript:** [View Transcript](./transcript.md)',
  '',
  '---',
  '',
  '## Upkeep',
  '',
  'Ortiz calls upkeep the true craftsmanship: "The lamp was never the hard part; the hard part was keeping the glass clean through a winter storm." [01:25:40]',
  '',
  '## Solitude',
  '',
  'On loneliness and temperament: "Every keeper secretly hoped for a quiet life far from any harbour town." [00:40:00]',
  '',
  '- Marmalade and biscuits were rationed each December [00:12:00]',
  '',
].join('\n');

describe('summary passages link to where the transcript has their quote', () => {
  const { db, dir } = tempLibrary();
  const root = tempDir();
  const folder = join(root, 'north-coast', 'keepers');
  let id: number;
  let app: Hono;
  const get = async (path: string) => {
    const res = await app.request(path, { headers: { host: 'localhost:3647' } });
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'transcript.md'), transcript());
    writeFileSync(join(folder, 'summary.md'), SUMMARY);
    await ingest(db, [root]);
    id = findDocumentId(db, VIDEO)!;
    app = createApp({ db });
  });

  it('a verified quote links to the transcript\'s time, not the hour-off claim', () => {
    const hit = search(db, 'upkeep craftsmanship').hits[0]!;
    expect(hit.document.id).toBe(id);
    expect(hit.passage!.rendition).toBe('summary');
    expect(hit.passage!.start).toBe(1540);
    expect(hit.passage!.link).toBe(`${WATCH}&t=1540s`);
    expect(hit.passage!.claimedStart).toBe(5140);
    const json = hitJson(hit);
    expect(json.passage).toMatchObject({ start: 1540, end: null, link: `${WATCH}&t=1540s`, claimed_start: 5140 });
    // Same keys as before, plus claimed_start.
    expect(Object.keys(json.passage!)).toEqual(['id', 'text', 'start', 'end', 'speaker', 'rendition', 'link', 'claimed_start']);
  });

  it('a quote not found, or a point that quotes nobody, is not linked to the time it claims', () => {
    for (const q of ['loneliness temperament', 'marmalade biscuits']) {
      const p = search(db, q).hits[0]!.passage!;
      expect(p.rendition).toBe('summary');
      expect(p.start).toBeNull();
      expect(p.link).toBe(WATCH); // the media, not a moment
      expect(p.claimedStart).toBe(q.startsWith('lone') ? 2400 : 720);
    }
  });

  it("ask's citations carry the checked times too", async () => {
    const { passages } = await retrieve(db, 'why is upkeep the true craftsmanship of a lighthouse keeper?');
    const cited = passages.filter((p) => p.rendition === 'summary');
    expect(cited.length).toBeGreaterThan(0);
    for (const p of cited) {
      if (p.text.includes('glass clean')) expect(p).toMatchObject({ start: 1540, end: null, link: `${WATCH}&t=1540s` });
      else expect(p).toMatchObject({ start: null, link: WATCH });
    }
  });

  it('transcript passages keep their own times', () => {
    const hit = search(db, 'foggiest nights ship logged').hits[0]!;
    expect(hit.passage!.rendition).toBe('transcript');
    expect(hit.passage!).toMatchObject({ start: 2400, link: `${WATCH}&t=2400s`, claimedStart: null });
  });

  it('documents as show, the API and MCP read them carry the checked times', () => {
    const doc = getDocument(db, id)!;
    const summary = doc.renditions.find((r) => r.kind === 'summary')!;
    const glass = summary.passages!.find((p) => p.text.includes('glass clean'))!;
    expect(glass).toMatchObject({ start: 1540, end: null, claimedStart: 5140, link: `${WATCH}&t=1540s` });
    const lonely = summary.passages!.find((p) => p.text.includes('quiet life'))!;
    expect(lonely).toMatchObject({ start: null, claimedStart: 2400, link: null });
    const transcriptPassages = doc.renditions.find((r) => r.kind === 'transcript')!.passages!;
    expect(transcriptPassages.find((p) => p.text.includes('glass clean'))).toMatchObject({ start: 1540, link: `${WATCH}&t=1540s` });
    expect(transcriptPassages.every((p) => p.claimedStart === undefined)).toBe(true);
  });

  it('the web search and document pages never link the claimed moment', async () => {
    const hits = await get(`/search?q=${encodeURIComponent('upkeep craftsmanship')}`);
    expect(hits).toContain('t=1540s');
    expect(hits).not.toContain('t=5140s');
    const unverified = await get(`/search?q=${encodeURIComponent('loneliness temperament')}`);
    expect(unverified).not.toContain('t=2400s');
    expect(unverified).toContain('summary says 40:00 (unverified)');
    const summary = getDocument(db, id, { passages: false })!.renditions.find((r) => r.kind === 'summary')!;
    const page = await get(`/documents/${id}?rendition=${summary.id}`);
    expect(page).toMatch(/class="ts-inline" href="https:\/\/www\.youtube\.com\/watch\?v=Lh7Kp2Qw9Xz&amp;t=1540s"/);
    expect(page).not.toMatch(/t=5140s/);
    expect(page).not.toContain('t=2400s');
    expect(page).not.toContain('t=720s');
  });

  it('the CLI prints the verified time, and an unverified one as the summary\'s', async () => {
    const run = async (...args: string[]) => {
      const out = new PassThrough();
      let text = '';
      out.on('data', (c) => (text += c));
      expect(await main(['search', ...args, '--library', dir], { out, err: new PassThrough(), stdin: new PassThrough(), env: {} })).toBe(0);
      return text;
    };
    const verified = await run('upkeep craftsmanship');
    expect(verified).toContain(' · 25:40');
    expect(verified).toContain(`${WATCH}&t=1540s`);
    expect(verified).not.toContain('5140');
    const unverified = await run('loneliness temperament');
    expect(unverified).toContain('summary says 40:00, unverified');
    expect(unverified).not.toContain('t=2400s');
    const json = JSON.parse(await run('upkeep craftsmanship', '--json'));
    expect(json[0].passage).toMatchObject({ start: 1540, link: `${WATCH}&t=1540s`, claimed_start: 5140 });
  });

  it('a check made against other transcripts gives no time until it is made again', async () => {
    // The transcript changes: the quote is now said at 30:00.
    writeFileSync(join(folder, 'transcript.md'), transcript('00:30:00'));
    const glassId = () => getDocument(db, id)!.renditions.find((r) => r.kind === 'summary')!.passages!.find((p) => p.text.includes('glass clean'))!.id;
    // Stale: the stored check was made against the old transcript.
    db.prepare("UPDATE renditions SET content_hash = 'changed' WHERE document_id = ? AND kind = 'transcript'").run(id);
    expect(summaryPassageTimes(db, [glassId()]).get(glassId())).toEqual({ start: null, claimedStart: 5140 });
    await ingest(db, [root]);
    expect(search(db, 'upkeep craftsmanship').hits[0]!.passage).toMatchObject({ start: 1800, link: `${WATCH}&t=1800s`, claimedStart: 5140 });
    // Nothing out of date: nothing checked again.
    expect(refreshSummaryTimes(db).summaries).toBe(0);
    db.prepare('DELETE FROM summary_checks').run();
    expect(search(db, 'upkeep craftsmanship').hits[0]!.passage!.start).toBeNull();
    // Progress is told after each summary checked (`engram forget` draws it on a terminal).
    const progress: [number, number][] = [];
    expect(refreshSummaryTimes(db, undefined, (done, total) => progress.push([done, total]))).toMatchObject({ summaries: 1, timed: 1 });
    expect(progress).toEqual([[1, 1]]);
    expect(search(db, 'upkeep craftsmanship').hits[0]!.passage!.start).toBe(1800);
  });

  it('an ingest with parse workers checks in a thread of its own, with the same times', async () => {
    const threaded = openLibrary(tempDir());
    await ingest(threaded, [root], { workers: 1 });
    const times = (d: typeof db) => d.prepare('SELECT p.text, t.start, t.status FROM summary_times t JOIN passages p ON p.id = t.passage_id ORDER BY p.text').all();
    expect(times(threaded)).toEqual(times(db));
    expect(times(threaded)).toHaveLength(1);
    // In a thread or not, the same checks (the thread needs the compiled dist/ of `npm test`).
    threaded.prepare('DELETE FROM summary_checks').run();
    const stale = staleSummaries(threaded);
    const inline = checkSummaries(threaded, stale);
    expect(await checkSummariesAside(threaded).store()).toEqual({ summaries: 1, timed: 1 });
    expect(times(threaded)).toEqual(times(db));
    // A check made against texts the library no longer has is not stored.
    threaded.prepare('DELETE FROM summary_checks').run();
    threaded.prepare("UPDATE renditions SET content_hash = 'rewritten' WHERE document_id = ? AND kind = 'summary'").run(findDocumentId(threaded, VIDEO));
    expect(storeSummaryChecks(threaded, inline)).toEqual({ summaries: 0, timed: 0 });
    threaded.close();
  });

  it('the thread and the writer share the checks of many documents, each checked once', async () => {
    // Six episodes (other video ids): the thread takes documents from a shared counter, and
    // the writer takes those left once it calls `store()`; whoever takes one, the same times.
    const many = tempDir();
    const ids = ['Ab1Cd2Ef3Gh', 'Ij4Kl5Mn6Op', 'Qr7St8Uv9Wx', 'Yz0Ab1Cd2Ef', 'Gh3Ij4Kl5Mn', 'Op6Qr7St8Uv'];
    for (const [n, video] of ids.entries()) {
      const episode = join(many, 'north-coast', `episode-${n}`);
      mkdirSync(episode, { recursive: true });
      writeFileSync(join(episode, 'transcript.md'), transcript(`00:2${n}:40`).replaceAll(VIDEO, video));
      writeFileSync(join(episode, 'summary.md'), SUMMARY.replaceAll(VIDEO, video));
    }
    const shared = openLibrary(tempDir());
    await ingest(shared, [many]);
    const times = () => shared.prepare('SELECT p.document_id, t.start, t.status FROM summary_times t JOIN passages p ON p.id = t.passage_id ORDER BY 1').all();
    const inline = times();
    expect(inline).toHaveLength(ids.length);
    expect(new Set(inline.map((r) => (r as { start: number }).start)).size).toBe(ids.length);
    shared.prepare('DELETE FROM summary_checks').run();
    shared.prepare('DELETE FROM summary_times').run();
    expect(await checkSummariesAside(shared).store()).toEqual({ summaries: ids.length, timed: ids.length });
    expect(times()).toEqual(inline);
    shared.close();
  });

  it("engram's own summaries keep the transcript's times they were written with", async () => {
    await summarizeDocument(db, id, { lang: 'en', libraryDir: dir });
    const extractive = getDocument(db, id)!.renditions.find((r) => r.generated?.task === 'extractive')!;
    const timed = extractive.passages!.filter((p) => p.start != null);
    expect(timed.length).toBeGreaterThan(0);
    for (const p of timed) {
      expect(p.claimedStart).toBeUndefined();
      expect(p.link).toBe(`${WATCH}&t=${Math.floor(p.start!)}s`);
    }
  });
});
