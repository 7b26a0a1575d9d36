import { addAccount, BY_COMMAND, setAccountPassword } from '../accounts/accountChanges.js';
import { findUserByEmail } from '../accounts/users.js';
import { parseFlags, promptHidden, readStdin, UsageError } from './args.js';
import { commandTarget, TARGET_OPTIONS, type Target, withMetadata } from './offline.js';

export const summary = 'add accounts, set passwords, print invitation links (data directory or PostgreSQL)';

const HELP = `Usage:
  accord user add --email EMAIL --name NAME [--admin] [--password-stdin] [TARGET]
  accord user passwd --email EMAIL [--password-stdin] [TARGET]
  accord user invite --email EMAIL [--admin] [--url URL] [TARGET]

TARGET is --data DIR (default ./data, or ACCORD_DATA), or --postgres URL [--redis URL]; ACCORD_POSTGRES_URL
and ACCORD_REDIS_URL are used when no --data is given. Both --data and --postgres is a usage error.
On a data directory the command refuses while a server holds it (stop the server first, or use the web
interface). On PostgreSQL it works while the instances run, as one of them: accounts, passwords and links are
at once valid on every instance (an empty database is first given this version's schema, as "accord serve"
does, so the first administrator can be added before any instance starts). "passwd" ends every session of
the account; with the deployment's Redis (--redis URL or ACCORD_REDIS_URL) the instances also close the
account's open connections at once, without it each instance closes them at its next session sweep (within
a minute). "add" and "invite" do not use Redis.
Without --password-stdin the password is asked for on the terminal. An administrator creates accounts;
the first administrator comes from this command or from the one-time setup page. On a running server,
administrators manage accounts on the Accounts page of the web interface (docs/admin.md).
"user invite" prints a one-time link (valid 7 days) with which the person chooses their own name and
password; --url is the address people open Accord at (default ACCORD_PUBLIC_URL).
Prefer the environment variables to --postgres and --redis: a flag shows in the process list.
`;

export async function run(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const { values } = parseFlags(rest, {
    email: { type: 'string' },
    name: { type: 'string' },
    admin: { type: 'boolean' },
    'password-stdin': { type: 'boolean' },
    url: { type: 'string' },
    ...TARGET_OPTIONS,
  });
  if (values.help || action === '--help' || action === '-h') {
    process.stdout.write(HELP);
    return 0;
  }
  if (action !== 'add' && action !== 'passwd' && action !== 'invite')
    throw new UsageError('expected "user add", "user passwd" or "user invite" (see --help)');
  if (!values.email) throw new UsageError('--email is required');
  const command = `accord user ${action}`;
  const named = await commandTarget(values);
  // Only a password change has something to tell the running instances (the sessions it ended).
  const target: Target = named.kind === 'postgres' && action !== 'passwd' ? { ...named, redisUrl: null } : named;
  if (action === 'invite') return invite(values.email, values.admin ?? false, values.url, target);
  if (action === 'add' && !values.name) throw new UsageError('--name is required');
  const password = values['password-stdin'] ? (await readStdin()).replace(/\r?\n$/, '') : await askTwice();
  const email = values.email;
  return withMetadata(command, target, async (metadata, ctx) => {
    if (action === 'add') {
      const input = { email, name: values.name!, password, admin: values.admin ?? false };
      const user = await addAccount(metadata, input, BY_COMMAND);
      process.stdout.write(`added ${user.admin ? 'administrator' : 'user'} ${user.email} (id ${user.id})\n`);
      return 0;
    }
    const user = await findUserByEmail(metadata, email);
    if (user === undefined) {
      process.stderr.write(`${command}: no account with email ${email}\n`);
      return 1;
    }
    // On PostgreSQL, as the web route does it: the new hash and the end of every session in one write, then their
    // sockets closed here (none) and, with Redis, on every instance. On a data directory no server runs.
    await setAccountPassword(metadata, ctx, user.id, password, BY_COMMAND);
    const sockets =
      ctx === null
        ? ''
        : ctx.crossInstance !== undefined
          ? '; the instances close their open connections at once'
          : '; each instance closes their open connections at its next session sweep (within a minute)';
    process.stdout.write(`password of ${user.email} changed; their sessions were ended${sockets}\n`);
    return 0;
  });
}

async function askTwice(): Promise<string> {
  const first = await promptHidden('Password: ');
  const second = await promptHidden('Repeat password: ');
  if (first !== second) throw new UsageError('the passwords differ');
  return first;
}

/**
 * An invitation made from the command line: printed (the command has no mail relay); made and audited by the
 * function the web's invitations share (accounts/linkDelivery.ts), with no actor and `via: 'cli'`.
 */
function invite(email: string, admin: boolean, url: string | undefined, target: Target): Promise<number> {
  const base = (url ?? process.env.ACCORD_PUBLIC_URL ?? '').replace(/\/+$/, '');
  if (base !== '' && !/^https?:\/\/[^/]+$/.test(base))
    throw new UsageError('--url must be like https://accord.lab.example');
  return withMetadata('accord user invite', target, async (metadata) => {
    // Loaded here: the mail relay's module is not worth loading for "add" and "passwd".
    const { issueCommandInvitation } = await import('../accounts/linkDelivery.js');
    const { link, invitation } = await issueCommandInvitation(metadata, { email, admin }, base);
    process.stdout.write(
      `${link}\n` +
        `invitation for ${invitation.email}${admin ? ' (administrator)' : ''}, usable once until ` +
        `${new Date(invitation.expiresAt).toISOString()}${base === '' ? '; prefix the address of your server' : ''}\n`,
    );
    return 0;
  });
}
