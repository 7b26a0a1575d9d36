import { createContext, useContext } from 'react';
import type { User } from '../api.js';

export interface SessionValue {
  user: User;
  signOut(): Promise<void>;
  /** The account as the server answers it after a change of one's own (the name): every page and the header show it. */
  updateUser(user: User): void;
  /**
   * Runs a request that, when it succeeds, ends every session of this account, this one included (a password
   * change). While it runs, the end of this session (sockets closing with 4401, a 401 from a check of the session)
   * is expected, not an expiry to ask about; once it succeeded, the app signs out here and the sign-in page says that
   * the password was changed. A refusal is thrown back, and the session goes on.
   */
  endingSessions(request: () => Promise<void>): Promise<void>;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside a signed-in view');
  return session;
}
