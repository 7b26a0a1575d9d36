import { useCallback, useContext, useEffect, useState } from 'react';
import { AnalysisPage, analysisRoute } from '../analysis/AnalysisPage.js';
import { ApiError, api, onSessionExpired, setCsrfToken, type User } from '../api.js';
import { AccessNotice } from '../importExport/AccessNotice.js';
import { RoundsPage, roundsRoute } from '../rounds/RoundsPage.js';
import { Link, navigate, parseRoute, usePath } from '../router.js';
import { PoolContext } from '../sync/context.js';
import { ConnectionBadge } from './ConnectionBadge.js';
import { LoginForm, SetupForm } from './LoginPage.js';
import { ProjectPage } from './ProjectPage.js';
import { ProjectsPage } from './ProjectsPage.js';
import { SessionContext } from './session.js';
import { TranscriptPage } from './TranscriptPage.js';

type SessionState =
  | { state: 'loading' }
  | { state: 'signedOut'; setupNeeded: boolean }
  | { state: 'signedIn'; user: User }
  | { state: 'expired'; user: User };

export function App() {
  const pool = useContext(PoolContext);
  const [session, setSession] = useState<SessionState>({ state: 'loading' });
  const path = usePath();
  const route = parseRoute(path);

  useEffect(() => {
    api
      .session()
      .then(({ user, csrfToken }) => {
        setCsrfToken(csrfToken);
        setSession({ state: 'signedIn', user });
      })
      .catch(async () => {
        const { needed } = await api.setupNeeded().catch(() => ({ needed: false }));
        setSession({ state: 'signedOut', setupNeeded: needed });
      });
  }, []);

  // An expired session keeps the page (and any unsynced codings) and asks to sign in again on top of it.
  useEffect(
    () =>
      onSessionExpired(() =>
        setSession((current) => (current.state === 'signedIn' ? { state: 'expired', user: current.user } : current)),
      ),
    [],
  );
  useEffect(() => {
    let last = 0;
    pool.onConnectionTrouble = () => {
      if (Date.now() - last < 5000) return;
      last = Date.now();
      api.session().catch(() => {});
    };
  }, [pool]);

  const signedIn = useCallback((user: User, csrfToken: string) => {
    setCsrfToken(csrfToken);
    setSession({ state: 'signedIn', user });
    if (location.pathname === '/login') navigate('/', true);
  }, []);

  const signOut = useCallback(async () => {
    await api.logout().catch(() => {});
    setCsrfToken(null);
    pool.closeAll();
    setSession({ state: 'signedOut', setupNeeded: false });
    navigate('/login');
  }, [pool]);

  if (session.state === 'loading') return <p className="loading">Loading…</p>;
  if (session.state === 'signedOut') {
    return (
      <main className="auth-page">
        <h1>Accord</h1>
        {session.setupNeeded ? <SetupForm onDone={signedIn} /> : <LoginForm onDone={signedIn} />}
      </main>
    );
  }

  const user = session.user;
  return (
    <SessionContext.Provider value={{ user, signOut }}>
      <header className="app-header">
        <Link href="/" className="brand">
          Accord
        </Link>
        <span className="spacer" />
        <ConnectionBadge />
        <span className="who" title={user.email}>
          {user.name}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <AccessNotice />
      {session.state === 'expired' && (
        <div className="modal-backdrop">
          <div className="modal" role="alertdialog" aria-modal="true" aria-labelledby="expired-title">
            <h2 id="expired-title">Your session has expired</h2>
            <p>Sign in again to go on. Nothing you coded is lost: unsynced changes are sent once you are back.</p>
            <LoginForm
              email={user.email}
              onDone={(again, token) => {
                if (again.id !== user.id) {
                  // Another account: nothing of this one may stay open.
                  pool.closeAll();
                  navigate('/', true);
                }
                signedIn(again, token);
              }}
            />
          </div>
        </div>
      )}
      <main className="app-main">
        {route.page === 'projects' || route.page === 'login' ? (
          <ProjectsPage />
        ) : route.page === 'project' ? (
          <ProjectPage key={route.project} projectId={route.project} tab={route.tab} />
        ) : roundsRoute(path) ? (
          <RoundsPage path={path} />
        ) : analysisRoute(path) ? (
          <AnalysisPage path={path} />
        ) : route.page === 'transcript' ? (
          <TranscriptPage key={route.transcript} projectId={route.project} transcriptId={route.transcript} />
        ) : (
          <p>
            Nothing here. <Link href="/">Back to your projects</Link>
          </p>
        )}
      </main>
    </SessionContext.Provider>
  );
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
