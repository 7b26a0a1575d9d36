import {
  computeAgreement,
  paragraphSegments,
  sentenceSegments,
  speakerTurnSegments,
  wholeTranscriptSegments,
} from '@accord/shared/agreement/index';
import { describe, expect, it } from 'vitest';

const pieces = (text: string, segments: [number, number][]) => segments.map(([s, e]) => text.slice(s, e));

describe('segment helpers', () => {
  it.each([
    ['One. Two!  Three?', ['One.', 'Two!', 'Three?']],
    ['He said "stop." Then left', ['He said "stop."', 'Then left']],
    ['Line one\nline two. Next', ['Line one', 'line two.', 'Next']],
    ['3.5 percent is fine. Ok', ['3.5 percent is fine.', 'Ok']],
    ['Wait… what?', ['Wait…', 'what?']],
    ['', []],
  ])('sentences of %j', (text, expected) => {
    expect(pieces(text, sentenceSegments(text))).toEqual(expected);
  });

  it.each([
    ['a\r\nb\n\n  c  \rd', ['a', 'b', 'c', 'd']],
    ['single', ['single']],
    ['\n\n', []],
  ])('paragraphs of %j', (text, expected) => {
    expect(pieces(text, paragraphSegments(text))).toEqual(expected);
  });

  it('speaker turns, with numbered MAXQDA paragraphs and bracketed ids', () => {
    const text = 'Intro line\n1 Dan: Hello there.\n2 Participant: Hi.\nstill talking\n[id1] Yes: indeed';
    const turns = speakerTurnSegments(text);
    expect(turns.map((t) => t.speaker)).toEqual([null, 'Dan', 'Participant', 'id1']);
    expect(text.slice(turns[2]!.start, turns[2]!.end)).toBe('2 Participant: Hi.\nstill talking');
  });

  it('whole transcript', () => {
    expect(wholeTranscriptSegments('  all of it \n')).toEqual([[2, 11]]);
  });

  it('feed the engine as units with a minimum coverage', () => {
    const text = 'First sentence here. Second one. Third and last.';
    const segments = sentenceSegments(text);
    const codings = [
      { document: 't', coder: 'ana', code: 'x', start: 0, end: 25 },
      { document: 't', coder: 'ben', code: 'x', start: 0, end: 20 },
    ];
    const run = (minCoverage: number) =>
      (
        computeAgreement({
          kind: 'spans',
          documents: [{ id: 't', length: text.length }],
          codings,
          unit: { segments: { t: segments }, minCoverage },
        }) as { codes: { pairs: { pooled: { table: unknown } }[] }[] }
      ).codes[0]!.pairs[0]!.pooled.table;
    expect(run(0)).toEqual({ both: 1, a_only: 1, b_only: 0, neither: 1 });
    expect(run(0.5)).toEqual({ both: 1, a_only: 0, b_only: 0, neither: 2 });
  });
});
