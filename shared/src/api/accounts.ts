/**
 * What the REST API answers about accounts and sessions (server/src/http/routes/auth.ts, users.ts). The server's
 * serialisers are checked against these types (`satisfies`) and the web client reads them: one definition, no
 * hand-copied twin that can drift.
 */

/** An account as any signed-in user may see it. */
export interface User {
  id: string;
  email: string;
  name: string;
  admin: boolean;
}

/** `GET /api/session`, `POST /api/auth/login`, `POST /api/setup`. */
export interface SessionResponse {
  user: User;
  csrfToken: string;
  expiresAt: number;
}

/** `GET /api/setup`: whether the server still needs its first administrator. */
export interface SetupNeededResponse {
  needed: boolean;
}
