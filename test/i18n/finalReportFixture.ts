import type { FinalReportView } from '@accord/shared';
import type { ProjectBundle } from '../../server/src/interchange/bundle.js';

/** A final report with every part the page renders: themes of each status, a finalised one, quotes, reliability. */
export function fixtureFinalReport(reliability: Partial<FinalReportView['reliability']> = {}): FinalReportView {
  const code = (id: string, path: string[], codings: number) => ({
    id,
    path,
    definition: `${path.at(-1)} defined`,
    codings,
    transcripts: 2,
  });
  return {
    project: { id: 'p1', name: 'Caring <study>', description: 'Interviews with carers.' },
    generatedAt: Date.UTC(2026, 11, 6, 15, 4),
    counted: {
      scope: 'all coding you can see (consensus and every coder, merged)',
      layers: ['Consensus', 'Ana Alvarez'],
      rule: 'a passage coded with the same code (same start and end) in several layers counts once, as one segment naming every layer that coded it',
      text: 'Counted: all coding you can see (consensus and every coder, merged); layers read: Consensus, Ana Alvarez; a passage coded with the same code (same start and end) in several layers counts once, as one segment naming every layer that coded it.',
    },
    layers: [
      { id: 'consensus', name: 'Consensus' },
      { id: 'u1', name: 'Ana Alvarez' },
    ],
    themes: [
      {
        id: 'th1',
        name: 'Being alone',
        definition: 'Feeling left alone with the care.',
        memo: 'Check with P3.',
        status: 'final',
        depth: 0,
        codes: [code('c1', ['Isolation'], 12), code('c2', ['Isolation', 'Night'], 1)],
        quotes: [
          { text: 'I felt alone', transcript: 'Interview 1', participant: 'P1', speakers: ['P1'], asChosen: false },
          { text: 'nobody called', transcript: 'Interview 2', participant: 'P2', speakers: [], asChosen: true },
        ],
        counts: { codings: 13, transcripts: 1, participants: 1 },
        finalisedWith: {
          round: 'r1',
          roundName: 'Pilot',
          report: { unit: 'character', minCoverage: 0, digest: 'f00dfeedbeef0123456789' },
          thresholds: { kappa: 0.6, alpha: 0.667 },
          codes: [
            { code: 'c1', reliability: 'belowThreshold', kappa: 0.512, alpha: 0.5 },
            { code: 'c2', reliability: 'neverDoubleCoded', kappa: null, alpha: null },
          ],
          warningsAcknowledged: true,
          by: 'u0',
          at: Date.UTC(2026, 11, 5, 12),
        },
      },
      {
        id: 'th2',
        name: 'Night shifts',
        definition: '',
        memo: '',
        status: 'reviewed',
        depth: 1,
        codes: [],
        quotes: [],
        counts: { codings: 0, transcripts: 0, participants: 0 },
        finalisedWith: null,
      },
      {
        id: 'th3',
        name: 'Support',
        definition: 'Who helps.',
        memo: '',
        status: 'candidate',
        depth: 0,
        codes: [code('c3', ['Support'], 4)],
        quotes: [],
        counts: { codings: 4, transcripts: 2, participants: 2 },
        finalisedWith: {
          round: null,
          roundName: null,
          report: null,
          thresholds: { kappa: 0.6, alpha: 0.667 },
          codes: [{ code: 'c3', reliability: 'ok', kappa: 0.8, alpha: 0.79 }],
          warningsAcknowledged: false,
          by: 'u0',
          at: Date.UTC(2026, 11, 4, 12),
        },
      },
    ],
    unthemedCodes: [code('c4', ['Money'], 1)],
    reliability: {
      round: { id: 'r1', name: 'Pilot', revealedAt: Date.UTC(2026, 11, 5, 9, 30) },
      digest: 'f00dfeedbeef0123456789',
      thresholds: { kappa: 0.6, alpha: 0.667 },
      meanKappa: 0.6125,
      meanAlpha: 0.7,
      codes: [
        {
          code: 'c1',
          name: 'Isolation',
          kappaName: "Cohen's kappa",
          kappa: 0.512,
          alpha: 0.5,
          flags: ['discuss', 'unreliable'],
        },
        { code: 'c3', name: 'Support', kappaName: "Cohen's kappa", kappa: 0.8, alpha: 0.9, flags: [] },
      ],
      unavailable: null,
      ...reliability,
    },
  };
}

/** A codebook with a parent, a child and every section filled in somewhere, and one coded excerpt. */
export function fixtureBundle(): ProjectBundle {
  const code = (
    guid: string,
    name: string,
    parentGuid: string | null,
    fields: Partial<ProjectBundle['codes'][number]>,
  ) => ({
    guid,
    name,
    parentGuid,
    colour: '#0072b2',
    definition: '',
    inclusion: '',
    exclusion: '',
    examples: '',
    ...fields,
  });
  return {
    name: 'Caring <study>',
    description: '',
    users: [{ guid: 'g-u1', name: 'Ana Alvarez' }],
    codes: [
      code('g-c1', 'Isolation', null, {
        definition: 'Being alone.',
        inclusion: 'Says so.',
        exclusion: 'Chosen solitude.',
        examples: '“I felt alone”',
      }),
      code('g-c2', 'Night', 'g-c1', { definition: 'At night.' }),
    ],
    transcripts: [
      {
        guid: 'g-t1',
        title: 'Interview 1',
        participant: 'P1',
        attributes: {},
        text: 'P1: I felt alone.',
        turns: [],
        layers: [{ userGuid: 'g-u1', codings: [{ guid: 'g-k1', codeGuid: 'g-c1', start: 4, end: 16, createdAt: 0 }] }],
      },
    ],
    memos: [],
  };
}
