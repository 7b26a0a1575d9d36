import {
  addCoding,
  buildSpansInput,
  DEFAULT_THRESHOLDS,
  initTranscript,
  readCodings,
  type SpansInput,
} from '@accord/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { computeDashboard, type LiveAssignment, LiveRound, roundSegmentation } from '../src/rounds/dashboardModel.js';

// Four sentences by Unicode's rules (segmentation version 2), one by the legacy rule (version 1: only `. ! ? …`).
const TEXT = '我们都说没事。没有人受伤！所以我以为我们是无敌的？是的。';

function liveRound(language: string | null): { assignments: LiveAssignment[]; text: Y.Doc } {
  const text = new Y.Doc();
  initTranscript(text, TEXT, []);
  const layer = (coder: string, codings: { code: string; start: number; end: number }[]) => {
    const doc = new Y.Doc();
    for (const coding of codings) addCoding(doc, text, coding);
    return { coder, name: `t1/${coder}`, doc };
  };
  const second = TEXT.indexOf('没有人');
  return {
    text,
    assignments: [
      {
        transcriptId: 't1',
        textName: 't1/text',
        textDoc: text,
        language,
        coders: ['a', 'b'],
        layers: [
          layer('a', [{ code: 'c1', start: 0, end: second - 1 }]),
          layer('b', [{ code: 'c1', start: second, end: second + 4 }]),
        ],
      },
    ],
  };
}

const segmentsOf = (input: SpansInput) => (typeof input.unit === 'string' ? null : input.unit.segments.t1);

describe('the live dashboard cuts units as the server does for the round', () => {
  it('a version-1 round: the legacy sentence rule, the same input and figures the server computes', () => {
    const { assignments, text } = liveRound(null);
    const live = new LiveRound(assignments, roundSegmentation(1)).recompute('sentence', 0, DEFAULT_THRESHOLDS);
    expect(segmentsOf(live.input)).toHaveLength(1);
    // What the server builds for the same round (server/src/rounds/data.ts passes the round's version).
    const server = buildSpansInput(
      [{ id: 't1', text: TEXT, turns: [], coders: ['a', 'b'], language: null }],
      assignments[0]!.layers.map((l) => ({ document: 't1', coder: l.coder, codings: readCodings(l.doc, text) })),
      { unit: 'sentence', minCoverage: 0, segmentation: 1 },
    );
    expect(live.input).toEqual(server);
    expect(live.rows).toEqual(computeDashboard(server, DEFAULT_THRESHOLDS, false).rows);
    // Both coded the one legacy sentence: they agree on it.
    expect(live.rows[0]!.percentAgreement.value).toBe(1);
  });

  it('a version-2 round: Unicode sentences in the transcript’s language', () => {
    const { assignments } = liveRound('zh');
    const live = new LiveRound(assignments, roundSegmentation(2)).recompute('sentence', 0, DEFAULT_THRESHOLDS);
    expect(segmentsOf(live.input)).toHaveLength(4);
    expect(segmentsOf(live.input)).toEqual(
      [...new Intl.Segmenter('zh', { granularity: 'sentence' }).segment(TEXT)].map((s) => [
        s.index,
        s.index + s.segment.length,
      ]),
    );
    // Each coded a different sentence: they disagree on both.
    expect(live.rows[0]!.percentAgreement.value).toBe(0.5);
  });

  it('an unknown version reads as the latest', () => {
    expect(roundSegmentation(undefined)).toBe(2);
    expect(roundSegmentation(7)).toBe(2);
    expect(roundSegmentation(1)).toBe(1);
  });
});
