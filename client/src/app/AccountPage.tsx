import type { PasswordChange } from '@accord/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { ApiError, errorText } from '../api/errors.js';
import { keys } from '../api/queries.js';
import { api } from '../api.js';
import { useT } from '../i18n/index.js';
import { Link } from '../router.js';
import { href } from '../routes.js';
import { useSession } from './session.js';
import '../admin/admin.css';
import './account.css';

/**
 * `/account`: who you are (email, whether you administer the server), your display name, your password. Anyone
 * signed in; a password change ends every session of the account, this one too, and the app goes to the sign-in
 * page saying so (docs/client.md, "Your account").
 */
export function AccountPage() {
  const { user } = useSession();
  const t = useT();
  return (
    <section className="page admin-page account-page" aria-labelledby="account-title">
      <h1 id="account-title">{t('account.title')}</h1>
      <p className="muted admin-intro">{t('account.intro')}</p>
      <div className="admin-forms">
        <div className="admin-form account-card">
          <h2 id="account-profile-title">{t('account.profile.title')}</h2>
          <dl className="account-facts">
            <div>
              <dt>{t('login.email')}</dt>
              <dd>
                <span className="account-email">{user.email}</span>
                <span className="muted account-note">{t('account.emailNote')}</span>
              </dd>
            </div>
            <div>
              <dt>{t('account.role')}</dt>
              <dd>
                <span>{t(user.admin ? 'accounts.administrator' : 'accounts.member')}</span>
                <span className="muted account-note">
                  {t(user.admin ? 'account.role.adminNote' : 'account.role.memberNote')}{' '}
                  {user.admin && <Link href={href.accounts()}>{t('account.manageAccounts')}</Link>}
                </span>
              </dd>
            </div>
          </dl>
          <NameForm />
        </div>
        <PasswordForm />
      </div>
    </section>
  );
}

/** The display name: saved on the account, and shown at once in the header and wherever the app shows this user. */
function NameForm() {
  const { user, updateUser } = useSession();
  const queryClient = useQueryClient();
  const id = useId();
  const t = useT();
  const [name, setName] = useState(user.name);
  const save = useMutation({
    mutationFn: (name: string) => api.changeProfile({ name }),
    onSuccess: ({ user: saved }) => {
      updateUser(saved);
      setName(saved.name);
      // Member lists, candidates and accounts loaded earlier name this user: asked again when next shown.
      void queryClient.invalidateQueries({ queryKey: keys.all });
    },
  });
  const error = save.error
    ? save.error instanceof ApiError && save.error.code === 'invalid_input'
      ? t('account.name.invalid')
      : errorText(save.error)
    : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(name.trim());
  };
  return (
    <form className="form" onSubmit={submit} aria-labelledby="account-profile-title">
      <label htmlFor={`${id}-name`}>{t('account.name.label')}</label>
      <input
        id={`${id}-name`}
        autoComplete="name"
        maxLength={200}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        value={name}
        onChange={(event) => {
          setName(event.target.value);
          if (!save.isPending) save.reset();
        }}
      />
      {error && (
        <p className="error account-field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
      <div className="account-submit">
        <button type="submit" className="ui-button ui-button-primary" disabled={save.isPending}>
          {t('account.name.save')}
        </button>
        <output className="ok" aria-live="polite">
          {save.isSuccess ? t('account.name.saved', { name: save.data.user.name }) : ''}
        </output>
      </div>
    </form>
  );
}

type PasswordProblem = { field: 'current' | 'password' | 'repeat' | null; text: string };

/**
 * The password: the current one, the new one twice. The server's rules apply (its message is shown when it refuses
 * one); a wrong current password counts against the same limit as signing in, whose 429 says when to try again.
 */
function PasswordForm() {
  const { user, endingSessions } = useSession();
  const id = useId();
  const t = useT();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const currentRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const repeatRef = useRef<HTMLInputElement>(null);
  const change = useMutation({
    mutationFn: (body: PasswordChange) => endingSessions(() => api.changePassword(body)),
    onError: (failure) => {
      const field = problemOf(failure).field;
      const input = field === 'current' ? currentRef.current : field === 'password' ? passwordRef.current : null;
      input?.focus();
      input?.select();
    },
  });

  function problemOf(failure: unknown): PasswordProblem {
    if (failure instanceof ApiError && failure.code === 'bad_credentials')
      return { field: 'current', text: t('account.password.wrong') };
    if (failure instanceof ApiError && (failure.code === 'weak_password' || failure.code === 'invalid_input'))
      return { field: 'password', text: errorText(failure) };
    return { field: null, text: errorText(failure) };
  }
  const problem: PasswordProblem | null = mismatch
    ? { field: 'repeat', text: t('account.password.differ') }
    : change.error
      ? problemOf(change.error)
      : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const differ = password !== repeat;
    setMismatch(differ);
    if (differ) {
      change.reset();
      repeatRef.current?.focus();
      return;
    }
    change.mutate({ currentPassword: current, password });
  };
  /** The error shown under one field, tied to it for screen readers. */
  const fieldError = (field: PasswordProblem['field']) =>
    problem?.field === field && (
      <p className="error account-field-error" id={`${id}-${field}-error`} role="alert">
        {problem.text}
      </p>
    );
  const invalid = (field: PasswordProblem['field']) => (problem?.field === field ? true : undefined);
  const described = (field: PasswordProblem['field'], hint?: string) =>
    [hint, problem?.field === field ? `${id}-${field}-error` : undefined].filter(Boolean).join(' ') || undefined;

  return (
    <form className="form admin-form account-card" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('account.password.title')}</h2>
      <p className="muted">{t('account.password.intro')}</p>
      {/* For password managers: the account whose password this is. */}
      <input type="hidden" autoComplete="username" value={user.email} readOnly />
      <label htmlFor={`${id}-current`}>{t('account.password.current')}</label>
      <input
        ref={currentRef}
        id={`${id}-current`}
        type="password"
        autoComplete="current-password"
        required
        aria-invalid={invalid('current')}
        aria-describedby={described('current')}
        value={current}
        onChange={(event) => setCurrent(event.target.value)}
      />
      {fieldError('current')}
      <label htmlFor={`${id}-password`}>{t('account.password.new')}</label>
      <input
        ref={passwordRef}
        id={`${id}-password`}
        type="password"
        autoComplete="new-password"
        required
        aria-invalid={invalid('password')}
        aria-describedby={described('password', `${id}-rule`)}
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <p className="muted account-hint" id={`${id}-rule`}>
        {t('account.password.rule')}
      </p>
      {fieldError('password')}
      <label htmlFor={`${id}-repeat`}>{t('account.password.repeat')}</label>
      <input
        ref={repeatRef}
        id={`${id}-repeat`}
        type="password"
        autoComplete="new-password"
        required
        aria-invalid={invalid('repeat')}
        aria-describedby={described('repeat')}
        value={repeat}
        onChange={(event) => {
          setRepeat(event.target.value);
          setMismatch(false);
        }}
      />
      {fieldError('repeat')}
      {fieldError(null)}
      <div className="account-submit">
        <button type="submit" className="ui-button ui-button-primary" disabled={change.isPending}>
          {t('account.password.submit')}
        </button>
      </div>
    </form>
  );
}
