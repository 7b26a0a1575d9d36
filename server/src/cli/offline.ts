import type { Config } from '../config.js';
import { ConfigError, resolveConfig } from '../config.js';
import type { AppContext } from '../context.js';
import { DatabaseTooNewError, DatabaseUnavailableError } from '../db/index.js';
import { AccordError } from '../errors.js';
import { ImportError } from '../import/errors.js';
import { openEmbeddedMetadata } from '../metadata/embedded.js';
import { DataDirLockedError, lockDataDir } from '../metadata/lock.js';
import type { Metadata } from '../metadata/repositories.js';
import { CorruptMetadataError } from '../metadata/store.js';
import { DataDamagedError } from '../persistence/damage.js';
import { RedisUnavailableError } from '../scaleout/index.js';
import { UsageError } from './args.js';

/**
 * Where `accord user`, `accord import` and `accord export` work: a data directory, which they lock (so they refuse
 * while a server holds it), or the PostgreSQL database of a deployment, which has no lock: the command joins the
 * deployment while its instances keep running, and with the deployment's Redis its writes reach them as an
 * instance's do (docs/deploy.md, "Accounts, imports and exports on PostgreSQL").
 */
export type Target =
  | { kind: 'dataDir'; dataDir: string | undefined }
  | { kind: 'postgres'; postgresUrl: string; redisUrl: string | null };

/** The flags that name a target. */
export const TARGET_OPTIONS = {
  data: { type: 'string' },
  postgres: { type: 'string' },
  redis: { type: 'string' },
} as const;

/** `accord import`'s statement that no instance runs on the database, in place of its Redis. */
export const OFFLINE_OPTION = { offline: { type: 'boolean' } } as const;

export interface TargetFlags {
  data?: string;
  postgres?: string;
  redis?: string;
  offline?: boolean;
}

/**
 * The target named by the flags and the environment. PostgreSQL exactly as `accord check` and `backup` choose it
 * (`postgresTarget`: --postgres, else ACCORD_POSTGRES_URL unless --data is given; both flags are a usage error),
 * with the deployment's Redis: --redis, else ACCORD_REDIS_URL (ignored with a data directory, on which no instance
 * can run). With `needsLiveInstances`, a command that writes documents running instances may hold (`accord import`)
 * refuses PostgreSQL without Redis unless --offline says that no instance runs: their copies would not see the
 * writes until they load the documents again, and a silent stale view is worse than a refusal.
 */
export async function commandTarget(
  values: TargetFlags,
  options: { needsLiveInstances?: boolean } = {},
): Promise<Target> {
  const { postgresTarget } = await import('./postgres.js');
  const postgresUrl = postgresTarget(values);
  if (postgresUrl === null) {
    if (values.redis !== undefined) {
      throw new UsageError(
        '--redis joins the instances of a PostgreSQL deployment (with --postgres URL); no server may run on a data directory',
      );
    }
    if (values.offline)
      throw new UsageError('--offline is for --postgres: a data directory is always worked on offline');
    return { kind: 'dataDir', dataDir: values.data };
  }
  if (values.offline) {
    if (values.redis !== undefined) {
      throw new UsageError('give either --redis URL (instances are running) or --offline (none is), not both');
    }
    return { kind: 'postgres', postgresUrl, redisUrl: null };
  }
  let redisUrl: string | null;
  try {
    redisUrl = resolveConfig({ redisUrl: values.redis }).redisUrl;
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  if (redisUrl === null && options.needsLiveInstances) {
    throw new UsageError(
      'on PostgreSQL, running instances see what is written only through their Redis: give --redis URL ' +
        '(or ACCORD_REDIS_URL), or --offline if no instance is running on this database',
    );
  }
  return { kind: 'postgres', postgresUrl, redisUrl };
}

/**
 * Runs `work` on the whole context of `target` (`openContext`, as `accord serve` opens it): metadata, documents and
 * recordings; on PostgreSQL with Redis, the relay and the control channel too, so that the command's document writes
 * and access changes reach every running instance as an instance's do. Closing it (before the command exits)
 * flushes every document, publishes every update and confirmation still pending, then quits Redis after them.
 */
export function withContext(
  command: string,
  target: Target,
  work: (ctx: AppContext) => Promise<number>,
): Promise<number> {
  return withOpened(command, target, true, (opened) => work(opened.ctx!));
}

/**
 * Runs `work` on the metadata of `target`. On a data directory that is the metadata alone (locked: no server holds
 * it, so no socket is open anywhere and `ctx` is null); on PostgreSQL it is the whole context, so that sessions the
 * command ends close their sockets on every instance through Redis (`closeSessionSockets`), as the web route does.
 */
export function withMetadata(
  command: string,
  target: Target,
  work: (metadata: Metadata, ctx: AppContext | null) => Promise<number>,
): Promise<number> {
  return withOpened(command, target, false, (opened) => work(opened.metadata, opened.ctx));
}

interface Opened {
  metadata: Metadata;
  ctx: AppContext | null;
  close(): Promise<void>;
}

/** Opens `target`, runs `work`, closes; an expected failure is one line on standard error and exit 1. */
async function withOpened(
  command: string,
  target: Target,
  documents: boolean,
  work: (opened: Opened) => Promise<number>,
): Promise<number> {
  let opened: Opened | undefined;
  try {
    opened = await open(command, target, documents);
    return await work(opened);
  } catch (error) {
    const expected =
      error instanceof ImportError ||
      error instanceof AccordError ||
      error instanceof DataDirLockedError ||
      error instanceof CorruptMetadataError ||
      error instanceof DataDamagedError ||
      error instanceof ConfigError ||
      error instanceof DatabaseUnavailableError ||
      error instanceof DatabaseTooNewError ||
      error instanceof RedisUnavailableError;
    if (!expected) throw error;
    process.stderr.write(`${command}: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await opened?.close();
  }
}

async function open(command: string, target: Target, documents: boolean): Promise<Opened> {
  const config = targetConfig(target);
  if (target.kind === 'dataDir' && !documents) {
    const lock = lockDataDir(config.dataDir, command);
    try {
      const metadata = await openEmbeddedMetadata(config.dataDir);
      return {
        metadata,
        ctx: null,
        close: async () => {
          await metadata.close();
          lock.release();
        },
      };
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  // Loaded only here: `accord user` on a data directory does not pay for the server's modules.
  const { openContext } = await import('../app.js');
  const { ctx, close } = await openContext(config, command);
  return { metadata: ctx.metadata, ctx, close };
}

/** The configuration `openContext` gets: the environment's, with the target's stores and nothing else's. */
function targetConfig(target: Target): Config {
  const logLevel = process.env.ACCORD_LOG_LEVEL === 'debug' ? 'debug' : 'warn';
  const base = resolveConfig({ dataDir: target.kind === 'dataDir' ? target.dataDir : undefined, logLevel });
  return target.kind === 'dataDir'
    ? { ...base, postgresUrl: null, redisUrl: null }
    : { ...base, postgresUrl: target.postgresUrl, redisUrl: target.redisUrl };
}
