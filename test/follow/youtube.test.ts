import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { update } from '../../src/pipeline/update.js';
import { addSource, listJobs } from '../../src/store/follow.js';
import { chooseTrack, checkYtDlp, listingUrl } from '../../src/sources/youtube.js';
import { openAiRecognizer } from '../../src/providers/asr.js';
import { search } from '../../src/search/search.js';
import { startFakeAsr } from '../support/fake-asr.js';
import { speechFile } from '../support/audio.js';
import { FIXTURES, tempDir, tempLibrary } from '../helpers.js';

const FAKE = join(import.meta.dirname, '..', 'support', 'fake-yt-dlp.mjs');
const FAST = { hostDelayMs: 0, retryBaseMs: 1, http: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 5000 } };
const CHANNEL = 'https://www.youtube.com/@aitalks';
const manualVtt = 'WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n大家好，今天聊混合专家模型。\n\n00:00:04.000 --> 00:00:07.000\n路由崩塌是最大的问题。\n';
const autoVtt = readFileSync(join(FIXTURES, 'follow', 'auto-captions.en.vtt'), 'utf8');
const translatedVtt = 'WEBVTT\n\n00:00:00.160 --> 00:00:05.000\n欢迎回到节目（机器翻译）\n';

/** Writes a scenario for the stand-in and returns the environment that points at it. */
function scenario(dir: string, s: object): { path: string; log: string } {
  const path = join(dir, `scenario-${Math.random().toString(36).slice(2)}.json`);
  const log = `${path}.log`;
  writeFileSync(path, JSON.stringify({ log, ...s }));
  process.env.FAKE_YTDLP = path;
  return { path, log };
}
const calls = (log: string) => readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);

describe('subtitle track choice', () => {
  const tl = (lang: string, tlang?: string) => [{ ext: 'vtt', url: `https://www.youtube.com/api/timedtext?lang=${lang}${tlang ? `&tlang=${tlang}` : ''}` }];
  it('prefers manual zh-Hans, zh-Hant, en — the spoken language first among them', () => {
    expect(chooseTrack({ subtitles: { en: tl('en'), 'zh-Hans': tl('zh-Hans'), fr: tl('fr') } })).toEqual({ lang: 'zh-Hans', auto: false });
    expect(chooseTrack({ language: 'en', subtitles: { en: tl('en'), 'zh-Hans': tl('zh-Hans') } })).toEqual({ lang: 'en', auto: false });
    expect(chooseTrack({ subtitles: { 'zh-TW': tl('zh-TW'), live_chat: tl('live_chat') } })).toEqual({ lang: 'zh-TW', auto: false });
  });
  it('else the original-language automatic track, never a machine translation', () => {
    const auto = { 'en-orig': tl('en'), en: tl('en'), 'zh-Hans': tl('en', 'zh-Hans'), 'de-en': tl('en', 'de') };
    expect(chooseTrack({ subtitles: { fr: tl('fr') }, automatic_captions: auto, language: 'en' })).toEqual({ lang: 'en-orig', auto: true });
    expect(chooseTrack({ automatic_captions: { en: tl('en'), 'zh-Hans': tl('en', 'zh-Hans') }, language: 'en' })).toEqual({ lang: 'en', auto: true });
    expect(chooseTrack({ automatic_captions: { 'zh-Hans': tl('en', 'zh-Hans') }, language: 'en' })).toBeUndefined();
    expect(chooseTrack({ automatic_captions: { 'zh-Hans': tl('en', 'zh-Hans') } })).toBeUndefined();
  });
  it('lists a channel\'s videos tab, playlists as they are', () => {
    expect(listingUrl('https://www.youtube.com/@aitalks')).toBe('https://www.youtube.com/@aitalks/videos');
    expect(listingUrl('https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv/')).toBe('https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv/videos');
    expect(listingUrl('https://www.youtube.com/playlist?list=PL123')).toBe('https://www.youtube.com/playlist?list=PL123');
  });
});

