import type { Access, AwarenessPolicy } from '@accord/shared';
import type { LoginLimiter } from './auth/loginLimiter.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { Metadata } from './metadata/repositories.js';
import type { RelayStats } from './scaleout/relay.js';
import type { PeerContext, SyncEngine } from './sync/index.js';

/** What request handlers and services share: one per running server (or offline CLI command). */
export interface AppContext {
  config: Config;
  /** Accounts, sessions, projects, transcripts, rounds, invitations, audit (metadata/repositories.ts). */
  metadata: Metadata;
  sync: SyncEngine;
  logger: Logger;
  /** Counts password checks and account lookups before they happen (sign-in, password change, member lookup). */
  limiter: LoginLimiter;
  /** Re-decides every open WebSocket after a change of role, membership, round or archive state (every instance). */
  recheckConnections(): void;
  /**
   * Set when several instances share Redis (scaleout/): tells the other instances of sessions ended here, so that
   * they close those sessions' sockets at once too (accounts/sessionEnds.ts calls it).
   */
  crossInstance?: { sessionsEnded(sessionIds: readonly string[], reason: string): void };
  /** Set when several instances share Redis: the relay's counters since start (`/api/health` with the metrics token). */
  relayStats?: () => Readonly<RelayStats>;
}

export type { Access, AwarenessPolicy, PeerContext };
