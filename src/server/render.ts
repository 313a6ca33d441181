/**
 * Rendering third-party Markdown/HTML (rendition bodies) for the "original formatting" view.
 * Everything in the library is untrusted: markdown-it turns Markdown (and passes raw HTML
 * through), then sanitize-html keeps only an allow-list of tags, attributes and URL schemes.
 * The sanitizer is the security boundary; markdown-it's own link validation is a bonus.
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { trusted, type Html } from './html.js';

// breaks: one line of a transcript stays one line, as the author saw it in a text viewer.
const md = new MarkdownIt({ html: true, linkify: true, breaks: true });

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code',
    'em', 'strong', 'b', 'i', 'u', 's', 'del', 'ins', 'mark', 'sub', 'sup', 'small', 'kbd',
    'a', 'img', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption', 'details', 'summary',
    'dl', 'dt', 'dd', 'figure', 'figcaption',
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    th: ['colspan', 'rowspan'],
    td: ['colspan', 'rowspan'],
    ol: ['start'],
    details: ['open'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  // Images load from the web only over https (CSP allows `img-src https:` and nothing inline).
  allowedSchemesByTag: { img: ['https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  // Contents of script/style/etc. are dropped with the tag, not shown as text.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'svg', 'math', 'iframe', 'object', 'template'],
  disallowedTagsMode: 'discard',
  // A relative or non-https image in a third-party document can only be broken (or a probe).
  exclusiveFilter: (frame) => frame.tag === 'img' && !/^https:\/\//i.test(frame.attribs.src ?? ''),
  transformTags: {
    // Links leave the app without a referrer and cannot reach back through window.opener.
    // Relative links pointed at the author's files (`./transcript.md`), not at pages here: keep the text only.
    a: (tagName, attribs) => {
      const out: sanitizeHtml.Attributes = {};
      if (attribs.title) out.title = attribs.title;
      if (attribs.href !== undefined && /^\s*(https?:\/\/|mailto:)/i.test(attribs.href)) {
        Object.assign(out, { href: attribs.href, rel: 'noopener noreferrer nofollow', target: '_blank' });
      }
      return { tagName, attribs: out };
    },
    img: sanitizeHtml.simpleTransform('img', { loading: 'lazy', referrerpolicy: 'no-referrer' }),
  },
};
// The attributes added by transformTags must survive the allow-list.
SANITIZE.allowedAttributes = {
  ...SANITIZE.allowedAttributes as Record<string, string[]>,
  a: ['href', 'title', 'rel', 'target'],
  img: ['src', 'alt', 'title', 'width', 'height', 'loading', 'referrerpolicy'],
};

/** Markdown (with embedded HTML) from a third party → HTML safe to put in a page. */
export function renderMarkdown(source: string): Html {
  return trusted(sanitizeHtml(md.render(source), SANITIZE));
}

/** Any third-party HTML fragment → the same allow-list. */
export function sanitize(htmlText: string): Html {
  return trusted(sanitizeHtml(htmlText, SANITIZE));
}