describe('following a YouTube channel through yt-dlp', () => {
  const dir = tempDir();
  const lib = tempLibrary();
  let log: string;
  let report: Awaited<ReturnType<typeof update>>;
  beforeAll(async () => {
    const speech = speechFile(dir, 'v', [{ text: 'A video with no captions at all', gap: 0.5 }, { text: 'is transcribed from its audio', gap: 0.3 }]);
    const asr = await startFakeAsr();
    asr.episode(speech.pcm, speech.script);
    ({ log } = scenario(dir, {
      channels: {
        [`${CHANNEL}/videos`]: {
          channel: 'AI Talks',
          entries: [
            { id: 'Manual00001', title: '混合专家模型', timestamp: 1741000000, duration: 600 },
            { id: 'AutoCap0001', title: 'Scaling laws', timestamp: 1740900000, duration: 900 },
            { id: 'NoSubs00001', title: 'No captions', timestamp: 1740800000 },
            { id: 'Upcoming001', title: 'Premiere next week', live_status: 'is_upcoming' },
            { id: 'Members0001', title: 'For members', availability: 'subscriber_only' },
          ],
        },
      },
      videos: {
        Manual00001: { title: '混合专家模型', channel: 'AI Talks', upload_date: '20250303', language: 'zh', subtitles: { 'zh-Hans': { vtt: manualVtt }, en: { vtt: 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nwrong track\n' } } },
        AutoCap0001: { title: 'Scaling laws', channel: 'AI Talks', upload_date: '20250302', language: 'en', automatic_captions: { 'en-orig': { vtt: autoVtt, source: 'en' }, en: { vtt: autoVtt }, 'zh-Hans': { vtt: translatedVtt, translated: true, source: 'en' } } },
        NoSubs00001: { title: 'No captions', channel: 'AI Talks', upload_date: '20250301', language: 'en', audio: speech.path },
      },
    }));
    addSource(lib.db, { name: 'AI Talks', kind: 'youtube', url: CHANNEL });
    report = await update(lib.db, lib.dir, { ...FAST, ytdlp: { path: FAKE, cookies: '/tmp/cookies.txt' }, recognizer: openAiRecognizer({ url: asr.url }) });
  });

  it('adds videos by manual subtitles, original-language captions, or recognized audio', () => {
    expect(report.sources[0]).toMatchObject({ discovered: 5 });
    expect(report.added.map((a) => a.title).sort()).toEqual(['No captions', 'Scaling laws', '混合专家模型']);
    expect(report.skipped.map((s) => [s.title, s.reason]).sort()).toEqual([['For members', 'members-only'], ['Premiere next week', 'upcoming']]);
    expect(report.failed).toEqual([]);
    const doc = (id: string) => lib.db.prepare('SELECT d.title, d.date, d.url, s.name AS source FROM documents d JOIN sources s ON s.id = d.source_id WHERE d.key = ?').get(`youtube:${id}`);
    expect(doc('Manual00001')).toEqual({ title: '混合专家模型', date: '2025-03-03', url: 'https://www.youtube.com/watch?v=Manual00001', source: 'AI Talks' });
    expect(search(lib.db, '路由崩塌').hits[0]!.passage.link).toBe('https://www.youtube.com/watch?v=Manual00001&t=1s');
  });

  it('de-duplicates rolling automatic captions and never takes a translated track', () => {
    const text = lib.db.prepare("SELECT group_concat(p.text, ' ') FROM passages p JOIN documents d ON d.id = p.document_id WHERE d.key = 'youtube:AutoCap0001'").pluck().get();
    expect(text).toBe('welcome back to the show today we talk about scaling laws and data');
    const subCalls = calls(log).filter((a) => a.includes('--sub-langs'));
    expect(subCalls.map((a) => a[a.indexOf('--sub-langs') + 1])).toEqual(expect.arrayContaining(['zh-Hans', 'en-orig']));
    expect(subCalls.every((a) => a.includes('--skip-download') && a[a.indexOf('--sub-format') + 1] === 'vtt')).toBe(true);
    expect(calls(log).some((a) => a.includes('zh-Hans') && a.includes('--write-auto-subs'))).toBe(false);
  });

  it('lists without downloading, and passes the cookies file', () => {
    const listing = calls(log).find((a) => a.includes('--flat-playlist'))!;
    expect(listing).toEqual(expect.arrayContaining(['-J', `${CHANNEL}/videos`, '--cookies', '/tmp/cookies.txt']));
    expect(calls(log).filter((a) => a.includes('-f')).length).toBe(1); // audio only for the video without captions
  });

  it('brings an upcoming premiere back once it is published', async () => {
    const s = JSON.parse(readFileSync(process.env.FAKE_YTDLP!, 'utf8'));
    s.channels[`${CHANNEL}/videos`].entries[3] = { id: 'Upcoming001', title: 'Premiere next week', timestamp: 1741100000 };
    s.videos.Upcoming001 = { title: 'Premiere next week', upload_date: '20250304', language: 'en', subtitles: { en: { vtt: 'WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nthe premiere is out\n' } } };
    writeFileSync(process.env.FAKE_YTDLP!, JSON.stringify(s));
    const r = await update(lib.db, lib.dir, { ...FAST, ytdlp: { path: FAKE } });
    expect(r.added.map((a) => a.title)).toEqual(['Premiere next week']);
    expect(listJobs(lib.db, { states: ['skipped'] }).map((j) => j.title)).toEqual(['For members']);
  });
});

describe('when YouTube or yt-dlp says no', () => {
  const dir = tempDir();
  const video = (extra: object) => ({ title: 'T', upload_date: '20250301', language: 'en', subtitles: { en: { vtt: 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello there\n' } }, ...extra });
  const channel = (ids: string[]) => ({ [`${CHANNEL}/videos`]: { channel: 'AI Talks', entries: ids.map((id) => ({ id, title: id })) } });

  it('recognizes "confirm you\'re not a bot": retried later with advice on cookies, never failed for good', async () => {
    const lib = tempLibrary();
    scenario(dir, { channels: channel(['BotCheck001', 'Fine0000001']), videos: { BotCheck001: video({ error: 'Sign in to confirm you’re not a bot. Use --cookies-from-browser or --cookies for the authentication. See  https://github.com/yt-dlp/yt-dlp/wiki/FAQ#how-do-i-pass-cookies-to-yt-dlp  for how to manually pass cookies', errorTimes: 3 }), Fine0000001: video({}) } });
    addSource(lib.db, { name: 'bots', kind: 'youtube', url: CHANNEL });
    const r = await update(lib.db, lib.dir, { ...FAST, ytdlp: { path: FAKE }, downloads: 1, recognitions: 1 });
    const bot = r.failed.find((f) => f.title === 'BotCheck001')!;
    expect(bot.reason).toMatch(/confirm you're not a bot/);
    expect(bot.hint).toMatch(/--cookies FILE/);
    expect(bot.permanent).toBe(false);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 40)); // past the backoff (a few ms with retryBaseMs 1)
      await update(lib.db, lib.dir, { ...FAST, ytdlp: { path: FAKE } });
    }
    const job = listJobs(lib.db, {}).find((j) => j.itemKey === 'BotCheck001')!;
    expect(job.state).toBe('ingested');
    expect(job.attempts).toBe(0);
  });

  it('treats HTTP 429 on subtitles as a rate limit, and reports private videos as permanent', async () => {
    const lib = tempLibrary();
    scenario(dir, { channels: channel(['Private0001', 'Limited0001']), videos: {
      Private0001: video({ error: 'Private video. Sign in if you\'ve been granted access to this video' }),
      Limited0001: video({ error: 'Unable to download video subtitles for \'en\': HTTP Error 429: Too Many Requests', errorTimes: 1 }),
    } });
    addSource(lib.db, { name: 'mixed', kind: 'youtube', url: CHANNEL });
    const r = await update(lib.db, lib.dir, { ...FAST, ytdlp: { path: FAKE }, downloads: 1, recognitions: 1 });
    const by = Object.fromEntries(r.failed.map((f) => [f.title, f]));
    expect(by.Private0001!.permanent).toBe(true);
    expect(by.Limited0001?.reason ?? r.deferred.find((d) => d.title === 'Limited0001')?.reason).toMatch(/rate-limiting|429/);
  });

  it('says how to install a current yt-dlp when it is missing or too old', async () => {
    const lib = tempLibrary();
    addSource(lib.db, { name: 'none', kind: 'youtube', url: CHANNEL });
    const r = await update(lib.db, lib.dir, { ...FAST, ytdlp: { path: join(dir, 'no-such-yt-dlp') } });
    expect(r.sources[0]!.error).toMatch(/yt-dlp not found/);
    expect(r.sources[0]!.hint).toMatch(/pip install --user -U "yt-dlp\[default\]".*ENGRAM_YTDLP/);
    scenario(dir, { version: '2023.03.04' });
    const old = join(dir, 'old-yt-dlp');
    symlinkSync(FAKE, old);
    await expect(checkYtDlp(old, new Date('2026-01-01'))).rejects.toThrow(/2023\.03\.04 is \d+ days old: too old/);
  });
});
