import { type AnalysisScope, formatScope, parseScope } from '@accord/shared';
import { createContext, useContext, useId } from 'react';
import { type Translate, useT } from '../i18n/index.js';
import { layerNameLabel } from '../i18n/labels.js';
import type { AnalysisOptions, Counted } from './api.js';

/**
 * What every analysis view counts, chosen once for all of them (retrieval, statistics, themes, final report):
 * all coding the user may see by default, one coder, consensus where it exists else coders, or a revealed round's
 * snapshots. The server only ever answers with layers this user may read.
 */
export function ScopeSelector({
  options,
  scope,
  onChange,
}: {
  options: AnalysisOptions;
  scope: AnalysisScope;
  onChange: (scope: AnalysisScope) => void;
}) {
  const id = useId();
  const coders = options.layers.filter((layer) => layer.id !== 'consensus');
  const revealed = options.rounds.filter((round) => round.status === 'revealed');
  const t = useT();
  return (
    <div className="analysis-scope">
      <label htmlFor={id}>{t('scope.label')}</label>
      <select id={id} value={formatScope(scope)} onChange={(event) => onChange(parseScope(event.target.value))}>
        <option value="all">{t('scope.all')}</option>
        <option value="consensus-else-coders">{t('scope.consensusElseCoders')}</option>
        <option value="consensus">{t('scope.consensus')}</option>
        {coders.length > 0 && (
          <optgroup label={t('scope.oneCoder')}>
            {coders.map((coder) => (
              <option key={coder.id} value={formatScope({ kind: 'coder', coder: coder.id })}>
                {coder.name}
              </option>
            ))}
          </optgroup>
        )}
        {revealed.length > 0 && (
          <optgroup label={t('scope.round')}>
            {revealed.map((round) => (
              <option key={round.id} value={formatScope({ kind: 'round', round: round.id })}>
                {round.name}
              </option>
            ))}
          </optgroup>
        )}
      </select>
    </div>
  );
}

/** The analysis page's scope and options, for the views' captions of what they counted. */
export const ScopeContext = createContext<{ scope: AnalysisScope; options: AnalysisOptions } | null>(null);

/**
 * What an answer counted, in words, in the interface's language: the scope, the layers read and the counting rule
 * where layers are merged (in English the same sentence the server writes in its exports and reports).
 */
export function countedText(
  counted: Counted,
  { scope, options }: { scope: AnalysisScope; options: AnalysisOptions },
  t: Translate,
): string {
  const layerName = (id: string) => options.layers.find((layer) => layer.id === id)?.name ?? id;
  const what =
    scope.kind === 'all'
      ? t('counted.all')
      : scope.kind === 'coder'
        ? t('counted.coder', { name: layerName(scope.coder) })
        : scope.kind === 'consensus'
          ? t('counted.consensus')
          : scope.kind === 'consensusElseCoders'
            ? t('counted.consensusElseCoders')
            : t('counted.round', {
                name: options.rounds.find((round) => round.id === scope.round)?.name ?? scope.round,
              });
  const layers = counted.layers.map((name) => layerNameLabel(name, t)).join(', ') || t('counted.noLayers');
  return counted.rule === null
    ? t('counted.text', { what, layers })
    : t('counted.textMerged', { what, layers, rule: t('counted.rule') });
}

/** `countedText` for the analysis page this component is on (the server's sentence outside one). */
export function useCountedText(): (counted: Counted | undefined) => string {
  const context = useContext(ScopeContext);
  const t = useT();
  return (counted) => (counted === undefined ? '' : context ? countedText(counted, context, t) : counted.text);
}

/** The server's account of what it counted, shown under each view's results. */
export function CountedNote({ counted }: { counted: Counted | undefined }) {
  const context = useContext(ScopeContext);
  const t = useT();
  if (counted === undefined) return null;
  return (
    <p className="muted analysis-counted" data-testid="counted">
      {context ? countedText(counted, context, t) : counted.text}
    </p>
  );
}
