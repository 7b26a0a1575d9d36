import { describe, expect, it } from 'vitest';
import { methodText, reportMarkdown, unitText } from '../../server/src/rounds/report.js';
import { legacyMethodText, legacyUnitText } from './legacyMethodText.js';
import { fixtureReport } from './reportFixture.js';
import { VARIANTS } from './variants.js';

/**
 * Issue 26: the reliability report's method text in the project's language. Every variant a round can produce is
 * built from the shared engine's figures (reportFixture.ts); English must read byte for byte as before the
 * catalogue (legacyMethodText.ts is the old code), German must say each variant in German and nothing in English.
 */

type Fragment = string | RegExp;
interface Case {
  variant: keyof typeof VARIANTS;
  en: Fragment[];
  de: Fragment[];
  /** In neither language. */
  not?: Fragment[];
}

const CASES: Case[] = [
  {
    variant: 'blindCharacters',
    en: [
      'Intercoder reliability was assessed on 6 transcripts selected by the research team, each coded by 2 of 2 coders (Ana Alvarez, Ben Brandt) using the codebook as frozen at the start of the round (4 codes; SHA-256 0ac1097b49b9…).',
      'Coders worked independently and could not see one another’s codings, cursors or selections',
      'taking the character (UTF-16 code unit of the transcript text) as the unit of analysis: for each code',
      "We report percent agreement, Cohen's kappa (Cohen, 1960), PABAK (Byrt, Bishop & Carlin, 1993), Gwet's AC1 (Gwet, 2008) and Krippendorff's alpha (nominal; Krippendorff, 2004).",
      '95% confidence intervals were obtained by a percentile bootstrap over transcripts (1000 resamples, seed 1)',
      'With fewer than 10 transcripts these intervals are approximate',
      /Cohen's kappa ranged from 0\.\d\d to 0\.\d\d across 2 codes\. Codes with kappa below 0\.6 were flagged for discussion and alpha below 0\.667 was considered unreliable/,
      'running `accord agreement` on the exported input reproduces every figure.',
    ],
    de: [
      'Die Intercoder-Reliabilität wurde an 6 vom Forschungsteam ausgewählten Transkripten geprüft, jeweils codiert von 2 der 2 Codierenden (Ana Alvarez, Ben Brandt) mit dem zu Beginn der Runde eingefrorenen Codebuch (4 Codes; SHA-256 0ac1097b49b9…).',
      'Die Codierenden arbeiteten unabhängig voneinander und konnten die Codierungen, Cursor und Markierungen der anderen nicht sehen',
      'wobei das Zeichen (UTF-16-Codeeinheit des Transkripttexts) als Analyseeinheit diente: Für jeden Code',
      'Berichtet werden die prozentuale Übereinstimmung, Cohens Kappa (Cohen, 1960), PABAK (Byrt, Bishop & Carlin, 1993), Gwets AC1 (Gwet, 2008) und Krippendorffs Alpha (nominal; Krippendorff, 2004).',
      '95-%-Konfidenzintervalle mit einem Perzentil-Bootstrap über Transkripte ermittelt (1.000 Stichprobenwiederholungen, Seed 1)',
      'Bei weniger als 10 Transkripten sind diese Intervalle nur Näherungen',
      /Cohens Kappa lag über 2 Codes zwischen 0,\d\d und 0,\d\d\. Codes mit Kappa unter 0,6 wurden zur Besprechung markiert, Alpha unter 0,667 galt als nicht reliabel/,
      '`accord agreement` auf der exportierten Eingabe reproduziert jede Zahl.',
    ],
    not: ['a forced reveal', 'erzwungen'],
  },
  {
    variant: 'open',
    en: ['Coders could see one another’s codings while coding (an open round).'],
    de: ['Die Codierenden konnten die Codierungen der anderen beim Codieren sehen (eine offene Runde).'],
    not: ['Coders worked independently', 'arbeiteten unabhängig'],
  },
  {
    variant: 'forced',
    en: [
      'logged every reveal. The round was revealed by its owner before every coder had marked their transcripts done (a forced reveal), so some layers may be unfinished.',
    ],
    de: [
      'protokollierte jedes Aufdecken. Die Runde wurde aufgedeckt, bevor alle Codierenden ihre Transkripte als fertig markiert hatten (erzwungenes Aufdecken); manche Ebenen sind daher womöglich unvollständig.',
    ],
  },
  {
    variant: 'openForced',
    en: ['(an open round). The round was revealed by its owner before every coder'],
    de: ['(eine offene Runde). Die Runde wurde aufgedeckt, bevor alle Codierenden'],
  },
  {
    variant: 'sentences',
    en: [
      "taking the sentence (sentence boundaries by the Unicode text segmentation rules (UAX #29) with each transcript's language; Accord segmentation version 2) as the unit of analysis (a unit counted as coded when a coding covered at least 50% of it):",
    ],
    de: [
      'wobei der Satz (Satzgrenzen nach den Unicode-Regeln der Textsegmentierung (UAX #29) in der Sprache des jeweiligen Transkripts; Accord-Segmentierungsversion 2) als Analyseeinheit diente (eine Einheit galt als codiert, wenn eine Codierung mindestens 50\u00a0% von ihr abdeckte):',
    ],
  },
  {
    variant: 'sentencesV1',
    en: [
      'taking the sentence (sentences ending after ".", "!", "?" or "…" followed by whitespace, or at a line break; Accord segmentation version 1) as the unit of analysis (a unit counted as coded when a coding covered any part of it):',
    ],
    de: [
      'wobei der Satz (Sätze enden nach „.“, „!“, „?“ oder „…“ mit folgendem Leerraum oder an einem Zeilenumbruch; Accord-Segmentierungsversion 1) als Analyseeinheit diente (eine Einheit galt als codiert, wenn eine Codierung irgendeinen Teil von ihr abdeckte):',
    ],
  },
  {
    variant: 'paragraphs',
    en: ['taking the paragraph (paragraphs being lines of text, also ended by Unicode line and paragraph separators;'],
    de: ['wobei der Absatz (Absätze sind Textzeilen, auch durch Unicode-Zeilen- und -Absatztrenner beendet;'],
  },
  {
    variant: 'turns',
    en: [
      'taking the speaker turn (speaker turns as recorded at import, or starting at speaker labels in any script; Accord segmentation version 2) as the unit of analysis (a unit counted as coded when a coding covered at least 25% of it):',
    ],
    de: [
      'wobei der Sprecherbeitrag (Sprecherbeiträge wie beim Import erfasst oder beginnend an Sprecherbeschriftungen in beliebiger Schrift; Accord-Segmentierungsversion 2) als Analyseeinheit diente (eine Einheit galt als codiert, wenn eine Codierung mindestens 25\u00a0% von ihr abdeckte):',
    ],
  },
  {
    variant: 'wholeTranscript',
    en: ['taking the whole transcript (presence or absence of each code) as the unit of analysis (a unit counted'],
    de: ['wobei das ganze Transkript (Vorkommen oder Fehlen jedes Codes) als Analyseeinheit diente (eine Einheit'],
    not: ['segmentation version', 'Segmentierungsversion'],
  },
  {
    variant: 'undefinedKappa',
    en: ["Cohen's kappa ranged from undefined for every code across 2 codes."],
    de: ['Cohens Kappa war für keinen Code definiert (2 Codes).'],
  },
  {
    variant: 'oneTranscript',
    en: [
      'assessed on 1 transcript selected by the research team',
      'No confidence intervals are reported: the round has 1 transcript, and an interval needs at least 5 (units',
    ],
    de: [
      'an 1 vom Forschungsteam ausgewählten Transkript geprüft',
      'Es werden keine Konfidenzintervalle angegeben: Die Runde umfasst 1 Transkript, ein Intervall braucht mindestens 5 (Einheiten',
    ],
  },
  {
    variant: 'fewTranscripts',
    en: ['No confidence intervals are reported: the round has 3 transcripts, and'],
    de: ['Es werden keine Konfidenzintervalle angegeben: Die Runde umfasst 3 Transkripte, ein'],
    not: ['bootstrap over transcripts (', 'Bootstrap über Transkripte ermittelt'],
  },
  {
    variant: 'tenTranscripts',
    en: ['for codes coded by both coders in at least 5 transcripts. Cohen'],
    de: ['in mindestens 5 Transkripten von beiden Codierenden codiert wurden. Cohens'],
    not: ['With fewer than 10', 'Bei weniger als 10'],
  },
  {
    variant: 'threeCoders',
    en: [
      'each coded by 3 of 3 coders (Ana Alvarez, Ben Brandt, Cem Celik)',
      "Fleiss' kappa (Fleiss, 1971), Brennan and Prediger’s coefficient (Brennan & Prediger, 1981), Gwet's AC1",
      /Fleiss' kappa ranged from/,
    ],
    de: [
      'jeweils codiert von 3 der 3 Codierenden (Ana Alvarez, Ben Brandt, Cem Celik)',
      'Fleiss’ Kappa (Fleiss, 1971), der Koeffizient von Brennan und Prediger (Brennan & Prediger, 1981), Gwets AC1',
      /Fleiss’ Kappa lag über/,
    ],
    not: ['PABAK'],
  },
  {
    variant: 'rareCodeThreeCoders',
    en: ['each coded by 2 or 3 of 3 coders'],
    de: ['jeweils codiert von 2 oder 3 der 3 Codierenden'],
  },
  {
    variant: 'sample',
    en: ['assessed on a random sample of 6 of 30 transcripts (20%, drawn with seed 4242), each coded'],
    de: ['an einer Zufallsstichprobe von 6 aus 30 Transkripten (20\u00a0%, gezogen mit Seed 4242) geprüft'],
    not: ['research team', 'Forschungsteam'],
  },
  {
    variant: 'noCodebook',
    en: ['(Ana Alvarez, Ben Brandt) using the project codebook.'],
    de: ['(Ana Alvarez, Ben Brandt) mit dem Codebuch des Projekts.'],
  },
  {
    variant: 'oneChange',
    en: ['During review, 1 code definition was changed; each change is recorded with the round.'],
    de: ['Während der Prüfung wurde 1 Codedefinition geändert; jede Änderung ist mit der Runde festgehalten.'],
  },
  {
    variant: 'twoChanges',
    en: ['During review, 2 code definitions were changed;'],
    de: ['Während der Prüfung wurden 2 Codedefinitionen geändert;'],
  },
  {
    variant: 'notRevealed',
    en: [
      'The round had not been revealed when this report was generated: the figures are from the coders’ live layers and no disagreement had been reviewed.',
    ],
    de: [
      'Die Runde war bei Erstellung dieses Berichts noch nicht aufgedeckt: Die Zahlen stammen aus den aktuellen Ebenen der Codierenden, und es war noch keine Abweichung geprüft.',
    ],
  },
  {
    variant: 'noDisagreements',
    en: ['The coders’ layers did not disagree on any passage, so there was nothing to resolve.'],
    de: ['Die Ebenen der Codierenden wichen an keiner Passage voneinander ab; es gab also nichts aufzulösen.'],
  },
  {
    variant: 'noneResolved',
    en: ['Of 5 disagreements between coders, none had been resolved when this report was generated;'],
    de: ['Von 5 Abweichungen zwischen den Codierenden war bei Erstellung dieses Berichts keine aufgelöst;'],
  },
  {
    variant: 'oneDisagreementResolved',
    en: ['All 1 disagreement between coders were resolved into a consensus layer by Olive Owner, each decision'],
    de: ['Die einzige Abweichung zwischen den Codierenden wurde von Olive Owner in einer Konsensebene aufgelöst;'],
  },
  {
    variant: 'allResolved',
    en: [
      'All 4 disagreements between coders were resolved into a consensus layer by Olive Owner (3) and Pia Prüfer (1),',
    ],
    de: [
      'Alle 4 Abweichungen zwischen den Codierenden wurden von Olive Owner (3) und Pia Prüfer (1) in einer Konsensebene',
    ],
  },
  {
    variant: 'oneResolved',
    en: [
      'Of 14 disagreements between coders, 1 was resolved into a consensus layer by Olive Owner (each decision recorded with its adjudicator, time and rationale) and 13 remained unresolved when this report was generated, so the consensus layer is incomplete.',
    ],
    de: [
      'Von 14 Abweichungen zwischen den Codierenden wurde 1 von Olive Owner in einer Konsensebene aufgelöst (jede Entscheidung mit entscheidender Person, Zeitpunkt und Begründung festgehalten); bei Erstellung dieses Berichts noch offen: 13, die Konsensebene ist daher unvollständig.',
    ],
  },
  {
    variant: 'someResolved',
    en: [
      'Of 14 disagreements between coders, 3 were resolved into a consensus layer by Olive Owner (2) and Pia Prüfer (1)',
    ],
    de: ['Von 14 Abweichungen zwischen den Codierenden wurden 3 von Olive Owner (2) und Pia Prüfer (1) in einer'],
  },
  {
    variant: 'rareCode',
    en: ['No interval is given for Rare (too few transcripts coded by both coders, or the coefficient undefined'],
    de: ['Für Rare wird kein Intervall angegeben (zu wenige von beiden Codierenden codierte Transkripte'],
  },
  {
    variant: 'twoRareCodes',
    en: ['No interval is given for Rare and Rarer ('],
    de: ['Für Rare und Rarer wird kein Intervall angegeben ('],
  },
];

