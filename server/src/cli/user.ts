import { createInvitation, linkPath } from '../accounts/invitations.js';
import { createUser, findUserByEmail, setPassword } from '../accounts/users.js';
import { DATA_OPTION, parseFlags, promptHidden, readStdin, UsageError } from './args.js';
import { withMetadata } from './offline.js';

export const summary = 'add accounts and set passwords (offline)';

const HELP = `Usage:
  accord user add --email EMAIL --name NAME [--admin] [--password-stdin] [--data DIR]
  accord user passwd --email EMAIL [--password-stdin] [--data DIR]
  accord user invite --email EMAIL [--admin] [--url URL] [--data DIR]

Works on a data directory that no server holds (stop the server first, or use the web interface).
Without --password-stdin the password is asked for on the terminal. An administrator creates accounts;
the first administrator comes from this command or from the one-time setup page. On a running server,
administrators manage accounts on the Accounts page of the web interface (docs/admin.md).
"user invite" prints a one-time link (valid 7 days) with which the person chooses their own name and
password; --url is the address people open Accord at (default ACCORD_PUBLIC_URL).
`;

export async function run(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const { values } = parseFlags(rest, {
    email: { type: 'string' },
    name: { type: 'string' },
    admin: { type: 'boolean' },
    'password-stdin': { type: 'boolean' },
    url: { type: 'string' },
    ...DATA_OPTION,
  });
  if (values.help || action === '--help' || action === '-h') {
    process.stdout.write(HELP);
    return 0;
  }
  if (action !== 'add' && action !== 'passwd' && action !== 'invite')
    throw new UsageError('expected "user add", "user passwd" or "user invite" (see --help)');
  if (!values.email) throw new UsageError('--email is required');
  if (action === 'invite') return invite(values.email, values.admin ?? false, values.url, values.data);
  if (action === 'add' && !values.name) throw new UsageError('--name is required');
  const password = values['password-stdin'] ? (await readStdin()).replace(/\r?\n$/, '') : await askTwice();
  const email = values.email;
  return withMetadata(`accord user ${action}`, values.data, async (metadata) => {
    if (action === 'add') {
      const user = await createUser(metadata, { email, name: values.name!, password, admin: values.admin ?? false });
      await metadata.audit.record({
        actor: null,
        action: 'user.create',
        details: { user: user.id, email: user.email, admin: user.admin, via: 'cli' },
      });
      process.stdout.write(`added ${user.admin ? 'administrator' : 'user'} ${user.email} (id ${user.id})\n`);
      return 0;
    }
    const user = await findUserByEmail(metadata, email);
    if (user === undefined) {
      process.stderr.write(`accord user passwd: no account with email ${email}\n`);
      return 1;
    }
    await setPassword(metadata, user.id, password);
    await metadata.audit.record({ actor: null, action: 'user.password', details: { user: user.id, via: 'cli' } });
    process.stdout.write(`password of ${user.email} changed; their sessions were ended\n`);
    return 0;
  });
}

async function askTwice(): Promise<string> {
  const first = await promptHidden('Password: ');
  const second = await promptHidden('Repeat password: ');
  if (first !== second) throw new UsageError('the passwords differ');
  return first;
}

/** An invitation made offline: printed, since the command has no mail relay; audited like one made in the web UI. */
function invite(email: string, admin: boolean, url: string | undefined, dataDir: string | undefined): Promise<number> {
  const base = (url ?? process.env.ACCORD_PUBLIC_URL ?? '').replace(/\/+$/, '');
  if (base !== '' && !/^https?:\/\/[^/]+$/.test(base))
    throw new UsageError('--url must be like https://accord.lab.example');
  return withMetadata('accord user invite', dataDir, async (metadata) => {
    const { token, invitation } = await createInvitation(metadata, { email, admin, project: null, createdBy: null });
    await metadata.audit.record({
      actor: null,
      action: 'invitation.create',
      details: {
        invitation: invitation.id,
        email: invitation.email,
        admin,
        expiresAt: invitation.expiresAt,
        via: 'cli',
      },
    });
    process.stdout.write(
      `${base}${linkPath(token)}\n` +
        `invitation for ${invitation.email}${admin ? ' (administrator)' : ''}, usable once until ` +
        `${new Date(invitation.expiresAt).toISOString()}${base === '' ? '; prefix the address of your server' : ''}\n`,
    );
    return 0;
  });
}
