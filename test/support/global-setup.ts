// Must come first: see resolve-ts.cjs.
import './resolve-ts.cjs';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { withDatabase } from '../../src/common/db/database-url.js';
import { startEmbeddedPostgres } from '../../src/common/db/embedded-postgres.js';
import { migrate } from '../../src/common/db/migrate.js';
import { createDataSource } from '../../src/database.js';
import {
  ENV_ADMIN_URL,
  ENV_LOG_DIR,
  ENV_RUN_ID,
  ENV_TEMPLATE,
  TEST_DB_PREFIX,
} from './test-env.js';
import { freePort } from './processes.js';
import { testState } from './test-state.js';

/**
 * One PostgreSQL for the whole run: the machine's when DATABASE_URL is set, else an embedded one in
 * a temporary folder. Migrations run once, into a template; every test file clones it.
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dir = await mkdtemp(join(tmpdir(), 'filet-test-pg-'));
    const running = await startEmbeddedPostgres({ dir, port: await freePort(), ephemeral: true });
    testState.embedded = { dir, stop: running.stop };
    adminUrl = running.url;
  }
  const template = `${TEST_DB_PREFIX}${runId}_template`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${template}"`);
  } finally {
    await admin.end();
  }
  const dataSource = createDataSource({ url: withDatabase(adminUrl, template), poolSize: 2 });
  await dataSource.initialize();
  try {
    await migrate(dataSource);
  } finally {
    await dataSource.destroy();
  }
  // Every broker of the run appends its log lines here; the teardown looks for personal data.
  const logDir = await mkdtemp(join(tmpdir(), 'filet-test-logs-'));
  process.env[ENV_LOG_DIR] = logDir;
  testState.logDir = logDir;
  process.env[ENV_ADMIN_URL] = adminUrl;
  process.env[ENV_TEMPLATE] = template;
  process.env[ENV_RUN_ID] = runId;
  testState.adminUrl = adminUrl;
  testState.runId = runId;
}
