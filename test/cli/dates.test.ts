/** Dates and lengths users type: a day the calendar has, a range that ends after it starts, characters counted as characters. */
import { describe, expect, it } from 'vitest';
import { dateOption, dateRange, lastOption, ordered } from '../../src/cli/dates.js';
import { dateBound } from '../../src/formats/media.js';
import { isoDate } from '../../src/formats/media.js';
import { queryTooLong, MAX_QUERY_LENGTH } from '../../src/search/limits.js';

describe('dates', () => {
  it('takes days the calendar has, and years or months as bounds', () => {
    expect(isoDate('2024-02-29')).toBe('2024-02-29');
    expect(isoDate('2025年3月7日')).toBe('2025-03-07');
    for (const bad of ['2025-02-30', '2025-02-29', '2025-13-01', '2025-00-10', '2025-04-31', '2025-99-99']) expect(isoDate(bad), bad).toBeUndefined();
    expect(dateOption({ since: '2025' }, 'since', 'since')).toBe('2025-01-01');
    expect(dateOption({ until: '2025-06' }, 'until', 'until')).toBe('2025-06-31');
    for (const bad of ['2025-00', '2025-13', '2025-02-30', 'yesterday', 'x2025-02-01y', '20250-01-01', '2025-02-01T00:00']) expect(() => dateOption({ since: bad }, 'since', 'since'), bad).toThrow(/takes a date/);
    expect(dateOption({ since: ' 2025/3/7 ' }, 'since', 'since')).toBe('2025-03-07');
  });

  it('--last: days or weeks back from today, within a hundred years', () => {
    const today = new Date(2026, 10, 29);
    expect([lastOption('1d', today), lastOption('2w', today)]).toEqual(['2026-11-28', '2026-11-15']);
    for (const bad of ['0d', '99999999999d', '1y', '']) expect(() => lastOption(bad, today), bad).toThrow(/--last takes a number of days or weeks/);
  });

  it('refuses a range that ends before it starts, and takes one of a single day', () => {
    expect(() => dateRange({ since: '2025-03-10', until: '2025-03-07' })).toThrow(/is after --until/);
    expect(dateRange({ since: '2025-03-07', until: '2025-03-07' })).toEqual({ since: '2025-03-07', until: '2025-03-07' });
    expect(dateRange({ since: '2025-03', until: '2025-03' })).toEqual({ since: '2025-03-01', until: '2025-03-31' });
    // digest's --last is a start too.
    expect(() => ordered('2025-03-10', '2025-03-01', 'the start of --last 1d', { until: '2025-03-01' })).toThrow(/^the start of --last 1d is after --until 2025-03-01/);
  });

  it('the CLI and the web read a date bound the same way (one parser)', () => {
    expect([dateBound('2025', 'since'), dateBound('2025', 'until'), dateBound(' 2025-06 ', 'until'), dateBound('2025-06-31', 'since')]).toEqual(['2025-01-01', '2025-12-31', '2025-06-31', undefined]);
  });
});

describe('query length', () => {
  it('counts characters, not UTF-16 units: an emoji or 𠮷 is one', () => {
    expect(queryTooLong('🤖'.repeat(MAX_QUERY_LENGTH))).toBeUndefined();
    expect(queryTooLong('𠮷'.repeat(MAX_QUERY_LENGTH + 1))).toMatch(/is 501 characters long/);
    expect(queryTooLong('模'.repeat(MAX_QUERY_LENGTH + 1))).toMatch(/is 501 characters long/);
  });
});
