import type { DataSource } from 'typeorm';
import { createDataSource } from '../../database.js';

// Any constant works; it only has to be the same for every broker instance.
const MIGRATION_LOCK = 0x46494c4554; // "FILET"

/**
 * Applies pending migrations under a PostgreSQL advisory lock, so several broker instances starting
 * together on one database apply each migration exactly once. Returns the names applied.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

/** Migrates the database at `url` as its login role (the schema owner), then closes the connection. */
export async function migrateDatabase(url: string): Promise<string[]> {
  // Two connections: one holds the advisory lock while the other runs the migrations.
  const owner = createDataSource({ url, poolSize: 2, applicationName: 'filet-migrate' });
  await owner.initialize();
  try {
    return await migrate(owner);
  } finally {
    await owner.destroy();
  }
}

/** Creates the database when missing (embedded PostgreSQL starts with only `postgres`). */
export async function ensureDatabase(maintenance: DataSource, name: string): Promise<boolean> {
  const rows: unknown[] = await maintenance.query('SELECT 1 FROM pg_database WHERE datname = $1', [
    name,
  ]);
  if (rows.length > 0) return false;
  await maintenance.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  return true;
}
