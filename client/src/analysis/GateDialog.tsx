import { useState } from 'react';
import { errorText } from '../api/errors.js';
import { Button, Dialog } from '../ui/index.js';
import { useFinalise, useGate } from './api.js';

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
  const gateQuery = useGate(project, themeId);
  const finalise = useFinalise(project, themeId);
  const [acknowledged, setAcknowledged] = useState(false);
  const gate = gateQuery.data ?? null;
  const error = gateQuery.error ?? finalise.error;
  const flagged = gate ? gate.codes.filter((code) => code.reliability !== 'ok').length : 0;

  return (
    <Dialog
      title={`Mark “${gate?.theme.name ?? '…'}” final`}
      isOpen
      onOpenChange={(open) => !open && onClose()}
      className="gate"
    >
      {error && (
        <p className="error" role="alert">
          {errorText(error)}
        </p>
      )}
      {!gate && !error && <p className="muted">Loading the agreement of this theme’s codes…</p>}
      {gate && (
        <>
          <p>
            {gate.round
              ? `Agreement from the most recent revealed round, “${gate.round.name}” (kappa threshold ${gate.thresholds.kappa}, alpha threshold ${gate.thresholds.alpha}).`
              : 'No round has been revealed yet: no code of this theme has been double-coded.'}
          </p>
          <div className="ui-table-scroll">
            <table className="ui-table">
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
                {gate.codes.length === 0 && (
                  <tr>
                    <td colSpan={4} className="muted">
                      This theme has no codes.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          {gate.warns && (
            <div className="notice" role="alert" data-testid="gate-warning">
              <p>
                {flagged} code{flagged === 1 ? '' : 's'} of this theme {flagged === 1 ? 'is' : 'are'} under the
                project’s threshold or never double-coded. A final theme built on them may not be reliable.
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
      <div className="actions">
        <Button onPress={onClose}>Cancel</Button>
        <Button
          variant="primary"
          isDisabled={!gate || finalise.isPending || (gate.warns && !acknowledged)}
          onPress={() => finalise.mutate(acknowledged, { onSuccess: onClose })}
        >
          Finalise theme
        </Button>
      </div>
    </Dialog>
  );
}
