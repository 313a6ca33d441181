/**
 * The `email` digest: a MIME message (multipart/alternative: a plain-text part and the HTML
 * page of html.ts) built by nodemailer. `engram digest --format email --dry-run` writes it as
 * an .eml file; otherwise it goes through SMTP (`ENGRAM_SMTP_URL`, e.g.
 * `smtp://user:pass@host:587`; `smtps://` for implicit TLS on 465), exactly as rendered.
 */
import { createTransport } from 'nodemailer';
import { redact } from '../providers/http.js';
import { digestHeading, entryLink, type Digest, type DigestRenderer, type RenderContext } from './digest.js';
import { countLabel, digestHtml, entryMeta } from './html.js';

/** The plain-text part: numbered entries with meta line, link and summary. */
export function digestText(digest: Digest, ctx: RenderContext): string {
  const heading = digestHeading(digest);
  const out = [heading, '='.repeat(Math.min(72, [...heading].length)), countLabel(digest.entries.length), ''];
  if (!digest.entries.length) out.push('Nothing new in this period.', '');
  digest.entries.forEach((e, i) => {
    const link = entryLink(e, ctx);
    out.push(`${i + 1}. ${e.title}`, `   ${entryMeta(e)}`);
    if (link) out.push(`   ${link}`);
    for (const p of e.summary) out.push('', `   ${p}`);
    out.push('', '');
  });
  return out.join('\n').trimEnd() + '\n';
}

export function subjectOf(digest: Digest): string {
  return `${digestHeading(digest)} (${countLabel(digest.entries.length)})`;
}

export const emailRenderer: DigestRenderer = {
  format: 'email',
  async render(digest, ctx) {
    // The stream transport only builds the message (no network): the same bytes a send uses.
    const composer = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
    const info = await composer.sendMail({
      from: ctx.from ?? 'engram <engram@localhost>',
      to: ctx.to?.length ? ctx.to : undefined,
      subject: subjectOf(digest),
      date: digest.generated,
      text: digestText(digest, ctx),
      html: digestHtml(digest, ctx),
    });
    return [{ name: 'digest.eml', type: 'message/rfc822', content: (info.message as Buffer).toString('utf8') }];
  },
};

export interface SendOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered), `smtps://…:465` (TLS). */
  smtpUrl: string;
  from: string;
  to: string[];
  /** Per-step timeout (connect, greeting, each command). */
  timeoutMs?: number;
}

/** Sends a rendered message through SMTP. Errors name the server (password hidden) and what it said. */
export async function sendMessage(eml: string, opts: SendOptions): Promise<{ accepted: string[]; rejected: string[]; response: string }> {
  const timeout = opts.timeoutMs ?? 30_000;
  const transport = createTransport({ url: opts.smtpUrl, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
  try {
    const info = await transport.sendMail({ envelope: { from: opts.from, to: opts.to }, raw: eml });
    const addr = (list: unknown) => (Array.isArray(list) ? list.map((a) => (typeof a === 'string' ? a : String((a as { address?: string }).address))) : []);
    return { accepted: addr(info.accepted), rejected: addr(info.rejected), response: String(info.response ?? '') };
  } catch (e) {
    throw new Error(`sending through ${redact(opts.smtpUrl)} failed: ${(e as Error).message}`);
  } finally {
    transport.close();
  }
}

/** The sender when none is given: the SMTP login if it is an address, else the first recipient. */
export function defaultSender(smtpUrl: string | undefined, to: string[]): string {
  try {
    const user = smtpUrl ? decodeURIComponent(new URL(smtpUrl).username) : '';
    if (user.includes('@')) return user;
  } catch {
    // not a URL: fall through
  }
  return to[0] ?? 'engram@localhost';
}
