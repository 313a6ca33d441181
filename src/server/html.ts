/**
 * A tiny HTML template helper: `html\`<p>${text}</p>\`` escapes every interpolated value
 * unless it is already `Html` (built by this helper, or passed through `trusted()` after the
 * sanitizer). Escaping by default means forgetting is safe; trusting is explicit and greppable.
 */

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Anything a template accepts: nested arrays are joined, null/undefined/false render nothing. */
export type Child = Html | string | number | null | undefined | false | readonly Child[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(c: Child): string {
  if (c === null || c === undefined || c === false) return '';
  if (c instanceof Html) return c.value;
  if (Array.isArray(c)) return c.map(render).join('');
  return escapeHtml(String(c));
}

export function html(strings: TemplateStringsArray, ...values: Child[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Marks a string as safe HTML. Only for our own markup or the sanitizer's output. */
export function trusted(s: string): Html {
  return new Html(s);
}

/** Joins children without a wrapper. */
export function fragment(children: readonly Child[]): Html {
  return new Html(render(children));
}
