import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useContext, useId, useState } from 'react';
import { errorText } from '../api/errors.js';
import type { User } from '../api.js';
import { useT } from '../i18n/index.js';
import { ROLE_LABEL } from '../i18n/labels.js';
import { navigate } from '../router.js';
import { PoolContext } from '../sync/context.js';
import { adminApi, formatDate, useLinkInfo } from './api.js';
import './admin.css';

/** The page of a one-time link: `/invite#<token>` (the token in the fragment never reaches a server or its logs). */
export const inviteRoute = (path: string) => path === '/invite' || path.startsWith('/invite/');

/** The token of the link this page was opened with: the fragment, or (hand-typed links) the last path segment. */
function tokenFromLocation(): string {
  const fromHash = location.hash.slice(1);
  if (fromHash) return decodeURIComponent(fromHash);
  return decodeURIComponent(location.pathname.slice('/invite/'.length));
}

/**
 * An invited person chooses their name and password (or, with a reset link, a new password) and is signed in.
 * Shown outside the signed-in shell, whoever is signed in in this browser: accepting signs in as the new account.
 */
export function InvitePage({ onDone }: { onDone: (user: User, csrf: string) => void }) {
  const [token] = useState(tokenFromLocation);
  const lookup = useLinkInfo(token);
  const info = lookup.data ?? null;
  const t = useT();
  const problem = !token ? t('invite.incomplete') : lookup.error ? errorText(lookup.error) : null;
  const [mismatch, setMismatch] = useState(false);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const id = useId();
  const pool = useContext(PoolContext);

  const accept = useMutation({
    mutationFn: () => adminApi.acceptLink(token, password, info?.kind === 'invite' ? name : undefined),
    onSuccess: ({ user, csrfToken }) => {
      // Whoever was signed in in this browser before: nothing of theirs stays open under the new account.
      pool.closeAll();
      // The token leaves the address bar (and the history entry) before anything else is shown.
      navigate('/', true);
      onDone(user, csrfToken);
    },
  });
  const busy = accept.isPending;
  const error = mismatch ? t('invite.differ') : accept.error ? errorText(accept.error) : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const differ = password !== repeat;
    setMismatch(differ);
    if (!differ) accept.mutate();
  };

  const usable = info !== null && info.status === 'pending';
  return (
    <main className="auth-page invite-page">
      <h1>
        <span className="brand-mark" aria-hidden="true">
          A
        </span>
        Accord
      </h1>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {info && !usable && (
        <p className="error" role="alert">
          {t(
            info.status === 'used' ? 'invite.used' : info.status === 'expired' ? 'invite.expired' : 'invite.withdrawn',
          )}
        </p>
      )}
      {info && usable && (
        <form className="form" onSubmit={submit} aria-labelledby={`${id}-title`}>
          <h2 id={`${id}-title`}>{t(info.kind === 'reset' ? 'invite.newPassword' : 'invite.welcome')}</h2>
          <p>
            {info.kind === 'reset'
              ? t('invite.forAccount', { email: info.email })
              : info.project
                ? t('invite.invitedToProject', {
                    inviter: info.invitedBy ?? t('invite.anAdministrator'),
                    email: info.email,
                    project: info.project.name,
                    role: t(ROLE_LABEL[info.project.role]),
                  })
                : t('invite.invited', { inviter: info.invitedBy ?? t('invite.anAdministrator'), email: info.email })}
          </p>
          {info.kind === 'invite' && (
            <>
              <label htmlFor={`${id}-name`}>{t('invite.yourName')}</label>
              <input
                id={`${id}-name`}
                required
                maxLength={200}
                autoComplete="name"
                value={name}
                onChange={(e) => setName(e.target.value)}
              />
            </>
          )}
          <input type="hidden" autoComplete="username" value={info.email} readOnly />
          <label htmlFor={`${id}-password`}>{t('accounts.create.password')}</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="new-password"
            minLength={10}
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <label htmlFor={`${id}-repeat`}>{t('invite.repeat')}</label>
          <input
            id={`${id}-repeat`}
            type="password"
            autoComplete="new-password"
            required
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
          />
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="ui-button ui-button-primary" disabled={busy}>
            {t(info.kind === 'reset' ? 'invite.setPassword' : 'invite.createMine')}
          </button>
          <p className="muted">{t('invite.worksOnce', { until: formatDate(info.expiresAt) })}</p>
        </form>
      )}
      {!info && !problem && <p className="muted">{t('invite.checking')}</p>}
    </main>
  );
}
