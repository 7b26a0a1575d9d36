import { ROLES, type Role } from '@accord/shared';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import type { Key } from 'react-aria-components';
import { keys } from '../api/queries.js';
import { api } from '../api.js';
import { QueryStatus } from '../app/QueryStatus.js';
import { useT } from '../i18n/index.js';
import { ROLE_LABEL } from '../i18n/labels.js';
import { Button } from '../ui/Button.js';
import { ComboBox, ComboBoxItem } from '../ui/ComboBox.js';
import { adminApi, type Candidate, formatDate, type MadeLink, useCandidates, usePendingInvitations } from './api.js';
import { CopyLink } from './CopyLink.js';
import './admin.css';

type Run = (what: string, action: () => Promise<unknown>) => Promise<void>;

/**
 * The members panel's two ways in: pick an account (administrators see every active account, other owners the
 * people they already share a project with: docs/admin.md), or invite by email (an email with an account adds it;
 * otherwise a one-time link carrying the project and role). Pending invitations of the project can be withdrawn.
 */
export function AddMembers({ projectId, run }: { projectId: string; run: Run }) {
  const queryClient = useQueryClient();
  const listed = useCandidates(projectId);
  const pending = usePendingInvitations(projectId);
  const candidates = listed.data ?? [];
  const invitations = pending.data ?? [];
  const [made, setMade] = useState<MadeLink | null>(null);
  const t = useT();

  // Adding or inviting changes who may be added and what is waiting: both lists are asked again.
  const runAndReload: Run = (what, action) =>
    run(what, async () => {
      await action();
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.candidates(projectId) }),
        queryClient.invalidateQueries({ queryKey: keys.projectInvitations(projectId) }),
      ]);
    });

  return (
    <div className="add-members">
      {listed.error && (
        <QueryStatus error={listed.error} what="loading.accounts" onRetry={() => void listed.refetch()} />
      )}
      {pending.error && (
        <QueryStatus error={pending.error} what="loading.invitations" onRetry={() => void pending.refetch()} />
      )}
      <PickAccount candidates={candidates} loaded={listed.isSuccess} projectId={projectId} run={runAndReload} />
      <InviteByEmail projectId={projectId} run={runAndReload} onMade={setMade} />
      {made && <CopyLink made={made} label={t('accounts.invitationCreated')} />}
      {invitations.length > 0 && (
        <>
          <h3>{t('members.invitationsWaiting')}</h3>
          <ul className="pending-invitations">
            {invitations.map((invitation) => (
              <li key={invitation.id}>
                <span>
                  {t('members.invitationLine', {
                    email: invitation.email,
                    role: invitation.project ? t(ROLE_LABEL[invitation.project.role]) : '',
                    until: formatDate(invitation.expiresAt),
                  })}
                </span>
                <Button
                  size="sm"
                  aria-label={t('members.withdrawInvitation', { email: invitation.email })}
                  onPress={() => runAndReload(t('members.invitationWithdrawn'), () => adminApi.revoke(invitation.id))}
                >
                  {t('accounts.withdraw')}
                </Button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function RoleSelect({ id, value, onChange }: { id: string; value: Role; onChange: (role: Role) => void }) {
  const t = useT();
  return (
    <>
      <label htmlFor={id} className="visually-hidden">
        {t('members.role')}
      </label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value as Role)}>
        {ROLES.map((role) => (
          <option key={role} value={role}>
            {t(ROLE_LABEL[role])}
          </option>
        ))}
      </select>
    </>
  );
}

function PickAccount({
  candidates,
  loaded,
  projectId,
  run,
}: {
  candidates: Candidate[];
  /** False until the list of accounts has arrived: the picker waits for it rather than opening empty. */
  loaded: boolean;
  projectId: string;
  run: Run;
}) {
  const id = useId();
  const [selected, setSelected] = useState<Key | null>(null);
  const [input, setInput] = useState('');
  const [role, setRole] = useState<Role>('coder');
  const t = useT();
  const wanted = input.trim().toLowerCase();
  const shown = candidates.filter(
    (c) => wanted === '' || c.name.toLowerCase().includes(wanted) || c.email.toLowerCase().startsWith(wanted),
  );
  const chosen = candidates.find((candidate) => candidate.id === selected);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!chosen) return;
    void run(t('members.addedAs', { name: chosen.name, role: t(ROLE_LABEL[role]) }), async () => {
      await api.addMember(projectId, chosen.email, role);
      setSelected(null);
      setInput('');
    });
  };
  return (
    <form className="inline-form add-member-form" aria-label={t('members.addAccount')} onSubmit={submit}>
      <ComboBox
        label={t('members.addAccount')}
        description={loaded && candidates.length === 0 ? t('members.noCandidates') : undefined}
        isDisabled={!loaded}
        items={shown}
        selectedKey={selected}
        onSelectionChange={(key) => {
          setSelected(key);
          const picked = candidates.find((candidate) => candidate.id === key);
          if (picked) setInput(picked.name);
        }}
        inputValue={input}
        onInputChange={(value) => {
          setInput(value);
          if (chosen && value !== chosen.name) setSelected(null);
        }}
        menuTrigger="focus"
      >
        {(candidate: Candidate) => (
          <ComboBoxItem id={candidate.id} textValue={candidate.name}>
            <span className="candidate-name">{candidate.name}</span>{' '}
            <span className="candidate-email">{candidate.email}</span>
          </ComboBoxItem>
        )}
      </ComboBox>
      <RoleSelect id={`${id}-role`} value={role} onChange={setRole} />
      <button type="submit" className="ui-button ui-button-primary" disabled={!chosen}>
        {t('members.add')}
      </button>
    </form>
  );
}

function InviteByEmail({
  projectId,
  run,
  onMade,
}: {
  projectId: string;
  run: Run;
  onMade: (made: MadeLink | null) => void;
}) {
  const id = useId();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('coder');
  const [notice, setNotice] = useState<string | null>(null);
  const t = useT();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    const sent = email.trim();
    void run('', async () => {
      const answer = await adminApi.inviteToProject(projectId, sent, role);
      if ('added' in answer) {
        onMade(null);
        setNotice(t('members.hadAccount', { name: answer.added.name, role: t(ROLE_LABEL[role]) }));
      } else onMade(answer);
      setEmail('');
    });
  };
  return (
    <>
      <form className="inline-form add-member-form" aria-label={t('members.inviteByEmail')} onSubmit={submit}>
        <div className="ui-field">
          <label htmlFor={`${id}-email`} className="ui-label">
            {t('members.inviteByEmail')}
          </label>
          <input
            id={`${id}-email`}
            className="ui-input"
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <RoleSelect id={`${id}-role`} value={role} onChange={setRole} />
        <button type="submit" className="ui-button ui-button-secondary">
          {t('members.invite')}
        </button>
      </form>
      {notice && <output className="ok">{notice}</output>}
    </>
  );
}
