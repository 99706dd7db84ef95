// Must come first: see resolve-ts.cjs.
import './resolve-ts.cjs';
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { checkCapturedLogs } from './log-check.js';
import { TEST_DB_PREFIX } from './test-env.js';
import { testState } from './test-state.js';

/**
 * Drops every database this run made, checks none is left, and stops the embedded server; then
 * checks that no broker of the run wrote seeded personal data to its logs.
 */
export default async function globalTeardown(): Promise<void> {
  const { adminUrl, runId, embedded, logDir } = testState;
  try {
    if (adminUrl && runId) {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        const pattern = `${TEST_DB_PREFIX}${runId}_%`;
        const { rows } = await admin.query<{ datname: string }>(
          'SELECT datname FROM pg_database WHERE datname LIKE $1',
          [pattern],
        );
        for (const { datname } of rows) {
          await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
        }
        const left = await admin.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [
          pattern,
        ]);
        if (left.rowCount)
          throw new Error(
            `test databases left behind: ${left.rows.map((r) => r.datname).join(', ')}`,
          );
      } finally {
        await admin.end();
      }
    }
  } finally {
    if (embedded) {
      await embedded.stop();
      await rm(embedded.dir, { recursive: true, force: true });
    }
  }
  if (logDir) {
    try {
      const report = await checkCapturedLogs(logDir);
      console.log(
        `log check: no seeded personal data in ${report.lines} broker log lines ` +
          `(${report.requestLines} requests) from ${report.files} files`,
      );
    } finally {
      await rm(logDir, { recursive: true, force: true });
    }
  }
}
