import { type FormEvent, useId, useState } from 'react';
import { api, type User } from '../api.js';
import { errorText } from '../api/errors.js';

export function LoginForm({
  email: initialEmail = '',
  onDone,
}: {
  email?: string;
  onDone: (user: User, csrf: string) => void;
}) {
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { user, csrfToken } = await api.login(email, password);
      onDone(user, csrfToken);
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} aria-label="Sign in">
      <label htmlFor={`${id}-email`}>Email</label>
      <input
        id={`${id}-email`}
        type="email"
        autoComplete="username"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <label htmlFor={`${id}-password`}>Password</label>
      <input
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
      <button type="submit" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}

/** First run: the server has no account yet, so the first person creates the administrator. */
export function SetupForm({ onDone }: { onDone: (user: User, csrf: string) => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const { user, csrfToken } = await api.setup({ name, email, password });
      onDone(user, csrfToken);
    } catch (caught) {
      setError(errorText(caught));
    }
  };

  return (
    <form className="form" onSubmit={submit} aria-label="Create the administrator account">
      <p>Welcome. Create the administrator account of this server.</p>
      <label htmlFor={`${id}-name`}>Name</label>
      <input id={`${id}-name`} required value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor={`${id}-email`}>Email</label>
      <input id={`${id}-email`} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      <label htmlFor={`${id}-password`}>Password</label>
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
      <button type="submit">Create account</button>
    </form>
  );
}
