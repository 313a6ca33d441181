import { describe, expect, it } from 'vitest';
import { stem } from '../../src/text/stem.js';

describe('stem', () => {
  it('strips plurals, -ed, -ing and adverbial -ly', () => {
    const cases: [string, string][] = [
      ['models', 'model'], ['studies', 'study'], ['study', 'study'], ['classes', 'class'],
      ['running', 'run'], ['trained', 'train'], ['training', 'train'], ['scaling', 'scale'],
      ['scaled', 'scale'], ['scales', 'scale'], ['agreed', 'agree'], ['quickly', 'quick'],
    ];
    for (const [w, s] of cases) expect(stem(w), w).toBe(s);
  });

  it('leaves short words, names and lookalikes alone', () => {
    for (const w of ['this', 'has', 'status', 'analysis', 'bus', 'thing', 'sing', 'need', 'red', 'family', 'supply', 'butterfly', 'deepseek', 'law']) {
      expect(stem(w), w).toBe(w);
    }
  });

  it('only touches lowercase ASCII words', () => {
    expect(stem('Models')).toBe('Models');
    expect(stem('v3')).toBe('v3');
    expect(stem('cafés')).toBe('cafés');
  });
});
