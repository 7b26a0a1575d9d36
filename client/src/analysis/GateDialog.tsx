import { useEffect, useState } from 'react';
import { errorText } from '../api/errors.js';
import { analysisApi, type GateView } from './api.js';

const RELIABILITY: Record<string, string> = {
  ok: 'ok',
  belowThreshold: 'under the threshold',
  neverDoubleCoded: 'never double-coded',
};

const fixed = (value: number | null) => (value === null ? '—' : value.toFixed(2));

/**
 * The finalisation gate: the latest agreement of each code of the theme (from the most recent revealed round),
 * with a warning for codes under the project's thresholds or never double-coded. Finalising with warnings needs
 * an explicit acknowledgement; the server records the round and report the decision relied on.
 */
export function GateDialog({ project, themeId, onClose }: { project: string; themeId: string; onClose: () => void }) {
  const [gate, setGate] = useState<GateView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [acknowledged, setAcknowledged] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    analysisApi
      .gate(project, themeId)
      .then(setGate)
      .catch((caught) => setError(errorText(caught)));
  }, [project, themeId]);

  const finalise = async () => {
    setBusy(true);
    try {
      await analysisApi.finalise(project, themeId, acknowledged);
      onClose();
    } catch (caught) {
      setError(errorText(caught));
      setBusy(false);
    }
  };

  return (
    <div className="modal-backdrop">
      <div className="modal gate" role="dialog" aria-modal="true" aria-labelledby="gate-title">
        <h2 id="gate-title">Mark “{gate?.theme.name ?? '…'}” final</h2>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {gate && (
          <>
            <p>
              {gate.round
                ? `Agreement from the most recent revealed round, “${gate.round.name}” (kappa threshold ${gate.thresholds.kappa}, alpha threshold ${gate.thresholds.alpha}).`
                : 'No round has been revealed yet: no code of this theme has been double-coded.'}
            </p>
            <table>
              <thead>
                <tr>
                  <th>Code</th>
                  <th>Kappa</th>
                  <th>Alpha</th>
                  <th>Reliability</th>
                </tr>
              </thead>
              <tbody>
                {gate.codes.map((code) => (
                  <tr
                    key={code.code}
                    className={code.reliability === 'ok' ? '' : 'warn'}
                    data-reliability={code.reliability}
                  >
                    <td>{code.name}</td>
                    <td>{fixed(code.kappa)}</td>
                    <td>{fixed(code.alpha)}</td>
                    <td>{RELIABILITY[code.reliability]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {gate.warns && (
              <div className="notice" role="alert" data-testid="gate-warning">
                <p>
                  {gate.codes.filter((c) => c.reliability !== 'ok').length} code(s) of this theme are under the
                  project’s threshold or were never double-coded. A final theme built on them may not be reliable.
                </p>
                <label>
                  <input
                    type="checkbox"
                    checked={acknowledged}
                    onChange={(event) => setAcknowledged(event.target.checked)}
                  />{' '}
                  I have discussed this and want to finalise anyway
                </label>
              </div>
            )}
          </>
        )}
        <div className="row">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            disabled={!gate || busy || (gate.warns && !acknowledged)}
            onClick={() => void finalise()}
          >
            Finalise theme
          </button>
        </div>
      </div>
    </div>
  );
}
