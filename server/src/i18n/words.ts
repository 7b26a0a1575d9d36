/**
 * Words the pages get in English from elsewhere, in the report language: the agreement engine's interpretations,
 * flags, coefficient names, reasons for an undefined value and interval warnings (shared/src/agreement), review
 * decisions, units, theme statuses and what an analysis counted. The engine's outputs stay as they are (the JSON and
 * CSV carry them); each is mapped here, at render time, from its value to a catalogue message whose English text is
 * the engine's own word, so English pages read exactly as before. A value without a message is shown as it is.
 */
import {
  type AnalysisScope,
  type CountedDescription,
  INTERVAL_METHOD,
  type IntervalReading,
  MIN_INTERVAL_TRANSCRIPTS,
  NOT_COMPUTED,
  ROUND_BOOTSTRAP,
  type UnitKind,
} from '@accord/shared';
import type { ReportMessageId } from './en.js';
import { type MessageArgs, type ReportLocale, t } from './index.js';

/** Engine words (exact English text) and the message that says them. */
export const AGREEMENT_WORDS: Readonly<Record<string, ReportMessageId>> = {
  "Cohen's kappa": 'coefficient.cohenKappa',
  "Fleiss' kappa": 'coefficient.fleissKappa',
  "Krippendorff's alpha": 'coefficient.krippendorffAlpha',
  "Gwet's AC1": 'coefficient.gwetAc1',
  'almost perfect': 'interpretation.almostPerfect',
  substantial: 'interpretation.substantial',
  moderate: 'interpretation.moderate',
  fair: 'interpretation.fair',
  slight: 'interpretation.slight',
  poor: 'interpretation.poor',
  reliable: 'interpretation.reliable',
  tentative: 'interpretation.tentative',
  // `unreliable` is both an alpha reading and a flag, with the same German word.
  unreliable: 'interpretation.unreliable',
  discuss: 'flag.discuss',
  [INTERVAL_METHOD]: 'interval.method',
};

/** The engine's reasons for an undefined coefficient (shared/src/agreement: binary, cohen, multirater, …). */
export const UNDEFINED_REASONS: Readonly<Record<string, ReportMessageId>> = {
  'no units': 'reason.noUnits',
  'no units for this pair (neither coder was assigned a document here, or it is empty)': 'reason.noUnitsForPair',
  'both coders coded all units or none, so chance agreement is 1 and kappa is 0/0': 'reason.kappaAllOrNone',
  'both coders coded all units or none, so chance agreement is 1 and pi is 0/0': 'reason.piAllOrNone',
  'every unit has the same value (all coded or all uncoded), so alpha is 0/0': 'reason.alphaSameValue',
  'undefined in every document of this pair': 'reason.undefinedInEveryDocument',
  'no unit was rated by both coders': 'reason.noUnitByBoth',
  'both coders put every unit in one and the same category, so chance agreement is 1 and kappa is 0/0':
    'reason.oneCategoryPair',
  'no unit has ratings from two or more coders': 'reason.noPairs',
  'every rating is in one category, so chance agreement is 1 and kappa is 0/0': 'reason.oneCategoryKappa',
  'Gwet’s chance agreement needs at least two categories': 'reason.gwetCategories',
  'with a single category, chance agreement 1/q is 1 and the coefficient is 0/0': 'reason.oneCategoryChance',
  'all pairable values are alike, so expected disagreement is 0 and alpha is 0/0': 'reason.alphaAlike',
  'fewer than two pairable values': 'reason.fewerThanTwo',
};

const mapped = (table: Readonly<Record<string, ReportMessageId>>, locale: ReportLocale, word: string) => {
  const id = Object.hasOwn(table, word) ? table[word] : undefined;
  return id === undefined ? word : t(locale, id);
};

/** An interpretation, flag, coefficient name or the interval method, in `locale` (unknown words as they are). */
export const agreementWord = (locale: ReportLocale, word: string): string => mapped(AGREEMENT_WORDS, locale, word);

/** Why a coefficient is undefined, in `locale`. */
export const undefinedReason = (locale: ReportLocale, reason: string): string =>
  mapped(UNDEFINED_REASONS, locale, reason);

