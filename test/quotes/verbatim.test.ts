/**
 * `locateVerbatim` answers "would `locateQuote` find this verbatim, and where" without the
 * approximate search where that cannot change the answer (the check of a quote in another
 * language than its transcript, and so every summary check at ingest, relies on it).
 */
import { describe, expect, it } from 'vitest';
import { locateQuote, locateVerbatim, TranscriptIndex, type TimedText } from '../../src/quotes/locate.js';
import { checkQuotes, prepareTranscripts } from '../../src/quotes/check.js';

const talk: TimedText[] = [
  { start: 0, text: 'Welcome back. Tonight the keepers of the north light.', speaker: 'Ada' },
  { start: 12, text: 'The lamp was never the hard part, you know, the glass was the hard part.', speaker: 'Ben' },
  { start: 40, text: 'We logged every ship that passed. Fog or no fog, every single one.', speaker: 'Ben' },
  { start: 95, text: 'My grandfather kept the light for thirty years at Gull Point.', speaker: 'Ben' },
  { start: 110, text: 'What did the work look like, day to day? Trimming wicks, hauling oil up the stairs, painting the railings, writing letters to the board about the roof, the well, the boat that never came on time, and the long walk to the village for bread every second week.', speaker: 'Ada' },
  { start: 400, text: 'And he never once missed the evening lighting, not in thirty winters.', speaker: 'Ben' },
  { start: 700, text: 'We logged every ship that passed, he told me again years later.', speaker: 'Ben' },
];

describe('locateVerbatim', () => {
  const index = new TranscriptIndex(talk);
  const same = (quote: string, claimed?: number) => {
    const full = locateQuote(index, quote, claimed);
    expect(locateVerbatim(index, quote, claimed)).toEqual(full.status === 'verbatim' ? full : undefined);
    return full.status;
  };

  it('agrees with locateQuote on verbatim quotes, nearest to the claimed time among repeats', () => {
    expect(same('We logged every ship that passed', 690)).toBe('verbatim');
    expect(same('We logged every ship that passed', 30)).toBe('verbatim');
    expect(locateVerbatim(index, 'We logged every ship that passed', 690)!.start).toBe(700);
    expect(same('My grandfather kept the light … at Gull Point')).toBe('verbatim');
  });

  it('agrees that a lightly edited or missing quote is not verbatim', () => {
    expect(same('My grandfather kept that light for thirty long years at Gull Point.')).toBe('approximate');
    expect(same('Every keeper secretly hoped for a quiet life far from any harbour town.')).toBe('not-found');
  });

  it('keeps the whole quote\'s approximate place over sentences found apart, as locateQuote does', () => {
    // Whole, it is found approximately (the words between are skipped); cut at its sentence end, exactly.
    expect(same('The lamp was never the hard part. The glass was the hard part.')).toBe('approximate');
    // Sentences said minutes apart are not found whole: cut, both are found exactly.
    expect(same('My grandfather kept the light for thirty years at Gull Point. And he never once missed the evening lighting, not in thirty winters.')).toBe('verbatim');
  });
});

describe('checkQuotes without translation ties', () => {
  it('verifies the same quotes, at the same times', () => {
    const t = prepareTranscripts([[
      { start: 0, text: '今天我们请到了一位嘉宾 聊聊OpenAI和Anthropic的竞争' },
      { start: 60, text: '我觉得OpenAI的对手不是Anthropic 而是Google 谷歌的位置太好了' },
      { start: 3730, text: 'Inline quote about sparse attention costs' },
    ]]);
    const quotes = [
      { quote: "OpenAI doesn't think its competitor is Anthropic but Google.", claimedStart: 90, passage: 0 },
      { quote: 'Inline quote about sparse attention costs', claimedStart: 605, passage: 1 },
      { quote: '我覺得OpenAI的對手不是Anthropic，而是Google', claimedStart: 0, passage: 2 },
    ];
    const full = checkQuotes(t, quotes);
    const quick = checkQuotes(t, quotes, { ties: false });
    expect(full[0]).toMatchObject({ status: 'translation', verified: false, start: 60 });
    expect(quick[0]).toMatchObject({ status: 'translation', verified: false, start: null });
    expect(quick.slice(1)).toEqual(full.slice(1));
    expect(quick.slice(1).map((q) => [q.status, q.start])).toEqual([['verbatim', 3730], ['verbatim', 60]]);
  });
});
