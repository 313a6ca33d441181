#!/usr/bin/env node
// A stand-in for the `yt-dlp` executable in tests. It answers the options engram uses the way
// yt-dlp does: `--version`; `--flat-playlist -J` (one JSON object with `entries`); `-J
// --skip-download` (a video's info JSON with `subtitles` and `automatic_captions`);
// `--skip-download --write-subs|--write-auto-subs --sub-langs REGEX --sub-format vtt -o TEMPLATE`
// (writes `TEMPLATE-without-ext.LANG.vtt`, or prints "There are no subtitles for the requested
// languages" and exits 0); `-f FORMAT -o TEMPLATE` (writes the audio). Errors go to stderr as
// `ERROR: [youtube] ID: message` with exit code 1; unknown options exit 2 like yt-dlp's parser.
// The scenario comes from the JSON file named by FAKE_YTDLP; every call is appended to its log.
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';

const scenario = JSON.parse(readFileSync(process.env.FAKE_YTDLP, 'utf8'));
const args = process.argv.slice(2);
if (scenario.log) appendFileSync(scenario.log, JSON.stringify(args) + '\n');

const VALUED = new Set(['--sub-langs', '--sub-format', '-o', '--output', '-f', '--format', '--cookies', '--extractor-args', '--playlist-end']);
const FLAGS = new Set(['--version', '--flat-playlist', '-J', '--dump-single-json', '--skip-download', '--write-subs', '--write-auto-subs', '--no-playlist']);
const opts = {};
const urls = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (VALUED.has(a)) opts[a] = args[++i];
  else if (FLAGS.has(a)) opts[a] = true;
  else if (a.startsWith('-')) {
    process.stderr.write(`Usage: yt-dlp [OPTIONS] URL [URL...]\n\nyt-dlp: error: no such option: ${a}\n`);
    process.exit(2);
  } else urls.push(a);
}
const fail = (msg) => {
  process.stderr.write(`ERROR: ${msg}\n`);
  process.exit(1);
};
if (opts['--version']) {
  // A current release unless the scenario says otherwise: today's date, as yt-dlp versions are.
  process.stdout.write(`${scenario.version ?? new Date().toISOString().slice(0, 10).replace(/-/g, '.')}\n`);
  process.exit(0);
}
const url = urls[0];
if (!url) fail('You must provide at least one URL.\nType yt-dlp --help to see a list of all options.');

if (opts['--flat-playlist']) {
  const channel = scenario.channels?.[url];
  if (!channel) fail(`[youtube:tab] ${url}: This channel does not exist.`);
  if (channel.error) fail(channel.error);
  process.stdout.write(JSON.stringify({
    _type: 'playlist', id: channel.id ?? 'UCfakechannel0000000000', title: `${channel.channel} - Videos`, channel: channel.channel, uploader: channel.channel,
    entries: channel.entries.map((e) => ({ _type: 'url', ie_key: 'Youtube', url: `https://www.youtube.com/watch?v=${e.id}`, ...e })),
  }));
  process.exit(0);
}

const id = /[?&]v=([\w-]{11})/.exec(url)?.[1];
const video = scenario.videos?.[id];
if (!video) fail(`[youtube] ${id}: Video unavailable`);
// Errors that happen a given number of times, then the call succeeds (a passing rate limit).
const countFile = `${process.env.FAKE_YTDLP}.${id}.count`;
let calls = 0;
try { calls = Number(readFileSync(countFile, 'utf8')); } catch { /* first call */ }
writeFileSync(countFile, String(calls + 1));
if (video.error && calls < (video.errorTimes ?? Infinity)) fail(`[youtube] ${id}: ${video.error}`);

const tracks = (kind) => Object.fromEntries(Object.entries(video[kind] ?? {}).map(([lang, t]) => [lang, [
  { ext: 'json3', url: `https://www.youtube.com/api/timedtext?v=${id}&lang=${t.source ?? lang}${t.translated ? `&tlang=${lang}` : ''}&fmt=json3` },
  { ext: 'vtt', url: `https://www.youtube.com/api/timedtext?v=${id}&lang=${t.source ?? lang}${t.translated ? `&tlang=${lang}` : ''}&fmt=vtt`, name: lang },
]]));

if (opts['-J'] || opts['--dump-single-json']) {
  const { subtitles, automatic_captions, error, errorTimes, audio, ...info } = video;
  process.stdout.write(JSON.stringify({ id, webpage_url: `https://www.youtube.com/watch?v=${id}`, ...info, subtitles: tracks('subtitles'), automatic_captions: tracks('automatic_captions') }));
  process.exit(0);
}

const template = opts['-o'] ?? '%(title)s [%(id)s].%(ext)s';
const fill = (ext) => template.replace(/%\(id\)s/g, id).replace(/%\(ext\)s/g, ext).replace(/%\(title\)s/g, video.title ?? id);
if (opts['--write-subs'] || opts['--write-auto-subs']) {
  if (opts['--sub-format'] !== 'vtt') fail('engram asks for vtt subtitles; this stand-in has no other');
  const re = new RegExp(`^(?:${opts['--sub-langs']})$`, 'i');
  const pool = { ...(opts['--write-auto-subs'] ? video.automatic_captions : {}), ...(opts['--write-subs'] ? video.subtitles : {}) };
  const wanted = Object.keys(pool).filter((l) => re.test(l));
  if (wanted.length === 0) {
    process.stdout.write('[info] There are no subtitles for the requested languages\n');
    process.exit(0);
  }
  for (const lang of wanted) {
    if (pool[lang].translated && scenario.translated429) fail(`Unable to download video subtitles for '${lang}': HTTP Error 429: Too Many Requests`);
    const out = fill('vtt').replace(/\.vtt$/, `.${lang}.vtt`);
    writeFileSync(out, pool[lang].vtt);
    process.stdout.write(`[info] Writing video subtitles to: ${out}\n`);
  }
  process.exit(0);
}
if (opts['-f']) {
  if (!video.audio) fail(`[youtube] ${id}: Requested format is not available`);
  const out = fill('wav');
  copyFileSync(video.audio, out);
  process.stdout.write(`[download] Destination: ${out}\n[download] 100% of 1.00MiB\n`);
  process.exit(0);
}
fail('the stand-in does not know this call');
