/**
 * The one stylesheet. Calm and quiet: warm paper in light mode, soft charcoal in dark, one
 * accent colour, CJK-first font stacks (the script toggle switches SC/TC glyph shapes through
 * `lang`), reading columns of about 40 CJK characters at line-height 1.75.
 */
export const css = String.raw`
:root {
  --bg: #f8f7f4; --surface: #ffffff; --surface-2: #f1efea; --text: #1d2025; --muted: #62666d; --faint: #8d9198;
  --border: #e4e1da; --accent: #2f62c9; --accent-soft: #e8eefb; --mark: #ffe58a; --mark-text: #1d2025;
  --target: #edf2fd; --target-edge: #2f62c9; --shadow: 0 1px 2px rgba(20, 20, 20, .04), 0 2px 12px rgba(20, 20, 20, .04);
  --radius: 10px;
  --sans: system-ui, -apple-system, "Segoe UI", "Helvetica Neue", Arial, "PingFang SC", "Hiragino Sans GB",
    "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Micro Hei", sans-serif;
  --mono: ui-monospace, "SF Mono", "Cascadia Mono", Menlo, Consolas, "Liberation Mono", monospace;
  color-scheme: light;
}
:root:lang(zh-Hant) {
  --sans: system-ui, -apple-system, "Segoe UI", "Helvetica Neue", Arial, "PingFang TC", "Hiragino Sans CNS",
    "Microsoft JhengHei", "Noto Sans CJK TC", "Source Han Sans TC", "Noto Sans TC", sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root:not([data-theme="light"]) {
    --bg: #141619; --surface: #1b1e22; --surface-2: #23272c; --text: #e5e4e0; --muted: #a3a7ad; --faint: #7c8188;
    --border: #2d3137; --accent: #8fb3ff; --accent-soft: #1f2a3f; --mark: #6b5412; --mark-text: #fff4cc;
    --target: #1c2638; --target-edge: #8fb3ff; --shadow: none; color-scheme: dark;
  }
}
:root[data-theme="dark"] {
  --bg: #141619; --surface: #1b1e22; --surface-2: #23272c; --text: #e5e4e0; --muted: #a3a7ad; --faint: #7c8188;
  --border: #2d3137; --accent: #8fb3ff; --accent-soft: #1f2a3f; --mark: #6b5412; --mark-text: #fff4cc;
  --target: #1c2638; --target-edge: #8fb3ff; --shadow: none; color-scheme: dark;
}

*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--text); font-family: var(--sans); font-size: 16px; line-height: 1.7;
  -webkit-font-smoothing: antialiased; text-rendering: optimizeLegibility; font-kerning: normal;
}
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; text-underline-offset: .2em; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; border-radius: 4px; }
h1, h2, h3, h4 { line-height: 1.35; font-weight: 650; letter-spacing: -.005em; }
mark { background: var(--mark); color: var(--mark-text); border-radius: 3px; padding: 0 .08em; }
code, kbd, pre { font-family: var(--mono); font-size: .9em; }
kbd { border: 1px solid var(--border); border-bottom-width: 2px; border-radius: 4px; padding: 0 .35em; font-size: .75rem; color: var(--muted); background: var(--surface); }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: .5rem; z-index: 10; background: var(--surface); padding: .25rem .5rem; }

/* Header */
.top {
  position: sticky; top: 0; z-index: 5; background: color-mix(in srgb, var(--bg) 88%, transparent);
  backdrop-filter: saturate(1.4) blur(10px); -webkit-backdrop-filter: saturate(1.4) blur(10px); border-bottom: 1px solid var(--border);
}
.top-in { max-width: 74rem; margin: 0 auto; padding: .6rem 1.25rem; display: flex; align-items: center; gap: 1rem; }
.brand { display: inline-flex; align-items: center; gap: .5rem; font-weight: 700; font-size: 1.05rem; color: var(--text); letter-spacing: .01em; }
.brand:hover { text-decoration: none; }
.brand-mark { width: 1.5rem; height: 1.5rem; border-radius: 7px; background: linear-gradient(135deg, var(--accent), #7b5cd6); display: inline-grid; place-items: center; color: #fff; font-size: .85rem; }
.top form { flex: 1; max-width: 34rem; }
.controls { margin-left: auto; display: flex; align-items: center; gap: .5rem; }
.seg { display: inline-flex; border: 1px solid var(--border); border-radius: 999px; overflow: hidden; background: var(--surface); }
.seg a { padding: .15rem .6rem; font-size: .85rem; color: var(--muted); }
.seg a:hover { text-decoration: none; color: var(--text); }
.seg a[aria-current="true"] { background: var(--accent-soft); color: var(--accent); font-weight: 600; }
.theme { border: 1px solid var(--border); border-radius: 999px; padding: .15rem .65rem; font-size: .85rem; color: var(--muted); background: var(--surface); }
.theme:hover { text-decoration: none; color: var(--text); }

/* Search box */
.searchbox { position: relative; display: flex; }
.searchbox input {
  width: 100%; font: inherit; color: var(--text); background: var(--surface); border: 1px solid var(--border);
  border-radius: 999px; padding: .45rem 2.4rem .45rem 1rem; outline: none; transition: border-color .15s, box-shadow .15s;
}
.searchbox input:focus { border-color: var(--accent); box-shadow: 0 0 0 3px var(--accent-soft); }
.searchbox kbd { position: absolute; right: .8rem; top: 50%; transform: translateY(-50%); pointer-events: none; }
.searchbox button { position: absolute; left: -9999px; }
.hero .searchbox input { font-size: 1.15rem; padding: .8rem 3rem .8rem 1.3rem; box-shadow: var(--shadow); }

/* Layout */
main { max-width: 74rem; margin: 0 auto; padding: 1.75rem 1.25rem 4rem; }
.grid { display: grid; grid-template-columns: minmax(0, 2fr) minmax(16rem, 1fr); gap: 2.5rem; }
@media (max-width: 860px) { .grid, .search-grid { grid-template-columns: minmax(0, 1fr) !important; } .top form { max-width: none; } }
@media (max-width: 560px) { .top-in { flex-wrap: wrap; } .top form { order: 3; flex-basis: 100%; } }
.section-title { font-size: .8rem; text-transform: uppercase; letter-spacing: .08em; color: var(--faint); font-weight: 650; margin: 0 0 .75rem; }
.muted { color: var(--muted); }
.faint { color: var(--faint); }
.small { font-size: .875rem; }
.card { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); box-shadow: var(--shadow); }

/* Home */
.hero { text-align: center; padding: 2.5rem 0 2.25rem; max-width: 40rem; margin: 0 auto; }
.hero h1 { font-size: 2rem; margin: 0 0 .35rem; }
.hero p { margin: 0 0 1.5rem; color: var(--muted); }
.hero .try { margin-top: .9rem; font-size: .9rem; color: var(--faint); }
.hero .try a { margin: 0 .3rem; }
.stats { display: flex; justify-content: center; gap: 1.5rem; flex-wrap: wrap; margin-top: 1.5rem; color: var(--muted); font-size: .9rem; }
.stats b { color: var(--text); font-weight: 650; font-variant-numeric: tabular-nums; }

/* Document lists */
.doclist { list-style: none; margin: 0; padding: 0; }
.doclist li { padding: .85rem 0; border-bottom: 1px solid var(--border); }
.doclist li:first-child { padding-top: 0; }
.doclist .title { font-weight: 600; color: var(--text); font-size: 1.02rem; line-height: 1.5; }
.doclist .title:hover { color: var(--accent); text-decoration: none; }
.meta { font-size: .85rem; color: var(--muted); display: flex; flex-wrap: wrap; gap: .25rem .75rem; align-items: center; margin-top: .2rem; }
.meta .num { font-variant-numeric: tabular-nums; color: var(--faint); }
.badge { display: inline-block; font-size: .72rem; line-height: 1.5; padding: 0 .5rem; border-radius: 999px; background: var(--surface-2); color: var(--muted); border: 1px solid var(--border); }
.sources { list-style: none; margin: 0; padding: .25rem 0; }
.sources li a { display: flex; justify-content: space-between; gap: 1rem; padding: .6rem 1rem; color: var(--text); }
.sources li + li { border-top: 1px solid var(--border); }
.sources li a:hover { background: var(--surface-2); text-decoration: none; }
.sources .name { font-weight: 600; overflow-wrap: anywhere; }
.sources .range { display: block; font-size: .8rem; color: var(--faint); font-weight: 400; }
.sources .count { color: var(--muted); font-variant-numeric: tabular-nums; white-space: nowrap; }
p.more { margin: .6rem 0 0; font-size: .9rem; text-align: right; }
.follow-failures { margin: 0 1rem .6rem; padding-left: 1rem; font-size: .8rem; color: var(--muted); }

/* Pager */
.pager { display: flex; flex-wrap: wrap; align-items: center; gap: .35rem; margin: 1.5rem 0; font-size: .9rem; }
.pager a, .pager span.cur { min-width: 2.1rem; text-align: center; padding: .2rem .6rem; border-radius: 8px; border: 1px solid var(--border); background: var(--surface); color: var(--text); }
.pager a:hover { border-color: var(--accent); text-decoration: none; }
.pager span.cur { background: var(--accent-soft); border-color: transparent; color: var(--accent); font-weight: 650; }
.pager .gap { color: var(--faint); padding: 0 .2rem; }
.pager .info { color: var(--muted); margin-right: .5rem; }

/* Page heads */
.crumbs { font-size: .875rem; color: var(--muted); margin-bottom: .5rem; }
.crumbs a { color: var(--muted); }
.pagehead h1 { font-size: 1.75rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
.pagehead { margin-bottom: 1.5rem; }
.chips { display: flex; flex-wrap: wrap; gap: .35rem; margin-top: .75rem; }
.chip { font-size: .8rem; padding: .1rem .6rem; border-radius: 999px; background: var(--surface-2); color: var(--muted); border: 1px solid var(--border); }
a.chip:hover { color: var(--accent); border-color: var(--accent); text-decoration: none; }
.btn { display: inline-flex; align-items: center; gap: .35rem; font-size: .875rem; padding: .3rem .8rem; border: 1px solid var(--border); border-radius: 8px; background: var(--surface); color: var(--text); }
.btn:hover { border-color: var(--accent); color: var(--accent); text-decoration: none; }

/* Document */
.doc { max-width: 48rem; margin: 0 auto; }
.tabs { display: flex; gap: .25rem; border-bottom: 1px solid var(--border); margin: 1.25rem 0 1rem; overflow-x: auto; }
.tabs a { padding: .5rem .9rem; color: var(--muted); border-bottom: 2px solid transparent; margin-bottom: -1px; white-space: nowrap; font-size: .95rem; }
.tabs a:hover { color: var(--text); text-decoration: none; }
.tabs a[aria-current="page"] { color: var(--text); border-bottom-color: var(--accent); font-weight: 600; }
.tabs .n { font-size: .75rem; color: var(--faint); margin-left: .3rem; font-weight: 400; }
.rinfo { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; font-size: .82rem; color: var(--faint); margin-bottom: 1.25rem; }
.rinfo .origin { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 26rem; }
.rinfo .views { margin-left: auto; display: inline-flex; gap: .25rem; }
.rinfo .views a { padding: .05rem .55rem; border-radius: 6px; color: var(--muted); }
.rinfo .views a[aria-current="true"] { background: var(--surface-2); color: var(--text); }
.passages { font-size: 1.0625rem; line-height: 1.8; }
.psg { position: relative; padding: .35rem .75rem; margin: 0 -.75rem; border-radius: 8px; scroll-margin-top: 6rem; }
.psg p { margin: 0; white-space: pre-line; overflow-wrap: anywhere; }
.psg + .psg { margin-top: .6rem; }
.psg.timed { display: grid; grid-template-columns: 4.2rem minmax(0, 1fr); gap: .1rem 1rem; }
.psg .ts { font-family: var(--mono); font-size: .8rem; color: var(--faint); padding-top: .2rem; font-variant-numeric: tabular-nums; }
.psg .ts-inline { font-family: var(--mono); font-size: .78rem; color: var(--accent); background: var(--accent-soft); border-radius: 6px; padding: .05rem .4rem; margin-right: .15rem; vertical-align: .08em; font-variant-numeric: tabular-nums; }
.psg a.ts-inline:hover { text-decoration: none; filter: brightness(.95); }
.psg a.ts:hover { color: var(--accent); text-decoration: none; }
.qchecks { list-style: none; margin: .35rem 0 0; padding: 0; font-size: .8rem; color: var(--muted); }
.qchecks li { display: flex; flex-wrap: wrap; align-items: baseline; gap: .1rem .35rem; margin: .15rem 0; }
.qchecks .sign { font-weight: 700; width: 1rem; }
.qchecks .ok .sign { color: #2e8b57; } .qchecks .tr .sign { color: var(--accent); } .qchecks .no .sign { color: #c0392b; }
.qchecks .no .q { text-decoration: line-through; text-decoration-color: rgba(192, 57, 43, .5); }
.qchecks .q { flex-basis: 100%; padding-left: 1.35rem; color: var(--faint); }
.provenance { font-size: .8rem; color: var(--muted); background: var(--surface-2); border-radius: var(--radius); padding: .5rem .8rem; margin: -.5rem 0 1.25rem; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
.provenance .reason { flex-basis: 100%; margin: .25rem 0 0; color: #c0392b; font-weight: 600; }
.provenance .gates { flex-basis: 100%; margin: .25rem 0 0; padding-left: 1.1rem; }
.provenance .gates .flagged { color: #b7791f; }
.psg .who { display: block; font-size: .82rem; font-weight: 650; letter-spacing: .02em; line-height: 1.4; margin-top: .25rem; }
.psg .anchor { position: absolute; left: -1.1rem; top: .4rem; color: var(--faint); opacity: 0; font-size: .85rem; }
.psg:hover .anchor, .psg .anchor:focus { opacity: 1; text-decoration: none; }
.psg.h { margin-top: 1.4rem; }
.psg.h h2, .psg.h h3, .psg.h h4 { margin: 0; }
.psg.h h2 { font-size: 1.35rem; } .psg.h h3 { font-size: 1.15rem; } .psg.h h4 { font-size: 1.02rem; }
.psg.item p::before { content: "•"; color: var(--faint); display: inline-block; width: 1.1em; margin-left: -1.1em; }
.psg.item { padding-left: 1.85rem; }
.psg.item + .psg.item { margin-top: .2rem; }
.psg .lead { font-weight: 650; }
.psg.leadline p { font-weight: 650; }
.psg.item.d2 { padding-left: 3.1rem; } .psg.item.d3 { padding-left: 4.3rem; }
.psg.target, .psg:target { background: var(--target); box-shadow: inset 3px 0 0 var(--target-edge); animation: land 1.6s ease-out; }
@keyframes land { from { background: color-mix(in srgb, var(--target-edge) 35%, var(--target)); } to { background: var(--target); } }
.s0 { color: #3867d6; } .s1 { color: #c0392b; } .s2 { color: #16a085; } .s3 { color: #8e44ad; }
.s4 { color: #d35400; } .s5 { color: #2c7a7b; } .s6 { color: #b83280; } .s7 { color: #6b7c1f; }
:root[data-theme="dark"] .s0 { color: #8fb3ff; } :root[data-theme="dark"] .s1 { color: #ff9a8b; } :root[data-theme="dark"] .s2 { color: #6ee0c0; } :root[data-theme="dark"] .s3 { color: #d6a6f0; }
:root[data-theme="dark"] .s4 { color: #ffb36b; } :root[data-theme="dark"] .s5 { color: #7fd6d6; } :root[data-theme="dark"] .s6 { color: #f39ac9; } :root[data-theme="dark"] .s7 { color: #c6d76b; }
@media (prefers-color-scheme: dark) {
  :root:not([data-theme="light"]) .s0 { color: #8fb3ff; } :root:not([data-theme="light"]) .s1 { color: #ff9a8b; } :root:not([data-theme="light"]) .s2 { color: #6ee0c0; } :root:not([data-theme="light"]) .s3 { color: #d6a6f0; }
  :root:not([data-theme="light"]) .s4 { color: #ffb36b; } :root:not([data-theme="light"]) .s5 { color: #7fd6d6; } :root:not([data-theme="light"]) .s6 { color: #f39ac9; } :root:not([data-theme="light"]) .s7 { color: #c6d76b; }
}
details.aside { margin: .9rem 0; border: 1px dashed var(--border); border-radius: var(--radius); padding: .1rem .9rem; color: var(--muted); }
details.aside > summary { cursor: pointer; font-size: .85rem; color: var(--faint); padding: .4rem 0; list-style-position: inside; }
details.aside[open] { background: var(--surface-2); }
details.aside .psg { font-size: .95rem; }
.prose { font-size: 1.0625rem; line-height: 1.8; overflow-wrap: anywhere; }
.prose img { max-width: 100%; height: auto; border-radius: 8px; }
.prose pre { background: var(--surface-2); padding: .75rem 1rem; border-radius: 8px; overflow-x: auto; }
.prose blockquote { margin: 1rem 0; padding: .1rem 1rem; border-left: 3px solid var(--border); color: var(--muted); }
.prose table { border-collapse: collapse; display: block; overflow-x: auto; }
.prose th, .prose td { border: 1px solid var(--border); padding: .3rem .6rem; }
.prose details { border: 1px solid var(--border); border-radius: 8px; padding: .25rem .9rem; margin: .75rem 0; }
.prose summary { cursor: pointer; }
.empty { padding: 2.5rem 1rem; text-align: center; color: var(--muted); }

/* Search */
.searchhead { max-width: 50rem; margin: 0 0 1.5rem calc(14rem + 2.5rem); }
.searchhead .searchbox input { font-size: 1.05rem; padding: .6rem 2.6rem .6rem 1.1rem; box-shadow: var(--shadow); }
.searchhead .summary-line { margin: .75rem 0 0 .25rem; }
@media (max-width: 860px) { .searchhead { margin-left: 0; } }
.search-grid { display: grid; grid-template-columns: 14rem minmax(0, 1fr); gap: 2.5rem; }
.facets h3 { font-size: .78rem; text-transform: uppercase; letter-spacing: .08em; color: var(--faint); margin: 0 0 .4rem; }
.facets section + section { margin-top: 1.5rem; }
.facets ul { list-style: none; padding: 0; margin: 0; font-size: .9rem; }
.facets li a { display: flex; justify-content: space-between; gap: .5rem; padding: .2rem .5rem; margin: 0 -.5rem; border-radius: 6px; color: var(--text); }
.facets li a:hover { background: var(--surface-2); text-decoration: none; }
.facets li a[aria-current="true"] { background: var(--accent-soft); color: var(--accent); font-weight: 600; }
.facets .c { color: var(--faint); font-variant-numeric: tabular-nums; }
.facets .v { overflow-wrap: anywhere; }
/* Narrow screens: results first; the facets fold behind a one-line control above them. */
.facets.folded { display: none; }
@media (max-width: 860px) {
  .facets.wide { display: none; }
  .facets.folded { display: block; margin: 0 0 1rem; padding: 0 .9rem; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); }
  .facets.folded > summary { cursor: pointer; padding: .5rem 0; font-size: .9rem; color: var(--muted); }
  .facets.folded[open] { padding-bottom: .9rem; }
  .facets.folded[open] > summary { margin-bottom: .5rem; border-bottom: 1px solid var(--border); }
}
.summary-line { color: var(--muted); font-size: .9rem; margin: 0 0 1.25rem; display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.results { list-style: none; padding: 0; margin: 0; max-width: 50rem; }
.results > li { padding: 1rem 1.15rem; margin-bottom: .85rem; }
.results .title { font-size: 1.08rem; font-weight: 600; line-height: 1.5; color: var(--text); }
.results .title:hover { color: var(--accent); text-decoration: none; }
.results .snip { margin: .45rem 0 .35rem; line-height: 1.75; overflow-wrap: anywhere; }
.results .foot { display: flex; flex-wrap: wrap; gap: .25rem 1rem; font-size: .84rem; color: var(--muted); }
.results .foot a { color: var(--muted); }
.results .foot a:hover { color: var(--accent); }
.prose-note { color: var(--muted); max-width: 40rem; }
footer { max-width: 74rem; margin: 0 auto; padding: 0 1.25rem 2.5rem; color: var(--faint); font-size: .8rem; }
/* terms and entities: corrected words, entity chips, timeline */
.fix { text-decoration: underline dotted var(--accent); text-underline-offset: 3px; cursor: help; }
.fix .heard { color: var(--faint); font-size: .8em; margin-left: .15em; }
.chips.entities .chip.person { border-style: dashed; }
.related { color: var(--muted); font-size: .9rem; margin-top: .5rem; }
.aliases { color: var(--muted); }
.timeline { margin: 1rem 0; }
.timeline rect { fill: var(--accent); }
.timeline text { fill: var(--faint); font-size: 9px; }
.entlist ul { columns: 16rem; padding-left: 1rem; }
`;
