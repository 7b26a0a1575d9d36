import { useState } from 'react';
import { Button } from '../ui/Button.js';
import type { MadeLink } from './api.js';

/**
 * A link just made, shown once (the server keeps only its hash): the text to copy, a copy button, and whether the
 * mail went out when a relay is configured.
 */
export function CopyLink({ made, label }: { made: MadeLink; label: string }) {
  const [copied, setCopied] = useState(false);
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
          ? `Sent by mail to ${made.invitation.email}. You can also pass the link on yourself:`
          : made.sent === false
            ? `${made.sendError ?? 'The mail could not be sent.'}`
            : `Give this link to ${made.invitation.email} (this server sends no mail):`}
      </p>
      <div className="made-link-row">
        <input
          id={`link-${made.invitation.id}`}
          className="ui-input made-link-text"
          readOnly
          aria-label="Link"
          value={made.link}
          onFocus={(event) => event.currentTarget.select()}
        />
        <Button variant="primary" size="sm" onPress={copy}>
          {copied ? 'Copied' : 'Copy link'}
        </Button>
      </div>
      <p className="muted">
        It works once, until {new Date(made.invitation.expiresAt).toLocaleString()}. It is shown only now.
      </p>
    </div>
  );
}
