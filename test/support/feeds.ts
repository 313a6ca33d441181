/** Feeds written for tests: RSS 2.0 with the iTunes and Podcasting 2.0 namespaces, and Atom. */

export interface FeedItem {
  guid: string;
  title: string;
  link?: string;
  date: string; // RFC 822 pubDate
  enclosure?: { url: string; type: string; length?: number };
  transcripts?: { url: string; type: string }[];
  persons?: string[];
  chapters?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

export function rss(opts: { title: string; language?: string; newFeedUrl?: string; items: FeedItem[] }): string {
  const items = opts.items.map((it) => `
    <item>
      <title>${esc(it.title)}</title>
      <guid isPermaLink="false">${esc(it.guid)}</guid>
      ${it.link ? `<link>${esc(it.link)}</link>` : ''}
      <pubDate>${it.date}</pubDate>
      ${it.enclosure ? `<enclosure url="${esc(it.enclosure.url)}" type="${it.enclosure.type}" length="${it.enclosure.length ?? 0}"/>` : ''}
      ${(it.transcripts ?? []).map((t) => `<podcast:transcript url="${esc(t.url)}" type="${t.type}"/>`).join('\n      ')}
      ${(it.persons ?? []).map((p) => `<podcast:person role="guest">${esc(p)}</podcast:person>`).join('')}
      ${it.chapters ? `<podcast:chapters url="${esc(it.chapters)}" type="application/json+chapters"/>` : ''}
      <itunes:duration>00:30:00</itunes:duration>
    </item>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0">
  <channel>
    <title>${esc(opts.title)}</title>
    <language>${opts.language ?? 'zh-cn'}</language>
    ${opts.newFeedUrl ? `<itunes:new-feed-url>${esc(opts.newFeedUrl)}</itunes:new-feed-url>` : ''}
    <podcast:person role="host">主持人小林</podcast:person>${items}
  </channel>
</rss>`;
}

export function atom(opts: { title: string; entries: { id: string; title: string; link: string; updated: string; enclosure?: string }[] }): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>${esc(opts.title)}</title>
  ${opts.entries.map((e) => `<entry><id>${esc(e.id)}</id><title>${esc(e.title)}</title><updated>${e.updated}</updated>
    <link rel="alternate" href="${esc(e.link)}"/>${e.enclosure ? `<link rel="enclosure" href="${esc(e.enclosure)}" type="audio/mpeg"/>` : ''}</entry>`).join('\n  ')}
</feed>`;
}

/** `Tue, 04 Mar 2025 10:00:00 +0800` for day `n` of March 2025. */
export function pubDate(day: number): string {
  const d = new Date(Date.UTC(2025, 2, day, 2));
  return `${d.toUTCString().replace('GMT', '+0000')}`;
}
