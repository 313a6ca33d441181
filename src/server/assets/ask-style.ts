/** Styles of the ask page (its own sheet: the page links it; the theme variables come from app.css). */
export const askCss = `
.ask { max-width: 48rem; margin: 0 auto; }
.ask h1 { font-size: 1.6rem; margin: 0 0 1rem; }
.askbox { display: flex; flex-direction: column; gap: .5rem; }
.askbox textarea {
  width: 100%; font: inherit; font-size: 1.05rem; color: var(--text); background: var(--surface); border: 1px solid var(--border);
  border-radius: var(--radius); padding: .75rem 1rem; resize: vertical; min-height: 4.2rem; box-shadow: var(--shadow); outline: none;
}
.askbox textarea:focus { border-color: var(--accent); box-shadow: 0 0 0 3px var(--accent-soft); }
.askbar { display: flex; gap: .5rem; justify-content: flex-end; }
.askbar select, .askbar button { font: inherit; font-size: .9rem; border-radius: 8px; border: 1px solid var(--border); background: var(--surface); color: var(--text); padding: .35rem .7rem; }
.askbar button { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; padding: .35rem 1.2rem; cursor: pointer; }
.ask-result { margin-top: 1.75rem; }
.ask-result[aria-busy="true"] .answer::after { content: "▍"; color: var(--accent); animation: ask-blink 1s steps(1) infinite; }
@keyframes ask-blink { 50% { opacity: 0; } }
.answer { font-size: 1.05rem; line-height: 1.8; }
.answer p { margin: 0 0 .9rem; }
.answer.none { color: var(--muted); }
.cite {
  display: inline-block; min-width: 1.25rem; padding: 0 .3rem; margin: 0 .1rem; border-radius: 6px; font-size: .75rem; line-height: 1.5;
  text-align: center; vertical-align: super; background: var(--accent-soft); color: var(--accent); font-weight: 650;
}
.cite:hover { text-decoration: none; background: var(--accent); color: #fff; }
.citations { padding-left: 1.5rem; margin: 1.25rem 0 0; border-top: 1px solid var(--border); padding-top: 1rem; }
.citations li { margin: 0 0 1.1rem; }
.citations li::marker { color: var(--accent); font-weight: 650; }
.citations .title { font-weight: 600; color: var(--text); }
.citations blockquote { margin: .35rem 0; padding: .4rem .8rem; border-left: 3px solid var(--border); color: var(--muted); font-size: .92rem; white-space: pre-line; }
.citations .open { font-size: .8rem; }
.ask-notes { font-size: .85rem; color: var(--muted); padding-left: 1.2rem; }
.ask-error { color: #b3261e; }
.ask-mode { font-size: .8rem; margin-top: 1rem; }
`;
