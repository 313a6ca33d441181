/**
 * The `html` digest: one self-contained page (inline styles, no scripts, no external CSS),
 * so the same markup reads well in a browser, saved to disk, or as the HTML part of a mail
 * (mail clients drop `<style>` blocks and scripts; inline styles survive). Every piece of
 * library text is escaped by the `html` template.
 */
import { html, type Html } from '../server/html.js';
import type { DigestEntry } from './entries.js';
import { digestHeading, entryLink, periodLabel, type Digest, type DigestRenderer, type RenderContext } from './digest.js';

const S = {
  body: 'margin:0;padding:24px 12px;background:#f4f5f7;color:#1d2330;font:16px/1.55 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"PingFang SC","Hiragino Sans GB","Microsoft YaHei",sans-serif',
  card: 'max-width:640px;margin:0 auto;background:#ffffff;border-radius:10px;padding:24px 28px',
  h1: 'font-size:22px;line-height:1.3;margin:0 0 4px',
  sub: 'color:#5b6475;font-size:14px;margin:0 0 8px',
  entry: 'border-top:1px solid #e4e7ec;padding:20px 0 4px',
  thumb: 'display:block;width:320px;max-width:100%;height:auto;border-radius:6px;margin:0 0 10px',
  h2: 'font-size:18px;line-height:1.35;margin:0 0 4px',
  a: 'color:#2f62c9;text-decoration:none',
  meta: 'color:#5b6475;font-size:13px;margin:0 0 8px',
  p: 'margin:0 0 10px',
  foot: 'max-width:640px;margin:12px auto 0;color:#7a8394;font-size:12px;text-align:center',
};

/** `2025-04-02 · 测试播客 · 人工智能` */
export function entryMeta(e: DigestEntry): string {
  return [e.date, e.source, e.category].filter(Boolean).join(' · ');
}

export function countLabel(n: number): string {
  return `${n} ${n === 1 ? 'entry' : 'entries'}`;
}

function entryBlock(e: DigestEntry, n: number, ctx: RenderContext): Html {
  const link = entryLink(e, ctx);
  const title = link ? html`<a href="${link}" style="${S.a}">${e.title}</a>` : e.title;
  const thumb = e.thumbnail ? html`<img src="${e.thumbnail}" alt="" width="320" style="${S.thumb}">` : '';
  return html`<div style="${S.entry}">
${thumb && link ? html`<a href="${link}">${thumb}</a>` : thumb}
<h2 style="${S.h2}">${n}. ${title}</h2>
<p style="${S.meta}">${entryMeta(e)}</p>
${e.summary.map((p) => html`<p style="${S.p}">${p}</p>`)}
</div>`;
}

/** The page; also the HTML part of the `email` format. */
export function digestHtml(digest: Digest, ctx: RenderContext): string {
  const heading = digestHeading(digest);
  const sub = [periodLabel(digest) ? '' : 'Everything in the library', countLabel(digest.entries.length)].filter(Boolean).join(' · ');
  return '<!doctype html>\n' + html`<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${heading}</title>
</head>
<body style="${S.body}">
<div style="${S.card}">
<h1 style="${S.h1}">${heading}</h1>
<p style="${S.sub}">${sub}</p>
${digest.entries.length ? digest.entries.map((e, i) => entryBlock(e, i + 1, ctx)) : html`<p style="${S.p}">Nothing new in this period.</p>`}
</div>
<p style="${S.foot}">Made by engram on ${digest.generated.toISOString().slice(0, 10)}.</p>
</body>
</html>`.value;
}

export const htmlRenderer: DigestRenderer = {
  format: 'html',
  async render(digest, ctx) {
    return [{ name: 'digest.html', type: 'text/html', content: digestHtml(digest, ctx) }];
  },
};
