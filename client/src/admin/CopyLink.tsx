import { useState } from 'react';
import { dateTime } from '../i18n/format.js';
import { useIntl, useT } from '../i18n/index.js';
import { Button } from '../ui/Button.js';
import type { MadeLink } from './api.js';

/**
 * A link just made, shown once (the server keeps only its hash): the text to copy, a copy button, and whether the
 * mail went out when a relay is configured.
 */
export function CopyLink({ made, label }: { made: MadeLink; label: string }) {
  const [copied, setCopied] = useState(false);
  const t = useT();
  const intl = useIntl();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(made.link);
      setCopied(true);
    } catch {
      // No clipboard permission (plain http, an old browser): the text field is selected for a manual copy.
      document.getElementById(`link-${made.invitation.id}`)?.focus();
    }
  };
  return (
    <div className="made-link" role="status">
      <p>
        <strong>{label}</strong>{' '}
        {made.sent === true
          ? t('admin.copy.sent', { email: made.invitation.email })
          : made.sent === false
            ? (made.sendError ?? t('admin.copy.notSent'))
            : t('admin.copy.noMail', { email: made.invitation.email })}
      </p>
      <div className="made-link-row">
        <input
          id={`link-${made.invitation.id}`}
          className="ui-input made-link-text"
          readOnly
          aria-label={t('admin.copy.link')}
          value={made.link}
          onFocus={(event) => event.currentTarget.select()}
        />
        <Button variant="primary" size="sm" onPress={copy}>
          {t(copied ? 'admin.copy.copied' : 'admin.copy.copy')}
        </Button>
      </div>
      <p className="muted">{t('admin.copy.once', { until: dateTime(intl, made.invitation.expiresAt) })}</p>
    </div>
  );
}
