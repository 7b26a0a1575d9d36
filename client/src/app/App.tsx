import { parseDocName } from '@accord/shared';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useContext, useEffect, useRef, useState } from 'react';
import { AccountsPage } from '../admin/AccountsPage.js';
import { InvitePage } from '../admin/InvitePage.js';
import { AnalysisPage } from '../analysis/AnalysisPage.js';
import { ApiError, api, onSessionExpired, setCsrfToken, type User } from '../api.js';
import { type MessageId, Msg, setLocaleUser, useT } from '../i18n/index.js';
import { AccessNotice } from '../importExport/AccessNotice.js';
import { accessLost, CLOSE_FORBIDDEN, type DocListing } from '../importExport/lostAccess.js';
import { RoundsPage } from '../rounds/RoundsPage.js';
import { Link, navigate, usePath } from '../router.js';
import { href, parseRoute, type Route } from '../routes.js';
import { PoolContext } from '../sync/context.js';
import { Button } from '../ui/Button.js';
import { Dialog } from '../ui/Dialog.js';
import { AccountPage } from './AccountPage.js';
import { ConnectionBadge } from './ConnectionBadge.js';
import { HeaderCrumb } from './HeaderCrumb.js';
import { LoginForm, SetupForm } from './LoginPage.js';
import { ProjectPage } from './ProjectPage.js';
import { ProjectsPage } from './ProjectsPage.js';
import { SessionContext } from './session.js';
import { TranscriptPage } from './TranscriptPage.js';
import { UserMenu } from './UserMenu.js';

type SessionState =
  | { state: 'loading' }
  /** `notice`: why this page signs in again (a password changed here), with the account's `email` filled in. */
  | { state: 'signedOut'; setupNeeded: boolean; notice?: MessageId; email?: string }
  | { state: 'signedIn'; user: User }
  | { state: 'expired'; user: User };

