import { createContext, useContext } from 'react';
import type { User } from '../api.js';

export interface SessionValue {
  user: User;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside a signed-in view');
  return session;
}
