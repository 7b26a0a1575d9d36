import { type AnalysisScope, formatScope, parseScope } from '@accord/shared';
import { useId } from 'react';
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
  return (
    <div className="analysis-scope">
      <label htmlFor={id}>Analyse</label>
      <select id={id} value={formatScope(scope)} onChange={(event) => onChange(parseScope(event.target.value))}>
        <option value="all">All coding you can see</option>
        <option value="consensus-else-coders">Consensus where it exists, else coders</option>
        <option value="consensus">Consensus only</option>
        {coders.length > 0 && (
          <optgroup label="One coder">
            {coders.map((coder) => (
              <option key={coder.id} value={formatScope({ kind: 'coder', coder: coder.id })}>
                {coder.name}
              </option>
            ))}
          </optgroup>
        )}
        {revealed.length > 0 && (
          <optgroup label="A round’s snapshot at reveal">
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

/** The server's account of what it counted, shown under each view's results. */
export function CountedNote({ counted }: { counted: Counted | undefined }) {
  if (counted === undefined) return null;
  return (
    <p className="muted analysis-counted" data-testid="counted">
      {counted.text}
    </p>
  );
}
