import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { errorText } from '../api/errors.js';
import { keys } from '../api/queries.js';
import { QueryStatus } from '../app/QueryStatus.js';
import { useSession } from '../app/session.js';
import { useT } from '../i18n/index.js';
import { ROLE_LABEL } from '../i18n/labels.js';
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
  const t = useT();

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
        <h1>{t('accounts.title')}</h1>
        <p>
          {t('accounts.adminsOnly')} <Link href={href.projects()}>{t('app.backToProjects')}</Link>
        </p>
      </section>
    );
  }

  const sorted = [...(accounts ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section className="page admin-page" aria-labelledby="accounts-title">
      <h1 id="accounts-title">{t('accounts.title')}</h1>
      <p className="muted admin-intro">{t('accounts.intro')}</p>
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
          onMade={(link) =>
            run('', async () => setMade({ link: await link(), label: t('accounts.invitationCreated') }))
          }
        />
        <CreateForm
          onCreate={(body) => run(t('accounts.created', { email: body.email }), () => adminApi.createAccount(body))}
        />
      </div>

      <h2>{t('accounts.people', { count: sorted.length })}</h2>
      {accounts === null ? (
        <QueryStatus error={accountsQuery.error} what="loading.accounts" onRetry={() => void accountsQuery.refetch()} />
      ) : (
        <Table label={t('accounts.table')} className="accounts-table">
          <thead>
            <tr>
              <th scope="col">{t('accounts.col.name')}</th>
              <th scope="col">{t('accounts.col.email')}</th>
              <th scope="col">{t('accounts.col.role')}</th>
              <th scope="col">{t('accounts.col.status')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('accounts.col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((account) => {
              const active = account.deactivatedAt === null;
              return (
                <tr key={account.id} data-account={account.email}>
                  <th scope="row">
                    {account.id === user.id ? t('accounts.you', { name: account.name }) : account.name}
                  </th>
                  <td>{account.email}</td>
                  <td>{t(account.admin ? 'accounts.administrator' : 'accounts.member')}</td>
                  <td>
                    <span className={`status-pill ${active ? 'status-active' : 'status-off'}`}>
                      {active
                        ? t('accounts.active')
                        : t('accounts.deactivatedOn', { date: formatDate(account.deactivatedAt!) })}
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
                                label: t('accounts.resetLinkFor', { name: account.name }),
                              }),
                            )
                          }
                        >
                          {t('accounts.resetLink')}
                        </Button>
                        {account.id !== user.id && (
                          <Button size="sm" variant="danger" onPress={() => setConfirm(account)}>
                            {t('accounts.deactivate')}
                          </Button>
                        )}
                      </>
                    ) : (
                      <Button
                        size="sm"
                        onPress={() =>
                          run(t('accounts.reactivated', { name: account.name }), () => adminApi.reactivate(account.id))
                        }
                      >
                        {t('accounts.reactivate')}
                      </Button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}

      <h2>{t('accounts.links')}</h2>
      {invitations === null ? (
        <QueryStatus
          error={invitationsQuery.error}
          what="loading.invitations"
          onRetry={() => void invitationsQuery.refetch()}
        />
      ) : invitations.length === 0 ? (
        <p className="muted">{t('accounts.noneYet')}</p>
      ) : (
        <Table label={t('accounts.links')} maxHeight="50vh">
          <thead>
            <tr>
              <th scope="col">{t('accounts.col.for')}</th>
              <th scope="col">{t('accounts.col.kind')}</th>
              <th scope="col">{t('accounts.col.madeBy')}</th>
              <th scope="col">{t('accounts.col.status')}</th>
              <th scope="col">{t('accounts.col.until')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('accounts.col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {invitations.map((invitation) => (
              <tr key={invitation.id} data-invitation={invitation.email}>
                <th scope="row">{invitation.email}</th>
                <td>
                  {invitation.kind === 'reset'
                    ? t('accounts.kind.reset')
                    : invitation.project
                      ? t('accounts.kind.project', {
                          project: invitation.project.name,
                          role: t(ROLE_LABEL[invitation.project.role]),
                        })
                      : t(invitation.admin ? 'accounts.kind.admin' : 'accounts.kind.account')}
                </td>
                <td>{invitation.createdBy?.name ?? '—'}</td>
                <td>{t(STATUS_WORDS[invitation.status])}</td>
                <td>{formatDate(invitation.expiresAt)}</td>
                <td>
                  {invitation.status === 'pending' && (
                    <Button
                      size="sm"
                      aria-label={t('accounts.withdrawFor', { email: invitation.email })}
                      onPress={() => run(t('accounts.withdrawn'), () => adminApi.revoke(invitation.id))}
                    >
                      {t('accounts.withdraw')}
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}

      <h2>{t('accounts.whoInvites')}</h2>
      {settingsQuery.error && (
        <QueryStatus error={settingsQuery.error} what="loading.settings" onRetry={() => void settingsQuery.refetch()} />
      )}
      {ownersInvite !== null && (
        <label className="check">
          <input
            type="checkbox"
            checked={ownersInvite}
            onChange={(event) => {
              const selected = event.target.checked;
              void run(t(selected ? 'accounts.ownersInvite' : 'accounts.adminsInvite'), () =>
                adminApi.setSettings({ ownersInvite: selected }),
              );
            }}
          />{' '}
          {t('accounts.ownersInviteLabel')}
        </label>
      )}

      <Dialog
        title={confirm ? t('accounts.deactivateTitle', { name: confirm.name }) : ''}
        isOpen={confirm !== null}
        onOpenChange={(open) => !open && setConfirm(null)}
        role="alertdialog"
      >
        {(close) => (
          <>
            <p>{t('accounts.deactivateBody', { name: confirm?.name ?? '' })}</p>
            <div className="actions">
              <Button onPress={close}>{t('common.cancel')}</Button>
              <Button
                variant="danger"
                onPress={() => {
                  const account = confirm!;
                  close();
                  void run(t('accounts.deactivated', { name: account.name }), () => adminApi.deactivate(account.id));
                }}
              >
                {t('accounts.deactivate')}
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
  const t = useT();
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
      <h2 id={`${id}-title`}>{t('accounts.invite.title')}</h2>
      <p className="muted">{t('accounts.invite.intro')}</p>
      <label htmlFor={`${id}-email`}>{t('login.email')}</label>
      <input id={`${id}-email`} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      <label className="check">
        <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.target.checked)} />{' '}
        {t('accounts.administrator')}
      </label>
      <button type="submit" className="ui-button ui-button-primary">
        {t('accounts.invite.submit')}
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
  const t = useT();
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
      <summary>{t('accounts.create.summary')}</summary>
      <form className="form" onSubmit={submit} aria-label={t('accounts.create.label')}>
        <p className="muted">{t('accounts.create.intro')}</p>
        <label htmlFor={`${id}-name`}>{t('setup.name')}</label>
        <input id={`${id}-name`} required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor={`${id}-email`}>{t('login.email')}</label>
        <input id={`${id}-email`} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
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
        <label className="check">
          <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.target.checked)} />{' '}
          {t('accounts.administrator')}
        </label>
        <button type="submit" className="ui-button ui-button-secondary">
          {t('setup.submit')}
        </button>
      </form>
    </details>
  );
}
