import { startServer } from '../app.js';
import { ConfigError, resolveConfig } from '../config.js';
import { DatabaseTooNewError, DatabaseUnavailableError } from '../db/index.js';
import { DataDirLockedError } from '../metadata/lock.js';
import { CorruptMetadataError } from '../metadata/store.js';
import { DataDamagedError } from '../persistence/index.js';
import { RedisUnavailableError } from '../scaleout/index.js';
import { parseFlags } from './args.js';

export const summary = 'start the Accord server';

const HELP = `Usage: accord serve [--host HOST] [--port PORT] [--data DIR] [--origin URL,...] [--trust-proxy VALUE]
                    [--metrics-token TOKEN] [--smtp-url URL] [--smtp-from ADDRESS] [--public-url URL]
                    [--redis URL] [--postgres URL]

Starts Accord: the REST API under /api, the Yjs sync endpoint under /ws/, the web client at /.
Defaults: --host 127.0.0.1 --port 8080 --data ./data. Each flag has an environment variable
(ACCORD_HOST, ACCORD_PORT, ACCORD_DATA, ACCORD_ORIGINS, ACCORD_TRUST_PROXY, ACCORD_SESSION_TTL_HOURS,
ACCORD_LOG_LEVEL, ACCORD_METRICS_TOKEN, ACCORD_SMTP_URL, ACCORD_SMTP_FROM, ACCORD_PUBLIC_URL); flags win. --port 0 picks a free port (logged in the "listening" line).
--metrics-token lets a monitor read /api/health's details with "Authorization: Bearer TOKEN"; prefer the
environment variable, since a flag shows in the process list.
--smtp-url (smtp://user:pass@relay:587 or smtps://...) and --smtp-from mail invitation and reset links; without
them the links are shown to copy. --public-url is the address people open Accord at, for links in mails.
--redis URL (ACCORD_REDIS_URL; redis://host:6379 or rediss://) joins the instances sharing that Redis: edits,
presence, access changes and login limits cross instances (docs/scale-out.md).
--postgres URL (ACCORD_POSTGRES_URL; postgres://user:password@host:5432/accord) keeps metadata, documents,
snapshots, recordings and the audit log in that PostgreSQL database instead of the data directory: serve
migrates an empty or older database itself and refuses one a newer Accord migrated; no data directory lock is
taken, so several instances can share the database (docs/deploy.md). Prefer the environment variable, since a
flag shows in the process list.
Stops cleanly on SIGTERM or SIGINT, after flushing every document to disk (or PostgreSQL).
`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    host: { type: 'string' },
    port: { type: 'string' },
    data: { type: 'string' },
    origin: { type: 'string' },
    'trust-proxy': { type: 'string' },
    'log-level': { type: 'string' },
    'metrics-token': { type: 'string' },
    'smtp-url': { type: 'string' },
    'smtp-from': { type: 'string' },
    'public-url': { type: 'string' },
    redis: { type: 'string' },
    postgres: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  try {
    const config = resolveConfig({
      host: values.host,
      port: values.port,
      dataDir: values.data,
      origins: values.origin,
      trustProxy: values['trust-proxy'],
      logLevel: values['log-level'],
      metricsToken: values['metrics-token'],
      smtpUrl: values['smtp-url'],
      smtpFrom: values['smtp-from'],
      publicUrl: values['public-url'],
      redisUrl: values.redis,
      postgresUrl: values.postgres,
    });
    const server = await startServer(config);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        server.ctx.logger.info('shutdown', { signal });
        server.close().then(resolve, (error) => {
          server.ctx.logger.error('shutdown.failed', { error });
          process.exitCode = 1;
          resolve();
        });
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof CorruptMetadataError ||
      error instanceof DataDirLockedError ||
      error instanceof DataDamagedError ||
      error instanceof RedisUnavailableError ||
      error instanceof DatabaseUnavailableError ||
      error instanceof DatabaseTooNewError
    ) {
      process.stderr.write(`accord serve: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
