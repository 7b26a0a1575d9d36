import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { anchorCoding } from '../../src/model/codings.js';
import { addAgreedCodings, readConsensus, readDecisions, recordDecision } from '../../src/model/consensus.js';
import { initTranscript, transcriptText } from '../../src/model/transcript.js';

const TEXT = 'Ana: I felt alone. Nobody called.\n';

function setup() {
  const text = new Y.Doc();
  initTranscript(text, TEXT, []);
  return { text, consensus: new Y.Doc() };
}

const record = (disagreement: string, decision: 'keepA' | 'drop' | 'merge') => ({
  disagreement,
  round: 'r1',
  kind: 'differentBoundaries' as const,
  coders: ['ana', 'ben'] as [string, string],
  decision,
  decidedBy: 'olive',
  decidedAt: 1000,
  memo: 'A follows the definition',
  sources: [{ coder: 'ana', coding: 'a1' }],
});

describe('consensus layer', () => {
  it('records a decision with provenance and reads codings at absolute offsets', () => {
    const { text, consensus } = setup();
    const coding = anchorCoding(text, { code: 'iso', start: 5, end: 18, createdAt: 1 });
    recordDecision(consensus, record('d1', 'keepA'), [{ id: 'k1', coding }]);
    expect(readConsensus(consensus, text)).toEqual([
      {
        id: 'k1',
        code: 'iso',
        start: 5,
        end: 18,
        createdAt: 1,
        provenance: {
          decidedBy: 'olive',
          decidedAt: 1000,
          decision: 'keepA',
          sources: [{ coder: 'ana', coding: 'a1' }],
          memo: 'A follows the definition',
          round: 'r1',
          disagreement: 'd1',
        },
      },
    ]);
    expect(readDecisions(consensus)).toMatchObject([{ disagreement: 'd1', codings: ['k1'] }]);
  });

  it('replaces the codings of an earlier decision on the same disagreement; a drop keeps its record', () => {
    const { text, consensus } = setup();
    recordDecision(consensus, record('d1', 'keepA'), [
      { id: 'k1', coding: anchorCoding(text, { code: 'iso', start: 5, end: 18 }) },
    ]);
    recordDecision(consensus, record('d1', 'drop'), []);
    expect(readConsensus(consensus, text)).toEqual([]);
    expect(readDecisions(consensus)).toMatchObject([{ disagreement: 'd1', decision: 'drop', codings: [] }]);
  });

  it('never adds an equal coding twice and follows corrections to the text', () => {
    const { text, consensus } = setup();
    const coding = anchorCoding(text, { code: 'iso', start: 5, end: 18 });
    expect(
      addAgreedCodings(consensus, [{ id: 'g1', coding, sources: [] }], {
        decidedBy: 'olive',
        decidedAt: 1,
        round: 'r1',
      }),
    ).toBe(1);
    const stored = recordDecision(consensus, record('d2', 'merge'), [{ id: 'k2', coding }]);
    expect(stored.codings).toEqual([]);
    transcriptText(text).insert(0, '>> ');
    expect(readConsensus(consensus, text).map((c) => [c.id, c.start, c.end, c.provenance.decision])).toEqual([
      ['g1', 8, 21, 'agreed'],
    ]);
  });
});
