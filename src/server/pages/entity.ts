/**
 * Entity pages: `/entities` lists who and what the library talks about, by type;
 * `/entities/SLUG` shows one entity — its aliases, a timeline of mentions by month, the
 * documents that mention it with their best passages, and the entities mentioned with it.
 */
import type { DB } from '../../store/db.js';
import { findEntity, getEntity, listEntities } from '../../entities/read.js';
import { ENTITY_TYPES, type EntityType } from '../../entities/names.js';
import { html } from '../html.js';
import { entityTypeParam, HttpError } from '../params.js';
import type { Page, PageContext } from './layout.js';
import { documentHref, plural, qs, richText, sourceHref, timecode, untitled } from './parts.js';
import { entityHref, timelineChart } from './terms-parts.js';

const TYPE_LABELS: Record<EntityType, string> = { person: 'People', organization: 'Organizations', product: 'Products and models', concept: 'Concepts' };

export function entitiesPage(db: DB, ctx: PageContext, type?: string): Page {
  const d = ctx.display;
  const only = entityTypeParam(type);
  const types = only ? [only] : ENTITY_TYPES;
  return {
    title: 'Entities · engram',
    body: html`<header class="pagehead"><div class="crumbs"><a href="/">Library</a></div><h1>Who and what the library talks about</h1>
  <nav class="tabs">${ENTITY_TYPES.map((t) => html`<a href="/entities${qs({ type: t })}" aria-current="${t === type ? 'page' : 'false'}">${TYPE_LABELS[t]}</a>`)}</nav></header>
${types.map((t) => {
  const list = listEntities(db, { type: t, limit: type ? 500 : 40 });
  return list.length
    ? html`<section class="entlist"><h2>${TYPE_LABELS[t]}</h2><ul>${list.map((e) => html`<li><a href="${entityHref(e.slug)}">${d.t(e.name)}</a> <span class="faint">${plural(e.documents, 'document')}</span></li>`)}</ul></section>`
    : '';
})}`,
  };
}

export function entityPage(db: DB, ctx: PageContext, slug: string): Page {
  const d = ctx.display;
  const id = findEntity(db, slug);
  const e = id === undefined ? undefined : getEntity(db, id);
  if (!e) throw new HttpError(404, `no entity "${slug}" in the library`);
  const aliases = e.aliases.filter((a) => a !== e.name);
  return {
    title: `${e.name} · engram`,
    body: html`<article class="entity">
<header class="pagehead">
  <div class="crumbs"><a href="/">Library</a> / <a href="/entities${qs({ type: e.type })}">${TYPE_LABELS[e.type]}</a></div>
  <h1>${d.t(e.name)}</h1>
  <div class="meta"><span class="badge">${e.type}</span><span>${plural(e.documents.length, 'document')}, ${plural(e.mentions, 'mention')}</span><a href="/search${qs({ q: e.name, entity: e.slug })}">Search its documents</a></div>
  ${aliases.length ? html`<p class="aliases">Also written: ${aliases.map((a, i) => html`${i ? ', ' : ''}<span>${a}</span>`)}</p>` : ''}
</header>
${timelineChart(e.timeline)}
${e.related.length ? html`<section><h2>Mentioned with</h2><div class="chips">${e.related.map((r) => html`<a class="chip ent ${r.type}" href="${entityHref(r.slug)}" title="${plural(r.count, 'document')} together">${d.t(r.name)}</a>`)}</div></section>` : ''}
<section><h2>Passages</h2>${e.passages.length ? html`<ol class="results">${e.passages.map((p) => html`<li class="hit">
  <div class="hit-head"><a href="/passages/${p.passage.id}">${untitled(p.document.title, d)}</a></div>
  <div class="meta">${p.document.date ? html`<time>${p.document.date}</time>` : ''}${p.document.source ? html`<a href="${sourceHref(p.document.source)}">${d.t(p.document.source)}</a>` : ''}${p.passage.start != null ? html`<span>${timecode(p.passage.start)}</span>` : ''}${p.passage.speaker ? html`<span>${d.t(p.passage.speaker)}</span>` : ''}</div>
  <p>${richText(p.passage.text, p.highlights, d)}</p></li>`)}</ol>` : html`<p class="empty">Named in summaries and speaker lists only.</p>`}</section>
<section><h2>Documents</h2><ul class="doclist">${e.documents.map((doc) => html`<li><a href="${documentHref(doc.id)}">${untitled(doc.title, d)}</a> <span class="faint">${doc.date ?? ''} ${doc.source ? d.t(doc.source) : ''} · ${plural(doc.mentions, 'mention')}</span></li>`)}</ul></section>
</article>`,
  };
}

