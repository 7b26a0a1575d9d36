import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { errorText } from '../api/errors.js';
import { keys } from '../api/queries.js';
import { QueryStatus } from '../app/QueryStatus.js';
import { useSession } from '../app/session.js';
import { Link } from '../router.js';
import { href } from '../routes.js';
import { Button } from '../ui/Button.js';
import { Dialog } from '../ui/Dialog.js';
import { Table } from '../ui/Table.js';
import {
  type Account,
  adminApi,
  formatDate,
  type MadeLink,
  STATUS_WORDS,
  useAccounts,
  useInvitations,
  useServerSettings,
} from './api.js';
import { CopyLink } from './CopyLink.js';
import './admin.css';

/** `/admin/accounts`: the page App routes to (administrators only; others get the server's 403 in words). */
export const adminRoute = (path: string) => path === '/admin/accounts';

/**
 * Accounts for administrators: every account with its status, creating one, deactivating and reactivating,
 * reset links, invitations with their status, and who may invite. Everything here is audited by the server.
 */
export function AccountsPage() {
  const { user } = useSession();
  const queryClient = useQueryClient();
  const accountsQuery = useAccounts(user.admin);
  const invitationsQuery = useInvitations(user.admin);
  const settingsQuery = useServerSettings(user.admin);
  const accounts = accountsQuery.data ?? null;
  const invitations = invitationsQuery.data ?? null;
  const ownersInvite = settingsQuery.data?.ownersInvite ?? null;
  const [made, setMade] = useState<{ link: MadeLink; label: string } | null>(null);
  const [confirm, setConfirm] = useState<Account | null>(null);

  // Every change here is one mutation: it asks the lists again and says what was done, or why not.
  const change = useMutation({
    mutationFn: async ({ action }: { what: string; action: () => Promise<unknown> }) => {
      await action();
      await queryClient.invalidateQueries({ queryKey: keys.admin() });
    },
  });
  /** Runs a change; true when it was done. */
  const run = (what: string, action: () => Promise<unknown>) =>
    change.mutateAsync({ what, action }).then(
      () => true,
      () => false,
    );
  const error = change.error ? errorText(change.error) : null;
  const notice = change.isSuccess && change.variables.what ? change.variables.what : null;

  if (!user.admin) {
    return (
      <section className="page admin-page">
        <h1>Accounts</h1>
        <p>
          Only administrators manage accounts. <Link href={href.projects()}>Back to your projects</Link>
        </p>
      </section>
    );
  }

  const sorted = [...(accounts ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section className="page admin-page" aria-labelledby="accounts-title">
      <h1 id="accounts-title">Accounts</h1>
      <p className="muted admin-intro">
        People sign in with these accounts. Invite someone to let them choose their own password; deactivating an
        account signs it out everywhere at once and keeps its coding attributed in every project.
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <output className="ok" aria-live="polite">
          {notice}
        </output>
      )}
      {made && <CopyLink made={made.link} label={made.label} />}

      <div className="admin-forms">
        <InviteForm
          onMade={(link) => run('', async () => setMade({ link: await link(), label: 'Invitation created.' }))}
        />
        <CreateForm onCreate={(body) => run(`Account for ${body.email} created`, () => adminApi.createAccount(body))} />
      </div>

      <h2>People ({sorted.length})</h2>
      {accounts === null ? (
        <QueryStatus error={accountsQuery.error} what="accounts" onRetry={() => void accountsQuery.refetch()} />
      ) : (
        <Table label="Accounts" className="accounts-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((account) => {
              const active = account.deactivatedAt === null;
              return (
                <tr key={account.id} data-account={account.email}>
                  <th scope="row">
                    {account.name}
                    {account.id === user.id ? ' (you)' : ''}
                  </th>
                  <td>{account.email}</td>
                  <td>{account.admin ? 'Administrator' : 'Member'}</td>
                  <td>
                    <span className={`status-pill ${active ? 'status-active' : 'status-off'}`}>
                      {active ? 'Active' : `Deactivated ${formatDate(account.deactivatedAt!)}`}
                    </span>
                  </td>
                  <td className="account-actions">
                    {active ? (
                      <>
                        <Button
                          size="sm"
                          onPress={() =>
                            run('', async () =>
                              setMade({
                                link: await adminApi.resetLink(account.id),
                                label: `Password reset link for ${account.name}.`,
                              }),
                            )
                          }
                        >
                          Reset link
                        </Button>
                        {account.id !== user.id && (
                          <Button size="sm" variant="danger" onPress={() => setConfirm(account)}>
                            Deactivate
                          </Button>
                        )}
                      </>
                    ) : (
                      <Button
                        size="sm"
                        onPress={() => run(`${account.name} reactivated`, () => adminApi.reactivate(account.id))}
                      >
                        Reactivate
                      </Button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}

      <h2>Invitations and reset links</h2>
      {invitations === null ? (
        <QueryStatus
          error={invitationsQuery.error}
          what="invitations"
          onRetry={() => void invitationsQuery.refetch()}
        />
      ) : invitations.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <Table label="Invitations and reset links" maxHeight="50vh">
          <thead>
            <tr>
              <th scope="col">For</th>
              <th scope="col">Kind</th>
              <th scope="col">Made by</th>
              <th scope="col">Status</th>
              <th scope="col">Until</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {invitations.map((invitation) => (
              <tr key={invitation.id} data-invitation={invitation.email}>
                <th scope="row">{invitation.email}</th>
                <td>
                  {invitation.kind === 'reset'
                    ? 'Password reset'
                    : invitation.project
                      ? `Into ${invitation.project.name} as ${invitation.project.role}`
                      : invitation.admin
                        ? 'Administrator account'
                        : 'Account'}
                </td>
                <td>{invitation.createdBy?.name ?? '—'}</td>
                <td>{STATUS_WORDS[invitation.status]}</td>
                <td>{formatDate(invitation.expiresAt)}</td>
                <td>
                  {invitation.status === 'pending' && (
                    <Button
                      size="sm"
                      aria-label={`Withdraw the link for ${invitation.email}`}
                      onPress={() => run('Link withdrawn', () => adminApi.revoke(invitation.id))}
                    >
                      Withdraw
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}

      <h2>Who may invite</h2>
      {settingsQuery.error && (
        <QueryStatus error={settingsQuery.error} what="settings" onRetry={() => void settingsQuery.refetch()} />
      )}
      {ownersInvite !== null && (
        <label className="check">
          <input
            type="checkbox"
            checked={ownersInvite}
            onChange={(event) => {
              const selected = event.target.checked;
              void run(selected ? 'Owners may invite new people' : 'Only administrators invite new people', () =>
                adminApi.setSettings({ ownersInvite: selected }),
              );
            }}
          />{' '}
          Project owners may invite people who have no account yet (they can always add existing accounts)
        </label>
      )}

      <Dialog
        title={confirm ? `Deactivate ${confirm.name}?` : ''}
        isOpen={confirm !== null}
        onOpenChange={(open) => !open && setConfirm(null)}
        role="alertdialog"
      >
        {(close) => (
          <>
            <p>
              {confirm?.name} is signed out everywhere at once and cannot sign in until reactivated. Their coding stays
              in every project, attributed to them.
            </p>
            <div className="actions">
              <Button onPress={close}>Cancel</Button>
              <Button
                variant="danger"
                onPress={() => {
                  const account = confirm!;
                  close();
                  void run(`${account.name} deactivated`, () => adminApi.deactivate(account.id));
                }}
              >
                Deactivate
              </Button>
            </div>
          </>
        )}
      </Dialog>
    </section>
  );
}

function InviteForm({ onMade }: { onMade: (link: () => Promise<MadeLink>) => void }) {
  const id = useId();
  const [email, setEmail] = useState('');
  const [admin, setAdmin] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const sent = email.trim();
    onMade(async () => {
      const made = await adminApi.invite(sent, admin);
      setEmail('');
      setAdmin(false);
      return made;
    });
  };
  return (
    <form className="form admin-form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Invite someone</h2>
      <p className="muted">They get a one-time link, valid for 7 days, to choose their name and password.</p>
      <label htmlFor={`${id}-email`}>Email</label>
      <input id={`${id}-email`} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      <label className="check">
        <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.target.checked)} /> Administrator
      </label>
      <button type="submit" className="ui-button ui-button-primary">
        Create invitation link
      </button>
    </form>
  );
}

function CreateForm({
  onCreate,
}: {
  /** Resolves true once the account exists (the form is then cleared; on failure it keeps what was typed). */
  onCreate: (body: { email: string; name: string; password: string; admin: boolean }) => Promise<boolean>;
}) {
  const id = useId();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [admin, setAdmin] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!(await onCreate({ name: name.trim(), email: email.trim(), password, admin }))) return;
    setName('');
    setEmail('');
    setPassword('');
    setAdmin(false);
  };
  return (
    <details className="admin-form admin-create">
      <summary>Create an account with a password instead</summary>
      <form className="form" onSubmit={submit} aria-label="Create an account">
        <p className="muted">
          For someone who cannot receive a link: tell them the password and ask them to change it.
        </p>
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor={`${id}-email`}>Email</label>
        <input id={`${id}-email`} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor={`${id}-password`}>Password (at least 10 characters)</label>
        <input
          id={`${id}-password`}
          type="password"
          autoComplete="new-password"
          minLength={10}
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <label className="check">
          <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.target.checked)} /> Administrator
        </label>
        <button type="submit" className="ui-button ui-button-secondary">
          Create account
        </button>
      </form>
    </details>
  );
}
