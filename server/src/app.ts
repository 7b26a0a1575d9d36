import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import express, { type Express } from 'express';
import { startSessionSweep } from './accounts/sessionEnds.js';
import { MemoryLoginLimiter } from './auth/loginLimiter.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { type AccordDatabase, openMigratedDatabase } from './db/index.js';
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
import { AuditLog } from './metadata/audit.js';
import { openVerifiedDataDir } from './metadata/integrity.js';
import { type DataDirLock, lockDataDir } from './metadata/lock.js';
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

/** Opens the data directory (lock, metadata, documents) and everything that works on it, without listening. */
export async function openContext(
  config: Config,
  command: string,
  logger?: Logger,
): Promise<{ ctx: AppContext; close(): Promise<void> }> {
  const log = logger ?? createLogger(config.logLevel);
  const lock: DataDirLock = lockDataDir(config.dataDir, command);
  try {
    // Refuses a damaged directory (DataDamagedError, CorruptMetadataError) before anything in it changes.
    const store = await openVerifiedDataDir(config.dataDir);
    const audit = new AuditLog(config.dataDir);
    const { storage, database } = await openDocumentStorage(config, log);
    // Several instances: what crosses them goes through Redis (docs/scale-out.md); the relay is the engine's hooks.
    const scaleOut = config.redisUrl
      ? await startScaleOut({ url: config.redisUrl, logger: log, readStored: storedUpdatesReader(storage) }).catch(
          async (error) => {
            await storage.close();
            await database?.close();
            throw error;
          },
        )
      : null;
    // The engine owns the storage from here on and closes it in `sync.close()`.
    const sync = await createSyncEngine({ storage, logger: log, hooks: scaleOut?.relay }).catch(async (error) => {
      await scaleOut?.close();
      await storage.close();
      await database?.close();
      throw error;
    });
    const ctx: AppContext = {
      config,
      store,
      audit,
      sync,
      logger: log,
      limiter: scaleOut?.limiter ?? new MemoryLoginLimiter(),
      recheckConnections: () => {
        recheckConnections(ctx);
        void scaleOut?.control.recheck();
      },
      crossInstance: scaleOut ? crossInstanceNotices(scaleOut.control) : undefined,
    };
    if (scaleOut) answerControl(ctx, scaleOut.control);
    return {
      ctx,
      close: async () => {
        await sync.close();
        await database?.close();
        await scaleOut?.close();
        audit.close();
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * Where documents live: PostgreSQL when a URL is configured (migrated to this build's schema first; a database a
 * newer build migrated is refused, unchanged), the data directory's file engine otherwise (docs/storage.md).
 */
async function openDocumentStorage(
  config: Config,
  log: Logger,
): Promise<{ storage: Storage; database: AccordDatabase | null }> {
  // `postgresUrl` (ACCORD_POSTGRES_URL, `accord serve --postgres`) joins Config with the scale-out options.
  const postgresUrl = (config as Config & { postgresUrl?: string | null }).postgresUrl ?? null;
  const logger = log.child({ component: 'storage' });
  if (postgresUrl === null)
    return { storage: await FileStorage.open({ dataDir: config.dataDir, logger }), database: null };
  const database = await openMigratedDatabase({ url: postgresUrl, logger: log.child({ component: 'db' }) });
  try {
    return { storage: await PostgresStorage.open({ database, logger }), database };
  } catch (error) {
    await database.close();
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
      storage: { dataDir: ctx.config.dataDir, metadata: 'ok', sync: ctx.sync.metrics() },
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
  ctx.logger.info('listening', { url, port, dataDir: config.dataDir, version: VERSION });
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
