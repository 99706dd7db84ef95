import { appendFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory.js';
import { createLogger } from '../../src/common/logging/logger.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { APP_ROLE, createDataSource } from '../../src/database.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { STARTED_SUFFIX } from './log-check.js';
import { ENV_LOG_DIR } from './test-env.js';

export interface HttpResult<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

/** The body of a response that must be a success (2xx); `what` names the call in the failure. */
export async function ok<T>(res: Promise<HttpResult<T>>, what: string): Promise<T> {
  const done = await res;
  if (done.status >= 300) throw new Error(`${what}: ${done.status} ${done.text}`);
  return done.body;
}

export interface RequestOptions {
  readonly token?: string;
  readonly body?: unknown;
  /** Sent as is, without JSON encoding. */
  readonly rawBody?: string | Uint8Array;
  readonly headers?: Record<string, string>;
}

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly baseUrl: string;
  readonly config: AppConfig;
  readonly dataSource: DataSource;
  readonly database: TestDatabase;
  request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options?: RequestOptions,
  ): Promise<HttpResult<T>>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Receives every log line the broker writes (level info and above). */
  readonly logLines?: string[];
}

/**
 * Rate limits no test's load meets (fuzzing sends hundreds of requests a second from one agency);
 * a test of the limit itself sets its own.
 */
export const UNMET_RATE_LIMIT = {
  FILET_RATE_LIMIT_PER_MINUTE: '100000000',
  FILET_RATE_LIMIT_BURST: '100000000',
} as const;

/**
 * When the global setup asks for it, the file this test file's brokers append their log lines to
 * (at level info), for the personal-data check at teardown.
 */
function captureFile(): string | undefined {
  const dir = process.env[ENV_LOG_DIR];
  if (!dir) return undefined;
  const testPath = (
    globalThis as { expect?: { getState(): { testPath?: string } } }
  ).expect?.getState().testPath;
  return join(dir, `${basename(testPath ?? 'unknown')}.${process.pid}.ndjson`);
}

/**
 * The real broker on a real port, over a fresh clone of the migrated template database. Requests
 * go over real HTTP with `fetch`.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  return launch(database, env, { ownsDatabase: true, logLines: options.logLines });
}

/**
 * Another broker instance, with its own pool and port, on the database of a running test app: for
 * what instances share only through PostgreSQL (single-use token ids, revocations). Closing it
 * leaves the database to its owner.
 */
export function startSecondInstance(
  of: TestApp,
  env: Record<string, string> = {},
): Promise<TestApp> {
  return launch(of.database, env, { ownsDatabase: false });
}

async function launch(
  database: TestDatabase,
  env: Record<string, string>,
  { ownsDatabase, logLines }: { ownsDatabase: boolean; logLines?: string[] },
): Promise<TestApp> {
  // Instances on one database share the broker's audit keys, as instances of one deployment do.
  const auditKeyFile = join(tmpdir(), `${database.name}-audit-keys.json`);
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: database.url,
    FILET_AUDIT_KEY_FILE: auditKeyFile,
    ...UNMET_RATE_LIMIT,
    ...env,
  });
  const dataSource = createDataSource({ url: database.url, poolSize: 4, role: APP_ROLE });
  await dataSource.initialize();
  const capture = captureFile();
  // The log check fails if a broker started here and none of its lines reached `capture`.
  if (capture) appendFileSync(`${capture}${STARTED_SUFFIX}`, '');
  const logger =
    logLines || capture
      ? createLogger({
          level: 'info',
          destination: new Writable({
            write(chunk: Buffer, _encoding, done) {
              // Synchronous: a worker may exit right after its last test, before a stream drains.
              if (capture) appendFileSync(capture, chunk);
              logLines?.push(...chunk.toString('utf8').split('\n').filter(Boolean));
              done();
            },
          }),
        })
      : createLogger({ level: 'silent' });
  const app = await createApp({ config, dataSource, logger });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;

  async function request<T>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Uint8Array | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  return {
    app,
    baseUrl,
    config,
    dataSource,
    database,
    request,
    async close() {
      await app.close();
      await dataSource.destroy();
      if (ownsDatabase) {
        await database.drop();
        await rm(auditKeyFile, { force: true });
      }
    },
  };
}
