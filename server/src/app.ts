import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import express, { type Express } from 'express';
import { startSessionSweep } from './accounts/sessionEnds.js';
import { MemoryLoginLimiter } from './auth/loginLimiter.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { openMigratedDatabase, redactUrl } from './db/index.js';
import { notFound } from './errors.js';
import { errorHandler } from './http/errorHandler.js';
import { analysisRoutes } from './http/routes/analysis.js';
import { authRoutes } from './http/routes/auth.js';
import { importExportRoutes } from './http/routes/importExport.js';
import { invitationRoutes } from './http/routes/invitations.js';
import { mediaRoutes } from './http/routes/media.js';
import { projectRoutes } from './http/routes/projects.js';
import { roundRoutes } from './http/routes/rounds.js';
import { userRoutes } from './http/routes/users.js';
import { csrfProtection, mayReadMetrics, readSession } from './http/session.js';
import { handleUpgrade, recheckConnections, refuseSocket } from './http/upgrade.js';
import { createLogger, type Logger } from './log.js';
import { useMediaStore } from './media/media.js';
import { PostgresMediaStore } from './media/postgres.js';
import type { MediaStore } from './media/store.js';
import { openVerifiedDataDir } from './metadata/integrity.js';
import { type DataDirLock, lockDataDir } from './metadata/lock.js';
import { PostgresMetadata } from './metadata/postgres/index.js';
import type { Metadata } from './metadata/repositories.js';
import { FileStorage, type Storage } from './persistence/index.js';
import { PostgresStorage } from './persistence/postgres/index.js';
import { startScaleOut, storedUpdatesReader } from './scaleout/index.js';
import { answerControl, crossInstanceNotices } from './scaleout/wiring.js';
import { createSyncEngine } from './sync/index.js';
import { VERSION } from './version.js';

export interface AccordServer {
  ctx: AppContext;
  http: http.Server;
  /** The address actually bound (the port is real even when 0 was asked for). */
  url: string;
  close(): Promise<void>;
}

/**
 * Opens where everything durable lives (`openStores`) and everything that works on it, without listening: the sync
 * engine, and with Redis the relay between instances.
 */
export async function openContext(
  config: Config,
  command: string,
  logger?: Logger,
): Promise<{ ctx: AppContext; close(): Promise<void> }> {
  const log = logger ?? createLogger(config.logLevel);
  const stores = await openStores(config, command, log);
  try {
    const { metadata, storage } = stores;
    // Several instances: what crosses them goes through Redis (docs/scale-out.md); the relay is the engine's hooks.
    const scaleOut = config.redisUrl
      ? await startScaleOut({ url: config.redisUrl, logger: log, readStored: storedUpdatesReader(storage) }).catch(
          async (error) => {
            await storage.close();
            throw error;
          },
        )
      : null;
    // The engine owns the storage from here on and closes it in `sync.close()`.
    const sync = await createSyncEngine({ storage, logger: log, hooks: scaleOut?.relay }).catch(async (error) => {
      await scaleOut?.close();
      await storage.close();
      throw error;
    });
    const ctx: AppContext = {
      config,
      metadata,
      sync,
      logger: log,
      limiter: scaleOut?.limiter ?? new MemoryLoginLimiter(),
      recheckConnections: () => {
        recheckConnections(ctx);
        void scaleOut?.control.recheck();
      },
      crossInstance: scaleOut ? crossInstanceNotices(scaleOut.control) : undefined,
      relayStats: scaleOut ? () => ({ ...scaleOut.relay.stats }) : undefined,
    };
    if (stores.media !== null) useMediaStore(ctx, stores.media);
    if (scaleOut) answerControl(ctx, scaleOut.control);
    return {
      ctx,
      close: async () => {
        await sync.close();
        await scaleOut?.close();
        await stores.close();
      },
    };
  } catch (error) {
    await stores.close();
    throw error;
  }
}

interface Stores {
  metadata: Metadata;
  /** Closed by the sync engine, which owns it once created. */
  storage: Storage;
  /** Recordings, when they are not the data directory's files (media/media.ts makes those itself). */
  media: MediaStore | null;
  /** Closes what is left once the engine has closed the storage (the metadata, the pool, the lock). */
  close(): Promise<void>;
}

/**
 * Where everything durable lives. With a PostgreSQL URL: metadata, documents, snapshots, recordings and the audit
 * log in that one database, which any number of instances share (migrated to this build's schema first; one that
 * a newer build migrated is refused, unchanged) and no data directory, so no lock (docs/deploy.md). Otherwise the
 * data directory, locked for this process and verified before anything in it changes (DataDamagedError,
 * CorruptMetadataError): meta.json with the audit log, the file engine, the media files (docs/storage.md).
 */
