import { ApiClient, type TestServer } from '../helpers/server.js';

/** The token of a link as the API gives it to its maker (`…/invite#<token>`). */
export function tokenOf(link: string): string {
  const token = new URL(link).hash.slice(1);
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}

/** A fresh, signed-out client of the server (the invited person's browser). */
export const stranger = (test: TestServer) => new ApiClient(test.url);

/** A signed-in administrator. */
export async function adminOf(test: TestServer) {
  const suffix = Math.random().toString(36).slice(2, 8);
  const admin = await test.addUser(`admin-${suffix}@example.org`, 'Ada Admin', { admin: true });
  return { ...admin, client: await test.login(admin.email) };
}