/**
 * Why an interval is missing or approximate, in `locale`, from the reading itself (`intervalReading` in
 * shared/src/agreement/bootstrap.ts says the same in English); null when nothing needs saying.
 */
export function intervalWarning(
  locale: ReportLocale,
  reading: IntervalReading,
  numbers: (value: number) => string = String,
): string | null {
  if (reading.warning === null) return null;
  if (reading.ci95 === null && reading.warning === NOT_COMPUTED) return t(locale, 'interval.notComputed');
  if (reading.ci95 === null && reading.transcripts < MIN_INTERVAL_TRANSCRIPTS) {
    return t(locale, 'interval.tooFew', {
      count: reading.transcripts,
      countText: numbers(reading.transcripts),
      minimum: numbers(MIN_INTERVAL_TRANSCRIPTS),
    });
  }
  if (reading.ci95 === null) {
    const total = ROUND_BOOTSTRAP.samples;
    return t(locale, 'interval.undefinedIn', {
      undefined: numbers(total - (reading.samples ?? 0)),
      total: numbers(total),
    });
  }
  return t(locale, 'interval.approximate', { transcripts: numbers(reading.transcripts) });
}

/** A review decision in words (`describeDecision` in shared/src/rounds/resolution.ts, in `locale`). */
export function decisionWords(
  locale: ReportLocale,
  decision: string,
  names: { coderA: string; coderB: string; code?: string | undefined },
): string {
  switch (decision) {
    case 'keepA':
      return t(locale, 'decision.keepA', { coder: names.coderA });
    case 'keepB':
      return t(locale, 'decision.keepB', { coder: names.coderB });
    case 'merge':
      return t(locale, 'decision.merge');
    case 'drop':
      return t(locale, 'decision.drop');
    case 'recode':
      return names.code ? t(locale, 'decision.recodeAs', { code: names.code }) : t(locale, 'decision.recode');
    case 'agreed':
      return t(locale, 'decision.agreed');
    default:
      return decision;
  }
}

const UNIT_IDS: Record<UnitKind, ReportMessageId> = {
  character: 'unitName.character',
  sentence: 'unitName.sentence',
  paragraph: 'unitName.paragraph',
  speakerTurn: 'unitName.speakerTurn',
  transcript: 'unitName.transcript',
};

/** A unit of analysis by its short name (`character`: "Zeichen" in German); an unknown unit as it is. */
export function unitName(locale: ReportLocale, unit: string): string {
  const id = Object.hasOwn(UNIT_IDS, unit) ? UNIT_IDS[unit as UnitKind] : undefined;
  return id === undefined ? unit : t(locale, id);
}

/**
 * What an analysis counted, in `locale`: `countedDescription` (server/src/analysis/dataset.ts) in other words. The
 * layers' names are the server's (`Consensus`, `Merged`, a coder's name); the first two are translated.
 */
export function countedText(
  locale: ReportLocale,
  scope: AnalysisScope,
  counted: Pick<CountedDescription, 'layers' | 'rule'>,
  names: { layer: (id: string) => string; round: (id: string) => string },
): string {
  const what = (() => {
    switch (scope.kind) {
      case 'all':
        return t(locale, 'counted.all');
      case 'coder':
        return t(locale, 'counted.coder', { name: names.layer(scope.coder) });
      case 'consensus':
        return t(locale, 'counted.consensus');
      case 'consensusElseCoders':
        return t(locale, 'counted.consensusElseCoders');
      case 'round':
        return t(locale, 'counted.round', { name: names.round(scope.round) });
    }
  })();
  const layer = (name: string) =>
    name === 'Consensus' ? t(locale, 'layer.consensus') : name === 'Merged' ? t(locale, 'layer.merged') : name;
  const args: MessageArgs = { what, layers: counted.layers.map(layer).join(', ') || t(locale, 'counted.noLayers') };
  return counted.rule === null
    ? t(locale, 'counted.text', args)
    : t(locale, 'counted.textMerged', { ...args, rule: t(locale, 'counted.rule') });
}
