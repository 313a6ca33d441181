/** Error pages: what went wrong, in a sentence, and a way back. */
import { html } from '../html.js';
import type { Page } from './layout.js';

const TITLES: Record<number, string> = {
  400: 'That request did not make sense',
  404: 'Not found',
  405: 'Not something this page does',
  500: 'Something went wrong',
  503: 'Too busy to answer that',
};

export function errorPage(status: NonNullable<Page['status']>, message: string): Page {
  const title = TITLES[status] ?? 'Error';
  return {
    title: `${title} · engram`,
    status,
    body: html`<section class="hero"><p class="faint">${status}</p><h1>${title}</h1><p>${message}</p><p><a href="/">Back to the library</a></p></section>`,
  };
}
