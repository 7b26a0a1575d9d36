export { createSyncEngine, type SyncEngine, type SyncEngineOptions, TryAgainError } from './engine.js';
export type { HookedDoc, RelayedAwarenessEntry, SyncHooks } from './hooks.js';
export { defaultLimits, type SyncLimits } from './limits.js';
export type { RejectReason, SyncMetrics } from './metrics.js';
export { CLOSE, type PeerContext } from './peer.js';
