import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { errorText } from '../api/errors.js';
import { api, type User } from '../api.js';
import { useT } from '../i18n/index.js';

export function LoginForm({
  email: initialEmail = '',
  onDone,
}: {
  email?: string;
  onDone: (user: User, csrf: string) => void;
}) {
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const id = useId();
  const t = useT();
  const passwordField = useRef<HTMLInputElement>(null);
  // The email is known (after a password change, or signing in again): the password is what is left to type.
  useEffect(() => {
    if (initialEmail) passwordField.current?.focus();
  }, [initialEmail]);
  const login = useMutation({
    mutationFn: () => api.login(email, password),
    onSuccess: ({ user, csrfToken }) => onDone(user, csrfToken),
  });
  const error = login.error ? errorText(login.error) : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };

  return (
    <form className="form" onSubmit={submit} aria-label={t('login.formLabel')}>
      <label htmlFor={`${id}-email`}>{t('login.email')}</label>
      <input
        id={`${id}-email`}
        type="email"
        autoComplete="username"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <label htmlFor={`${id}-password`}>{t('login.password')}</label>
      <input
        ref={passwordField}
        id={`${id}-password`}
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={login.isPending}>
        {t('login.submit')}
      </button>
    </form>
  );
}

/** First run: the server has no account yet, so the first person creates the administrator. */
export function SetupForm({ onDone }: { onDone: (user: User, csrf: string) => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const id = useId();
  const t = useT();
  const setup = useMutation({
    mutationFn: () => api.setup({ name, email, password }),
    onSuccess: ({ user, csrfToken }) => onDone(user, csrfToken),
  });
  const error = setup.error ? errorText(setup.error) : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setup.mutate();
  };

  return (
    <form className="form" onSubmit={submit} aria-label={t('setup.formLabel')}>
      <p>{t('setup.welcome')}</p>
      <label htmlFor={`${id}-name`}>{t('setup.name')}</label>
      <input id={`${id}-name`} required value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor={`${id}-email`}>{t('login.email')}</label>
      <input id={`${id}-email`} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      <label htmlFor={`${id}-password`}>{t('login.password')}</label>
      <input
        id={`${id}-password`}
        type="password"
        autoComplete="new-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={setup.isPending}>
        {t('setup.submit')}
      </button>
    </form>
  );
}
