import { resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import { loadIdentityProviders, type IdentityProviderEntry } from './identity-providers.js';

export { ConfigError } from './config-error.js';

export type NodeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface AppConfig {
  readonly nodeEnv: NodeEnv;
  readonly host: string;
  readonly port: number;
  /** Set when the broker uses an external PostgreSQL; absent means embedded PostgreSQL. */
  readonly databaseUrl: string | undefined;
  readonly dbPoolSize: number;
  readonly embeddedPgPort: number;
  readonly varDir: string;
  readonly keysDir: string;
  readonly audience: string;
  readonly clockSkewSeconds: number;
  readonly maxTokenLifetimeSeconds: number;
  readonly bodyLimitBytes: number;
  readonly logLevel: LogLevel;
  readonly demoSeed: boolean;
  readonly publicUrl: string;
  /** The policy bundle (DESIGN §3.4), validated at start-up. */
  readonly policiesDir: string;
  /** Role the broker's connections run as; empty to stay the login role. */
  readonly dbRole: string;
  /** The broker's audit signing keys (Ed25519): generated on first start when missing. */
  readonly auditKeyFile: string;
  /** A checkpoint is issued every N records… */
  readonly checkpointEveryRecords: number;
  /** …or every T seconds when anything was appended since the last one. */
  readonly checkpointEverySeconds: number;
  /** Webhook outbox: how often a broker looks for due deliveries and overdue urgent alerts. */
  readonly webhookPollMs: number;
  /** First retry delay; each further attempt doubles it (exponential backoff, with jitter). */
  readonly webhookRetryBaseMs: number;
  readonly webhookMaxAttempts: number;
  /** How long one instance holds a delivery it is attempting before another may take it over. */
  readonly webhookLeaseSeconds: number;
  readonly webhookTimeoutMs: number;
  /**
   * Webhook URLs over plain http, or to loopback and private addresses: only for the demo and tests
   * (on by default with the demo seed), never in production.
   */
  readonly webhookAllowPrivate: boolean;
  /** How often the retention job runs (purges content past retention, ends what expired). */
  readonly retentionEveryMinutes: number;
  /**
   * Sustained requests per minute per agency (and per client address for requests without a
   * valid token), per broker instance; 0 turns the limit off.
   */
  readonly rateLimitPerMinute: number;
  /** Requests an agency (or address) may make at once before the sustained rate applies. */
  readonly rateLimitBurst: number;
  /** Send Strict-Transport-Security: the broker is reached over https (`FILET_PUBLIC_URL`). */
  readonly hsts: boolean;
  /**
   * The console's identity providers, one per agency (a JSON file; see the operators' guide).
   * Unset with the demo seed: the demo's own OpenID provider is used.
   */
  readonly consoleIdentityProvidersFile: string | undefined;
  /** The providers that file lists, checked at start (client secrets read from the environment). */
  readonly consoleIdentityProviders: readonly IdentityProviderEntry[];
  /** A console session ends after this many minutes without a request… */
  readonly consoleIdleMinutes: number;
  /** …and in any case this many hours after sign-in. */
  readonly consoleSessionHours: number;
  /** The sign-in page lists the agencies (else it asks for the agency's code). */
  readonly consoleListAgencies: boolean;
  /** The demo's OpenID provider listens here (demo seed only; 0 picks a free port). */
  readonly demoIdpPort: number;
  /** The table's time zone: dates in the console are shown in it. */
  readonly timeZone: string;
}

const NODE_ENVS: readonly NodeEnv[] = ['development', 'test', 'production'];
const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

type Env = Record<string, string | undefined>;

function intIn(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
  }
  return raw as T;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'on', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'off', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false (got "${raw}")`);
}

function timeZone(env: Env): string {
  const raw = env.FILET_TIME_ZONE || 'America/Toronto';
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: raw });
  } catch {
    throw new ConfigError(
      `FILET_TIME_ZONE must be an IANA time zone such as America/Moncton (got "${raw}")`,
    );
  }
  return raw;
}

function databaseUrl(env: Env): string | undefined {
  const raw = env.DATABASE_URL;
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL is not a valid URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  return raw;
}

/**
 * The only place that reads the environment. Every setting is validated here, so a broker with a
 * bad configuration refuses to start instead of running half-configured.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = oneOf(env, 'NODE_ENV', NODE_ENVS, 'development');
  const varDir = resolve(env.FILET_VAR_DIR || 'var');
  const host = env.HOST || '127.0.0.1';
  const port = intIn(env, 'PORT', 3000, 0, 65535);
  const maxTokenLifetimeSeconds = intIn(env, 'FILET_MAX_TOKEN_LIFETIME_SECONDS', 300, 10, 300);
  const publicUrl =
    env.FILET_PUBLIC_URL || `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  // The demo network (whose coordinating agency holds admin keys under var/keys) is seeded by
  // default only into the embedded database, never in production; an external database needs
  // FILET_DEMO_SEED=true.
  const demoSeed = nodeEnv !== 'production' && flag(env, 'FILET_DEMO_SEED', !databaseUrl(env));
  const webhookTimeoutMs = intIn(env, 'FILET_WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000);
  const webhookLeaseSeconds = intIn(env, 'FILET_WEBHOOK_LEASE_SECONDS', 60, 1, 3600);
  // An attempt must end (answer, timeout or refusal) well before another instance may take it over.
  if (webhookLeaseSeconds * 1000 < webhookTimeoutMs + 1000) {
    throw new ConfigError(
      'FILET_WEBHOOK_LEASE_SECONDS must exceed FILET_WEBHOOK_TIMEOUT_MS by at least one second',
    );
  }
  const providersFile = env.FILET_CONSOLE_IDENTITY_PROVIDERS
    ? resolve(env.FILET_CONSOLE_IDENTITY_PROVIDERS)
    : undefined;
  return Object.freeze({
    nodeEnv,
    host,
    port,
    databaseUrl: databaseUrl(env),
    dbPoolSize: intIn(env, 'FILET_DB_POOL_SIZE', 10, 1, 200),
    embeddedPgPort: intIn(env, 'FILET_EMBEDDED_PG_PORT', 54329, 1024, 65535),
    varDir,
    keysDir: resolve(varDir, 'keys'),
    audience: env.FILET_AUDIENCE || 'urn:filet:broker',
    clockSkewSeconds: intIn(env, 'FILET_CLOCK_SKEW_SECONDS', 30, 0, 120),
    maxTokenLifetimeSeconds,
    bodyLimitBytes: intIn(env, 'FILET_BODY_LIMIT_BYTES', 262144, 1024, 10485760),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    demoSeed,
    publicUrl,
    dbRole: env.FILET_DB_ROLE ?? 'filet_app',
    policiesDir: resolve(env.FILET_POLICIES_DIR || 'policies'),
    auditKeyFile: resolve(
      env.FILET_AUDIT_KEY_FILE || resolve(varDir, 'keys', 'broker-audit-keys.json'),
    ),
    checkpointEveryRecords: intIn(env, 'FILET_CHECKPOINT_EVERY_RECORDS', 1000, 1, 10_000_000),
    checkpointEverySeconds: intIn(env, 'FILET_CHECKPOINT_EVERY_SECONDS', 60, 1, 86_400),
    webhookPollMs: intIn(env, 'FILET_WEBHOOK_POLL_MS', 1000, 10, 60_000),
    webhookRetryBaseMs: intIn(env, 'FILET_WEBHOOK_RETRY_BASE_MS', 2000, 10, 3_600_000),
    webhookMaxAttempts: intIn(env, 'FILET_WEBHOOK_MAX_ATTEMPTS', 12, 1, 100),
    webhookLeaseSeconds,
    webhookTimeoutMs,
    webhookAllowPrivate:
      nodeEnv !== 'production' && flag(env, 'FILET_WEBHOOK_ALLOW_PRIVATE', demoSeed),
    retentionEveryMinutes: intIn(env, 'FILET_RETENTION_EVERY_MINUTES', 60, 1, 10_080),
    // Far above what a table's systems send (a few requests a minute per agency); benchmarks and
    // load tests raise it or set 0.
    rateLimitPerMinute: intIn(env, 'FILET_RATE_LIMIT_PER_MINUTE', 600, 0, 100_000_000),
    rateLimitBurst: intIn(env, 'FILET_RATE_LIMIT_BURST', 200, 1, 100_000_000),
    hsts: publicUrl.startsWith('https://'),
    consoleIdentityProvidersFile: providersFile,
    consoleIdentityProviders: providersFile
      ? loadIdentityProviders(providersFile, env, nodeEnv === 'production')
      : [],
    consoleIdleMinutes: intIn(env, 'FILET_CONSOLE_IDLE_MINUTES', 15, 1, 480),
    consoleListAgencies: flag(env, 'FILET_CONSOLE_LIST_AGENCIES', demoSeed),
    consoleSessionHours: intIn(env, 'FILET_CONSOLE_SESSION_HOURS', 8, 1, 24),
    demoIdpPort: intIn(
      env,
      'FILET_DEMO_IDP_PORT',
      port === 0 || port === 65535 ? 0 : port + 1,
      0,
      65535,
    ),
    timeZone: timeZone(env),
  });
}
