import { findDocumentId } from '../../store/read.js';
import { formatTimecode } from '../../formats/media.js';
import { documentQuoteChecks, type QuoteCheck } from '../../quotes/library.js';
import { libraryOption, UsageError, type Command } from '../command.js';
import { openFor } from '../library.js';

const MARK: Record<QuoteCheck['status'], string> = { verbatim: '✓', approximate: '≈', translation: '⇄', 'not-found': '✗' };

/** The JSON shape of one checked quote (snake_case, as documented in the README). */
function toJson(q: QuoteCheck, rendition: number) {
  return {
    quote: q.quote,
    speaker: q.speaker,
    claimed_start: q.claimedStart,
    verified: q.verified,
    start: q.start,
    passage: q.passage,
    matched: q.matched,
    status: q.status,
    similarity: q.similarity,
    link: q.link,
    rendition,
  };
}

const clock = (s: number | null) => (s == null ? '--:--:--' : formatTimecode(s));

export const quotesCommand: Command = {
  name: 'quotes',
  usage: `engram quotes ID|URL|VIDEO_ID [--library DIR] [--json]

Checks every quote in the document's summaries (engram's and other tools') against its
transcripts: found verbatim (✓), approximately (≈), a translation of what was said (⇄, not a
quote; tied to its passage when names and numbers show which), or not found (✗). The time
shown is where the transcript has it; the summary's claimed time is in brackets.

Options:
  --json   array of {quote, speaker, claimed_start, verified, start, passage, matched, status, similarity, link, rendition}
           (start: seconds where the transcript has it, null when not found; passage: that passage's text;
           matched: the transcript's words that matched)

Exit code: 0 every quote verified (or none to check), 1 some quotes not verified, 2 usage error.`,
  options: { ...libraryOption, json: { type: 'boolean' } },
  positionals: true,
  run(values, positionals, io) {
    const ref = positionals.join(' ').trim();
    if (!ref) throw new UsageError('quotes needs a document ID, media URL or YouTube video ID');
    const { db } = openFor(values, io);
    try {
      const id = findDocumentId(db, ref);
      if (id === undefined) {
        io.err.write(`engram: no document "${ref}" in the library (try \`engram search\`)\n`);
        return 1;
      }
      const summaries = documentQuoteChecks(db, id);
      const all = summaries.flatMap((s) => s.quotes);
      if (values.json) {
        io.out.write(JSON.stringify(summaries.flatMap((s) => s.quotes.map((q) => toJson(q, s.renditionId))), null, 2) + '\n');
      } else if (summaries.length === 0) {
        io.out.write('This document has no summary.\n');
      } else {
        for (const s of summaries) {
          const count = (st: QuoteCheck['status']) => s.quotes.filter((q) => q.status === st).length;
          io.out.write(
            `Summary ${s.renditionId} (${s.format}${s.generated ? ', generated' : ''}): ${s.quotes.length} quotes — ` +
              `${count('verbatim')} verbatim, ${count('approximate')} approximate, ${count('translation')} translations, ${count('not-found')} not found\n`,
          );
          for (const q of s.quotes) {
            const text = q.quote.length > 90 ? `${q.quote.slice(0, 88)}…` : q.quote;
            io.out.write(`  ${MARK[q.status]} ${clock(q.start)} [${clock(q.claimedStart)}] ${q.speaker ? `${q.speaker}: ` : ''}“${text}”\n`);
          }
        }
      }
      return all.every((q) => q.verified) ? 0 : 1;
    } finally {
      db.close();
    }
  },
};