/** The English template, in fragments: none may be left in a German method text. */
const ENGLISH_TEMPLATE = [
  'Intercoder reliability was assessed',
  'selected by the research team',
  'a random sample of',
  'each coded by',
  ' coders (',
  'the codebook as frozen',
  'the project codebook',
  'Coders worked independently',
  'Coders could see',
  'The round was revealed by its owner',
  'a forced reveal',
  'Agreement was computed per code',
  'as the unit of analysis',
  'a unit counted as coded',
  'any part of it',
  'Tables were pooled',
  'We report percent agreement',
  "Cohen's kappa",
  "Fleiss' kappa",
  "Krippendorff's alpha",
  "Gwet's AC1",
  'Brennan and Prediger',
  'No confidence intervals',
  'confidence intervals were obtained',
  'percentile bootstrap',
  'resamples',
  'No interval is given',
  'With fewer than 10',
  'ranged from',
  'flagged for discussion',
  'considered unreliable',
  'flagged:',
  'had not been revealed',
  'did not disagree',
  'between coders',
  'resolved into a consensus layer',
  'remained unresolved',
  'During review',
  'code definition',
  'snapshotted at reveal',
  'reproduces every figure',
  'the character (',
  'UTF-16 code unit',
  'the sentence',
  'the paragraph',
  'the speaker turn',
  'the whole transcript',
  'segmentation version',
  'Unicode text segmentation rules',
  'lines of text',
  'as recorded at import',
  'undefined',
];