export function App() {
  const pool = useContext(PoolContext);
  const queryClient = useQueryClient();
  const [session, setSession] = useState<SessionState>({ state: 'loading' });
  const path = usePath();
  const route = parseRoute(path);
  const t = useT();

  // The interface language follows the signed-in account's choice, as the server keeps it (none: the browser's).
  const signedInAs = session.state === 'signedIn' || session.state === 'expired' ? session.user.id : null;
  const savedLocale = session.state === 'signedIn' || session.state === 'expired' ? session.user.locale : undefined;
  useEffect(() => {
    if (signedInAs !== null) setLocaleUser(signedInAs, savedLocale);
  }, [signedInAs, savedLocale]);

  useEffect(() => {
    api
      .session()
      .then(({ user, csrfToken }) => {
        setCsrfToken(csrfToken);
        // Before any page opens a document: local copies are kept per user.
        pool.setUser(user.id);
        setSession({ state: 'signedIn', user });
      })
      .catch(async () => {
        const { needed } = await api.setupNeeded().catch(() => ({ needed: false }));
        setSession({ state: 'signedOut', setupNeeded: needed });
      });
  }, [pool]);

  // True while this tab changes the account's password: the session ending then is the expected outcome.
  const sessionsEnding = useRef(false);
  // An expired session keeps the page (and any unsynced codings) and asks to sign in again on top of it.
  useEffect(
    () =>
      onSessionExpired(() => {
        if (sessionsEnding.current) return;
        setSession((current) => (current.state === 'signedIn' ? { state: 'expired', user: current.user } : current));
      }),
    [],
  );
  useEffect(() => {
    // The server ended the session behind a socket (signed out elsewhere, password changed, expired): asking for the
    // session answers 401, which shows the sign-in dialog over the page; signing in again resumes the documents.
    pool.onSessionEnded = () => {
      if (sessionsEnding.current) return;
      api.session().catch(() => {});
    };
  }, [pool]);
  useEffect(() => {
    // A document that cannot reconnect may mean an expired session, or access lost while it was not connected.
    let lastSessionCheck = 0;
    const listings = new Map<string, { at: number; listing: Promise<DocListing> }>();
    pool.onConnectionTrouble = (name) => {
      const now = Date.now();
      if (now - lastSessionCheck >= 5000) {
        lastSessionCheck = now;
        api.session().catch(() => {});
      }
      const project = parseDocName(name)?.project;
      if (project === undefined) return;
      let cached = listings.get(project);
      if (!cached || now - cached.at >= 5000) {
        cached = { at: now, listing: listDocs(project) };
        listings.set(project, cached);
      }
      cached.listing.then((listing) => {
        if (accessLost(name, listing)) pool.markLost(name, CLOSE_FORBIDDEN, 'access revoked');
      });
    };
  }, [pool]);

  const signedIn = useCallback(
    (user: User, csrfToken: string) => {
      setCsrfToken(csrfToken);
      // Another account on this tab: nothing the previous one loaded may show.
      if (pool.user !== user.id) queryClient.clear();
      pool.setUser(user.id);
      setSession({ state: 'signedIn', user });
      if (parseRoute(location.pathname).page === 'login') navigate(href.projects(), true);
    },
    [pool, queryClient],
  );

  const [confirmSignOut, setConfirmSignOut] = useState(0);
  const signOutNow = useCallback(async () => {
    setConfirmSignOut(0);
    await api.logout().catch(() => {});
    setCsrfToken(null);
    // Forgets this browser's copies only when nothing is waiting; waiting changes stay for the next sign-in.
    await pool.signOut();
    queryClient.clear();
    setSession({ state: 'signedOut', setupNeeded: false });
    navigate(href.login());
  }, [pool, queryClient]);
  const signOut = useCallback(async () => {
    const waiting = pool.pendingCount();
    if (waiting > 0) setConfirmSignOut(waiting);
    else await signOutNow();
  }, [pool, signOutNow]);

  const updateUser = useCallback((user: User) => {
    setSession((current) =>
      current.state === 'signedIn' && current.user.id === user.id ? { ...current, user } : current,
    );
  }, []);
  // A password change ends every session of the account, this one too (docs/client.md, "Your account"): the server
  // has already signed this tab out, so it goes to the sign-in page with the account's email and says why, keeping
  // unsent changes for the next sign-in as signing out does.
  const endingSessions = useCallback(
    async (request: () => Promise<void>) => {
      sessionsEnding.current = true;
      try {
        await request();
      } catch (error) {
        sessionsEnding.current = false;
        // Refused because the session had ended anyway: let the usual check ask to sign in again.
        if (error instanceof ApiError && error.code === 'unauthenticated') api.session().catch(() => {});
        throw error;
      }
      setCsrfToken(null);
      // Whatever happens to this browser's copies, the password is changed: the sign-in page must show.
      await pool.signOut().catch((error: unknown) => console.warn('local copies were not cleared', error));
      queryClient.clear();
      setSession((current) => ({
        state: 'signedOut',
        setupNeeded: false,
        notice: 'account.password.changed',
        email: 'user' in current ? current.user.email : undefined,
      }));
      sessionsEnding.current = false;
      navigate(href.login());
    },
    [pool, queryClient],
  );

  if (session.state === 'loading')
    return (
      <main className="loading">
        <p>{t('app.loading')}</p>
      </main>
    );
  // A one-time link opens outside the shell, signed in or not: accepting it signs in as its account.
  if (route.page === 'invite') return <InvitePage onDone={signedIn} />;
  if (session.state === 'signedOut') {
    return (
      <main className="auth-page">
        <h1>
          <span className="brand-mark" aria-hidden="true">
            A
          </span>
          Accord
        </h1>
        {session.notice && (
          <p className="ok" role="alert">
            {t(session.notice)}
          </p>
        )}
        {session.setupNeeded ? <SetupForm onDone={signedIn} /> : <LoginForm email={session.email} onDone={signedIn} />}
      </main>
    );
  }

  const user = session.user;
  return (
    <SessionContext.Provider value={{ user, signOut, updateUser, endingSessions }}>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="app-header">
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            A
          </span>
          Accord
        </Link>
        <nav className="header-crumbs" aria-label={t('app.whereYouAre')}>
          <span aria-hidden="true">/</span>
          <Link href="/" aria-current={route.page === 'projects' ? 'page' : undefined}>
            {t('app.projects')}
          </Link>
          <HeaderCrumb path={path} />
        </nav>
        <span className="spacer" />
        <ConnectionBadge />
        <UserMenu user={user} onSignOut={signOut} />
      </header>
      <AccessNotice />
      <Dialog
        title={t('app.unsent.title')}
        role="alertdialog"
        isOpen={confirmSignOut > 0}
        onOpenChange={(open) => !open && setConfirmSignOut(0)}
      >
        <p>{t('app.unsent.body', { count: confirmSignOut })}</p>
        <div className="actions">
          <Button onPress={() => setConfirmSignOut(0)}>{t('app.unsent.stay')}</Button>
          <Button variant="danger" onPress={signOutNow}>
            {t('app.unsent.signOut')}
          </Button>
        </div>
      </Dialog>
      {/* Not dismissable: the page under it stays, inert, until the user signs in again. */}
      <Dialog
        title={t('app.expired.title')}
        role="alertdialog"
        isOpen={session.state === 'expired'}
        isDismissable={false}
      >
        <p>{t('app.expired.body')}</p>
        <LoginForm
          email={user.email}
          onDone={(again, token) => {
            if (again.id !== user.id) {
              // Another account: nothing of this one may stay open.
              pool.closeAll();
              navigate(href.projects(), true);
            }
            signedIn(again, token);
            pool.resume();
          }}
        />
      </Dialog>
      <main className="app-main" id="main">
        <RoutePage route={route} path={path} />
      </main>
    </SessionContext.Provider>
  );
}

/** The page each route shows (the table of URLs is `routes.ts`). */
function RoutePage({ route, path }: { route: Route; path: string }) {
  switch (route.page) {
    case 'projects':
    case 'login':
      return <ProjectsPage />;
    case 'project':
      return <ProjectPage key={route.project} projectId={route.project} tab={route.tab} />;
    case 'transcript':
      return <TranscriptPage key={route.transcript} projectId={route.project} transcriptId={route.transcript} />;
    case 'rounds':
      return <RoundsPage path={path} />;
    case 'analysis':
      return <AnalysisPage path={path} />;
    case 'accounts':
      return <AccountsPage />;
    case 'account':
      return <AccountPage />;
    case 'invite':
    case 'notFound':
      return (
        <p>
          <Msg id="app.notFound" />{' '}
          <Link href={href.projects()}>
            <Msg id="app.backToProjects" />
          </Link>
        </p>
      );
  }
}

/** The project's document list as `accessLost` reads it: the names, or the status the request failed with. */
function listDocs(project: string): Promise<DocListing> {
  return api.docs(project).then(
    ({ docs }) => ({ names: new Set(docs.map((doc) => doc.name)) }),
    (error: unknown) => ({ status: error instanceof ApiError ? error.status : 0 }),
  );
}
