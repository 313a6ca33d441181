/**
 * The ask page: a question box, the answer with its numbered citations, and the cited passages
 * (each opens the document at that passage; a second link goes to the moment at the source).
 * Without JavaScript the server answers when the form is sent; with it, ask-client.js streams
 * the answer from `/api/ask` into the same markup (the page's `data-*` hooks).
 */
import { listSources } from '../../store/read.js';
import type { DB } from '../../store/db.js';
import type { AskResult, Citation } from '../../pipeline/ask.js';
import { URLS } from '../assets.js';
import type { Display } from '../display.js';
import { html, type Html } from '../html.js';
import type { Page, PageContext } from './layout.js';
import { documentHref, timecode, untitled } from './parts.js';

export interface AskParams {
  q?: string;
  source?: string;
}

export function askPage(db: DB, ctx: PageContext, p: AskParams, result?: AskResult): Page {
  const d = ctx.display;
  const sources = listSources(db);
  return {
    title: p.q ? `${p.q} · ask · engram` : 'Ask · engram',
    body: html`<link rel="stylesheet" href="${URLS.askCss}">
<section class="ask">
<h1>Ask the library</h1>
<form class="askbox" action="/ask" method="get" data-ask-form>
  <textarea name="q" rows="2" required maxlength="500" placeholder="Ask in Chinese or English — 用中文或英文提问" aria-label="Your question"${p.q ? '' : html` autofocus`}>${p.q ?? ''}</textarea>
  <div class="askbar">
    <select name="source" aria-label="Source">
      <option value="">All sources</option>
      ${sources.map((s) => html`<option value="${s.name}"${s.name === p.source ? html` selected` : ''}>${d.t(s.name)}</option>`)}
    </select>
    <button type="submit">Ask</button>
  </div>
</form>
<div class="ask-result" data-ask-result aria-live="polite">${result ? answerBlock(result, d) : ''}</div>
</section>
<script src="${URLS.askJs}" defer></script>`,
  };
}

/** The answer, its notes and its citations (the client renders streamed answers the same way). */
export function answerBlock(r: AskResult, d: Display): Html {
  const byN = new Map(r.citations.map((c) => [c.n, c]));
  return html`<div class="answer${r.status === 'not-in-library' ? ' none' : ''}" data-answer lang="${r.language}">${answerText(r.answer, byN, d)}</div>
${r.notes.length ? html`<ul class="ask-notes">${r.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
${r.citations.length ? html`<ol class="citations" data-citations>${r.citations.map((c) => citationItem(c, d))}</ol>` : ''}
<p class="ask-mode faint">${r.mode === 'llm' ? `Answered by ${r.model ?? 'the language model'}; every citation checked against its passage.` : 'No language model answered: these are the best passages.'}</p>`;
}

/** Answer text: paragraphs, `**bold**`, and `[n]` as links to the cited passage. */
function answerText(text: string, byN: Map<number, Citation>, d: Display): Html {
  return html`<p>${answerPiece(text, byN, d)}</p>`;
}

/**
 * A piece of answer text as HTML inside a paragraph: a blank line closes the paragraph and
 * opens the next (`</p><p>`), so streamed pieces concatenate into the same markup.
 */
export function answerPiece(text: string, byN: Map<number, Citation>, d: Display): Html {
  const paragraphs = text.split(/\n{2,}/).map((para) => para.split('\n').map((line, i) => html`${i ? html`<br>` : ''}${inline(line, byN, d)}`));
  return html`${paragraphs.map((p, i) => html`${i ? html`</p><p>` : ''}${p}`)}`;
}

function inline(line: string, byN: Map<number, Citation>, d: Display): Html {
  const parts: (Html | string)[] = [];
  let at = 0;
  for (const m of line.matchAll(/\*\*([^*]+)\*\*|\[(\d+)\]/g)) {
    parts.push(d.t(line.slice(at, m.index)));
    const c = m[2] ? byN.get(Number(m[2])) : undefined;
    if (m[1]) parts.push(html`<strong>${d.t(m[1])}</strong>`);
    else if (c) parts.push(html`<a class="cite" href="${passageLink(c)}" title="${untitled(c.document.title, d)}">${c.n}</a>`);
    else parts.push(m[0]);
    at = m.index! + m[0].length;
  }
  parts.push(d.t(line.slice(at)));
  return html`${parts}`;
}

const passageLink = (c: Citation) => `/passages/${c.passage.id}`;

export function citationItem(c: Citation, d: Display): Html {
  const meta = [c.document.source ? d.t(c.document.source) : null, c.document.date, c.passage.start != null ? timecode(c.passage.start) : null, c.passage.speaker ? d.t(c.passage.speaker) : null].filter(Boolean).join(' · ');
  const excerpt = c.passage.text.length > 320 ? `${c.passage.text.slice(0, 320)}…` : c.passage.text;
  return html`<li id="c${c.n}" value="${c.n}">
  <a class="title" href="${passageLink(c)}">${untitled(c.document.title, d)}</a>
  <div class="meta">${meta}${c.passage.link ? html` · <a href="${c.passage.link}" rel="noopener noreferrer nofollow" target="_blank">at the source ↗</a>` : ''}</div>
  <blockquote>${d.t(excerpt)}</blockquote>
  <a class="open" href="${documentHref(c.document.id)}">whole document</a>
</li>`;
}
