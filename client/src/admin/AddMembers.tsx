import { ROLES, type Role } from '@accord/shared';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import type { Key } from 'react-aria-components';
import { keys } from '../api/queries.js';
import { api } from '../api.js';
import { QueryStatus } from '../app/QueryStatus.js';
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
      {listed.error && <QueryStatus error={listed.error} what="accounts" onRetry={() => void listed.refetch()} />}
      {pending.error && <QueryStatus error={pending.error} what="invitations" onRetry={() => void pending.refetch()} />}
      <PickAccount candidates={candidates} projectId={projectId} run={runAndReload} />
      <InviteByEmail projectId={projectId} run={runAndReload} onMade={setMade} />
      {made && <CopyLink made={made} label="Invitation created." />}
      {invitations.length > 0 && (
        <>
          <h3>Invitations waiting</h3>
          <ul className="pending-invitations">
            {invitations.map((invitation) => (
              <li key={invitation.id}>
                <span>
                  {invitation.email} as {invitation.project?.role} · until {formatDate(invitation.expiresAt)}
                </span>
                <Button
                  size="sm"
                  aria-label={`Withdraw the invitation of ${invitation.email}`}
                  onPress={() => runAndReload('Invitation withdrawn', () => adminApi.revoke(invitation.id))}
                >
                  Withdraw
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
  return (
    <>
      <label htmlFor={id} className="visually-hidden">
        Role
      </label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value as Role)}>
        {ROLES.map((role) => (
          <option key={role} value={role}>
            {role}
          </option>
        ))}
      </select>
    </>
  );
}

function PickAccount({ candidates, projectId, run }: { candidates: Candidate[]; projectId: string; run: Run }) {
  const id = useId();
  const [selected, setSelected] = useState<Key | null>(null);
  const [input, setInput] = useState('');
  const [role, setRole] = useState<Role>('coder');
  const wanted = input.trim().toLowerCase();
  const shown = candidates.filter(
    (c) => wanted === '' || c.name.toLowerCase().includes(wanted) || c.email.toLowerCase().startsWith(wanted),
  );
  const chosen = candidates.find((candidate) => candidate.id === selected);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!chosen) return;
    void run(`${chosen.name} added as ${role}`, async () => {
      await api.addMember(projectId, chosen.email, role);
      setSelected(null);
      setInput('');
    });
  };
  return (
    <form className="inline-form add-member-form" aria-label="Add an account" onSubmit={submit}>
      <ComboBox
        label="Add an account"
        description={
          candidates.length === 0 ? 'No other accounts to pick from: invite people by email below.' : undefined
        }
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
        Add
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
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    const sent = email.trim();
    void run('', async () => {
      const answer = await adminApi.inviteToProject(projectId, sent, role);
      if ('added' in answer) {
        onMade(null);
        setNotice(`${answer.added.name} has an account and was added as ${role}.`);
      } else onMade(answer);
      setEmail('');
    });
  };
  return (
    <>
      <form className="inline-form add-member-form" aria-label="Invite by email" onSubmit={submit}>
        <div className="ui-field">
          <label htmlFor={`${id}-email`} className="ui-label">
            Invite by email
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
          Invite
        </button>
      </form>
      {notice && <output className="ok">{notice}</output>}
    </>
  );
}
