import nodemailer from 'nodemailer';
import type { Config } from '../config.js';

/**
 * Sends invitation and reset links by mail where the lab has a relay (`ACCORD_SMTP_URL`). Mail is a convenience:
 * every link is also shown to the person who made it, so a server without a relay, or a relay that is down, loses
 * nothing. An interface, so that a test or another transport can stand in.
 */
export interface Mailer {
  send(message: { to: string; subject: string; text: string }): Promise<void>;
}

const mailers = new WeakMap<Config, Mailer | null>();

/** The mailer of a configuration (one transport per server), or null when no relay is configured. */
export function mailerFor(config: Config): Mailer | null {
  if (!mailers.has(config)) mailers.set(config, config.smtpUrl === null ? null : smtpMailer(config));
  return mailers.get(config)!;
}

function smtpMailer(config: Config): Mailer {
  // Short timeouts: the request that creates a link waits for the relay's answer to say whether the mail went.
  const url = new URL(config.smtpUrl!);
  const transport = nodemailer.createTransport({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  const from = config.smtpFrom!;
  return {
    send: async ({ to, subject, text }) => {
      await transport.sendMail({ from, to, subject, text });
    },
  };
}

export interface LinkMail {
  to: string;
  link: string;
  kind: 'invite' | 'reset';
  inviter: string;
  project: { name: string; role: string } | null;
  expiresAt: number;
}

/** The plain-text mail for a link: who sent it, what it is for, and until when it works. */
export function linkMessage({ to, link, kind, inviter, project, expiresAt }: LinkMail) {
  const until = new Date(expiresAt).toUTCString();
  if (kind === 'reset') {
    return {
      to,
      subject: 'Choose a new Accord password',
      text:
        `${inviter} made you a link to choose a new password for your Accord account (${to}).\n\n` +
        `${link}\n\nThe link works once, until ${until}. If you did not expect it, ignore this mail.\n`,
    };
  }
  const into = project ? ` to the project "${project.name}" as ${project.role}` : '';
  return {
    to,
    subject: project ? `Invitation to "${project.name}" on Accord` : 'Invitation to Accord',
    text:
      `${inviter} invites you${into} on Accord, where your team codes interview transcripts together.\n\n` +
      `Open this link to choose your name and password:\n\n${link}\n\nThe link works once, until ${until}.\n`,
  };
}
