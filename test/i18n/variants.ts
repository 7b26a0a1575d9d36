import type { FixtureOptions } from './reportFixture.js';

const adjudicators = (...decisions: number[]) =>
  decisions.map((n, i) => ({ id: `a${i + 1}`, name: ['Olive Owner', 'Pia Prüfer'][i]!, decisions: n }));

/** The variants of a round the method text tells apart. */
export const VARIANTS: Record<string, FixtureOptions> = {
  blindCharacters: {},
  open: { mode: 'open' },
  forced: { forced: true },
  openForced: { mode: 'open', forced: true },
  sentences: { unit: 'sentence', minCoverage: 0.5 },
  sentencesV1: { unit: 'sentence', segmentation: 1 },
  paragraphs: { unit: 'paragraph' },
  turns: { unit: 'speakerTurn', minCoverage: 0.25 },
  wholeTranscript: { unit: 'transcript' },
  oneTranscript: { transcripts: 1 },
  fewTranscripts: { transcripts: 3 },
  tenTranscripts: { transcripts: 10 },
  threeCoders: { coders: 3 },
  sample: { sample: { percent: 20, seed: 4242, populationSize: 30 } },
  noCodebook: { codebook: false },
  oneChange: { codebookChanges: 1 },
  twoChanges: { codebookChanges: 2 },
  notRevealed: { review: { revealed: false } },
  noDisagreements: { review: { revealed: true, disagreements: 0 } },
  noneResolved: { review: { disagreements: 5, resolved: 0, open: 5 } },
  oneDisagreementResolved: { review: { disagreements: 1, resolved: 1, open: 0, by: adjudicators(1) } },
  allResolved: { review: { disagreements: 4, resolved: 4, open: 0, by: adjudicators(3, 1) } },
  oneResolved: {
    review: { disagreements: 14, resolved: 1, open: 13, by: adjudicators(1) },
    decisions: [{ decision: 'keepB', memo: 'the visits, not the person' }],
  },
  someResolved: {
    review: { disagreements: 14, resolved: 3, open: 11, by: adjudicators(2, 1) },
    decisions: [{ decision: 'keepA' }, { decision: 'merge' }, { decision: 'recode', code: 'Support & care' }],
  },
  everyDecision: {
    review: { disagreements: 7, resolved: 7, open: 0, by: adjudicators(7) },
    decisions: [
      { decision: 'keepA' },
      { decision: 'keepB' },
      { decision: 'merge' },
      { decision: 'drop' },
      { decision: 'recode', code: 'Support & care' },
      { decision: 'recode' },
      { decision: 'agreed' },
    ],
  },
  undefinedKappa: { unit: 'transcript', identical: true },
  undefinedKappaMany: { identical: true, transcripts: 6 },
  rareCode: { rare: 1 },
  twoRareCodes: { rare: 2, transcripts: 12 },
  rareCodeThreeCoders: { rare: 1, coders: 3, partial: true },
};