async function openStores(config: Config, command: string, log: Logger): Promise<Stores> {
  const logger = log.child({ component: 'storage' });
  if (config.postgresUrl !== null) {
    const database = await openMigratedDatabase({ url: config.postgresUrl, logger: log.child({ component: 'db' }) });
    try {
      const metadata = await PostgresMetadata.open(database);
      const storage = await PostgresStorage.open({ database, logger });
      const media = new PostgresMediaStore(database);
      return {
        metadata,
        storage,
        media,
        close: async () => {
          media.close();
          await metadata.close();
          await database.close();
        },
      };
    } catch (error) {
      await database.close();
      throw error;
    }
  }
  const lock: DataDirLock = lockDataDir(config.dataDir, command);
  try {
    const metadata = await openVerifiedDataDir(config.dataDir);
    try {
      const storage = await FileStorage.open({ dataDir: config.dataDir, logger });
      return {
        metadata,
        storage,
        media: null,
        close: async () => {
          await metadata.close();
          lock.release();
        },
      };
    } catch (error) {
      await metadata.close();
      throw error;
    }
  } catch (error) {
    lock.release();
    throw error;
  }
}

export function createApp(ctx: AppContext, startedAt: number): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.trustProxy);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  const api = express.Router();
  api.use(express.json({ limit: '1mb', strict: true }));
  api.use(readSession(ctx));
  api.use(csrfProtection(ctx));
  // Liveness is public; where the data lives and what traffic flows are for administrators and monitors.
  api.get('/health', (req, res) => {
    const live = { status: 'ok', version: VERSION };
    if (!mayReadMetrics(ctx, req)) {
      res.json(live);
      return;
    }
    res.json({
      ...live,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      storage: {
        ...(ctx.config.postgresUrl === null
          ? { dataDir: ctx.config.dataDir }
          : { postgres: redactUrl(ctx.config.postgresUrl) }),
        metadata: 'ok',
        sync: ctx.sync.metrics(),
        ...(ctx.relayStats ? { relay: ctx.relayStats() } : {}),
      },
    });
  });
  api.use(authRoutes(ctx));
  api.use(userRoutes(ctx));
  api.use(invitationRoutes(ctx));
  api.use(projectRoutes(ctx));
  api.use(analysisRoutes(ctx));
  api.use(roundRoutes(ctx));
  api.use(importExportRoutes(ctx));
  api.use(mediaRoutes(ctx));
  api.use((req, _res, next) => next(notFound(`no route ${req.method} /api${req.path}`)));
  api.use(errorHandler(ctx.logger));
  app.use('/api', api);
  serveClient(app, ctx.config.clientDir);
  return app;
}

/** The built client at `/`, with every other non-API path answered by `index.html` (client-side routing). */
function serveClient(app: Express, clientDir: string): void {
  const index = path.join(clientDir, 'index.html');
  app.use(express.static(clientDir, { index: false, maxAge: '1h' }));
  app.get(/^\/(?!api\/|ws\/).*/, (_req, res) => {
    if (fs.existsSync(index)) res.sendFile(index, { maxAge: 0 });
    else res.status(503).type('text/plain').send('The Accord client is not built: run `npx -y pnpm@10.34.9 build`.\n');
  });
}

/** How often expired sessions are deleted and the sockets they opened closed. */
const SESSION_SWEEP_MS = 60_000;

export interface ServerOptions {
  logger?: Logger;
  /** Tests sweep sessions more often than the default minute. */
  sessionSweepMs?: number;
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<AccordServer> {
  const { logger } = options;
  const startedAt = Date.now();
  const opened = await openContext(config, 'accord serve', logger);
  const { ctx } = opened;
  const server = http.createServer(createApp(ctx, startedAt));
  server.on('upgrade', (req, socket, head) => {
    // handleUpgrade answers every failure itself; this is the last guard, since a throw here stops the process.
    try {
      handleUpgrade(ctx, req, socket, head);
    } catch (error) {
      ctx.logger.error('ws.upgrade_failed', { url: req.url, error });
      refuseSocket(socket, { status: 500, reason: 'Internal Server Error' });
    }
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, resolve);
    });
  } catch (error) {
    await opened.close();
    throw error;
  }
  const stopSweep = startSessionSweep(ctx, options.sessionSweepMs ?? SESSION_SWEEP_MS);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  const where = config.postgresUrl === null ? { dataDir: config.dataDir } : { postgres: redactUrl(config.postgresUrl) };
  ctx.logger.info('listening', { url, port, ...where, version: VERSION });
  let closing: Promise<void> | undefined;
  return {
    ctx,
    http: server,
    url,
    close: () => {
      closing ??= (async () => {
        stopSweep();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await opened.close();
        server.closeAllConnections();
        await closed;
        ctx.logger.info('stopped');
      })();
      return closing;
    },
  };
}
