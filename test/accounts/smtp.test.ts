import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../server/src/config.js';
import { seedProject, startTestServer, type TestServer } from '../helpers/server.js';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { adminOf, tokenOf } from './helpers.js';

/** Issue 23 item 1: invitations go out by mail where a relay is configured; the link works without one. */
let test: TestServer | undefined;
let smtp: TestSmtpServer | undefined;
afterEach(async () => {
  await test?.close();
  await smtp?.close();
  test = undefined;
  smtp = undefined;
});

describe('mailing links', () => {
  it('sends an owner invitation through the configured relay, with the link and the project', async () => {
    smtp = await startTestSmtpServer();
    test = await startTestServer({
      config: { smtpUrl: smtp.url, smtpFrom: 'Accord <accord@lab.example>', publicUrl: 'https://accord.lab.example/' },
    });
    const cast = await seedProject(test);
    const made = await cast.owner.client.post(`/api/projects/${cast.project.id}/invitations`, {
      email: 'mailed@example.org',
      role: 'coder',
    });
    expect(made.status).toBe(201);
    expect(made.body.sent).toBe(true);
    // The configured public address, not the address the request came to.
    expect(made.body.link).toMatch(/^https:\/\/accord\.lab\.example\/invite#/);
    const mail = await smtp.nextMail();
    expect(mail.from).toBe('accord@lab.example');
    expect(mail.to).toEqual(['mailed@example.org']);
    // Quoted-printable may fold long lines: unfold before looking for the link.
    const body = mail.data.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    expect(body).toContain(made.body.link);
    expect(body).toContain(cast.project.name);
    expect(body).toContain(tokenOf(made.body.link));
  });

  it('sends a reset link to the account', async () => {
    smtp = await startTestSmtpServer();
    test = await startTestServer({ config: { smtpUrl: smtp.url, smtpFrom: 'accord@lab.example' } });
    const admin = await adminOf(test);
    const cast = await seedProject(test);
    const made = await admin.client.post(`/api/users/${cast.coder.id}/reset-link`);
    expect(made.body.sent).toBe(true);
    const mail = await smtp.nextMail();
    expect(mail.to).toEqual([cast.coder.email]);
    expect(mail.data).toContain('Choose a new Accord password');
  });

  it('a relay that is down loses nothing: the link is made and shown, and the answer says the mail failed', async () => {
    // A port that refuses connections: listen, note the port, close.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    test = await startTestServer({ config: { smtpUrl: `smtp://127.0.0.1:${port}`, smtpFrom: 'accord@lab.example' } });
    const admin = await adminOf(test);
    const made = await admin.client.post('/api/invitations', { email: 'nomail@example.org' });
    expect(made.status).toBe(201);
    expect(made.body.sent).toBe(false);
    expect(made.body.sendError).toMatch(/copy the link/);
    expect(made.body.link).toContain('/invite#');
  });

  it('configuration: an SMTP URL needs a From address, and must be smtp: or smtps:', () => {
    expect(() => resolveConfig({ smtpUrl: 'smtp://relay:25' }, {})).toThrow(ConfigError);
    expect(() => resolveConfig({ smtpUrl: 'http://relay', smtpFrom: 'a@b' }, {})).toThrow(/smtp: or smtps:/);
    // The password in a URL is not repeated in the error.
    expect(() => resolveConfig({ smtpUrl: 'ftp://user:secret@relay', smtpFrom: 'a@b' }, {})).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('secret') }),
    );
    const config = resolveConfig({}, { ACCORD_SMTP_URL: 'smtps://relay:465', ACCORD_SMTP_FROM: 'a@b' });
    expect(config).toMatchObject({ smtpUrl: 'smtps://relay:465', smtpFrom: 'a@b', publicUrl: null });
  });
});
