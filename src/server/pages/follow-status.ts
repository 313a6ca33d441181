/**
 * Followed sources' status (engram update): last update, pending, waiting and failed items
 * with their reasons. One read (store/follow.ts followedStatus) rendered as a block the home
 * page and a source's page include.
 */
import type { DB } from '../../store/db.js';
import { followedStatus, type FollowedStatus } from '../../store/follow.js';
import type { Display } from '../display.js';
import { html } from '../html.js';
import { plural, sourceHref } from './parts.js';

function statusLine(s: FollowedStatus) {
  const when = s.lastUpdate ? s.lastUpdate.slice(0, 16).replace('T', ' ') : 'never';
  return html`<span class="range">${s.kind} · updated ${when} · ${s.pending} pending${s.waiting ? ` · ${s.waiting} waiting` : ''}${s.failed ? ` · ${s.failed} failed` : ''}</span>`;
}

function failures(s: FollowedStatus, d: Display) {
  if (!s.error && s.failures.length === 0) return '';
  return html`<ul class="follow-failures">${s.error ? html`<li>update: ${s.error}</li>` : ''}${s.failures.map(
    (f) => html`<li>${f.title ? d.t(f.title) : `item ${f.job}`}: ${f.error ?? 'failed'}${f.permanent ? ' (engram jobs retry)' : ' (retried later)'}</li>`,
  )}</ul>`;
}

/** The home page's "Followed" block; empty when nothing is followed. */
export function followedBlock(db: DB, d: Display) {
  const rows = followedStatus(db);
  if (rows.length === 0) return '';
  return html`<h2 class="section-title" id="followed">Followed</h2>
<ul class="sources card" aria-labelledby="followed">${rows.map(
    (s) => {
      const inner = html`<span class="name">${d.t(s.name)}${statusLine(s)}</span><span class="count">${plural(s.documents, 'doc')}</span>`;
      // A source with no documents yet has no page.
      return html`<li>${s.documents ? html`<a href="${sourceHref(s.name)}">${inner}</a>` : html`<a>${inner}</a>`}${failures(s, d)}</li>`;
    },
  )}</ul>`;
}

/** A source page's status line, when the source is followed. */
export function followedStatusOf(db: DB, name: string, d: Display) {
  const s = followedStatus(db).find((r) => r.name === name);
  return s ? html`<div class="meta">${statusLine(s)}</div>${failures(s, d)}` : '';
}
