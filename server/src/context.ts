import type { Access, AwarenessPolicy } from '@accord/shared';
import type { LoginLimiter } from './auth/loginLimiter.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { AuditLog } from './metadata/audit.js';
import type { MetadataStore } from './metadata/store.js';
import type { PeerContext, SyncEngine } from './sync/index.js';

/** What request handlers and services share: one per running server (or offline CLI command). */
export interface AppContext {
  config: Config;
  store: MetadataStore;
  audit: AuditLog;
  sync: SyncEngine;
  logger: Logger;
  /** Counts password checks and account lookups before they happen (sign-in, password change, member lookup). */
  limiter: LoginLimiter;
  /** Re-decides every open WebSocket after a change of role, membership, round or archive state. */
  recheckConnections(): void;
}

export type { Access, AwarenessPolicy, PeerContext };
