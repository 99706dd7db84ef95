/** Names shared by the global setup (parent process) and the test files (workers). */
export const ENV_ADMIN_URL = 'FILET_TEST_ADMIN_URL';
export const ENV_TEMPLATE = 'FILET_TEST_TEMPLATE';
export const ENV_RUN_ID = 'FILET_TEST_RUN_ID';
export const TEST_DB_PREFIX = 'filet_test_';
/** Where every broker of the run appends its log lines, for the personal-data check at teardown. */
export const ENV_LOG_DIR = 'FILET_TEST_LOG_DIR';

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through jest (global setup)`);
  return value;
}