const holds = (text: string, fragment: Fragment) =>
  typeof fragment === 'string' ? text.includes(fragment) : fragment.test(text);

describe('the method text of the reliability report', () => {
  it.each(Object.keys(VARIANTS))('%s: English byte for byte as before, for every tag that is not German', (name) => {
    const report = fixtureReport(VARIANTS[name]);
    const before = legacyMethodText(report);
    for (const language of [null, 'en', 'en-GB', 'fr', 'pt-BR']) expect(methodText(report, language)).toBe(before);
    expect(report.method).toBe(before);
  });

  it.each(CASES)('$variant in English and in German', ({ variant, en, de, not = [] }) => {
    const english = methodText(fixtureReport(VARIANTS[variant]), null);
    const german = methodText(fixtureReport({ ...VARIANTS[variant], language: 'de' }), 'de');
    for (const fragment of en) expect(holds(english, fragment), `${variant} (en) says ${fragment}`).toBe(true);
    for (const fragment of de) expect(holds(german, fragment), `${variant} (de) says ${fragment}`).toBe(true);
    for (const fragment of not) {
      expect(holds(english, fragment), `${variant} (en) never says ${fragment}`).toBe(false);
      expect(holds(german, fragment), `${variant} (de) never says ${fragment}`).toBe(false);
    }
    for (const fragment of ENGLISH_TEMPLATE) expect(german, `${variant} (de)`).not.toContain(fragment);
  });

  it('covers every variant, and every English fragment it rules out occurs in some English text', () => {
    expect(new Set(CASES.map((c) => c.variant))).toEqual(
      new Set(Object.keys(VARIANTS).filter((v) => !['undefinedKappaMany', 'everyDecision'].includes(v))),
    );
    const english = Object.values(VARIANTS).map((options) => methodText(fixtureReport(options), null));
    const unused = ENGLISH_TEMPLATE.filter((fragment) => !english.some((text) => text.includes(fragment)));
    expect(unused).toEqual([]);
  });

  it('follows regional German tags, and the report is written in the language it was built in', () => {
    const report = fixtureReport({ ...VARIANTS.sample, language: 'de-AT' });
    expect(report.method).toBe(methodText(report, 'de-AT'));
    expect(report.method).toContain('Zufallsstichprobe von 6 aus 30 Transkripten');
    // Figures as the regional tag writes them (Austrian German groups thousands with a space).
    expect(report.method).toMatch(/\(1\s000 Stichprobenwiederholungen, Seed 1\)/);
    expect(methodText(report, 'de')).toContain('(1.000 Stichprobenwiederholungen, Seed 1)');
    // The Markdown is written in the report's language unless told otherwise.
    expect(reportMarkdown(report)).toContain('## Methode');
    expect(reportMarkdown(report, { lang: null })).toContain('## Method\n');
  });

  it('describes every unit, as before in English and in German', () => {
    const units = ['character', 'sentence', 'paragraph', 'speakerTurn', 'transcript'] as const;
    for (const unit of units) {
      for (const version of [1, 2] as const) {
        expect(unitText(unit, { version })).toBe(legacyUnitText(unit, { version }));
        expect(unitText(unit, { version }, 'de')).not.toBe(unitText(unit, { version }));
      }
    }
    expect(unitText('sentence', { version: 2 }, 'de')).toBe(
      'der Satz (Satzgrenzen nach den Unicode-Regeln der Textsegmentierung (UAX #29) in der Sprache des jeweiligen Transkripts; Accord-Segmentierungsversion 2)',
    );
    expect(unitText('character', { version: 2 }, 'de')).toBe('das Zeichen (UTF-16-Codeeinheit des Transkripttexts)');
  });
});
