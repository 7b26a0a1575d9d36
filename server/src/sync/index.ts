export { createSyncEngine, type SyncEngine, type SyncEngineOptions, TryAgainError } from './engine.js';
export { defaultLimits, type SyncLimits } from './limits.js';
export type { RejectReason, SyncMetrics } from './metrics.js';
export { CLOSE, type PeerContext } from './peer.js';
