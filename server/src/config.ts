import path from 'node:path';
import type { LogLevel } from './log.js';

/** Everything the server can be told, from flags (`accord serve --port`) or environment (`ACCORD_PORT`). */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** Origins allowed to open WebSockets and send cookie-authenticated writes, besides the server's own. */
  origins: string[];
  /** Express `trust proxy`: set when behind a TLS-terminating reverse proxy, so `Secure` cookies and client IPs work. */
  trustProxy: boolean | number | string;
  sessionTtlHours: number;
  logLevel: LogLevel | 'silent';
  /** Where the built client lives; the server serves it at `/`. */
  clientDir: string;
  /** Largest accepted REST body for uploads (imports), in bytes. */
  maxUploadBytes: number;
  /** Largest recording (audio or video) attached to a transcript, in bytes (docs/media.md). */
  maxMediaBytes: number;
  /** Bearer token that lets a monitor read `/api/health`'s details without a session; null: administrators only. */
  metricsToken: string | null;
  /** Mail relay for sending invitations and reset links (`smtp://user:pass@host:587`); null: links are copied by hand. */
  smtpUrl: string | null;
  /** The From address of those mails. */
  smtpFrom: string | null;
  /** The address people open Accord at (for links in mails); null: taken from the request that made the link. */
  publicUrl: string | null;
  /**
   * The Redis every instance of a multi-instance deployment shares (`redis://host:6379`, `rediss://` for TLS):
   * documents, awareness, access changes and login limits cross instances through it (docs/scale-out.md).
   * null: one instance, nothing shared.
   */
  redisUrl: string | null;
  /**
   * The PostgreSQL database holding everything durable (`postgres://user:password@host:5432/accord`): metadata,
   * documents, round snapshots, recordings and the audit log, shared by every instance (docs/deploy.md). Migrated
   * by `accord serve` itself. null: the data directory (embedded metadata and the file engine).
   */
  postgresUrl: string | null;
}

export const DEFAULTS: Config = {
  host: '127.0.0.1',
  port: 8080,
  dataDir: './data',
  origins: [],
  trustProxy: false,
  sessionTtlHours: 24 * 7,
  logLevel: 'info',
  clientDir: path.resolve(import.meta.dirname, '../../client/dist'),
  maxUploadBytes: 200 * 1024 * 1024,
  maxMediaBytes: 4 * 1024 * 1024 * 1024,
  metricsToken: null,
  smtpUrl: null,
  smtpFrom: null,
  publicUrl: null,
  redisUrl: null,
  postgresUrl: null,
};

/** The environment variable for each setting; flags win over the environment, which wins over defaults. */
export const ENVIRONMENT: Record<keyof Config, string> = {
  host: 'ACCORD_HOST',
  port: 'ACCORD_PORT',
  dataDir: 'ACCORD_DATA',
  origins: 'ACCORD_ORIGINS',
  trustProxy: 'ACCORD_TRUST_PROXY',
  sessionTtlHours: 'ACCORD_SESSION_TTL_HOURS',
  logLevel: 'ACCORD_LOG_LEVEL',
  clientDir: 'ACCORD_CLIENT_DIR',
  maxUploadBytes: 'ACCORD_MAX_UPLOAD_BYTES',
  maxMediaBytes: 'ACCORD_MAX_MEDIA_BYTES',
  metricsToken: 'ACCORD_METRICS_TOKEN',
  smtpUrl: 'ACCORD_SMTP_URL',
  smtpFrom: 'ACCORD_SMTP_FROM',
  publicUrl: 'ACCORD_PUBLIC_URL',
  redisUrl: 'ACCORD_REDIS_URL',
  postgresUrl: 'ACCORD_POSTGRES_URL',
};

export class ConfigError extends Error {}

type Raw = Partial<Record<keyof Config, string | undefined>>;

export function resolveConfig(flags: Raw, env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Raw = {};
  for (const key of Object.keys(ENVIRONMENT) as (keyof Config)[]) raw[key] = flags[key] ?? env[ENVIRONMENT[key]];
  const config: Config = { ...DEFAULTS };
  if (raw.host !== undefined) config.host = raw.host;
  if (raw.port !== undefined) config.port = integer('port', raw.port, 0, 65535);
  if (raw.dataDir !== undefined) config.dataDir = raw.dataDir;
  if (raw.origins !== undefined)
    config.origins = raw.origins
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
  if (raw.trustProxy !== undefined) config.trustProxy = trustProxy(raw.trustProxy);
  if (raw.sessionTtlHours !== undefined)
    config.sessionTtlHours = integer('session TTL', raw.sessionTtlHours, 1, 24 * 365);
  if (raw.logLevel !== undefined) config.logLevel = logLevel(raw.logLevel);
  if (raw.clientDir !== undefined) config.clientDir = raw.clientDir;
  if (raw.maxUploadBytes !== undefined)
    config.maxUploadBytes = integer('upload limit', raw.maxUploadBytes, 1024, 2 ** 32);
  if (raw.maxMediaBytes !== undefined)
    config.maxMediaBytes = integer('media size limit', raw.maxMediaBytes, 1024, 2 ** 44);
  if (raw.metricsToken !== undefined) config.metricsToken = metricsToken(raw.metricsToken);
  if (raw.smtpUrl) config.smtpUrl = url('SMTP URL', raw.smtpUrl, ['smtp:', 'smtps:']);
  if (raw.smtpFrom) config.smtpFrom = raw.smtpFrom;
  if (raw.publicUrl) config.publicUrl = url('public URL', raw.publicUrl, ['http:', 'https:']).replace(/\/+$/, '');
  if (raw.redisUrl) config.redisUrl = url('Redis URL', raw.redisUrl, ['redis:', 'rediss:']);
  if (raw.postgresUrl) config.postgresUrl = url('PostgreSQL URL', raw.postgresUrl, ['postgres:', 'postgresql:']);
  if (config.smtpUrl !== null && config.smtpFrom === null) {
    throw new ConfigError(
      'an SMTP URL needs a From address too (ACCORD_SMTP_FROM, e.g. "Accord <accord@lab.example>")',
    );
  }
  config.dataDir = path.resolve(config.dataDir);
  return config;
}

function integer(name: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return number;
}

function url(name: string, value: string, protocols: string[]): string {
  if (!URL.canParse(value) || !protocols.includes(new URL(value).protocol)) {
    throw new ConfigError(
      `${name} must be a ${protocols.join(' or ')} URL, got "${value.replace(/\/\/[^@/]*@/, '//…@')}"`,
    );
  }
  return value;
}

function trustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** A guessable token would open the metrics to anyone: at least 16 visible characters (`openssl rand -hex 16`). */
function metricsToken(value: string): string | null {
  if (value === '') return null;
  if (!/^[\x21-\x7e]{16,256}$/.test(value)) {
    throw new ConfigError('metrics token must be 16 to 256 visible ASCII characters (try `openssl rand -hex 16`)');
  }
  return value;
}

function logLevel(value: string): LogLevel | 'silent' {
  if (['debug', 'info', 'warn', 'error', 'silent'].includes(value)) return value as LogLevel | 'silent';
  throw new ConfigError(`log level must be debug, info, warn, error or silent, got "${value}"`);
}
