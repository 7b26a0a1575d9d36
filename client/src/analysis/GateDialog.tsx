import { useState } from 'react';
import { errorText } from '../api/errors.js';
import { fixed } from '../i18n/format.js';
import { type MessageId, msg, useIntl, useT } from '../i18n/index.js';
import { Button, Dialog } from '../ui/index.js';
import { useFinalise, useGate } from './api.js';

const RELIABILITY: Record<string, MessageId> = {
  ok: msg('gate.reliability.ok'),
  belowThreshold: msg('gate.reliability.belowThreshold'),
  neverDoubleCoded: msg('gate.reliability.neverDoubleCoded'),
};

/**
 * The finalisation gate: the latest agreement of each code of the theme (from the most recent revealed round),
 * with a warning for codes under the project's thresholds or never double-coded. Finalising with warnings needs
 * an explicit acknowledgement; the server records the round and report the decision relied on.
 */
export function GateDialog({ project, themeId, onClose }: { project: string; themeId: string; onClose: () => void }) {
  const gateQuery = useGate(project, themeId);
  const finalise = useFinalise(project, themeId);
  const [acknowledged, setAcknowledged] = useState(false);
  const t = useT();
  const intl = useIntl();
  const gate = gateQuery.data ?? null;
  const error = gateQuery.error ?? finalise.error;
  const flagged = gate ? gate.codes.filter((code) => code.reliability !== 'ok').length : 0;

  return (
    <Dialog
      title={t('gate.title', { name: gate?.theme.name ?? '…' })}
      isOpen
      onOpenChange={(open) => !open && onClose()}
      className="gate"
    >
      {error && (
        <p className="error" role="alert">
          {errorText(error)}
        </p>
      )}
      {!gate && !error && <p className="muted">{t('gate.loading')}</p>}
      {gate && (
        <>
          <p>
            {gate.round
              ? t('gate.from', {
                  round: gate.round.name,
                  kappa: gate.thresholds.kappa,
                  alpha: gate.thresholds.alpha,
                })
              : t('gate.noRound')}
          </p>
          <div className="ui-table-scroll">
            <table className="ui-table">
              <thead>
                <tr>
                  <th>{t('gate.col.code')}</th>
                  <th>{t('gate.col.kappa')}</th>
                  <th>{t('gate.col.alpha')}</th>
                  <th>{t('gate.col.reliability')}</th>
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
                    <td>{fixed(intl, code.kappa)}</td>
                    <td>{fixed(intl, code.alpha)}</td>
                    <td>{RELIABILITY[code.reliability] ? t(RELIABILITY[code.reliability]!) : code.reliability}</td>
                  </tr>
                ))}
                {gate.codes.length === 0 && (
                  <tr>
                    <td colSpan={4} className="muted">
                      {t('gate.noCodes')}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          {gate.warns && (
            <div className="notice" role="alert" data-testid="gate-warning">
              <p>{t('gate.warning', { count: flagged })}</p>
              <label>
                <input
                  type="checkbox"
                  checked={acknowledged}
                  onChange={(event) => setAcknowledged(event.target.checked)}
                />{' '}
                {t('gate.acknowledge')}
              </label>
            </div>
          )}
        </>
      )}
      <div className="actions">
        <Button onPress={onClose}>{t('common.cancel')}</Button>
        <Button
          variant="primary"
          isDisabled={!gate || finalise.isPending || (gate.warns && !acknowledged)}
          onPress={() => finalise.mutate(acknowledged, { onSuccess: onClose })}
        >
          {t('gate.finalise')}
        </Button>
      </div>
    </Dialog>
  );
}
