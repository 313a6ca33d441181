/**
 * `engram digest` end to end: files written where asked, a mail that reaches a real SMTP
 * server on 127.0.0.1 with both parts, and the failures (wrong password, refused recipient,
 * no server configured) ending with the documented exit codes.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { FIXTURES, tempDir } from '../helpers.js';
import { runCli } from '../support/run-cli.js';
import { startSmtpServer } from '../support/smtp-server.js';
import { digestArchive } from '../../src/formats/digest-archive.js';
import { localDate } from '../../src/cli/dates.js';

describe('engram digest', async () => {
  const lib = tempDir();
  const out = tempDir('engram-digest-');
  const ingested = await runCli(['ingest', join(FIXTURES, 'library'), '--library', lib]);
  const smtp = await startSmtpServer();

  it('ingested the fixture library', () => expect(ingested.code).toBe(0));

  it('md to a folder: an index page and archive pages that parse back', async () => {
    const r = await runCli(['digest', '--library', lib, '--format', 'md', '--out', join(out, 'archive')]);
    expect(r.code).toBe(0);
    expect(readdirSync(join(out, 'archive')).sort()).toEqual(['01.md', 'index.md']);
    const page = readFileSync(join(out, 'archive', '01.md'), 'utf8');
    const docs = digestArchive.parse({ relPath: '01.md', absPath: '', text: page }).documents;
    expect(docs).toHaveLength(6);
    // A podcast episode comes back as its URL, the key of the episode's own files (ingesting the page joins them).
    expect(docs.filter((d) => d.key.startsWith('url:')).map((d) => [d.key, d.url])).toEqual([[expect.stringMatching(/^url:https:\/\//), expect.stringMatching(/^https:\/\//)]]);
    expect(readFileSync(join(out, 'archive', 'index.md'), 'utf8')).toContain('](01.md)');
  });

  it('md to FILE.md: the index there, pages beside it', async () => {
    const r = await runCli(['digest', '--library', lib, '--out', join(out, 'week.md'), '--since', '2025-04-01', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ format: 'md', entries: 4, since: '2025-04-01', written: [join(out, 'week.md'), join(out, 'week-01.md')] });
    expect(readFileSync(join(out, 'week.md'), 'utf8')).toContain('](week-01.md)');
  });

  it('atom and rss to stdout, one source', async () => {
    const atom = await runCli(['digest', '--library', lib, '--format', 'atom', '--source', '测试播客']);
    expect(atom.code).toBe(0);
    expect(atom.out).toMatch(/^<\?xml/);
    expect(atom.out.match(/<entry>/g)).toHaveLength(1);
    const rss = await runCli(['digest', '--library', lib, '--format', 'rss', '--last', '7d']);
    expect(rss.code).toBe(0);
    expect(rss.out).toContain('<rss version="2.0"');
  });

  it('--last runs through today (a post dated in the future is not among the last days)', async () => {
    const r = await runCli(['digest', '--library', lib, '--out', join(out, 'last.md'), '--last', '36500d', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).until).toBe(localDate(new Date()));
    expect((await runCli(['digest', '--library', lib, '--last', '99999999d'])).code).toBe(2);
  });

  it('sends an email with HTML and plain-text parts through SMTP', async () => {
    const r = await runCli(['digest', '--library', lib, '--format', 'email', '--to', 'reader@example.com', '--since', '2025-04-01'], { ENGRAM_SMTP_URL: smtp.url });
    expect(r.err).toContain('sent 4 entries to reader@example.com');
    expect(r.err).not.toContain('s3cret');
    expect(r.code).toBe(0);
    expect(smtp.received).toHaveLength(1);
    const got = smtp.received[0]!;
    expect(got).toMatchObject({ to: ['reader@example.com'], user: 'digest', from: 'reader@example.com' });
    const mail = await simpleParser(got.raw);
    expect(mail.subject).toBe('engram digest — since 2025-04-01 (4 entries)');
    expect(mail.text).toContain('稀疏注意力机制新突破');
    expect(mail.text).toContain('https://www.youtube.com/watch?v=Ab3dEf9hIj0');
    expect(mail.html).toContain('<img src="https://img.youtube.com/vi/Ab3dEf9hIj0/hqdefault.jpg"');
  });

  it('--dry-run writes the message to a file and sends nothing', async () => {
    const before = smtp.received.length;
    const path = join(out, 'digest.eml');
    const r = await runCli(['digest', '--library', lib, '--format', 'email', '--dry-run', '--to', 'a@example.com', '--out', path], { ENGRAM_SMTP_URL: smtp.url });
    expect(r.code).toBe(0);
    expect(smtp.received.length).toBe(before);
    const mail = await simpleParser(readFileSync(path));
    expect(mail.to).toMatchObject({ text: 'a@example.com' });
    expect(mail.text).toContain('6 entries');
  });

  it('failures end with exit 1 and say what the server said; nothing configured is a usage error', async () => {
    const badPass = smtp.url.replace('s3cret', 'wrong');
    const auth = await runCli(['digest', '--library', lib, '--format', 'email', '--to', 'x@example.com', '--smtp-url', badPass]);
    expect(auth.code).toBe(1);
    expect(auth.err).toMatch(/sending through smtp:\/\/digest:\*\*\*@127\.0\.0\.1:\d+.* failed: .*Invalid username or password/);
    const refused = await runCli(['digest', '--library', lib, '--format', 'email', '--to', 'nobody@reject.test', '--smtp-url', smtp.url]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('mailbox unavailable');
    const none = await runCli(['digest', '--library', lib, '--format', 'email', '--to', 'x@example.com']);
    expect(none.code).toBe(2);
    expect(none.err).toContain('ENGRAM_SMTP_URL');
  });

  it('an empty period sends no mail; bad flags are usage errors', async () => {
    const before = smtp.received.length;
    const empty = await runCli(['digest', '--library', lib, '--format', 'email', '--to', 'x@example.com', '--since', '2031-01-01', '--smtp-url', smtp.url]);
    expect(empty.code).toBe(0);
    expect(empty.err).toContain('no mail sent');
    expect(smtp.received.length).toBe(before);
    // Printed to the terminal, an empty period says so (the output itself is empty).
    const md = await runCli(['digest', '--library', lib, '--since', '2031-01-01']);
    expect([md.code, md.out, md.err.trim()]).toEqual([0, '', 'nothing in this period']);
    expect((await runCli(['digest', '--library', lib, '--format', 'pdf'])).code).toBe(2);
    expect((await runCli(['digest', '--library', lib, '--last', 'yesterday'])).code).toBe(2);
    expect((await runCli(['digest', '--library', lib, '--format', 'email'])).code).toBe(2);
    expect((await runCli(['digest', '--library', lib, '--source', 'no such source'])).code).toBe(2);
    expect(existsSync(join(process.cwd(), `engram-digest-${new Date().toISOString().slice(0, 10)}.eml`))).toBe(false);
  });

  it('links to the web app at --base-url, else ENGRAM_PUBLIC_URL, else config.json "publicUrl" (as `engram serve --public-url`)', async () => {
    const ids = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const r = await runCli(['digest', '--library', lib, '--format', 'atom', ...args], env);
      expect(r.code).toBe(0);
      const found = [...r.out.matchAll(/<id>([^<]*)\/documents\/\d+<\/id>/g)].map((m) => m[1]);
      expect(found.length).toBeGreaterThan(0);
      return [...new Set(found)];
    };
    expect(await ids([])).toEqual(['http://127.0.0.1:3647']);
    const env = { ENGRAM_PUBLIC_URL: 'https://from-env.example/' };
    expect(await ids([], env)).toEqual(['https://from-env.example']);
    expect(await ids(['--base-url', 'https://from-flag.example'], env)).toEqual(['https://from-flag.example']);
    const config = join(lib, 'config.json');
    writeFileSync(config, JSON.stringify({ publicUrl: 'https://from-config.example' }));
    try {
      expect(await ids([])).toEqual(['https://from-config.example']);
      expect(await ids([], env)).toEqual(['https://from-env.example']);
    } finally {
      rmSync(config);
    }
    const bad = await runCli(['digest', '--library', lib, '--format', 'atom', '--base-url', '127.0.0.1:3647']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^engram digest: --base-url: "127\.0\.0\.1:3647" is not/);
    const badEnv = await runCli(['digest', '--library', lib, '--format', 'atom'], { ENGRAM_PUBLIC_URL: 'https://kb.example.com/engram' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.err).toMatch(/ENGRAM_PUBLIC_URL: .* has a path/);
  });
});
